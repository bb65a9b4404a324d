#!/usr/bin/env bash
# A local Neo4j 5.26 Community server with GDS (open edition), APOC core and Neo4j Browser,
# run from Maven Central jars with the JDK: no Docker, no tarball. See docs/neo4j-local.md.
#
#   tools/neo4j/neo4j.sh start            start in the background (downloads the jars the first time)
#   tools/neo4j/neo4j.sh stop             stop it (clean shutdown, data is kept)
#   tools/neo4j/neo4j.sh restart
#   tools/neo4j/neo4j.sh status           exit 0 if running, 3 if not
#   tools/neo4j/neo4j.sh admin ARGS...    neo4j-admin on this home, e.g. `admin database import full ...`
#   tools/neo4j/neo4j.sh resolve          only download the jars into tools/neo4j/lib/
#
# Environment (defaults in brackets):
#   IDGRAPH_NEO4J_BOLT_PORT [7687]   IDGRAPH_NEO4J_HTTP_PORT [7474]   (always bound to 127.0.0.1)
#   IDGRAPH_NEO4J_HOME [<repo>/.neo4j]: data/, logs/, run/, conf/neo4j.conf of this server
#   IDGRAPH_NEO4J_PASSWORD [idgraph-local]: password of user neo4j, applied on every start
#   IDGRAPH_NEO4J_HEAP [1g]   IDGRAPH_NEO4J_PAGECACHE [256m]   IDGRAPH_NEO4J_JAVA_OPTS [extra JVM flags]
#   IDGRAPH_NEO4J_JAVA [a JDK 17 or 21: $JAVA_HOME, /usr/lib/jvm/..., java on PATH]
#   IDGRAPH_NEO4J_START_TIMEOUT [180] seconds   IDGRAPH_NEO4J_STOP_TIMEOUT [60] seconds
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
LIB="$HERE/lib"
BOLT_PORT="${IDGRAPH_NEO4J_BOLT_PORT:-7687}"
HTTP_PORT="${IDGRAPH_NEO4J_HTTP_PORT:-7474}"
PASSWORD="${IDGRAPH_NEO4J_PASSWORD:-idgraph-local}"
HEAP="${IDGRAPH_NEO4J_HEAP:-1g}"
PAGECACHE="${IDGRAPH_NEO4J_PAGECACHE:-256m}"
START_TIMEOUT="${IDGRAPH_NEO4J_START_TIMEOUT:-180}"
STOP_TIMEOUT="${IDGRAPH_NEO4J_STOP_TIMEOUT:-60}"
mkdir -p "${IDGRAPH_NEO4J_HOME:-$REPO/.neo4j}"
HOME_DIR="$(cd "${IDGRAPH_NEO4J_HOME:-$REPO/.neo4j}" && pwd)"
PID_FILE="$HOME_DIR/run/neo4j.pid"
READY_FILE="$HOME_DIR/run/neo4j.ready" # written by Neo4jServer.java once Bolt and HTTP answer
LOG_FILE="$HOME_DIR/logs/neo4j.log"

# The flags Neo4j's own launcher passes, plus java.lang for GDS.
JVM_OPTS=(
    "-Xmx$HEAP" -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError
    -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true -Dlog4j2.disable.jmx=true
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
)
# shellcheck disable=SC2206 # word splitting of user-supplied flags is intended
JVM_OPTS+=(${IDGRAPH_NEO4J_JAVA_OPTS:-})

die() { echo "neo4j.sh: $*" >&2; exit 1; }

# Serialise concurrent starts and downloads (e.g. two test sessions) where flock(1) exists.
wait_lock() { if command -v flock >/dev/null; then flock -w 900 "$1" || die "timed out waiting for a lock"; fi; }

