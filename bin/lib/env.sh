# Shared by bin/pushcap and bin/test: find or install what pushcap needs, or say exactly what
# is missing. Sourced, not executed.

pushcap_say() { printf 'pushcap: %s\n' "$*" >&2; }

pushcap_java_major_of() { # java binary -> sets PUSHCAP_MAJOR (0 when unknown) and PUSHCAP_HOME_OF
    # The JDK's release file answers without starting a JVM (saves ~0.3 s per command). Bash
    # builtins only, and no command substitution, when the release file sits next to bin/java (as
    # under /usr/lib/jvm): every fork here is paid by every command, ~8 ms each on a
    # paravirtualised machine (docs/performance.md, Start-up). A symlinked java (/usr/bin/java)
    # costs one readlink.
    local home=${1%/bin/java} line
    PUSHCAP_MAJOR=0
    if [ "$home" = "$1" ] || [ ! -r "$home/release" ]; then
        home=$(readlink -f "$1")
        home=${home%/bin/*}
    fi
    PUSHCAP_HOME_OF=$home
    if [ -r "$home/release" ]; then
        while IFS= read -r line || [ -n "$line" ]; do
            if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
                PUSHCAP_MAJOR=${BASH_REMATCH[1]}; return
            fi
        done <"$home/release"
    fi
    line=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1)
    PUSHCAP_MAJOR=${line:-0}
}

pushcap_java_on_path() { # -> sets PUSHCAP_PATH_JAVA to the first executable java on PATH, or ""
    local dir dirs
    PUSHCAP_PATH_JAVA=""
    IFS=: read -r -a dirs <<<"$PATH"
    for dir in "${dirs[@]}"; do
        if [ -x "${dir:-.}/java" ] && [ ! -d "${dir:-.}/java" ]; then PUSHCAP_PATH_JAVA=${dir:-.}/java; return; fi
    done
}

pushcap_find_java() {
    local cand best="" bestv=0 besthome=""
    # JAVA_HOME wins, then java on PATH, then the newest JDK 25+ under /usr/lib/jvm.
    pushcap_java_on_path
    for cand in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$PUSHCAP_PATH_JAVA"; do
        [ -n "$cand" ] && [ -x "$cand" ] || continue
        pushcap_java_major_of "$cand"
        if [ "$PUSHCAP_MAJOR" -ge 25 ]; then best=$cand; besthome=$PUSHCAP_HOME_OF; break; fi
    done
    if [ -z "$best" ]; then
        for cand in "${PUSHCAP_JVM_DIR:-/usr/lib/jvm}"/*/bin/java; do
            [ -x "$cand" ] || continue
            pushcap_java_major_of "$cand"
            if [ "$PUSHCAP_MAJOR" -ge 25 ] && [ "$PUSHCAP_MAJOR" -gt "$bestv" ]; then
                best=$cand; bestv=$PUSHCAP_MAJOR; besthome=$PUSHCAP_HOME_OF
            fi
        done
    fi
    if [ -z "$best" ]; then
        pushcap_say "no JDK 25 found (looked at \$JAVA_HOME, java on PATH, ${PUSHCAP_JVM_DIR:-/usr/lib/jvm}/*)."
        pushcap_say "install one (e.g. Temurin 25 under /usr/lib/jvm) or set JAVA_HOME to a JDK 25."
        exit 69
    fi
    JAVA=$best
    PUSHCAP_JAVA_HOME=$besthome
    export PUSHCAP_JAVA_HOME
}

pushcap_apt_install() { # packages... ; installs as root, otherwise prints the command and fails
    # PUSHCAP_NO_INSTALL=1 (examples/pushcap.service): a service never runs apt, it says what is missing.
    if [ -z "${PUSHCAP_NO_INSTALL:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        pushcap_say "installing: $*"
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || {
                pushcap_say "apt-get install $* failed"; return 1; }
        fi
    else
        pushcap_say "missing: $*. Run: sudo apt-get install -y $*"
        return 1
    fi
}

pushcap_need_libpcap() {
    if [ -e /usr/lib/x86_64-linux-gnu/libpcap.so.0.8 ] || ldconfig -p 2>/dev/null | grep -q 'libpcap\.so\.0\.8'; then
        return 0
    fi
    pushcap_apt_install libpcap0.8 || exit 69
}

pushcap_require_libpcap() { # the installed launcher: check only, never install
    if [ -e /usr/lib/x86_64-linux-gnu/libpcap.so.0.8 ] || [ -e /usr/lib64/libpcap.so.0.8 ] \
        || ldconfig -p 2>/dev/null | grep -q 'libpcap\.so\.0\.8'; then
        return 0
    fi
    pushcap_say "libpcap is missing (no libpcap.so.0.8 in the linker cache). Install it: apt-get install libpcap0.8"
    exit 69
}

pushcap_need_maven() {
    command -v mvn >/dev/null 2>&1 && return 0
    pushcap_apt_install maven || exit 69
}

pushcap_build_if_stale() {
    local jar="$PUSHCAP_HOME/target/pushcap.jar"
    if [ -f "$jar" ] && [ -z "$(find "$PUSHCAP_HOME/src/main" "$PUSHCAP_HOME/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
        # A jar built by `mvn package` (not by this launcher) makes the caches stale: the JVM
        # silently ignores them. Train once per jar (the stamp, not the caches, so that a failing
        # training is not retried by every command); not under the integration tests' NO_BUILD.
        if [ -z "${PUSHCAP_NO_BUILD:-}" ] && [ "$jar" -nt "$PUSHCAP_HOME/target/.aot-trained" ]; then
            ( flock 9; [ "$jar" -nt "$PUSHCAP_HOME/target/.aot-trained" ] && pushcap_train_aot_cache ) \
                9>"$PUSHCAP_HOME/target/.build.lock"
        fi
        return 0
    fi
    if [ -n "${PUSHCAP_NO_BUILD:-}" ]; then
        # Set by the integration tests: they run the jar `mvn package` just built, never a new build.
        pushcap_say "target/pushcap.jar is missing or older than the sources, and PUSHCAP_NO_BUILD is set"
        exit 69
    fi
    pushcap_need_maven
    mkdir -p "$PUSHCAP_HOME/target"
    (
        # One build at a time, even when several pushcap commands start together.
        flock 9
        if [ -f "$jar" ] && [ -z "$(find "$PUSHCAP_HOME/src/main" "$PUSHCAP_HOME/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
            exit 0
        fi
        pushcap_say "building target/pushcap.jar (first run, or sources changed)..."
        cd "$PUSHCAP_HOME"
        # Maven 3.8 prints colour resets even with -Dstyle.color=never; keep the user's terminal clean.
        # Maven's own Guava warns about sun.misc.Unsafe when Maven itself runs on JDK 24+.
        # Maven's status alone decides: a filter in a pipe (grep exits 1 when a quiet, successful
        # build prints nothing) must not turn success into failure under pipefail.
        local log rc=0
        log=$(mktemp "${TMPDIR:-/tmp}/pushcap-build.XXXXXX")
        # -Dpushcap.skipDist: the launcher needs only the jar; the tarball, .deb, completion and man
        # pages (AsciiDoc through JRuby: tens of seconds) come from a plain `mvn package` / bin/test.
        JAVA_HOME="$PUSHCAP_JAVA_HOME" PATH="$PUSHCAP_JAVA_HOME/bin:$PATH" \
            mvn -q -B -Dstyle.color=never -DskipTests -Dpushcap.skipDist=true package >"$log" 2>&1 || rc=$?
        sed 's/\x1b\[[0-9;]*m//g' "$log" \
            | grep -v -e '^WARNING: .*sun\.misc\.Unsafe' -e '^WARNING: Please consider reporting this to the maintainers of class com\.google' >&2 || true
        rm -f "$log"
        [ "$rc" = 0 ] || { pushcap_say "build failed (mvn -DskipTests package, exit $rc)"; exit 69; }
        touch "$jar"
        pushcap_train_aot_cache

    ) 9>"$PUSHCAP_HOME/target/.build.lock"
}

# JDK 25 ahead-of-time cache (JEP 483/514/515): classes loaded and linked, and method profiles,
# from a short training run. A JVM writes one cache from one run, so io.pushcap.cli.AotTraining
# runs --version, `check` of an example and an offline push of the example capture in one JVM
# (same class path as `-jar`, so the cache fits the launcher's command line). It also trains the
# config evaluator's own cache (target/pushcap-eval.aot, ChildEvaluator). The caches are rebuilt
# with the jar; a missing or stale one is simply not used. Figures: docs/performance.md, Start-up.
pushcap_train_aot_cache() {
    local target="$PUSHCAP_HOME/target" tmp
    rm -f "$target/pushcap.aot" "$target/pushcap-eval.aot" "$target/pushcap-version.aot" \
        "$target/pushcap-s3.aot" "$target/pushcap-kafka.aot"
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/pushcap-aot.XXXXXX")
    pushcap_train_cache pushcap.aot "$tmp"
    # --version gets its own small cache, trained with its own flags (pushcap_short_flags): the
    # big one preloads ~3000 classes that --version never uses, which costs more than it saves.
    (cd "$tmp" && "$JAVA" --enable-native-access=ALL-UNNAMED $(pushcap_short_flags) \
        -XX:AOTCacheOutput="$target/pushcap-version.aot" -Xlog:aot=off -Xlog:cds=off \
        -Dpushcap.home="$PUSHCAP_HOME" -jar "$target/pushcap.jar" --version >/dev/null 2>&1) \
        || rm -f "$target/pushcap-version.aot"
    # Pushes to S3 and to or from Kafka get caches of their own (pushcap_main_cache): the same
    # training plus an S3 push to a loopback endpoint (io.pushcap.cli.AotS3Endpoint), or the
    # Kafka clients and their classes (io.pushcap.cli.AotKafkaClasses) and, with the broker's
    # classpath from the build, a sensor and a worker push through a throw-away broker
    # (io.pushcap.cli.AotKafkaBroker, ~15 s): their JIT profiles make Kafka pushes ~15% faster.
    pushcap_train_cache pushcap-s3.aot "$tmp/s3" s3
    pushcap_train_cache pushcap-kafka.aot "$tmp/kafka" kafka
    rm -rf "$tmp"
    touch "$target/.aot-trained"
}

pushcap_train_cache() { # CACHE WORKDIR [KIND] -> target/CACHE from one io.pushcap.cli.AotTraining run, or none
    local cache="$PUSHCAP_HOME/target/$1"
    mkdir -p "$2"
    (cd "$2" && "$JAVA" --enable-native-access=ALL-UNNAMED -XX:AOTCacheOutput="$cache" -Xlog:aot=off -Xlog:cds=off \
        -Dpushcap.home="$PUSHCAP_HOME" -cp "$PUSHCAP_HOME/target/pushcap.jar" io.pushcap.cli.AotTraining \
        "$PUSHCAP_HOME" "$2" ${3:+"$3"} >/dev/null 2>&1) || rm -f "$cache"
}

pushcap_push_config() { # ARGS... -> PUSHCAP_PUSH_CONFIG: the config file a push names, or the default one
    local prev="" a
    PUSHCAP_PUSH_CONFIG="$PUSHCAP_HOME/etc/push_pcap.lua"
    for a in "$@"; do
        case "$a" in --config=*) PUSHCAP_PUSH_CONFIG="${a#--config=}"; return 0 ;; esac
        if [ "$prev" = --config ]; then PUSHCAP_PUSH_CONFIG="$a"; return 0; fi
        prev=$a
    done
}

pushcap_main_cache() { # ARGS... -> PUSHCAP_MAIN_CACHE: the AOT cache for this command
    # A push whose config has an S3 target gets the cache that holds the AWS SDK (~3,000
    # classes and ~1,000 lambda classes, trained by an S3 push). Only a push to S3 gets it: the
    # JVM loads every class of its cache at start, which would cost every other command.
    # Likewise Kafka pushes: a KAFKA target or a kafka:// source, in the config or on the command
    # line (--offline kafka://...). The test is textual (Mode = "S3" in any quoting or case); a
    # miss costs speed, never behaviour. Builtins only: each fork costs ~8 ms here.
    PUSHCAP_MAIN_CACHE="$PUSHCAP_HOME/target/pushcap.aot"
    [ "${1:-}" = push ] || return 0
    local s3="$PUSHCAP_HOME/target/pushcap-s3.aot" kafka="$PUSHCAP_HOME/target/pushcap-kafka.aot" text=""
    local open="(\"|'|\[=*\[)" close="(\"|'|\]=*\])" mode="[Mm][Oo][Dd][Ee][[:space:]]*=[[:space:]]*"
    local re_s3="$mode$open[Ss]3$close" re_kafka="$mode$open[Kk][Aa][Ff][Kk][Aa]$close|[Kk][Aa][Ff][Kk][Aa]://"
    pushcap_push_config "$@"
    if [ -r "$PUSHCAP_PUSH_CONFIG" ]; then
        IFS= read -r -d '' text < "$PUSHCAP_PUSH_CONFIG" || true
    fi
    if [ -f "$s3" ] && [[ $text =~ $re_s3 ]]; then
        PUSHCAP_MAIN_CACHE=$s3
    elif [ -f "$kafka" ] && { [[ $text =~ $re_kafka ]] || [[ " $* " =~ [\ =]kafka:// ]]; }; then
        PUSHCAP_MAIN_CACHE=$kafka
    fi
}

pushcap_short_flags() { # JVM flags for a command that ends in a fraction of a second (--version)
    # C1 only, the serial collector and no perf-data file: less start-up work, and a short run
    # never reaches the code C2 would make faster.
    echo "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"
}

pushcap_gc_flags() { # ARGS... -> the collector for this command, unless PUSHCAP_JAVA_OPTS names one
    # push gets the serial collector. Its live data is small (read windows, part buffers, the
    # Kafka producer's buffer) and it allocates fast, in Kafka's and the S3 SDK's code: on a
    # 2-CPU host G1's barriers and concurrent refinement took ~1 s of a 6 s push into Kafka
    # (docs/performance.md, "Collector"). serve, rx and record keep the JVM's choice. A collector
    # in PUSHCAP_JAVA_OPTS wins: two would make the JVM refuse to start.
    case " ${PUSHCAP_JAVA_OPTS:-} " in *" -XX:+Use"*"GC "*) return 0 ;; esac
    if [ "${1:-}" = push ]; then echo "-XX:+UseSerialGC"; fi
}

pushcap_aot_flags() { # ARGS... -> the JVM flags that use the AOT caches when there are some
    # PUSHCAP_NO_AOT=1: no cache and no start-up flags (bench/startup.sh measures both ways).
    [ -z "${PUSHCAP_NO_AOT:-}" ] || return 0
    if [ $# = 1 ] && { [ "$1" = --version ] || [ "$1" = -V ]; }; then
        pushcap_short_flags
        if [ -f "$PUSHCAP_HOME/target/pushcap-version.aot" ]; then
            echo "-XX:AOTCache=$PUSHCAP_HOME/target/pushcap-version.aot -Xlog:aot=off -Xlog:cds=off"
        fi
        return 0
    fi
    pushcap_main_cache "$@"
    if [ -f "$PUSHCAP_MAIN_CACHE" ]; then
        echo "-XX:AOTCache=$PUSHCAP_MAIN_CACHE -Xlog:aot=off -Xlog:cds=off"
        pushcap_replay_flags "$@"
    fi
    if [ -f "$PUSHCAP_HOME/target/pushcap-eval.aot" ]; then
        echo "-Dpushcap.evalAotCache=$PUSHCAP_HOME/target/pushcap-eval.aot"
    fi
}

pushcap_replay_flags() { # ARGS... -> flags for the chosen cache's training data (after pushcap_main_cache)
    # A short command on the main cache does not replay its JIT training data: an offline push
    # and `check`. The data comes from a small training push (AotTraining); replaying it at start
    # made C1 compile ~1,000 methods at tier 2 and C2 compile with the small push's profiles:
    # December 8, alternating pairs, a 1 GiB pass-through lost 0.1-0.2 s wall and 0.3 CPU-s, a
    # 300-packet push 70 ms and 0.2 CPU-s, `check` 0.1 CPU-s (docs/performance.md). Long-running
    # commands keep it (serve, rx, record, a live push): rx + record used ~15% more CPU per packet
    # without it, in bench/live_record.sh. So do the S3 and Kafka caches: their training runs the
    # clients' own code paths, and replay measured 0.6 s faster on a 1 GiB S3 push.
    # PUSHCAP_JAVA_OPTS comes later on the command line: -XX:+AOTReplayTraining there wins.
    [ "$PUSHCAP_MAIN_CACHE" = "$PUSHCAP_HOME/target/pushcap.aot" ] || return 0
    case "${1:-}" in
        check) ;;
        push) case " $* " in *" --offline "* | *" --offline="*) ;; *) return 0 ;; esac ;;
        *) return 0 ;;
    esac
    echo "-XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining"
}

