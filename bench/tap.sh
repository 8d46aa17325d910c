#!/usr/bin/env bash
# Tap re-transmission rate: `pushcap tx` from a ring onto a veth against `tcpreplay --topspeed` of
# the same capture onto the same veth, in the same run; then pushcap's VXLAN and GRETAP
# encapsulation rates from the same rings. Two captures: 60-byte frames (`gen --mix small`,
# packet rate) and the mixed mix (byte rate). Each figure is the median of RUNS runs, as each tool
# reports it (its own send loop, start-up excluded). Needs root (network namespaces).
# Usage: bench/tap.sh ; RUNS=5 SMALL=128m MIXED=512m bench/tap.sh ; TX_OPTS="--batch 16" to try options.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
[ "$(id -u)" = 0 ] || { echo "bench/tap.sh needs root (ip netns, veth)" >&2; exit 2; }
small=$(bench_input "${SMALL:-64m}" small)
mixed=$(bench_input "${MIXED:-256m}" mixed)

id=$$
A=pushcap-bt$id-a; B=pushcap-bt$id-b; VA=bta$id; VB=btb$id
RINGS="$RAM/tap-bench-$id"
cleanup() { ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true; rm -rf "$RINGS"; }
trap cleanup EXIT
mkdir -p "$RINGS"
ip netns add "$A"; ip netns add "$B"
for ns in "$A" "$B"; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
ip link add "$VA" type veth peer name "$VB"
ip link set "$VA" netns "$A"; ip link set "$VB" netns "$B"
ip netns exec "$A" ethtool -K "$VA" tso off gso off gro off tx off rx off >/dev/null
ip netns exec "$B" ethtool -K "$VB" tso off gso off gro off tx off rx off >/dev/null
ip -n "$A" link set "$VA" mtu 9000 up; ip -n "$B" link set "$VB" mtu 9000 up
ip -n "$A" addr add 10.98.0.1/24 dev "$VA"; ip -n "$B" addr add 10.98.0.2/24 dev "$VB"
# Nothing listens for the tunnels in B; a real endpoint would consume them. Without this, B's
# attempts to answer each one with ICMP unreachable (routed per packet, before the rate limit)
# would be charged to the sender's CPU, since veth delivers in the sender's context.
ip netns exec "$B" sysctl -qw net.ipv4.icmp_msgs_per_sec=0 net.ipv4.icmp_msgs_burst=0
ip -n "$A" neigh replace 10.98.0.2 lladdr "$(ip netns exec "$B" cat /sys/class/net/$VB/address)" dev "$VA" nud permanent

load_ring() { # capture ring-name
    local size=$(( $(stat -c %s "$1") * 13 / 10 + (64 << 20) ))
    "$PUSHCAP" ring create -s "$size" --dir "$RINGS" "$2" >/dev/null 2>&1
    "$PUSHCAP" rx -r "$1" --topspeed --dir "$RINGS" "$2" >/dev/null 2>&1
}
# pushcap tx ... -> "pps gbps us_cpu_per_packet" from its summary line (its own send loop)
pushcap_tx() {
    ip netns exec "$A" "$PUSHCAP" tx "$@" ${TX_OPTS:-} --from-start --once 2>&1 \
        | sed -n 's/.*sent \([0-9]*\) packets.* s (\([0-9]*\) pps, \([0-9.]*\) Gbit\/s; cpu [0-9.]* s, \([0-9.]*\) us\/packet).*/\2 \3 \4/p'
}
# tcpreplay -> "pps gbps us_cpu_per_packet" from its "Actual:"/"Rated:" lines and its user+system time
tcpreplay_tx() {
    ip netns exec "$A" /usr/bin/time -f 'CPU %U %S' tcpreplay --topspeed -q -i "$VA" "$1" 2>&1 | awk '
        /Actual:/ {n = $2}
        /Rated:/  {gsub(",", ""); bps = $2; pps = $6}
        /^CPU /   {cpu = $2 + $3}
        END {printf "%.0f %.3f %.2f\n", pps, bps * 8 / 1e9, (n > 0 ? cpu * 1e6 / n : 0)}'
}
median() { sort -n | awk '{a[NR]=$0} END{print a[int((NR+1)/2)]}'; }
row() { # capture sender "pps gbps cpu" baseline_pps
    local p=${3%% *} rest=${3#* }
    printf '%-7s %-24s %10s %9s %11s %7s\n' "$1" "$2" "$p" "${rest%% *}" "${rest##* }" "$(bench_ratio "$p" "$4")"
}

machine
echo "veth pair between two namespaces, MTU 9000, offloads off; $RUNS interleaved runs, median by packet rate;"
echo "rates as each tool reports its own send loop; cpu = user+system time of the sender per packet; TX_OPTS='${TX_OPTS:-}'"
printf '%-7s %-24s %10s %9s %11s %7s\n' capture sender pps Gbit/s "us cpu/pkt" "x tcprpl"
for cap in small mixed; do
    f=${!cap}
    load_ring "$f" "$cap"
    pkts=$(capinfos -M -c "$f" | awk -F: '/Number of packets/{gsub(/ /,"",$2); print $2}')
    cat "$f" >/dev/null
    tr=(); px=(); vx=(); gt=()
    for ((i = 0; i < RUNS; i++)); do
        tr+=("$(tcpreplay_tx "$f")")
        px+=("$(pushcap_tx -i "$VA" --dir "$RINGS" "$cap")")
        vx+=("$(pushcap_tx -E vxlan:10.98.0.2 -K 42 --dir "$RINGS" "$cap")")
        gt+=("$(pushcap_tx -E gretap:10.98.0.2 -K 42 --dir "$RINGS" "$cap")")
    done
    t=$(printf '%s\n' "${tr[@]}" | median)
    row "$cap" "tcpreplay --topspeed" "$t" "${t%% *}"
    row "$cap" "pushcap tx -i" "$(printf '%s\n' "${px[@]}" | median)" "${t%% *}"
    row "$cap" "pushcap tx -E vxlan" "$(printf '%s\n' "${vx[@]}" | median)" "${t%% *}"
    row "$cap" "pushcap tx -E gretap" "$(printf '%s\n' "${gt[@]}" | median)" "${t%% *}"
    echo "        ($pkts packets, $(du -h "$f" | cut -f1): $f)"
    echo "        all runs: tcpreplay [${tr[*]}] tx -i [${px[*]}]"
done
