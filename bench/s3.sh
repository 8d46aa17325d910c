#!/usr/bin/env bash
# Push a ~1 GB capture as 60 s zstd-1 splits to S3Proxy (filesystem store, loopback):
#   pushcap: `bin/pushcap push --offline` with one Mode S3 target: read pcap -> 60 s splits ->
#            in-process zstd level 1 ($BENCH_COMPRESS, default zstd:1:1) -> S3 streaming multipart
#            (end to end: JVM start, compression and manifest included);
#            twice: with the body checksum S3 targets with an Endpoint use by default (Content-MD5)
#            and with `BodyChecksum = "CRC32C"` (x-amz-checksum-crc32c, which S3Proxy checks too);
#   peer:    `rclone copy` of the same splits, already compressed on local disk, to the same
#            server through rclone's s3 backend (compression not included: the peer's best case;
#            rclone sends a Content-MD5 with every part).
# Same run, same server, BENCH_REPS (default 3) alternating rounds, medians. Prints the times and
# the ratios rclone / pushcap (> 1: pushcap faster).
. "$(dirname "$0")/lib.sh"
PCAP=$(bench_pcap)
BENCH_COMPRESS=${BENCH_COMPRESS:-zstd:1:1}
SIZE=$(stat -c %s "$PCAP")
machine
echo "input: $PCAP ($SIZE bytes)"

ID=bench-identity
SECRET=bench-secret-0123456789
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
STORE=$WORK/s3store
rm -rf "$STORE" "$WORK/splits"
mkdir -p "$STORE" "$WORK/splits"
cat > "$WORK/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ID
s3proxy.credential=$SECRET
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem
jclouds.filesystem.basedir=$STORE
jclouds.identity=$ID
jclouds.credential=$SECRET
PROPS
[ -f "$BENCH_HOME/target/test-tools/s3proxy.jar" ] || (cd "$BENCH_HOME" && mvn -q -B generate-test-resources >&2)
"$JAVA" -Xmx1g -jar "$BENCH_HOME/target/test-tools/s3proxy.jar" --properties "$WORK/s3proxy.properties" \
    > "$WORK/s3proxy.log" 2>&1 &
S3PID=$!
trap 'kill $S3PID 2>/dev/null || true; wait $S3PID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
    (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    kill -0 $S3PID || { cat "$WORK/s3proxy.log"; exit 1; }
    sleep 0.1
done

cat > "$WORK/rclone.conf" <<CONF
[s3proxy]
type = s3
provider = Other
access_key_id = $ID
secret_access_key = $SECRET
endpoint = http://127.0.0.1:$PORT
force_path_style = true
CONF
RCLONE=(env -u AWS_CA_BUNDLE rclone --config "$WORK/rclone.conf")
"${RCLONE[@]}" mkdir s3proxy:bench

export AWS_ACCESS_KEY_ID=$ID AWS_SECRET_ACCESS_KEY=$SECRET AWS_REGION=us-east-1
target() { # desc mode path extra
    printf 'local Config = {} Config.Target = {}\ntable.insert(Config.Target, { Desc = "%s", Mode = "%s", Path = "%s",\n' "$1" "$2" "$3"
    printf '  Split = "--split-time 60e9", FileName = "--filename-epoch-sec-startend", Compress = "%s",\n' "$BENCH_COMPRESS"
    printf '  FileSuffix = ".pcap.zst" %s })\nreturn Config\n' "$4"
}
target s3 S3 s3://bench/pushcap/ ", Endpoint = \"http://127.0.0.1:$PORT\", PathStyle = true" > "$WORK/s3.lua"
target s3 S3 s3://bench/pushcap-crc/ ", Endpoint = \"http://127.0.0.1:$PORT\", PathStyle = true, BodyChecksum = \"CRC32C\"" \
    > "$WORK/s3-crc.lua"
target splits File "$WORK/splits/" "" > "$WORK/splits.lua"
push() { rm -rf "$WORK/var"; "$PUSHCAP" push --config "$1" --force --no-progress --log-dir "$WORK/logs" --state-dir "$WORK/var" --offline "$PCAP"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

cat "$PCAP" > /dev/null
# The peer's input: the same splits, compressed, on local disk (not timed against anyone).
s=$(now); push "$WORK/splits.lua" >/dev/null 2>&1; NT=$(elapsed "$s")
NS=$(ls "$WORK/splits" | wc -l); NOUT=$(du -cb "$WORK"/splits/* | tail -n1 | cut -f1)
echo "prepared $NS splits, $NOUT compressed bytes on disk in ${NT} s (pushcap File sink + $BENCH_COMPRESS)"

PWALLS=(); CWALLS=(); RWALLS=()
for r in $(seq 1 "${BENCH_REPS:-3}"); do
    s=$(now); push "$WORK/s3.lua" >/dev/null 2>&1 || { echo "pushcap push to S3 failed; see $WORK/logs" >&2; exit 1; }
    PWALLS+=("$(elapsed "$s")")
    s=$(now); push "$WORK/s3-crc.lua" >/dev/null 2>&1 || { echo "pushcap push to S3 (CRC32C) failed; see $WORK/logs" >&2; exit 1; }
    CWALLS+=("$(elapsed "$s")")
    s=$(now); "${RCLONE[@]}" copy "$WORK/splits/" "s3proxy:bench/rclone-$r/"; RWALLS+=("$(elapsed "$s")")
done
PWALL=$(median "${PWALLS[@]}"); CWALL=$(median "${CWALLS[@]}"); RWALL=$(median "${RWALLS[@]}")
# For context: rclone forced to multipart with pushcap's part size, as a streaming uploader must be.
s=$(now); "${RCLONE[@]}" copy --s3-upload-cutoff 0 --s3-chunk-size 8M "$WORK/splits/" s3proxy:bench/rclone-mp/
RMWALL=$(elapsed "$s")

echo "server check (the same bytes under each prefix):"
"${RCLONE[@]}" size s3proxy:bench/pushcap/
"${RCLONE[@]}" size s3proxy:bench/pushcap-crc/
"${RCLONE[@]}" size s3proxy:bench/rclone-1/
printf 'pushcap push (S3, %s, Content-MD5): %8.3f s wall  [%s]\n' "$BENCH_COMPRESS" "$PWALL" "${PWALLS[*]}"
printf 'pushcap push (S3, %s, CRC32C):      %8.3f s wall  [%s]\n' "$BENCH_COMPRESS" "$CWALL" "${CWALLS[*]}"
printf '  %d splits, %d compressed bytes\n' "$NS" "$NOUT"
printf 'rclone copy (precompressed):        %8.3f s wall  [%s]\n' "$RWALL" "${RWALLS[*]}"
printf 'rclone copy, multipart 8M:          %8.3f s wall (context)\n' "$RMWALL"
printf 'ratio rclone / pushcap (wall): Content-MD5 %.2f, CRC32C %.2f\n' "$(echo "$RWALL / $PWALL" | bc -l)" \
    "$(echo "$RWALL / $CWALL" | bc -l)"
printf 'ratio rclone incl. its precompression / pushcap: Content-MD5 %.2f, CRC32C %.2f\n' \
    "$(echo "($RWALL + $NT) / $PWALL" | bc -l)" "$(echo "($RWALL + $NT) / $CWALL" | bc -l)"
