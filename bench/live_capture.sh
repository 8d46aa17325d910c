#!/usr/bin/env bash
# Live capture peer benchmark: the highest tcpreplay rate at which `pushcap rx` (into a ring, with
# a consumer draining the ring into a pcap file on ramfs) loses nothing, against
# `tcpdump -i vethB -w FILE` on ramfs, with the same small-packet capture, in the same run.
#
# A veth pair joins two fresh network namespaces (IPv6 off, offloads off); tcpreplay sends into
# vethA at increasing rates; the capture runs on vethB. A trial is lossless when every packet sent
# was captured and the kernel reports no drops (and, for pushcap, the consumer lost nothing).
#
# Usage: sudo bench/live_capture.sh [PACKETS] [RATES...]   (rates in packets/s, or "topspeed")
# Env:   PUSHCAP_CONSUMER=cat (default) | record  -- what drains the ring. `record` is the capture
#        store command (see consumer_start below), used once it exists on this branch.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PUSHCAP_HOME=$(cd "$HERE/.." && pwd)
export PUSHCAP_HOME
. "$PUSHCAP_HOME/bin/lib/env.sh"
pushcap_find_java
P="$PUSHCAP_HOME/bin/pushcap"

PACKETS=${1:-300000}
shift || true
RATES=("$@")
[ ${#RATES[@]} -gt 0 ] || RATES=(50000 100000 150000 200000 250000 300000 topspeed)
CONSUMER=${PUSHCAP_CONSUMER:-cat}
SIZE=60

[ "$(id -u)" = 0 ] || { echo "live_capture.sh: needs root (network namespaces, ramfs)" >&2; exit 2; }
for t in ip ethtool tcpreplay tcpdump; do
    command -v $t >/dev/null || { echo "live_capture.sh: missing $t" >&2; exit 2; }
done

ID=$(printf '%06x' $(( (RANDOM << 15 | RANDOM) & 0xffffff )))
NSA=pushcap-b$ID-a; NSB=pushcap-b$ID-b; VA=ba$ID; VB=bb$ID
WORK=$(mktemp -d /tmp/pushcap-bench.XXXXXX)
RAM=$WORK/ram
PIDS=()

cleanup() {
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$NSA" 2>/dev/null || true
    ip netns del "$NSB" 2>/dev/null || true
    umount "$RAM" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

in_a() { ip netns exec "$NSA" "$@"; }
in_b() { ip netns exec "$NSB" "$@"; }

setup() {
    for ns in "$NSA" "$NSB"; do
        ip netns add "$ns"
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    done
    ip link add "$VA" type veth peer name "$VB"
    ip link set "$VA" netns "$NSA"; ip link set "$VB" netns "$NSB"
    in_a ethtool -K "$VA" tso off gso off gro off tx off rx off rxvlan off txvlan off >/dev/null
    in_b ethtool -K "$VB" tso off gso off gro off tx off rx off rxvlan off txvlan off >/dev/null
    in_a ip link set "$VA" up; in_b ip link set "$VB" up
    mkdir -p "$RAM"; mount -t ramfs none "$RAM"
}

# Ring header fields at their documented offsets (docs/rings.md, RingDescriptor): native 64-bit.
u64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }
i32() { od -An -t d4 -j "$2" -N 4 "$1" | tr -d ' '; }
ring_packets() { u64 "$1" 152; }
ring_kernel_drops() { u64 "$1" 264; }
slot0_owner() { u64 "$1" $((4096 + 64)); }
slot0_sequence() { u64 "$1" $((4096 + 8)); }
slot0_lost() { u64 "$1" $((4096 + 32)); }

rx_started() { [ "$(i32 "$1" 40)" = 1 ]; }                        # link type declared
consumer_attached() { [ "$(slot0_owner "$1")" != 0 ]; }
consumer_caught_up() { [ "$(slot0_sequence "$1")" = "$(ring_packets "$1")" ]; }

wait_until() { # seconds, command...: polls every 50 ms, re-running the command each time
    local deadline=$(( $(date +%s) + $1 )); shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.05
    done
}

consumer_start() { # ring -> output; the hook to switch from cat to record
    case "$CONSUMER" in
        cat) "$P" cat --name bench-consumer "$1" > "$RAM/consumer.pcap" 2>"$WORK/consumer.log" & ;;
        record) "$P" record "$1" --store "$RAM/store" --name bench >"$WORK/consumer.log" 2>&1 & ;;
        *) echo "PUSHCAP_CONSUMER=$CONSUMER: expected cat or record" >&2; exit 2 ;;
    esac
    CONSUMER_PID=$!; PIDS+=("$CONSUMER_PID")
}

settle() { # ring: waits until the ring stops growing and the consumer has caught up
    local last=-1 now # rx's block timeout is 10 ms (--timeout), so 0.5 s without growth is the end
    while now=$(ring_packets "$1"); [ "$now" != "$last" ]; do last=$now; sleep 0.5; done
    wait_until 30 consumer_caught_up "$1" || true
}

stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# Sends the capture at a rate ("topspeed" or packets/s); sets ACHIEVED to the rate tcpreplay reports.
replay() {
    local opt
    if [ "$1" = topspeed ]; then opt=--topspeed; else opt=--pps=$1; fi
    ACHIEVED=$(ip netns exec "$NSA" tcpreplay -K -i "$VA" $opt "$WORK/small.pcap" 2>&1 \
        | awk '/Rated:/ { for (i=1;i<=NF;i++) if ($i=="pps") { gsub(",","",$(i-1)); print int($(i-1)); exit } }')
}

