#!/usr/bin/env bash
# Maintainer tool: regenerates src/main/resources/aot/kafka-classes.txt, the classes a Kafka push
# loads from jars, which the AOT training of Kafka pushes loads into target/pushcap-kafka.aot
# (io.pushcap.cli.AotTraining, "kafka"). The training run has no broker to talk to, so it cannot
# load them by running a push; this list, taken from real pushes, stands in. Run it after a Kafka
# client upgrade (a stale list costs start-up time, never behaviour: names that no longer exist
# are skipped).
#
# Usage: src/main/build/kafka-aot-classes.sh HOST:PORT TOPIC
#   against a running broker where TOPIC exists. It runs a sensor push of examples/data/sample.pcap
#   into kafka://HOST:PORT/TOPIC and a worker push from it (--offline kafka://...) to a File
#   target, each with -Xlog:class+load, and keeps the named classes that did not come from the
#   AOT cache (hidden classes, such as lambdas, cannot be loaded by name).
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
[ $# = 2 ] || { echo "usage: $0 HOST:PORT TOPIC" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/sensor.lua" <<LUA
local Config = {} Config.Target = {}
table.insert(Config.Target, { Desc = "sensor", Mode = "KAFKA", Path = "kafka://$1/$2" })
return Config
LUA
cat > "$WORK/worker.lua" <<LUA
local Config = {} Config.Target = {}
table.insert(Config.Target, { Desc = "worker", Path = "$WORK/out/", Split = "--split-time 60e9",
  FileName = "--filename-epoch-sec-startend", Compress = "zstd:1:1", FileSuffix = ".pcap.zst" })
return Config
LUA
run() { # config source log
    PUSHCAP_NO_AOT=1 PUSHCAP_JAVA_OPTS="-Xlog:class+load=info:file=$3" "$HOME_DIR/bin/pushcap" push --config "$1" --force \
        --no-progress --log-dir "$WORK/logs" --state-dir "$WORK/var-$(basename "$3")" --offline "$2" > /dev/null
}
run "$WORK/sensor.lua" "$HOME_DIR/examples/data/sample.pcap" "$WORK/sensor.txt"
run "$WORK/worker.lua" "kafka://$1/$2" "$WORK/worker.txt"
# Without the cache every class is listed; keep those of the Kafka client and its dependencies,
# the JDK modules they pull in, and pushcap's Kafka classes (the rest is in the main cache).
cat "$WORK/sensor.txt" "$WORK/worker.txt" | awk '{print $2, $NF}' \
    | grep -E '^(org\.apache\.kafka\.|io\.pushcap\.(kafka|sink\.kafka|pipeline\.source\.Kafka)|javax?\.management\.|sun\.management\.|jdk\.internal\.management|com\.sun\.jmx\.|jdk\.jfr\.|com\.github\.luben|net\.jpountz|org\.xerial)' \
    | grep -v '/0x' | awk '{print $1}' | sort -u > "$HOME_DIR/src/main/resources/aot/kafka-classes.txt"
wc -l < "$HOME_DIR/src/main/resources/aot/kafka-classes.txt"