java_major() { "$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1; }

find_java() { # a JDK (the source launcher needs javac) of a version Neo4j 5.26 supports: 17 or 21
    if [ -n "${IDGRAPH_NEO4J_JAVA:-}" ]; then echo "$IDGRAPH_NEO4J_JAVA"; return 0; fi
    local c mac17="" mac21=""
    if [ -x /usr/libexec/java_home ]; then
        mac17="$(/usr/libexec/java_home -v 17 2>/dev/null || true)"
        mac21="$(/usr/libexec/java_home -v 21 2>/dev/null || true)"
    fi
    for c in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" \
        /usr/lib/jvm/java-17-openjdk*/bin/java /usr/lib/jvm/*-17*/bin/java /usr/lib/jvm/*17*/bin/java \
        /usr/lib/jvm/java-21-openjdk*/bin/java /usr/lib/jvm/*21*/bin/java \
        "${mac17:+$mac17/bin/java}" "${mac21:+$mac21/bin/java}"; do
        [ -n "$c" ] && [ -x "$c" ] && [ -x "$(dirname "$c")/javac" ] || continue
        case "$(java_major "$c")" in 17 | 21) echo "$c"; return 0 ;; esac
    done
    die "no JDK 17 or 21 found (Neo4j 5.26 runs on Java 17/21 only; a JRE is not enough).
Install one (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless) or set IDGRAPH_NEO4J_JAVA=/path/to/bin/java."
}

resolve() { # download the jars once; again whenever pom.xml changes
    local want
    want="$(cksum <"$HERE/pom.xml")"
    [ -f "$LIB/.pom.cksum" ] && [ "$(cat "$LIB/.pom.cksum")" = "$want" ] && return 0
    exec 8>"$HERE/.resolve.lock"
    wait_lock 8
    [ -f "$LIB/.pom.cksum" ] && [ "$(cat "$LIB/.pom.cksum")" = "$want" ] && return 0
    command -v mvn >/dev/null || die "Maven (mvn) is needed once, to download the Neo4j jars from Maven Central.
Install it (Debian/Ubuntu: apt-get install maven; macOS: brew install maven) and run this again."
    echo "Downloading Neo4j, GDS, APOC and Browser jars from Maven Central into $LIB (about 170 MB, once) ..."
    rm -rf "$LIB"
    mkdir -p "$HOME_DIR/logs"
    (cd "$HERE" && mvn -q -B package) >"$HOME_DIR/logs/resolve.log" 2>&1 ||
        { cat "$HOME_DIR/logs/resolve.log" >&2; die "Maven could not resolve the jars (see above)."; }
    echo "$want" >"$LIB/.pom.cksum"
}

write_conf() { # an empty conf (for extra settings) so that neo4j-admin finds NEO4J_CONF
    mkdir -p "$HOME_DIR/conf" "$HOME_DIR/logs" "$HOME_DIR/run"
    [ -f "$HOME_DIR/conf/neo4j.conf" ] && return 0
    cat >"$HOME_DIR/conf/neo4j.conf" <<'EOF'
# Extra Neo4j settings for this local server, read by tools/neo4j/Neo4jServer.java and `neo4j.sh admin`.
# Ports, listen addresses, auth, plugins and page cache come from tools/neo4j/neo4j.sh (IDGRAPH_NEO4J_*).
# Example:
# db.memory.transaction.total.max=512m
EOF
}

server_pid() { # the pid of this home's server if it is alive
    local pid
    [ -f "$PID_FILE" ] || return 1
    pid="$(cat "$PID_FILE")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    ps -ww -p "$pid" -o args= 2>/dev/null | grep -qF "Neo4jServer.java $HOME_DIR " || return 1 # not a reused pid
    echo "$pid"
}

port_open() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ready_value() { sed -n "s/^$1=//p" "$READY_FILE" 2>/dev/null; }

print_urls() {
    local bolt http
    bolt="$(ready_value bolt)" http="$(ready_value http)"
    echo "  Bolt:    $bolt  (user neo4j, password: $([ -n "${IDGRAPH_NEO4J_PASSWORD:-}" ] && echo "\$IDGRAPH_NEO4J_PASSWORD" || echo idgraph-local))"
    echo "  Browser: ${http}browser/"
    echo "  Home:    $HOME_DIR  (log: $LOG_FILE)"
    if [ "$bolt" != "bolt://127.0.0.1:$BOLT_PORT" ] || [ "$http" != "http://127.0.0.1:$HTTP_PORT/" ]; then
        echo "  Note: it runs on other ports than IDGRAPH_NEO4J_*_PORT ask for; stop and start it to change them."
    fi
}

