#!/usr/bin/env bash
# Flow metering + IPFIX export: pushcap vs softflowd on the same ~1 GB capture, in the same run.
# Both read the file (page cache warm), meter it and export IPFIX over UDP to a local sink that
# never reads (no ICMP errors, no collector CPU). Prints wall time, packets/s and flows/s per tool
# (median of ROUNDS alternating runs) and pushcap's ratio to softflowd.
#
#   bench/flows.sh                  # 1024 MB capture under /tmp/pushcap-bench, 3 rounds
#   SIZE_MB=256 ROUNDS=5 bench/flows.sh
#
# Fair terms: same file, same max flows (-m / --max-flows), UDP export to 127.0.0.1. softflowd
# never expires flows on time when reading a file (only at its end or on overflow); pushcap runs
# its normal packet-time expiry (idle 15 s, active 30 min, FIN 1 s), which is more work, not less.
# "flows" are unidirectional flow records (softflowd's "records", pushcap's records).
set -euo pipefail

HOME_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$HOME_DIR/bin/lib/env.sh"
pushcap_find_java

SIZE_MB=${SIZE_MB:-1024}
ROUNDS=${ROUNDS:-3}
MAX_FLOWS=${MAX_FLOWS:-65536}
CONCURRENT=${CONCURRENT:-20000}
DIR=${BENCH_DIR:-/tmp/pushcap-bench}
PCAP="$DIR/flows-${SIZE_MB}m.pcap"
mkdir -p "$DIR"

command -v softflowd >/dev/null || { echo "softflowd missing: apt-get install -y softflowd" >&2; exit 3; }

echo "machine: $(nproc) cpus, $(lscpu | sed -n 's/^Model name: *//p' | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "jdk:     $("$JAVA" -version 2>&1 | head -1)"
echo "peer:    $(softflowd -h 2>&1 | sed -n 's/^This is \(softflowd version [^.]*\.[^.]*\.[0-9]*\).*/\1/p')"

cd "$HOME_DIR"
mvn -q -B -Dstyle.color=never -DskipTests package >&2
mvn -q -B -Dstyle.color=never -DskipTests test-compile >&2
CP_FILE="$DIR/test-classpath.txt"
mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >&2

if [ ! -s "$PCAP" ]; then
    "$JAVA" -cp "target/classes:target/test-classes:$(cat "$CP_FILE")" io.pushcap.flow.BenchCaptureGenerator \
        "$PCAP.pending" "$SIZE_MB" "$CONCURRENT" && mv "$PCAP.pending" "$PCAP"
fi
cat "$PCAP" > /dev/null   # page cache warm for both tools
echo "capture: $PCAP ($(du -m "$PCAP" | cut -f1) MB)"

# A UDP sink that binds and never reads: datagrams are dropped by the kernel once its buffer fills.
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c "import socket,time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1',$PORT)); time.sleep(86400)" &
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT

now_ns() { date +%s%N; }
declare -a SF_T PC_T PC_INNER
SF_PKTS=0; SF_FLOWS=0; PC_PKTS=0; PC_FLOWS=0
for r in $(seq 1 "$ROUNDS"); do
    t0=$(now_ns)
    out=$(softflowd -r "$PCAP" -v 10 -n "127.0.0.1:$PORT" -m "$MAX_FLOWS" -d -p "$DIR/softflowd.pid" 2>&1)
    t1=$(now_ns)
    SF_T+=($(( (t1 - t0) / 1000000 )))
    SF_PKTS=$(sed -n 's/^Packets processed: \([0-9]*\).*/\1/p' <<<"$out")
    SF_FLOWS=$(sed -n 's/^Flows exported: [0-9]* (\([0-9]*\) records).*/\1/p' <<<"$out")

    t0=$(now_ns)
    out=$("$JAVA" --enable-native-access=ALL-UNNAMED -jar target/pushcap.jar flows export --offline "$PCAP" \
        --collector "127.0.0.1:$PORT" --max-flows "$MAX_FLOWS" 2>&1)
    t1=$(now_ns)
    PC_T+=($(( (t1 - t0) / 1000000 )))
    PC_PKTS=$(sed -n 's/.*: \([0-9]*\) packets read.*/\1/p' <<<"$out")
    PC_FLOWS=$(sed -n 's/.* as \([0-9]*\) records.*/\1/p' <<<"$out")
    PC_INNER+=($(sed -n 's/.* send errors, \([0-9.]*\) s$/\1/p' <<<"$out" | awk '{printf "%d", $1 * 1000}'))
    echo "round $r: softflowd ${SF_T[-1]} ms, pushcap ${PC_T[-1]} ms (of which metering ${PC_INNER[-1]} ms after JVM start)"
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
sf=$(median "${SF_T[@]}"); pc=$(median "${PC_T[@]}"); pci=$(median "${PC_INNER[@]}")
rate() { awk -v n="$1" -v ms="$2" 'BEGIN {printf "%.0f", n * 1000 / ms}'; }
printf '\n%-24s %10s %14s %12s\n' tool "wall ms" "packets/s" "flows/s"
printf '%-24s %10s %14s %12s\n' softflowd "$sf" "$(rate "$SF_PKTS" "$sf")" "$(rate "$SF_FLOWS" "$sf")"
printf '%-24s %10s %14s %12s\n' pushcap "$pc" "$(rate "$PC_PKTS" "$pc")" "$(rate "$PC_FLOWS" "$pc")"
printf '%-24s %10s %14s %12s\n' "pushcap (w/o JVM start)" "$pci" "$(rate "$PC_PKTS" "$pci")" "$(rate "$PC_FLOWS" "$pci")"
echo
echo "packets: softflowd $SF_PKTS, pushcap $PC_PKTS; flow records: softflowd $SF_FLOWS, pushcap $PC_FLOWS"
awk -v a="$sf" -v b="$pc" -v c="$pci" 'BEGIN {printf "ratio pushcap/softflowd (same packets, wall time): %.2fx; metering only: %.2fx\n", a / b, a / c}'
