#!/usr/bin/env bash
# Peak memory of an offline push (issue 13, target 3: peak RSS under 400 MB for any input size).
# Generates a large mixed capture ON DISK (target/bench/memory, not /dev/shm: RAM is shared), then
# runs `pushcap push --force --offline` of it with one target (tcp, 60 s splits, zstd:1) and with
# four (tcp, udp, "port 80 or port 443", ip6; the same settings), each under /usr/bin/time.
# Peak RSS is %M: wait4's ru_maxrss, the largest of the push JVM and every child it waited for (the
# config-evaluation JVM), not their sum. The push JVM's own peak (VmHWM, sampled every 0.2 s) is
# printed beside it, so one can tell which process set the maximum.
# Usage: bench/memory.sh [SIZE (default 10g)]; KEEP=1 keeps the generated input (and reuses a kept
# one); BENCH_INPUT=file.pcap pushes your own capture (never deleted); LIMIT_MB (default 400).
set -euo pipefail
BENCH_RAM=${BENCH_RAM:-$(cd "$(dirname "$0")/.." && pwd)/target/bench/memory} # lib.sh's "RAM" dir: here on disk
export BENCH_RAM
. "$(dirname "$0")/lib.sh"
SIZE=${1:-10g}
LIMIT_MB=${LIMIT_MB:-400}
DIR=$RAM
out="$DIR/out"
generated=""

cleanup() {
    rm -rf "$out" "$DIR/logs" "$DIR/var" "$DIR/one.lua" "$DIR/four.lua" "$DIR/rss" "$DIR/hwm" "$DIR/push.log"
    if [ -n "$generated" ]; then
        rm -f "$generated.pending" # an interrupted pushcap gen
        [ -n "${KEEP:-}" ] || rm -f "$generated"
    fi
}
trap cleanup EXIT

bytes_of() { # 10g -> bytes (powers of 1024, as pushcap gen --size)
    local v=${1,,} m=1
    v=${v%b}
    case $v in *k) m=$((1 << 10));; *m) m=$((1 << 20));; *g) m=$((1 << 30));; *t) m=$((1 << 40));; esac
    echo $(( ${v%[kmgt]} * m ))
}

machine
if [ -z "${BENCH_INPUT:-}" ]; then
    f="$DIR/input-$SIZE-mixed.pcap"
    # The input, plus the four targets' splits (random payloads: about the input's size again).
    need=$(( $(bytes_of "$SIZE") * 21 / 10 ))
    [ -s "$f" ] && need=$(( need - $(stat -c %s "$f") ))
    free=$(( $(df --output=avail -B1 "$DIR" | tail -n1) ))
    if [ "$need" -gt "$free" ]; then
        echo "$DIR: $((free >> 30)) GiB free, $SIZE needs about $((need >> 30)) GiB (input and splits); pass a smaller size" >&2
        exit 1
    fi
    [ -s "$f" ] || generated=$f
    s=$(now)
    in=$(bench_input "$SIZE" mixed)
    [ -n "$generated" ] && echo "generated $in in $(elapsed "$s") s"
    generated=$f # delete at the end (unless KEEP=1), even when it was kept by an earlier run
else
    in=$BENCH_INPUT
fi
echo "input: $in ($(du -h "$in" | cut -f1)), on $(df --output=source "$in" | tail -n1); limit $LIMIT_MB MB peak RSS"

target() { # desc filter
    cat <<LUA
table.insert(Config.Target, { Desc = "$1", Path = "$out/$1/", Split = "--split-time 60e9",
    FileName = "--filename-epoch-sec-startend", FilterBPF = "$2", Decap = false,
    Compress = "zstd:1", FileSuffix = ".pcap.zst" })
LUA
}
{ echo 'local Config = {} Config.Target = {}'; target tcp tcp; echo 'return Config'; } > "$DIR/one.lua"
{ echo 'local Config = {} Config.Target = {}'; target tcp tcp; target udp udp; target web "port 80 or port 443"
  target v6 ip6; echo 'return Config'; } > "$DIR/four.lua"

descendants() { # pid -> the pid and all its descendants
    local c
    echo "$1"
    for c in $(pgrep -P "$1" 2>/dev/null || true); do descendants "$c"; done
}

sample_hwm() { # pid file: "pid VmHWM RssAnon RssFile command" lines (kB) every 0.2 s while pid lives
    local p mem
    while kill -0 "$1" 2>/dev/null; do
        for p in $(descendants "$1"); do
            mem=$(awk '/^(VmHWM|RssAnon|RssFile):/{printf "%s ", $2}' "/proc/$p/status" 2>/dev/null || true)
            [ -n "$mem" ] && echo "$p $mem$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-300)"
        done
        sleep 0.2
    done >>"$2"
}

"$PUSHCAP" --version >/dev/null # a stale jar is built and the AOT caches trained now, not under time

fails=0
measure() { # label config
    local label=$1 config=$2 pid rc=0 rss wall cpu main child splits
    rm -rf "$out" "$DIR/rss" "$DIR/hwm" "$DIR/push.log"
    /usr/bin/time -f '%M %e %U %S' -o "$DIR/rss" "$PUSHCAP" push --config "$config" --force --no-progress \
        --log-dir "$DIR/logs" --state-dir "$DIR/var" --offline "$in" >"$DIR/push.log" 2>&1 &
    pid=$!
    sample_hwm "$pid" "$DIR/hwm" & # time -> launcher, which execs the push JVM -> config child
    wait "$pid" || rc=$?
    wait
    if [ "$rc" != 0 ]; then
        echo "$label: push failed (exit $rc):" >&2; tail -n 20 "$DIR/push.log" >&2; fails=$((fails + 1)); return
    fi
    read -r rss wall u s <"$DIR/rss"
    cpu=$(echo "$u + $s" | bc -l)
    # The push JVM's peak, and the largest anonymous (heap, native buffers) and file-backed
    # (jar, AOT cache, mapped input) parts sampled; the two maxima need not be simultaneous.
    main=$(awk '$0 !~ /EvalChild/ && $5 ~ /java/ {if ($2 > h) h = $2; if ($3 > a) a = $3; if ($4 > f) f = $4}
        END{printf "%d MB: anon <= %d MB, file <= %d MB", h / 1024, a / 1024, f / 1024}' "$DIR/hwm")
    child=$(awk '/EvalChild/ {if ($2 > m) m = $2} END{print (m ? int(m / 1024) " MB" : "too short-lived to sample, within the peak")}' "$DIR/hwm")
    splits=$(find "$out" -type f -name '*.zst' | wc -l)
    printf '%-17s peak RSS %4d MB (push JVM %s; config child %s)\n%-17s %s s wall, %s CPU-s; %d splits, %s\n' \
        "$label:" $((rss / 1024)) "$main" "$child" "" "$wall" "$cpu" "$splits" "$(du -sh "$out" | cut -f1)"
    if [ $((rss / 1024)) -lt "$LIMIT_MB" ]; then
        echo "PASS $label: peak RSS $((rss / 1024)) MB < $LIMIT_MB MB"
    else
        echo "FAIL $label: peak RSS $((rss / 1024)) MB >= $LIMIT_MB MB"; fails=$((fails + 1))
    fi
}

measure "push, 1 target" "$DIR/one.lua"
measure "push, 4 targets" "$DIR/four.lua"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $((fails > 0))