# Each trial sets ACHIEVED and LOST. Processes are started directly (not through a function) so
# $! is their pid (ip netns exec and bin/pushcap exec in place) and the EXIT trap can stop them.
trial_pushcap() {
    local ring=$RAM/ring
    "$P" ring create -s 256m --force "$ring" >/dev/null 2>&1
    ip netns exec "$NSB" "$P" rx -i "$VB" "$ring" >/dev/null 2>"$WORK/rx.log" &
    local rx=$!; PIDS+=("$rx")
    wait_until 60 rx_started "$ring" || { echo "rx did not start: $(cat "$WORK/rx.log")" >&2; exit 1; }
    consumer_start "$ring"
    wait_until 60 consumer_attached "$ring" || { echo "consumer did not start: $(cat "$WORK/consumer.log")" >&2; exit 1; }
    # Warm-up (JIT compilation of rx and the consumer), not counted: steady state is measured.
    ip netns exec "$NSA" tcpreplay -q -K -i "$VA" --pps=50000 "$WORK/warmup.pcap" >/dev/null 2>&1
    settle "$ring"
    local got0 drops0 clost0 consumed0
    got0=$(ring_packets "$ring"); drops0=$(ring_kernel_drops "$ring"); clost0=$(slot0_lost "$ring")
    consumed0=$(slot0_sequence "$ring")
    replay "$1"
    settle "$ring"
    stop_pid "$rx"
    stop_pid "$CONSUMER_PID"
    local got drops clost consumed missed
    got=$(( $(ring_packets "$ring") - got0 )); drops=$(( $(ring_kernel_drops "$ring") - drops0 ))
    clost=$(( $(slot0_lost "$ring") - clost0 )); consumed=$(( $(slot0_sequence "$ring") - consumed0 ))
    missed=$(( PACKETS - got )); [ "$drops" -gt "$missed" ] && missed=$drops
    LOST=$(( missed + (got - consumed) + clost ))
}

trial_tcpdump() {
    rm -f "$RAM/tcpdump.pcap"
    ip netns exec "$NSB" tcpdump -i "$VB" -B 32768 -n -w "$RAM/tcpdump.pcap" 2>"$WORK/tcpdump.log" &
    local td=$!; PIDS+=("$td")
    wait_until 60 grep -q "listening on" "$WORK/tcpdump.log" || { echo "tcpdump did not start" >&2; exit 1; }
    replay "$1"
    # tcpdump leaves libpcap's default 1000 ms TPACKET_V3 block timeout: the last, partly filled
    # block reaches it up to a second after the replay. Wait well past that before stopping it.
    local last=-1 now
    while now=$(stat -c %s "$RAM/tcpdump.pcap" 2>/dev/null || echo 0); [ "$now" != "$last" ]; do last=$now; sleep 2.5; done
    kill -INT "$td" 2>/dev/null || true; wait "$td" 2>/dev/null || true
    local got drops missed
    got=$(awk '/packets captured/ {print $1}' "$WORK/tcpdump.log")
    drops=$(awk '/dropped by kernel/ {print $1}' "$WORK/tcpdump.log")
    missed=$(( PACKETS - got )); [ "$drops" -gt "$missed" ] && missed=$drops
    LOST=$missed
}

setup
"$JAVA" "$HERE/SmallFrames.java" "$WORK/small.pcap" "$PACKETS" "$SIZE"
"$JAVA" "$HERE/SmallFrames.java" "$WORK/warmup.pcap" 50000 "$SIZE"
"$P" --version >/dev/null 2>&1 # builds the jar before timing anything

echo "live capture benchmark: $PACKETS packets of $SIZE bytes per trial, veth pair in namespaces, files on ramfs"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), kernel $(uname -r)"
echo "jdk: $("$JAVA" -version 2>&1 | head -1); $(tcpdump --version 2>&1 | head -1); $(tcpreplay -V 2>&1 | head -1)"
echo "consumer of the ring: $CONSUMER; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s | %-28s | %-28s\n' "rate" "pushcap rx + $CONSUMER (sent/lost)" "tcpdump -w (sent/lost)"
best_p=0; best_t=0
for rate in "${RATES[@]}"; do
    trial_pushcap "$rate"; pa=$ACHIEVED; pl=$LOST
    trial_tcpdump "$rate"; ta=$ACHIEVED; tl=$LOST
    printf '%-10s | %10s pps %8s lost | %10s pps %8s lost\n' "$rate" "$pa" "$pl" "$ta" "$tl"
    if [ "$pl" = 0 ] && [ "${pa:-0}" -gt "$best_p" ]; then best_p=$pa; fi
    if [ "$tl" = 0 ] && [ "${ta:-0}" -gt "$best_t" ]; then best_t=$ta; fi
done
echo "highest lossless rate: pushcap $best_p pps, tcpdump $best_t pps"
if [ "$best_t" -gt 0 ]; then
    awk -v p="$best_p" -v t="$best_t" 'BEGIN { printf "ratio pushcap/tcpdump: %.2f\n", p / t }'
fi
