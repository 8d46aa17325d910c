#!/usr/bin/env bash
# Offline push against its peers, wall and CPU seconds (user+system, children included), medians of
# RUNS runs on the same generated ~1 GB mixed capture in one run (issue 13, targets 1, 2 and 4).
# Each pushcap row against a peer alternates with its own RUNS runs of that peer (shown beside the
# row) and its ratio is taken from those, so that the machine's drift over the script's minutes
# does not enter a ratio:
#   1. one target (tcp, 60 s splits, zstd level 1) vs `tcpdump -r in -w - tcp | zstd -1`,
#      with the manifest's SHA-256 (the default) and with Digest = "none" (zstd:1 has one libzstd
#      worker on a machine with more than one CPU), with no worker (zstd:1:0, the caller's thread),
#      and with PipeCmd = "zstd -1 -c" (the child writes the split's file itself);
#   2. pass-through (no filter, no compression, into a RAM directory) vs `tcpdump -r in -w out`;
#   3. four targets (tcp, udp, web, ip6; zstd:1) vs one.
# Usage: bench/offline.sh [SIZE (default 1g)]; BENCH_INPUT=file.pcap for your own capture.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
in=$(bench_input "${1:-1g}" mixed)
cat "$in" >/dev/null
machine
echo "input: $in ($(du -h "$in" | cut -f1))"
out="$RAM/offline-out"

target() { # desc filter compress digest; compress "pipe:COMMAND" is a PipeCmd writing .pcap.zst
    local f=nil c="Compress = \"$3\""
    [ -n "$2" ] && f="\"$2\""
    [[ $3 == pipe:* ]] && c="PipeCmd = \"${3#pipe:}\", FileSuffix = \".pcap.zst\""
    echo "table.insert(Config.Target, { Desc = \"$1\", Path = \"$out/$1/\", Split = \"--split-time 60e9\","
    echo "    FileName = \"--filename-epoch-sec-startend\", FilterBPF = $f, Decap = false, $c, Digest = \"$4\" })"
}
config() { # file, then target lines
    local f=$1; shift
    { echo 'local Config = {} Config.Target = {}'; "$@"; echo 'return Config'; } > "$RAM/$f"
}
config one-sha.lua target tcp tcp zstd:1 sha256
config one-nodigest.lua target tcp tcp zstd:1 none
config one-caller.lua target tcp tcp zstd:1:0 none
config one-pipe-sha.lua target tcp tcp "pipe:zstd -1 -c" sha256
config one-pipe-nodigest.lua target tcp tcp "pipe:zstd -1 -c" none
config pass-sha.lua target all "" none sha256
config pass-nodigest.lua target all "" none none
four() { target tcp tcp zstd:1 sha256; target udp udp zstd:1 sha256; target web "port 80 or port 443" zstd:1 sha256
         target v6 ip6 zstd:1 sha256; }
config four.lua four

push() { rm -rf "$out"; "$PUSHCAP" push --config "$RAM/$1" --force --no-progress --log-dir "$RAM/logs" --state-dir "$RAM/var" --offline "$in"; }
peer_zstd() { tcpdump -r "$in" -w - tcp 2>/dev/null | zstd -1 -q -c > "$RAM/peer.pcap.zst"; }
peer_pass() { tcpdump -r "$in" -w "$RAM/peer.pcap" 2>/dev/null; }

line() { # label "WALL CPU" [peer "WALL CPU" [suffix]]
    read -r w c <<<"$2"
    if [ $# -ge 3 ]; then
        read -r pw pc <<<"$3"
        printf '%-46s %6.2f s wall %6.2f CPU-s   peer/pushcap: wall %sx, CPU %sx%s\n' "$1" "$w" "$c" \
            "$(bench_ratio "$pw" "$w")" "$(bench_ratio "$pc" "$c")" "${4:-}"
    else
        printf '%-46s %6.2f s wall %6.2f CPU-s\n' "$1" "$w" "$c"
    fi
}
paired() { # label peer-function config: the row and its ratio to the peer's runs alternated with it
    local pw pc w c
    read -r pw pc w c <<<"$(bench_pair_median "$RUNS" "$2" push "$3")"
    line "$1" "$w $c" "$pw $pc" "$(printf '  (peer alongside: %.2f s, %.2f CPU-s)' "$pw" "$pc")"
}

p1=$(bench_cpu_median "$RUNS" peer_zstd)
line "tcpdump -r in -w - tcp | zstd -1 (peer)" "$p1"
paired "pushcap push, 1 target zstd:1, SHA-256" peer_zstd one-sha.lua
paired "pushcap push, 1 target zstd:1, Digest none" peer_zstd one-nodigest.lua
paired "pushcap push, 1 target zstd:1:0, Digest none" peer_zstd one-caller.lua
# Same packets on both sides (pushcap's splits concatenated vs the peer's file).
same_packets() {
    ours=$(for f in "$out"/tcp/*.zst; do zstd -dc "$f" | tcpdump -r - -nn -S 2>/dev/null; done | md5sum)
    theirs=$(zstd -dc "$RAM/peer.pcap.zst" | tcpdump -r - -nn -S 2>/dev/null | md5sum)
    [ "$ours" = "$theirs" ] || { echo "pushcap's tcp target ($1) and tcpdump|zstd hold different packets" >&2; exit 1; }
}
same_packets "zstd:1:0"
paired "pushcap push, 1 target PipeCmd, SHA-256" peer_zstd one-pipe-sha.lua
paired "pushcap push, 1 target PipeCmd, Digest none" peer_zstd one-pipe-nodigest.lua
same_packets "PipeCmd"

p2=$(bench_cpu_median "$RUNS" peer_pass)
line "tcpdump -r in -w out (peer)" "$p2"
paired "pushcap push pass-through, SHA-256" peer_pass pass-sha.lua
paired "pushcap push pass-through, Digest none" peer_pass pass-nodigest.lua

one=$(bench_cpu_median "$RUNS" push one-sha.lua)
four_t=$(bench_cpu_median "$RUNS" push four.lua)
read -r w1 c1 <<<"$one"; read -r w4 c4 <<<"$four_t"
line "pushcap push, 1 target (tcp), SHA-256" "$one"
printf '%-46s %6.2f s wall %6.2f CPU-s   four/one: wall %sx (target < 1.5x), CPU %sx\n' "pushcap push, 4 targets" \
    "$w4" "$c4" "$(bench_ratio "$w4" "$w1")" "$(bench_ratio "$c4" "$c1")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$out" "$RAM/peer.pcap" "$RAM/peer.pcap.zst"
