#!/usr/bin/env bash
# Run three real Docker engines side by side for dockwright's integration tests.
#
#   tests/engines/engines.sh up      install (first time), start, wait, write state/env
#   tests/engines/engines.sh down    stop the engines (by pid)
#   tests/engines/engines.sh down --started
#                                     stop only those the last `up` started itself, not
#                                     the ones it found running and adopted
#   tests/engines/engines.sh status  print which engines answer
#
# Engines (the recipe: ../shared/notes/real-docker-daemons.md beside the checkout):
#   e2010  Debian bookworm docker.io (20.10), installed with apt
#   e261   Debian trixie   docker.io (26.1), unpacked with dpkg -x; also TLS on tcp://127.0.0.1:2376
#   e28    Debian sid      docker.io (28.x), unpacked with dpkg -x
# All of them use bookworm's runc. Each has its own data root, exec root, pidfile,
# unix socket and containerd namespace; --iptables=false --bridge=none --storage-driver=vfs.
#
# Must run as root. Never stops anything it did not start.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="$HERE/state"                       # git-ignored: env file, TLS material, logs copies
RUN_BASE=/run/dockwright                  # short paths: unix sockets are limited to 108 bytes
DATA_BASE=/var/lib/dockwright
CACHE=/var/cache/dockwright               # downloaded .debs and unpacked trees (survive re-runs)
TLS_PORT=2376
# TLS material lives beside the engines, not in the checkout: an engine started from one
# checkout is adopted by another, whose tests must then trust the same certificates.
TLS_DIR="$DATA_BASE/tls"
STARTED="$STATE/started"                  # names of the engines the last `up` started
ENGINES=(e2010 e261 e28)
PING_TIMEOUT=60

log() { printf '[engines] %s\n' "$*" >&2; }
die() { printf '[engines] ERROR: %s\n' "$*" >&2; exit 1; }

sock_of() { echo "$RUN_BASE/$1/docker.sock"; }
pidfile_of() { echo "$RUN_BASE/$1/docker.pid"; }

# Binary root of an engine ("" = the system's bookworm install).
root_of() {
    case "$1" in
        e2010) echo "" ;;
        e261) echo "$CACHE/root-trixie" ;;
        e28) echo "$CACHE/root-sid" ;;
        *) die "unknown engine $1" ;;
    esac
}

ping_ok() { # $1 = socket
    [[ -S "$1" ]] && curl -fsS --max-time 3 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

read_pid() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }

# --------------------------------------------------------------------------- install

# Print the pids of running processes whose executable is one of the given paths.
pids_of_exe() {
    local p exe
    for p in /proc/[0-9]*; do
        exe="$(readlink "$p/exe" 2>/dev/null || true)"
        [[ -z "$exe" ]] && continue
        for want in "$@"; do
            if [[ "$exe" == "$want" || "$exe" == "$want (deleted)" ]]; then
                echo "${p#/proc/}"
            fi
        done
    done
}