wait_ready() {
    local pid="$1" waited=0
    while [ "$waited" -lt "$START_TIMEOUT" ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "neo4j.sh: Neo4j exited during startup; last lines of $LOG_FILE:" >&2
            tail -n 30 "$LOG_FILE" >&2
            rm -f "$PID_FILE"
            exit 1
        fi
        if [ -f "$READY_FILE" ] && port_open "$(ready_value bolt | sed 's/.*://')"; then
            return 0
        fi
        sleep 1
        waited=$((waited + 1))
    done
    echo "neo4j.sh: Neo4j did not become ready in ${START_TIMEOUT}s (IDGRAPH_NEO4J_START_TIMEOUT); stopping it." >&2
    tail -n 30 "$LOG_FILE" >&2
    do_stop >&2
    exit 1
}

do_start() {
    local pid java began
    write_conf
    exec 9>"$HOME_DIR/run/start.lock"
    wait_lock 9
    if pid="$(server_pid)"; then
        [ -f "$READY_FILE" ] || wait_ready "$pid"
        echo "Neo4j is already running (pid $pid)."
        print_urls
        return 0
    fi
    rm -f "$PID_FILE" "$READY_FILE"
    for port in "$BOLT_PORT" "$HTTP_PORT"; do
        port_open "$port" && die "port 127.0.0.1:$port is already in use by another program.
Stop it, or choose other ports with IDGRAPH_NEO4J_BOLT_PORT / IDGRAPH_NEO4J_HTTP_PORT."
    done
    resolve
    java="$(find_java)"
    began="$(date +%s)"
    echo "Starting Neo4j (Java $(java_major "$java"), home $HOME_DIR) ..."
    echo "==== $(date) start: bolt $BOLT_PORT, http $HTTP_PORT" >>"$LOG_FILE"
    NEO4J_PASSWORD="$PASSWORD" NEO4J_PAGECACHE="$PAGECACHE" nohup "$java" "${JVM_OPTS[@]}" -cp "$LIB/*" \
        "$HERE/Neo4jServer.java" "$HOME_DIR" "$LIB/plugins" "$BOLT_PORT" "$HTTP_PORT" \
        >>"$LOG_FILE" 2>&1 </dev/null 8>&- 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"
    wait_ready "$pid"
    echo "Neo4j is up (pid $pid, $(($(date +%s) - began))s)."
    print_urls
}

do_stop() {
    local pid waited=0
    if ! pid="$(server_pid)"; then
        rm -f "$PID_FILE" "$READY_FILE"
        echo "Neo4j is not running ($HOME_DIR)."
        return 0
    fi
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$((STOP_TIMEOUT * 5))" ]; do
        sleep 0.2
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "neo4j.sh: no clean shutdown after ${STOP_TIMEOUT}s; killing pid $pid." >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PID_FILE" "$READY_FILE"
    echo "Neo4j stopped (pid $pid)."
}

do_status() {
    local pid
    if pid="$(server_pid)"; then
        if [ -f "$READY_FILE" ]; then echo "Neo4j is running (pid $pid)."; print_urls; else echo "Neo4j is starting (pid $pid)."; fi
        return 0
    fi
    echo "Neo4j is not running ($HOME_DIR)."
    return 3
}

do_admin() { # neo4j-admin without the tarball: org.neo4j.cli.AdminTool on this home and conf
    local java
    write_conf
    resolve >&2
    java="$(find_java)"
    NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$HOME_DIR/conf" exec "$java" "${JVM_OPTS[@]}" -cp "$LIB/*" \
        org.neo4j.cli.AdminTool "$@"
}

case "${1:-}" in
    start) do_start ;;
    stop) do_stop ;;
    restart) do_stop && do_start ;;
    status) do_status ;;
    admin) shift; do_admin "$@" ;;
    resolve) resolve ;;
    *) # the comment block at the top is the help
        awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
        [ -z "${1:-}" ] || exit 2 ;;
esac
