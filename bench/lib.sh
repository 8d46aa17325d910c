# Shared by the bench/ scripts: JDK 25, machine description, timing, generated input captures,
# and (for scripts with Java bench mains in src/test/java/io/pushcap/bench) the test classpath.
# Sourced, not executed.
set -euo pipefail
BENCH_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PUSHCAP_HOME=$BENCH_HOME
export PUSHCAP_HOME
. "$BENCH_HOME/bin/lib/env.sh"
pushcap_find_java
PUSHCAP="$BENCH_HOME/bin/pushcap"
WORK=${BENCH_WORK:-$BENCH_HOME/target/bench}
RAM="${BENCH_RAM:-/dev/shm/pushcap-bench}"
mkdir -p "$WORK" "$RAM"

machine() {
    # The launcher rebuilds a jar older than the sources (and retrains its caches) on its first
    # run: let that happen here, before anything is timed.
    "$PUSHCAP" --version >/dev/null 2>&1 || { echo "bin/pushcap --version failed" >&2; exit 1; }
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB RAM, kernel $(uname -r)"
    echo "jdk: $("$JAVA" -version 2>&1 | head -n1)"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}

bench_classpath() { # builds test classes once, prints the classpath
    if [ ! -f "$WORK/cp.txt" ] || [ -n "$(find "$BENCH_HOME/src" "$BENCH_HOME/pom.xml" -newer "$WORK/cp.txt" -print -quit)" ]; then
        (cd "$BENCH_HOME" && mvn -q -B -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
            -Dmdep.outputFile="$WORK/deps.txt" -Dmdep.includeScope=test >&2)
        echo "$BENCH_HOME/target/test-classes:$BENCH_HOME/target/classes:$(cat "$WORK/deps.txt")" > "$WORK/cp.txt"
    fi
    cat "$WORK/cp.txt"
}

bench_java() { # main class and args, on the test classpath
    CP=${CP:-$(bench_classpath)}
    "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$CP" "$@"
}

# bench_input SIZE MIX -> a generated capture in the RAM directory (cached by size and mix);
# BENCH_INPUT=file.pcap uses your own.
bench_input() {
    local size=$1 mix=$2 f="$RAM/input-$1-$2.pcap"
    if [ -n "${BENCH_INPUT:-}" ]; then echo "$BENCH_INPUT"; return; fi
    if [ ! -s "$f" ]; then
        "$PUSHCAP" gen -w "$f" --size "$size" --mix "$mix" --seed 1 >&2
    fi
    echo "$f"
}

# bench_pcap -> a ~BENCH_MB (default 1024) MB mixed capture (BENCH_PCAP to use your own)
bench_pcap() {
    if [ -n "${BENCH_PCAP:-}" ]; then echo "$BENCH_PCAP"; return; fi
    bench_input "${BENCH_MB:-1024}m" mixed
}

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l | xargs printf '%.3f'; }

# bench_time_median RUNS CMD... -> median wall seconds of RUNS runs, after one warm-up run
bench_time_median() {
    local runs=$1; shift
    "$@" >/dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; return 1; }
    local times=() i s
    for ((i = 0; i < runs; i++)); do
        s=$(now); "$@" >/dev/null 2>&1; times+=("$(elapsed "$s")")
    done
    bench_median "${times[@]}"
}

bench_median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# bench_timed CMD... -> "WALL CPU" of one run (seconds; CPU is user+system of CMD and its children)
bench_timed() {
    local t TIMEFORMAT='%R %U %S'
    t=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
    awk '{printf "%s %.2f\n", $1, $2 + $3}' <<<"$t"
}

bench_ratio() { echo "scale=2; $1 / $2" | bc -l; }

# bench_pair_median RUNS PEER CMD... -> "PEER_WALL PEER_CPU WALL CPU": medians of RUNS rounds, each
# running the peer (a command or shell function, no arguments) and then CMD, after one warm-up
# run of each. Alternating in one loop keeps a ratio from mixing two states of a shared machine:
# run one after the other, a peer measured minutes before a row can differ from itself by 20%.
bench_pair_median() {
    local runs=$1 peer=$2; shift 2
    "$peer" >/dev/null 2>&1 || { echo "benchmark peer failed: $peer" >&2; return 1; }
    "$@" >/dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; return 1; }
    local pw=() pc=() w=() c=() i a b
    for ((i = 0; i < runs; i++)); do
        read -r a b <<<"$(bench_timed "$peer")"; pw+=("$a"); pc+=("$b")
        read -r a b <<<"$(bench_timed "$@")"; w+=("$a"); c+=("$b")
    done
    echo "$(bench_median "${pw[@]}") $(bench_median "${pc[@]}") $(bench_median "${w[@]}") $(bench_median "${c[@]}")"
}

# bench_cpu_median RUNS CMD... -> "WALL CPU" medians (seconds) of RUNS runs after one warm-up run;
# CPU is user+system time of the command and all its children (bash's time keyword, so CMD may be
# a shell function).
bench_cpu_median() {
    local runs=$1; shift
    "$@" >/dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; return 1; }
    local walls=() cpus=() i a b
    for ((i = 0; i < runs; i++)); do
        read -r a b <<<"$(bench_timed "$@")"; walls+=("$a"); cpus+=("$b")
    done
    echo "$(bench_median "${walls[@]}") $(bench_median "${cpus[@]}")"
}
