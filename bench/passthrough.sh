#!/usr/bin/env bash
# Read+write pass-through: pushcap's pcap reader and writer against `tcpdump -r in -w out`, on the
# same ~1 GB mixed capture, both writing to a RAM directory, in the same run.
# Usage: bench/passthrough.sh [SIZE (default 1g)] ; BENCH_INPUT=file.pcap to use your own capture.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
in=$(bench_input "${1:-1g}" mixed)
cat "$in" >/dev/null   # page cache warm for both
machine
echo "input: $in ($(du -h "$in" | cut -f1), $(capinfos -M -c "$in" | awk -F: '/Number of packets/{gsub(/ /,"",$2); print $2}') packets)"

t_tcpdump=$(bench_time_median "$RUNS" tcpdump -r "$in" -w "$RAM/out-tcpdump.pcap")
t_cli=$(bench_time_median "$RUNS" "$PUSHCAP" convert "$in" "$RAM/out-pushcap.pcap")
# In-JVM steady state: the same pass repeated in one JVM, best of the repeats (no JVM start-up).
t_jvm=$("$PUSHCAP" convert --repeat "$RUNS" "$in" "$RAM/out-pushcap.pcap" 2>&1 | awk '/^pass/{print $2}' | sort -n | head -n1)
cmp -s <(tcpdump -r "$RAM/out-tcpdump.pcap" -nn -tt 2>/dev/null | md5sum) <(tcpdump -r "$RAM/out-pushcap.pcap" -nn -tt 2>/dev/null | md5sum) \
    || { echo "outputs differ: pushcap's copy does not hold the same packets" >&2; exit 1; }

printf 'tcpdump -r -w            : %6.3f s\n' "$t_tcpdump"
printf 'pushcap convert (CLI)    : %6.3f s   ratio %sx (includes JVM start-up)\n' "$t_cli" "$(bench_ratio "$t_tcpdump" "$t_cli")"
printf 'pushcap convert (in JVM) : %6.3f s   ratio %sx\n' "$t_jvm" "$(bench_ratio "$t_tcpdump" "$t_jvm")"
rm -f "$RAM/out-tcpdump.pcap" "$RAM/out-pushcap.pcap"

# Writing into tmpfs costs the kernel ~0.5 s per GB for 4 KiB page allocation alone (dd bs=1M
# measures it), which bounds any writer. A tmpfs with transparent huge pages removes most of that
# cost; as root, measure both tools there too.
if [ "$(id -u)" = 0 ]; then
    huge=$(mktemp -d /tmp/pushcap-huge.XXXXXX)
    if mount -t tmpfs -o size=$(( $(stat -c %s "$in") * 3 )),huge=always none "$huge" 2>/dev/null; then
        t_dd=$(bench_time_median "$RUNS" dd if="$in" of="$RAM/out-dd" bs=1M status=none); rm -f "$RAM/out-dd"
        t_tcpdump_h=$(bench_time_median "$RUNS" tcpdump -r "$in" -w "$huge/out-tcpdump.pcap")
        t_jvm_h=$("$PUSHCAP" convert --repeat "$RUNS" "$in" "$huge/out-pushcap.pcap" 2>&1 | awk '/^pass/{print $2}' | sort -n | head -n1)
        printf 'dd bs=1M to %s (kernel floor) : %6.3f s\n' "$RAM" "$t_dd"
        printf 'huge-page tmpfs: tcpdump %6.3f s, pushcap (in JVM) %6.3f s   ratio %sx\n' "$t_tcpdump_h" "$t_jvm_h" \
            "$(bench_ratio "$t_tcpdump_h" "$t_jvm_h")"
        umount "$huge"
    fi
    rmdir "$huge"
fi
