#!/usr/bin/env bash
# In-process zstd level 1 (on the caller's thread, 1 and 2 workers, zstd-jni) vs the zstd CLI (-1, -1 -T2) on the same
# ~1 GB capture, same run. Prints best-of-3 seconds, MB/s, output size and the ratio
# CLI time / in-process time (> 1: in-process is faster). Input comes from the page cache in
# both cases; the in-process time excludes JVM start (measured inside the JVM).
# Usage: bench/compress.sh   (BENCH_MB=256 for a quicker run, BENCH_PCAP=file to use your own)
. "$(dirname "$0")/lib.sh"
PCAP=$(bench_pcap)
SIZE=$(stat -c %s "$PCAP")
cat "$PCAP" > /dev/null # warm the page cache
machine
echo "input: $PCAP ($SIZE bytes)"

cli() { # best of 3 seconds for a zstd command line (output to /dev/null, as in process), then its size
    local best=999999 t s
    for _ in 1 2 3; do
        s=$(now); "$@" < "$PCAP" > /dev/null; t=$(elapsed "$s")
        best=$(echo "if ($t < $best) $t else $best" | bc -l)
    done
    printf '%.3f %s\n' "$best" "$("$@" < "$PCAP" | wc -c)"
}

row() { printf '%-26s %8.3f s %8.1f MB/s  out %12d bytes\n' "$1" "$2" "$(echo "$SIZE / $2 / 1000000" | bc -l)" "$3"; }

read -r _ J0 _ O0 < <(bench_java io.pushcap.bench.CompressBench "$PCAP" zstd:1:0 3)
read -r _ J1 _ O1 < <(bench_java io.pushcap.bench.CompressBench "$PCAP" zstd:1:1 3)
read -r _ J2 _ O2 < <(bench_java io.pushcap.bench.CompressBench "$PCAP" zstd:1:2 3)
read -r C1 S1 < <(cli zstd -q -1 -c)
read -r C2 S2 < <(cli zstd -q -1 -T2 -c)
row "pushcap zstd:1:0 (caller)" "$J0" "$O0"
row "pushcap zstd:1:1 (in-proc)" "$J1" "$O1"
row "zstd -1 (CLI)" "$C1" "$S1"
row "pushcap zstd:1:2 (in-proc)" "$J2" "$O2"
row "zstd -1 -T2 (CLI)" "$C2" "$S2"
printf 'ratio caller thread vs zstd -1 (CLI / pushcap): %.2f\n' "$(echo "$C1 / $J0" | bc -l)"
printf 'ratio 1 worker  (CLI / pushcap): %.2f\n' "$(echo "$C1 / $J1" | bc -l)"
printf 'ratio 2 workers (CLI / pushcap): %.2f\n' "$(echo "$C2 / $J2" | bc -l)"
