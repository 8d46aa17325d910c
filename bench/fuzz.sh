#!/usr/bin/env bash
# Nightly-style fuzzing: runs each Jazzer fuzz target for a bounded time, one at a time, and says
# which found something. A finding is written by Jazzer into the target's inputs directory
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-*), so once fixed and committed it
# is replayed by every normal `mvn test` (regression mode). The growing corpus lives in
# .cifuzz-corpus/ (not committed) and is reused by the next run.
#
#   bench/fuzz.sh                        # every target, 60 s each
#   FUZZ_SECONDS=300 bench/fuzz.sh pcap config
#
# Targets: pcap, pcapng, capture (format detection), decap, tunnel, config.
# Exit status: 0 when no target found anything, 1 otherwise (the list is printed at the end).
set -uo pipefail

HOME_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
SECONDS_EACH=${FUZZ_SECONDS:-60}
LOG_DIR=${FUZZ_LOG_DIR:-$HOME_DIR/target/fuzz}

declare -A TARGETS=(
  [pcap]="io.pushcap.pcap.PcapReaderFuzzTest#fuzzPcapReader"
  [pcapng]="io.pushcap.pcap.PcapngReaderFuzzTest#fuzzPcapngReader"
  [capture]="io.pushcap.pcap.CaptureReaderFuzzTest#shouldEndOrRefuseWhenInputIsArbitrary"
  [decap]="io.pushcap.pipeline.decap.DecapsulatorFuzzTest#fuzzDecapsulate"
  [tunnel]="io.pushcap.capture.tunnel.TunnelDecoderFuzzTest#fuzzTunnelDecoder"
  [config]="io.pushcap.config.PushConfigLoaderFuzzTest#fuzzLoad"
)
ORDER=(pcap pcapng capture decap tunnel config)

if [ $# -gt 0 ]; then
  ORDER=("$@")
fi
for t in "${ORDER[@]}"; do
  [ -n "${TARGETS[$t]:-}" ] || { echo "unknown target '$t' (expected: ${!TARGETS[*]})" >&2; exit 2; }
done

cd "$HOME_DIR"
mkdir -p "$LOG_DIR"
echo "fuzzing ${ORDER[*]} for ${SECONDS_EACH} s each; logs in $LOG_DIR"
mvn -q -B -Dstyle.color=never test-compile >&2 || exit 2

found=()
for t in "${ORDER[@]}"; do
  test=${TARGETS[$t]}
  before=$(git status --porcelain --untracked-files=all -- src/test/resources | wc -l)
  start=$(date +%s)
  # The classes are compiled above, so the test phase only checks they are up to date.
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${SECONDS_EACH}s" \
    mvn -q -B -o -Dstyle.color=never test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    >"$LOG_DIR/$t.log" 2>&1
  rc=$?
  after=$(git status --porcelain --untracked-files=all -- src/test/resources | wc -l)
  report=$(ls target/surefire-reports/*"${test%%#*}"-output.txt 2>/dev/null | head -1)
  stats=$(grep -h -E "^#[0-9]+.*(DONE|pulse)" "$LOG_DIR/$t.log" 2>/dev/null | tail -1 | sed "s/  */ /g")
  if [ $rc -ne 0 ] || [ "$after" -ne "$before" ]; then
    found+=("$t")
    echo "$t: FOUND something after $(( $(date +%s) - start )) s (exit $rc); see $LOG_DIR/$t.log and:"
    git status --porcelain --untracked-files=all -- src/test/resources | sed 's/^/    /'
  else
    echo "$t: nothing found in $(( $(date +%s) - start )) s; ${stats:-no libFuzzer statistics}"
  fi
  [ -n "$report" ] && cp "$report" "$LOG_DIR/$t.fuzzer.txt"
done

if [ ${#found[@]} -gt 0 ]; then
  echo "findings: ${found[*]} (fix them, keep each crash input as a regression input, commit both)"
  exit 1
fi
echo "no findings"
