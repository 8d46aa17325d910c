# Shared by bench/*.sh: JDK 25, the test classpath (bench mains live in src/test/java/io/pushcap/bench),
# a ~1 GB synthetic capture, timing and the machine description. Sourced, not executed.
set -euo pipefail
BENCH_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PUSHCAP_HOME=$BENCH_HOME
export PUSHCAP_HOME
. "$BENCH_HOME/bin/lib/env.sh"
pushcap_find_java
WORK=${BENCH_WORK:-$BENCH_HOME/target/bench}
mkdir -p "$WORK"

bench_classpath() { # builds test classes once, prints the classpath
    if [ ! -f "$WORK/cp.txt" ] || [ -n "$(find "$BENCH_HOME/src" "$BENCH_HOME/pom.xml" -newer "$WORK/cp.txt" -print -quit)" ]; then
        (cd "$BENCH_HOME" && mvn -q -B -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
            -Dmdep.outputFile="$WORK/deps.txt" -Dmdep.includeScope=test >&2)
        echo "$BENCH_HOME/target/test-classes:$BENCH_HOME/target/classes:$(cat "$WORK/deps.txt")" > "$WORK/cp.txt"
    fi
    cat "$WORK/cp.txt"
}

bench_java() { # main class and args
    "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$CP" "$@"
}

bench_pcap() { # prints the path of a ~BENCH_MB (default 1024) MB mixed capture, generating it once
    local mb=${BENCH_MB:-1024}
    local f=${BENCH_PCAP:-$WORK/mixed-${mb}m.pcap}
    if [ ! -s "$f" ]; then
        bench_java io.pushcap.bench.GenPcap "$f" "$mb" >&2
    fi
    echo "$f"
}

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l | xargs printf '%.3f'; }

machine() {
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
    echo "jdk: $("$JAVA" -version 2>&1 | head -n1)"
}

CP=$(bench_classpath)
