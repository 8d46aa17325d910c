#!/usr/bin/env bash
# Offline push of a ~1 GB mixed capture: one target (FilterBPF "tcp", 60 s splits, zstd level 1)
# against `tcpdump -r in -w - tcp | zstd -1 -c > out` on the same file in the same run; then four
# targets (tcp, udp, web, IPv6; each 60 s splits, zstd 1) against the one-target time.
# Usage: bench/push.sh [SIZE (default 1g)]; BENCH_INPUT=file.pcap for your own capture;
# ZSTD_SPEC overrides the targets' Compress (default zstd:1:2 = level 1, 2 worker threads).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
SPEC=${ZSTD_SPEC:-zstd:1:2}
in=$(bench_input "${1:-1g}" mixed)
cat "$in" >/dev/null
machine
echo "input: $in ($(du -h "$in" | cut -f1)); pushcap Compress = $SPEC"
out="$RAM/push-out"

target() { # desc filter
    cat <<LUA
table.insert(Config.Target, { Desc = "$1", Path = "$out/$1/", Split = "--split-time 60e9",
    FileName = "--filename-epoch-sec-startend", FilterBPF = "$2", Decap = false,
    Compress = "$SPEC", FileSuffix = ".pcap.zst" })
LUA
}
{ echo 'local Config = {} Config.Target = {}'; target tcp tcp; echo 'return Config'; } > "$RAM/one.lua"
{ echo 'local Config = {} Config.Target = {}'; target tcp tcp; target udp udp; target web "port 80 or port 443"
  target v6 ip6; echo 'return Config'; } > "$RAM/four.lua"

push() { rm -rf "$out"; "$PUSHCAP" push --config "$1" --force --no-progress --log-dir "$RAM/logs" --state-dir "$RAM/var" --offline "$in"; }
peer() { tcpdump -r "$in" -w - tcp 2>/dev/null | zstd -1 -q -c > "$RAM/peer.pcap.zst"; }

t_peer=$(bench_time_median "$RUNS" peer)
t_one=$(bench_time_median "$RUNS" push "$RAM/one.lua")
t_four=$(bench_time_median "$RUNS" push "$RAM/four.lua")

# Same packets on both sides (pushcap's splits concatenated vs the peer's single file).
ours=$(for f in "$out"/tcp/*.zst; do zstd -dc "$f" | tcpdump -r - -nn -S 2>/dev/null; done | md5sum)
theirs=$(zstd -dc "$RAM/peer.pcap.zst" | tcpdump -r - -nn -S 2>/dev/null | md5sum)
[ "$ours" = "$theirs" ] || { echo "pushcap's tcp target and tcpdump|zstd hold different packets" >&2; exit 1; }

printf 'tcpdump -r in -w - tcp | zstd -1 : %6.3f s\n' "$t_peer"
printf 'pushcap push, 1 target (tcp)     : %6.3f s   %sx the peer (target >= 2x)\n' "$t_one" "$(bench_ratio "$t_peer" "$t_one")"
printf 'pushcap push, 4 targets          : %6.3f s   %sx the 1-target time (target < 2x)\n' "$t_four" "$(bench_ratio "$t_four" "$t_one")"
echo "(pushcap times include JVM start-up, config validation and fsync of every split)"
