#!/usr/bin/env bash
# Runs Retarget.java (class-file API: JDK 24+) on the jars given after MAVEN_JAVA_HOME.
# The java is Maven's own when that is new enough, else the newest JDK 24+ under /usr/lib/jvm
# (where the toolchain found the JDK 25 that compiles pushcap). Without one the jars stay as
# they are: pushcap works the same, its commands only start slower (docs/performance.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
maven_java_home=$1
shift
major() {
    local v
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true)
    echo "${v:-0}"
}
for home in "$maven_java_home" $(ls -d "${PUSHCAP_JVM_DIR:-/usr/lib/jvm}"/*/ 2>/dev/null | sort -rV); do
    home=${home%/}
    if [ -x "$home/bin/java" ] && [ "$(major "$home")" -ge 24 ]; then
        exec "$home/bin/java" "$here/Retarget.java" "$@"
    fi
done
echo "retarget: no JDK 24+ found (Maven's, or under /usr/lib/jvm): picocli and LuaJ stay at their old class-file versions, so the AOT cache cannot hold them" >&2
