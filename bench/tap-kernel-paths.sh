#!/usr/bin/env bash
# Which kernel send path should tx use? send() per frame, sendmmsg() of 64, or PACKET_TX_RING, with
# and without PACKET_QDISC_BYPASS, onto the same veth pair as bench/tap.sh, interleaved, in C (no
# JVM) so only the kernel path differs. Needs root and gcc. Usage: bench/tap-kernel-paths.sh [N] [RUNS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${1:-2000000}; RUNS=${2:-5}
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 2; }
bin="$WORK/tap-kernel-paths"
gcc -O2 -Wall -o "$bin" "$BENCH_HOME/bench/tap-kernel-paths.c"
id=$$; A=pushcap-bk$id-a; B=pushcap-bk$id-b; VA=bka$id; VB=bkb$id
trap 'ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true' EXIT
ip netns add "$A"; ip netns add "$B"
for ns in "$A" "$B"; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
ip link add "$VA" type veth peer name "$VB"; ip link set "$VA" netns "$A"; ip link set "$VB" netns "$B"
ip -n "$A" link set "$VA" up; ip -n "$B" link set "$VB" up
machine
echo "$N 60-byte frames per run, $RUNS interleaved runs"
for ((r = 0; r < RUNS; r++)); do
    for m in 0 1 2; do for b in 0 1; do ip netns exec "$A" "$bin" "$VA" $m "$N" $b; done; done
done > "$WORK/tap-kernel-paths.txt"
for k in send send+bypass sendmmsg/64 sendmmsg/64+bypass tx-ring/256 tx-ring/256+bypass; do
    runs=$(awk -v k="$k" '$1 == k {print $2}' "$WORK/tap-kernel-paths.txt")
    printf '%-20s median %8s pps   runs: %s\n' "$k" "$(echo "$runs" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')" \
        "$(echo $runs)"
done
