#!/usr/bin/env bash
# Packets into a local single-node Kafka 4.4 broker (KRaft, from the Maven jars, as the tests run it):
#   pushcap: `bin/pushcap push --offline` of a generated mixed capture (~BENCH_MB, default 256 MB)
#            into one Mode KAFKA target (idempotent, transactional, a commit every 100 ms or 65,536
#            packets; Key = "flow"), end to end: JVM start, reading and transaction commits included;
#   peer:    Kafka's own kafka-producer-perf-test (org.apache.kafka.tools.ProducerPerformance) with
#            the same record count and the capture's mean packet size, same producer settings
#            (acks=all, and pushcap's defaults linger.ms=20, batch.size=524288), transactional
#            (--transaction-duration-ms 100) and, for context, plain idempotent.
# Both sides warm the broker up first (a fresh broker is still compiling), then run alternately
# BENCH_REPS times (default 3); medians are printed. BENCH_KAFKA_EXTRA adds settings to pushcap's
# Kafka table (e.g. '["compression.type"] = "lz4"'); BENCH_KAFKA_KEY sets the target's Key (default
# flow; "none" lets the producer fill one partition at a time, as perf-test's keyless records do).
# Then the worker side: push --offline kafka://… to 60 s zstd-1 File splits, against the same push
# from the capture file (BENCH_WORKER_KAFKA adds settings to the worker's KafkaConsumer table).
# Prints records/s of each and the ratio pushcap / perf-test (target: at least 0.8).
. "$(dirname "$0")/lib.sh"
BENCH_MB=${BENCH_MB:-256}
PCAP=$(bench_pcap)
machine
[ -f "$BENCH_HOME/target/test-tools/kafka.classpath" ] && [ -f "$BENCH_HOME/target/test-tools/kafka-tools.jar" ] \
    || (cd "$BENCH_HOME" && mvn -q -B -Dstyle.color=never generate-test-resources >&2)
KCP="$(cat "$BENCH_HOME/target/test-tools/kafka.classpath"):$BENCH_HOME/target/test-tools/kafka-tools.jar"
PACKETS=$(capinfos -M -c "$PCAP" | awk -F: '/Number of packets/{gsub(/ /,"",$2); print $2}')
BYTES=$(capinfos -M -d "$PCAP" | awk -F: '/Data size/{gsub(/[^0-9]/,"",$2); print $2}')
SIZE=$(( (BYTES - 24) / PACKETS - 16 ))
echo "input: $PCAP ($PACKETS packets, mean frame $SIZE bytes)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port); CPORT=$(free_port)
KDIR=$WORK/kafka
rm -rf "$KDIR"; mkdir -p "$KDIR/data"
cat > "$KDIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KDIR/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.ms=-1
PROPS
cat > "$KDIR/logback.xml" <<XML
<configuration>
  <appender name="F" class="ch.qos.logback.core.FileAppender"><file>$KDIR/broker.log</file>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} %msg%n</pattern></encoder></appender>
  <root level="WARN"><appender-ref ref="F"/></root>
</configuration>
XML
kjava() { "$JAVA" -Xmx1g -Dlogback.configurationFile="$KDIR/logback.xml" -cp "$KCP" "$@"; }
kjava kafka.tools.StorageTool format -t "$(head -c16 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c22)" \
    -c "$KDIR/server.properties" > "$KDIR/format.log" 2>&1
# Started directly (not through kjava): $! must be the JVM itself, so that the trap stops it.
"$JAVA" -Xmx1g -Dlogback.configurationFile="$KDIR/logback.xml" -cp "$KCP" kafka.Kafka "$KDIR/server.properties" \
    > "$KDIR/broker.out" 2>&1 &