install_bookworm() {
    local pkgs=(docker.io runc containerd busybox-static openssl curl ca-certificates tar)
    local missing=() p
    for p in "${pkgs[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    if ((${#missing[@]} == 0)); then
        log "bookworm packages already installed"
        return
    fi
    command -v apt-get >/dev/null || die "apt-get not found (needs Debian 12)"
    log "installing from bookworm: ${missing[*]}"

    # Forbid service starts during the install (no system-wide dockerd/containerd).
    local prc=/usr/sbin/policy-rc.d prc_backup="" prc_created=0
    if [[ -e "$prc" ]] && grep -qx 'exit 101' "$prc"; then
        : # already forbids everything
    else
        if [[ -e "$prc" ]]; then
            prc_backup="$(mktemp /tmp/policy-rc.d.XXXXXX)"
            cp -p "$prc" "$prc_backup"
        fi
        printf '#!/bin/sh\n# temporary, written by dockwright tests/engines/engines.sh\nexit 101\n' >"$prc"
        chmod 755 "$prc"
        prc_created=1
    fi
    local before
    before="$(pids_of_exe /usr/sbin/dockerd /usr/bin/dockerd /usr/bin/containerd | sort -u)"

    local rc=0
    {
        export DEBIAN_FRONTEND=noninteractive
        apt-get -q -o DPkg::Lock::Timeout=300 update >/dev/null &&
            apt-get -q -y -o DPkg::Lock::Timeout=300 --no-install-recommends install "${missing[@]}" >"$STATE/apt-install.log" 2>&1
    } || rc=$?

    if ((prc_created)); then
        if [[ -n "$prc_backup" ]]; then mv -f "$prc_backup" "$prc"; else rm -f "$prc"; fi
    fi
    if ((rc != 0)); then
        tail -n 30 "$STATE/apt-install.log" >&2 || true
        die "apt-get install failed"
    fi

    # If a service got started anyway, stop only that one, by its pid.
    local after pid
    after="$(pids_of_exe /usr/sbin/dockerd /usr/bin/dockerd /usr/bin/containerd | sort -u)"
    for pid in $(comm -13 <(echo "$before") <(echo "$after")); do
        if ! { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q -- "$RUN_BASE/"; then
            log "stopping service started by the install: pid $pid ($(readlink /proc/"$pid"/exe))"
            kill "$pid" 2>/dev/null || true
        fi
    done
}

debian_mirror() {
    local uri=""
    if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
        uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
    fi
    if [[ -z "$uri" && -f /etc/apt/sources.list ]]; then
        uri="$(awk '$1 == "deb" && $2 !~ /^\[/ {print $2; exit}' /etc/apt/sources.list)"
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}

# Download docker.io + containerd of a Debian suite with a private apt state and
# unpack them (never runc: sid's needs a newer glibc; bookworm's is used).
fetch_suite() { # $1 = suite (trixie|sid)
    local suite="$1"
    local root="$CACHE/root-$suite"
    if [[ -f "$root/.complete" ]]; then
        log "$suite tree cached: $(cat "$root/.complete")"
        return
    fi
    local D="$CACHE/apt-$suite"
    mkdir -p "$D/lists/partial" "$D/cache/archives/partial" "$D/debs"
    echo "deb $(debian_mirror) $suite main" >"$D/sources.list"
    local o=(-o "Dir::State::Lists=$D/lists" -o "Dir::Etc::SourceList=$D/sources.list"
        -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::Cache=$D/cache")
    log "downloading docker.io + containerd from $suite"
    apt-get -q "${o[@]}" update >"$D/update.log" 2>&1 || { cat "$D/update.log" >&2; die "apt-get update ($suite) failed"; }
    rm -f "$D/debs/"*.deb
    (cd "$D/debs" && apt-get -q "${o[@]}" download docker.io containerd >"$D/download.log" 2>&1) ||
        { cat "$D/download.log" >&2; die "apt-get download ($suite) failed"; }
    rm -rf "$root.tmp"
    mkdir -p "$root.tmp"
    local deb
    for deb in "$D/debs/"*.deb; do
        dpkg -x "$deb" "$root.tmp"
    done
    [[ -x "$root.tmp/usr/sbin/dockerd" ]] || die "no usr/sbin/dockerd in the $suite packages"
    rm -rf "$root"
    mv "$root.tmp" "$root"
    (cd "$D/debs" && ls -1 *.deb | tr '\n' ' ') >"$root/.complete"
}

# --------------------------------------------------------------------------- TLS

gen_ca() { # $1 = dir, $2 = CN
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1/ca-key.pem" 2>/dev/null
    openssl req -x509 -new -key "$1/ca-key.pem" -sha256 -days 3650 -subj "/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$1/ca.pem" 2>/dev/null
}

gen_leaf() { # $1 = ca dir, $2 = out cert, $3 = out key, $4 = CN, $5 = extensions
    local ext
    ext="$(mktemp)"
    printf '%s\n' "$5" >"$ext"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$3" 2>/dev/null
    openssl req -new -key "$3" -subj "/CN=$4" -out "$3.csr" 2>/dev/null
    openssl x509 -req -in "$3.csr" -CA "$1/ca.pem" -CAkey "$1/ca-key.pem" -CAcreateserial \
        -days 3650 -sha256 -extfile "$ext" -out "$2" 2>/dev/null
    rm -f "$3.csr" "$ext"
}

ensure_tls() {
    if [[ -f "$TLS_DIR/.complete" ]]; then
        return
    fi
    log "generating TLS material in $TLS_DIR"
    rm -rf "$TLS_DIR"
    mkdir -p "$TLS_DIR/server" "$TLS_DIR/client" "$TLS_DIR/wrong-ca" "$TLS_DIR/wrong"
    local client_ext=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
    # CA + server certificate (used by the e261 engine's TCP listener).
    gen_ca "$TLS_DIR/server" "dockwright test CA"
    gen_leaf "$TLS_DIR/server" "$TLS_DIR/server/server-cert.pem" "$TLS_DIR/server/server-key.pem" localhost \
        $'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost'
    # Client certificate signed by the same CA: DOCKER_CERT_PATH layout.
    gen_leaf "$TLS_DIR/server" "$TLS_DIR/client/cert.pem" "$TLS_DIR/client/key.pem" "dockwright client" "$client_ext"
    cp "$TLS_DIR/server/ca.pem" "$TLS_DIR/client/ca.pem"
    # An unrelated CA and a client certificate signed by it ("wrong CA" tests).
    gen_ca "$TLS_DIR/wrong-ca" "dockwright unrelated CA"
    gen_leaf "$TLS_DIR/wrong-ca" "$TLS_DIR/wrong/cert.pem" "$TLS_DIR/wrong/key.pem" "dockwright wrong client" "$client_ext"
    cp "$TLS_DIR/wrong-ca/ca.pem" "$TLS_DIR/wrong/ca.pem"
    chmod 600 "$TLS_DIR"/*/*key.pem
    chmod 644 "$TLS_DIR"/client/key.pem "$TLS_DIR"/wrong/key.pem # readable by non-root test runs
    touch "$TLS_DIR/.complete"
}

# --------------------------------------------------------------------------- engines

start_engine() { # $1 = name
    local name="$1" root sock pidfile dir data
    root="$(root_of "$name")"
    sock="$(sock_of "$name")"
    pidfile="$(pidfile_of "$name")"
    dir="$RUN_BASE/$name"
    data="$DATA_BASE/$name"

    if ping_ok "$sock" && pid_alive "$(read_pid "$pidfile")"; then
        log "$name already running (pid $(read_pid "$pidfile")): adopted, left running by 'down --started'"
        return
    fi
    local old
    old="$(read_pid "$pidfile")"
    if pid_alive "$old"; then
        die "$name: pid $old from $pidfile is alive but $sock does not answer; run '$0 down' first"
    fi

    mkdir -p "$dir/exec" "$data/data"
    rm -f "$sock" "$pidfile"
    echo '{}' >"$dir/daemon.json" # keep any /etc/docker/daemon.json out of the way

    local dockerd path
    if [[ -z "$root" ]]; then
        dockerd=/usr/sbin/dockerd
        path="/usr/sbin:/usr/bin:/sbin:/bin"
    else
        dockerd="$root/usr/sbin/dockerd"
        # Private binaries first, then bookworm's runc in /usr/sbin.
        path="$root/usr/bin:$root/usr/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
    fi
    local args=(
        --config-file "$dir/daemon.json"
        --data-root "$data/data" --exec-root "$dir/exec" --pidfile "$pidfile"
        -H "unix://$sock"
        --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs
        --containerd-namespace "dockwright-$name" --containerd-plugins-namespace "dockwright-${name}p"
    )
    if [[ "$name" == e261 ]]; then
        args+=(-H "tcp://127.0.0.1:$TLS_PORT" --tlsverify
            --tlscacert "$TLS_DIR/server/ca.pem"
            --tlscert "$TLS_DIR/server/server-cert.pem"
            --tlskey "$TLS_DIR/server/server-key.pem")
    fi
    : >"$dir/dockerd.log"
    PATH="$path" setsid "$dockerd" "${args[@]}" </dev/null >>"$dir/dockerd.log" 2>&1 &
    echo $! >"$dir/launcher.pid"
    log "$name starting: $("$dockerd" --version 2>/dev/null || echo "$dockerd") (pid $!)"
    echo "$name" >>"$STARTED"
}

wait_engine() { # $1 = name
    local name="$1" sock dir deadline
    sock="$(sock_of "$name")"
    dir="$RUN_BASE/$name"
    deadline=$((SECONDS + PING_TIMEOUT))
    until ping_ok "$sock"; do
        if ! pid_alive "$(read_pid "$dir/launcher.pid")" && ! pid_alive "$(read_pid "$(pidfile_of "$name")")"; then
            log "$name: dockerd exited; log tail:"
            tail -n 40 "$dir/dockerd.log" >&2 || true
            die "$name failed to start"
        fi
        if ((SECONDS >= deadline)); then
            log "$name: no answer on $sock after ${PING_TIMEOUT}s; log tail:"
            tail -n 40 "$dir/dockerd.log" >&2 || true
            die "$name did not become ready"
        fi
        sleep 0.3
    done
    local v
    v="$(curl -fsS --unix-socket "$sock" http://localhost/version |
        sed -n 's/.*"Version":"\([^"]*\)".*"ApiVersion":"\([^"]*\)".*/\1 (API \2)/p' | head -n 1)"
    log "$name ready: engine $v on $sock"
}

wait_tls() {
    local deadline=$((SECONDS + PING_TIMEOUT))
    until curl -fsS --max-time 3 --cacert "$TLS_DIR/client/ca.pem" --cert "$TLS_DIR/client/cert.pem" \
        --key "$TLS_DIR/client/key.pem" "https://127.0.0.1:$TLS_PORT/_ping" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            tail -n 40 "$RUN_BASE/e261/dockerd.log" >&2 || true
            die "TLS endpoint tcp://127.0.0.1:$TLS_PORT did not accept the client certificate of $TLS_DIR/client (an e261 started with other TLS material? '$0 down', then up)"
        fi
        sleep 0.3
    done
    log "e261 TLS ready on tcp://127.0.0.1:$TLS_PORT"
}

write_env() {
    local busybox
    busybox="$(command -v busybox || true)"
    [[ -x /bin/busybox ]] && busybox=/bin/busybox
    local tmp="$STATE/env.tmp"
    {
        echo "# written by tests/engines/engines.sh up -- $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "export DOCKWRIGHT_ENGINE_20_10=unix://$(sock_of e2010)"
        echo "export DOCKWRIGHT_ENGINE_26_1=unix://$(sock_of e261)"
        echo "export DOCKWRIGHT_ENGINE_28=unix://$(sock_of e28)"
        echo "export DOCKWRIGHT_ENGINE_TLS=tcp://127.0.0.1:$TLS_PORT"
        echo "export DOCKWRIGHT_TLS_CERTS=$TLS_DIR/client"
        echo "export DOCKWRIGHT_TLS_WRONG_CERTS=$TLS_DIR/wrong"
        echo "export DOCKWRIGHT_BUSYBOX=$busybox"
    } >"$tmp"
    mv -f "$tmp" "$STATE/env"
    log "wrote $STATE/env"
}

cmd_up() {
    [[ $EUID -eq 0 ]] || die "must run as root"
    local t0=$SECONDS
    mkdir -p "$STATE" "$RUN_BASE" "$DATA_BASE" "$CACHE"
    install_bookworm
    [[ -x /usr/sbin/runc ]] || die "bookworm runc missing at /usr/sbin/runc"
    fetch_suite trixie
    fetch_suite sid
    ensure_tls
    : >"$STARTED"
    local name
    for name in "${ENGINES[@]}"; do start_engine "$name"; done
    for name in "${ENGINES[@]}"; do wait_engine "$name"; done
    wait_tls
    write_env
    log "up done in $((SECONDS - t0))s"
}

# Stop one engine: dockerd by its pidfile (it stops its own containerd), then any
# leftover containerd / shim whose command line points into this engine's exec root.
stop_engine() { # $1 = name
    local name="$1" dir pid
    dir="$RUN_BASE/$name"
    pid="$(read_pid "$(pidfile_of "$name")")"
    pid_alive "$pid" || pid="$(read_pid "$dir/launcher.pid")"
    if pid_alive "$pid"; then
        # Only signal a dockerd (guards against a recycled pid).
        if [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == *dockerd* ]]; then
            log "$name: stopping dockerd pid $pid"
            kill -TERM "$pid" 2>/dev/null || true
            local deadline=$((SECONDS + 40))
            while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
            if pid_alive "$pid"; then
                log "$name: dockerd pid $pid still alive, sending KILL"
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
    fi
    # Leftovers (containerd, containerd-shim-runc-v2, container processes are children of shims).
    local p cmd left=()
    for p in /proc/[0-9]*; do
        cmd="$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null || true)"
        case "$cmd" in
            *containerd*"$dir/exec/"* | *containerd*"dockwright-$name "* | *containerd*"dockwright-$name") left+=("${p#/proc/}") ;;
        esac
    done
    if ((${#left[@]})); then
        log "$name: stopping leftover containerd/shim pids ${left[*]}"
        kill -TERM "${left[@]}" 2>/dev/null || true
        sleep 2
        for p in "${left[@]}"; do pid_alive "$p" && kill -KILL "$p" 2>/dev/null || true; done
    fi
    rm -f "$(sock_of "$name")" "$(pidfile_of "$name")" "$dir/launcher.pid"
}

cmd_down() { # [--started]
    local name
    if [[ "${1:-}" == --started ]]; then
        local started=()
        [[ -f "$STARTED" ]] && mapfile -t started <"$STARTED"
        for name in "${started[@]}"; do
            if [[ -d "$RUN_BASE/$name" ]]; then stop_engine "$name"; fi
        done
        rm -f "$STARTED"
        log "down: stopped what 'up' started (${started[*]:-nothing}); adopted engines left running"
        return
    fi
    for name in "${ENGINES[@]}"; do
        if [[ -d "$RUN_BASE/$name" ]]; then stop_engine "$name"; fi
    done
    rm -f "$STATE/env" "$STARTED"
    log "down"
}

cmd_status() {
    local name sock v rc=0
    for name in "${ENGINES[@]}"; do
        sock="$(sock_of "$name")"
        if ping_ok "$sock"; then
            v="$(curl -fsS --max-time 3 --unix-socket "$sock" http://localhost/version |
                sed -n 's/.*"Version":"\([^"]*\)".*"ApiVersion":"\([^"]*\)".*/\1 (API \2)/p' | head -n 1)"
            printf '%-6s up    %-28s unix://%s (pid %s)\n' "$name" "$v" "$sock" "$(read_pid "$(pidfile_of "$name")")"
        else
            printf '%-6s down  unix://%s\n' "$name" "$sock"
            rc=1
        fi
    done
    if [[ -f "$TLS_DIR/client/cert.pem" ]] && curl -fsS --max-time 3 --cacert "$TLS_DIR/client/ca.pem" \
        --cert "$TLS_DIR/client/cert.pem" --key "$TLS_DIR/client/key.pem" \
        "https://127.0.0.1:$TLS_PORT/_ping" >/dev/null 2>&1; then
        printf '%-6s up    tcp://127.0.0.1:%s (TLS, e261)\n' tls "$TLS_PORT"
    else
        printf '%-6s down  tcp://127.0.0.1:%s\n' tls "$TLS_PORT"
        rc=1
    fi
    return $rc
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down "${2:-}" ;;
    status) cmd_status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
