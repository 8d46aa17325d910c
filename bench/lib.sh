# Shared by the bench/ scripts: machine description, timing, a generated input capture.
# Sourced, not executed.

BENCH_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PUSHCAP="$BENCH_HOME/bin/pushcap"
RAM="${BENCH_RAM:-/dev/shm/pushcap-bench}"
mkdir -p "$RAM"

bench_machine() {
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB RAM, kernel $(uname -r)"
    echo "jdk: $("$PUSHCAP" --version 2>/dev/null | tail -n1)"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

# bench_input SIZE MIX -> path of a generated capture in the RAM directory (cached by size+mix)
bench_input() {
    local size=$1 mix=$2 f="$RAM/input-$1-$2.pcap"
    if [ -n "${BENCH_INPUT:-}" ]; then echo "$BENCH_INPUT"; return; fi
    if [ ! -s "$f" ]; then
        "$PUSHCAP" gen -w "$f" --size "$size" --mix "$mix" --seed 1 >&2
    fi
    echo "$f"
}

# bench_time_median RUNS CMD... -> median wall seconds of RUNS runs (stdout), after one warm-up
bench_time_median() {
    local runs=$1; shift
    "$@" >/dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; return 1; }
    local times=() i s e
    for ((i = 0; i < runs; i++)); do
        s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
        times+=("$(echo "$e - $s" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}

bench_ratio() { echo "scale=2; $1 / $2" | bc -l; }
