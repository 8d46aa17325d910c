#!/usr/bin/env bash
# Start-up: whole-process wall time of short pushcap commands through bin/pushcap, with the JDK 25
# AOT caches (as shipped) and without them (PUSHCAP_NO_AOT=1), next to the peers `tcpdump
# --version` and a bare `java -version`; and one config evaluation in the child JVM
# (ChildEvaluator) with its own cache, with none, and with the launcher's cache.
# Prints median and minimum wall time and median CPU time (user+sys, all processes) of RUNS runs
# (default 15), and the load average: other jobs share the CPU.
# Usage: bench/startup.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-15}
H=$BENCH_HOME
"$PUSHCAP" --version >/dev/null   # builds the jar and trains the caches when the sources changed
machine
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pushcap-startup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
example=$H/examples/push_port80_zstd.lua

stats() { # runs cmd... -> "median-wall min-wall median-cpu" in seconds (cpu = user + sys, steadier under load)
    local runs=$1; shift
    "$@" >/dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; return 1; }
    local i
    : >"$tmp/times"
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -a -o "$tmp/times" -f '%e %U %S' "$@" >/dev/null 2>&1
    done
    awk '{w[NR]=$1; c[NR]=$2+$3} END{n=asorti_w(w, NR); }
         function asorti_w(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t=a[j]; a[j]=a[j-1]; a[j-1]=t }
             for (i = 2; i <= n; i++) for (j = i; j > 1 && c[j-1] > c[j]; j--) { t=c[j]; c[j]=c[j-1]; c[j-1]=t }
             printf "%.3f %.3f %.3f", a[int((n+1)/2)], a[1], c[int((n+1)/2)] }' "$tmp/times"
}
row() { # label cmd...
    local label=$1; shift
    read -r med min cpu <<<"$(stats "$RUNS" "$@")"
    printf '%-44s median %6.3f s   min %6.3f s   cpu %6.3f s\n' "$label" "$med" "$min" "$cpu"
}
push_small() { "$PUSHCAP" push --force --no-progress --log-dir "$tmp/logs" --state-dir "$tmp/var" --offline "$H/examples/data/sample.pcap"; }
child() { # [cache] : one evaluation of the example in the child JVM, its exact command line
    local aot=()
    [ -z "${1:-}" ] || aot=(-XX:AOTCache="$1" -Xlog:aot=off -Xlog:cds=off)
    "$JAVA" "${aot[@]}" -Xmx256m -Xms16m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData \
        -XX:+DisplayVMOutputToStderr -XX:TieredStopAtLevel=1 -cp "$H/target/pushcap.jar" \
        io.pushcap.config.EvalChild 20000000 11 < <(utf_name push_port80_zstd.lua; cat "$example") > /dev/null
}
utf_name() { # NAME: DataOutput.writeUTF's form (2-byte big-endian length, then the bytes), as the child reads it
    printf "\\x$(printf %02x $((${#1} >> 8)))\\x$(printf %02x $((${#1} & 255)))%s" "$1"
}

# /usr/bin/time runs commands, not shell functions: these run through bash -c (a few ms of bash).
export -f push_small child utf_name
export tmp H JAVA PUSHCAP example
echo "-- peers"
row "tcpdump --version" tcpdump --version
row "java -version (JDK 25, default CDS)" "$JAVA" -version
echo "-- pushcap through bin/pushcap (launcher included)"
row "pushcap --version (AOT caches)" "$PUSHCAP" --version
row "pushcap --version (PUSHCAP_NO_AOT=1)" env PUSHCAP_NO_AOT=1 "$PUSHCAP" --version
row "pushcap check example (AOT caches)" "$PUSHCAP" check "$example"
row "pushcap check example (PUSHCAP_NO_AOT=1)" env PUSHCAP_NO_AOT=1 "$PUSHCAP" check "$example"
row "pushcap push --offline sample.pcap (AOT)" bash -c push_small
row "pushcap push --offline sample.pcap (no AOT)" env PUSHCAP_NO_AOT=1 bash -c push_small
echo "-- launcher alone (bash: find JDK, libpcap, staleness check)"
row "bin/lib/env.sh checks" bash -c ". '$H/bin/lib/env.sh'; pushcap_find_java; pushcap_need_libpcap; pushcap_build_if_stale; pushcap_aot_flags >/dev/null"
echo "-- config evaluation child JVM (one example script)"
row "child, its own cache (pushcap-eval.aot)" bash -c "child $H/target/pushcap-eval.aot"
row "child, no cache" bash -c child
row "child, the launcher's cache (pushcap.aot)" bash -c "child $H/target/pushcap.aot"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