KPID=$!
trap 'kill $KPID 2>/dev/null || true; wait $KPID 2>/dev/null || true' EXIT
for _ in $(seq 1 1200); do
    (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    kill -0 $KPID || { cat "$KDIR/broker.out"; exit 1; }
    sleep 0.1
done
PARTS=${BENCH_PARTITIONS:-4}
mk_topic() {
    kjava org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --create --topic "$1" \
        --partitions "$PARTS" --config retention.ms=-1 >> "$KDIR/topics.log" 2>&1
}
REPS=${BENCH_REPS:-3}
for r in $(seq 1 "$REPS"); do mk_topic "pushcap-$r"; mk_topic "perf-tx-$r"; done
mk_topic perf; mk_topic warm-perf; mk_topic warm-pushcap

# Producer settings: pushcap's defaults (linger.ms 20, batch.size 524288), given to the peer too.
target_lua() { # topic -> a config of one KAFKA target
    cat <<LUA
local Config = {} Config.Target = {}
table.insert(Config.Target, { Desc = "bench-kafka", Mode = "KAFKA", Path = "kafka://127.0.0.1:$PORT/$1", Key = "${BENCH_KAFKA_KEY:-flow}",
  Kafka = { ${BENCH_KAFKA_EXTRA:-} } })
return Config
LUA
}
push_kafka() { # topic, capture -> wall seconds
    local s; target_lua "$1" > "$WORK/kafka-$1.lua"
    rm -rf "$WORK/var-kafka-$1"
    s=$(now)
    "$PUSHCAP" push --config "$WORK/kafka-$1.lua" --force --no-progress --log-dir "$WORK/logs-kafka" \
        --state-dir "$WORK/var-kafka-$1" --offline "$2" > "$WORK/kafka-$1.out" 2>&1 \
        || { cat "$WORK/kafka-$1.out" >&2; exit 1; }
    elapsed "$s"
}
perf() { # topic, extra args -> perf-test's last line
    kjava org.apache.kafka.tools.ProducerPerformance --topic "$1" --num-records "$PACKETS" --record-size "$SIZE" \
        --throughput -1 --producer-props bootstrap.servers="127.0.0.1:$PORT" acks=all linger.ms=20 batch.size=524288 \
        enable.idempotence=true "${@:2}" 2>&1 | tail -n1
}
rate_of() { echo "$1" | sed -E 's/.* records sent, ([0-9.]+) records\/sec.*/\1/'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cat "$PCAP" > /dev/null
# A broker that has just started is still compiling its own hot paths: whoever runs first pays
# for it (a push measured first took 6.5 s against 4.7 s a run later). Both sides warm it up.
perf warm-perf --transaction-duration-ms 100 > /dev/null
push_kafka warm-pushcap "$PCAP" > /dev/null
# pushcap's fixed cost (JVM start, config, broker checks, initTransactions, reading the cursor back):
# the same push of a 100-packet capture to a fresh topic, for a steady-state rate.
# Its median of three: one such run moves by 0.5 s on this shared machine, and the steady-state
# rate divides by the difference.
"$PUSHCAP" gen -w "$WORK/small.pcap" --packets 100 --mix mixed > /dev/null 2>&1
FIXEDS=()
for r in 1 2 3; do mk_topic "pushcap-small-$r"; FIXEDS+=("$(push_kafka "pushcap-small-$r" "$WORK/small.pcap")"); done
# Alternating runs, medians: the broker's own pauses (segment rolls, GC) move single runs by 30%.
PWALLS=(); TXRATES=(); TXWALLS=(); TXLINES=()
for r in $(seq 1 "$REPS"); do
    PWALLS+=("$(push_kafka "pushcap-$r" "$PCAP")")
    s=$(now); line=$(perf "perf-tx-$r" --transaction-duration-ms 100); TXWALLS+=("$(elapsed "$s")")
    TXLINES+=("$line"); TXRATES+=("$(rate_of "$line")")
done
PWALL=$(median "${PWALLS[@]}")
FIXED=$(median "${FIXEDS[@]}")
PRATE=$(echo "$PACKETS / $PWALL" | bc -l)
SRATE=$(echo "$PACKETS / ($PWALL - $FIXED)" | bc -l)
TXRATE=$(median "${TXRATES[@]}")
TXWALL=$(median "${TXWALLS[@]}")
TXLINE=${TXLINES[0]}
s=$(now); PLLINE=$(perf perf); PLWALL=$(elapsed "$s")
PLRATE=$(rate_of "$PLLINE")

# Worker: read-split-compress from the topic against the same from the file.
worker() { # desc, source
    cat > "$WORK/worker.lua" <<LUA
local Config = {} Config.Target = {}
table.insert(Config.Target, { Desc = "$1", Path = "$WORK/worker-$1/", Split = "--split-time 60e9",
  FileName = "--filename-epoch-sec-startend", Compress = "zstd:1:1", FileSuffix = ".pcap.zst",
  $([ "$1" = from-kafka ] && [ -n "${BENCH_WORKER_KAFKA:-}" ] && echo "KafkaConsumer = { $BENCH_WORKER_KAFKA },") })
return Config
LUA
    rm -rf "$WORK/worker-$1"
    "$PUSHCAP" push --config "$WORK/worker.lua" --force --no-progress --log-dir "$WORK/logs-worker" \
        --state-dir "$WORK/var-worker-$1" --offline "$2" > "$WORK/worker-$1.out" 2>&1 || { cat "$WORK/worker-$1.out" >&2; exit 1; }
}
s=$(now); worker from-kafka "kafka://127.0.0.1:$PORT/pushcap-1"; WKWALL=$(elapsed "$s")
s=$(now); worker from-file "$PCAP"; WFWALL=$(elapsed "$s")

printf 'pushcap push into KAFKA (transactional): %8.3f s wall, %10.0f records/s  [median of %s: %s s]\n' "$PWALL" "$PRATE" "$REPS" "${PWALLS[*]}"
printf 'perf-test, transactional (100 ms):      %8.3f s wall, %10.0f records/s  [median of %s: %s records/s; first: %s]\n' "$TXWALL" "$TXRATE" "$REPS" "${TXRATES[*]}" "$TXLINE"
printf 'perf-test, idempotent (context):        %8.3f s wall, %10.0f records/s  [%s]\n' "$PLWALL" "$PLRATE" "$PLLINE"
printf 'pushcap fixed cost (100-packet push):    %8.3f s wall; steady state %10.0f records/s  [median of 3: %s s]\n' "$FIXED" "$SRATE" "${FIXEDS[*]}"
printf 'ratio pushcap / perf-test transactional: %.2f end to end (perf-test rate excludes its JVM start), %.2f steady state (target >= 0.8)\n' \
    "$(echo "$PRATE / $TXRATE" | bc -l)" "$(echo "$SRATE / $TXRATE" | bc -l)"
printf 'ratio of wall times perf-test tx / pushcap: %.2f\n' "$(echo "$TXWALL / $PWALL" | bc -l)"
printf 'ratio pushcap / perf-test idempotent:    %.2f\n' "$(echo "$PRATE / $PLRATE" | bc -l)"
printf 'worker from kafka -> zstd splits: %8.3f s wall, %10.0f packets/s\n' "$WKWALL" "$(echo "$PACKETS / $WKWALL" | bc -l)"
printf 'worker from file  -> zstd splits: %8.3f s wall, %10.0f packets/s\n' "$WFWALL" "$(echo "$PACKETS / $WFWALL" | bc -l)"
printf 'ratio worker kafka / file (rate): %.2f\n' "$(echo "$WFWALL / $WKWALL" | bc -l)"
