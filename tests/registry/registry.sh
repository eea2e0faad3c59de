#!/usr/bin/env bash
# A real image registry on loopback for dockwright's pull/push/login tests.
#
#   tests/registry/registry.sh up      install (first time), start, wait, write state/env
#   tests/registry/registry.sh down    stop the registry (by pid)
#   tests/registry/registry.sh down --started
#                                       stop it only if the last `up` started it itself,
#                                       not when it found one running and adopted it
#   tests/registry/registry.sh status  print whether it answers
#
# Debian's `docker-registry` (the CNCF distribution registry, 2.8) bound to 127.0.0.1:5000
# only, with htpasswd auth (`htpasswd` from apache2-utils) and a password made at start.
# Engines treat 127.0.0.0/8 registries as insecure, so plain HTTP works without flags.
# See ../shared/notes/real-docker-daemons.md beside the checkout, "A real registry on loopback".
#
# The storage, config and log live in the git-ignored state/ folder of this checkout. The
# pid and the credentials also go to /run/dockwright/registry, beside the engines, so a
# run from another checkout adopts a registry that is already listening instead of
# failing on the port. Must run as root. Never stops anything it did not start.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="$HERE/state"                  # git-ignored: storage, config, htpasswd, log, env
RUN_DIR=/run/dockwright/registry     # pid + env of the running registry, for adoption
ADDR=127.0.0.1:5000
USER_NAME=dockwright
BIN=/usr/bin/docker-registry
UP_TIMEOUT=30

log() { printf '[registry] %s\n' "$*" >&2; }
die() { printf '[registry] ERROR: %s\n' "$*" >&2; exit 1; }

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
read_pid() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }
is_registry_pid() { pid_alive "$1" && [[ "$(readlink "/proc/$1/exe" 2>/dev/null)" == "$BIN"* ]]; }

# HTTP status of GET /v2/ (000 when nothing answers); extra curl arguments allowed.
v2_status() { curl -s -o /dev/null --max-time 3 -w '%{http_code}' "$@" "http://$ADDR/v2/" 2>/dev/null || true; }

# Pids of running processes whose executable is $BIN.
registry_pids() {
    local p
    for p in /proc/[0-9]*; do
        [[ "$(readlink "$p/exe" 2>/dev/null)" == "$BIN"* ]] && echo "${p#/proc/}"
    done
    return 0
}

install_packages() {
    local missing=() p
    for p in docker-registry apache2-utils curl; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return
    command -v apt-get >/dev/null || die "apt-get not found (needs Debian 12)"
    log "installing from bookworm: ${missing[*]}"
    # The package's service would listen on :5000 of every address: forbid service starts
    # during the install, and stop by pid any registry that got started anyway.
    local prc=/usr/sbin/policy-rc.d prc_backup="" prc_created=0
    if ! { [[ -e "$prc" ]] && grep -qx 'exit 101' "$prc"; }; then
        if [[ -e "$prc" ]]; then
            prc_backup="$(mktemp /tmp/policy-rc.d.XXXXXX)"
            cp -p "$prc" "$prc_backup"
        fi
        printf '#!/bin/sh\n# temporary, written by dockwright tests/registry/registry.sh\nexit 101\n' >"$prc"
        chmod 755 "$prc"
        prc_created=1
    fi
    local before rc=0
    before="$(registry_pids | sort)"
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
    local pid
    for pid in $(comm -13 <(echo "$before") <(registry_pids | sort)); do
        log "stopping the registry service the install started: pid $pid"
        kill "$pid" 2>/dev/null || true
    done
}

write_env() { # $1 = password; writes the env file of this checkout
    local tmp="$STATE/env.tmp"
    {
        echo "# written by tests/registry/registry.sh up -- $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "export DOCKWRIGHT_REGISTRY=$ADDR"
        echo "export DOCKWRIGHT_REGISTRY_USER=$USER_NAME"
        echo "export DOCKWRIGHT_REGISTRY_PASSWORD=$1"
    } >"$tmp"
    chmod 644 "$tmp" # readable by non-root test runs, like the engines' client key
    mv -f "$tmp" "$STATE/env"
}

# A registry already listening: adopt it when it is the one recorded in $RUN_DIR and its
# recorded credentials are accepted; otherwise fail, naming what holds the port.
adopt() {
    local pid password
    pid="$(read_pid "$RUN_DIR/registry.pid")"
    if ! is_registry_pid "$pid" || [[ ! -f "$RUN_DIR/password" ]]; then
        local holder
        holder="$(ss -ltnpH "sport = :${ADDR##*:}" 2>/dev/null | grep -o 'users:.*' | head -n 1 || true)"
        die "http://$ADDR is taken by something this script did not start (${holder:-unknown process}); stop it or free the port"
    fi
    password="$(cat "$RUN_DIR/password")"
    [[ "$(v2_status -u "$USER_NAME:$password")" == 200 ]] ||
        die "the registry on $ADDR (pid $pid) refuses the credentials recorded in $RUN_DIR; stop it ('$0 down' from the checkout that started it)"
    write_env "$password"
    log "already running (pid $pid, storage $(cat "$RUN_DIR/storage" 2>/dev/null || echo '?')): adopted, left running by 'down --started'"
}

cmd_up() {
    [[ $EUID -eq 0 ]] || die "must run as root"
    mkdir -p "$STATE" "$RUN_DIR"
    rm -f "$STATE/started"
    install_packages
    [[ -x "$BIN" ]] && command -v htpasswd >/dev/null || die "$BIN or htpasswd missing after the install"

    if [[ "$(v2_status)" != 000 ]]; then
        adopt
        return
    fi
    local old
    old="$(read_pid "$RUN_DIR/registry.pid")"
    is_registry_pid "$old" && die "registry pid $old is alive but http://$ADDR/v2/ does not answer; run '$0 down' first"

    local password
    password="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
    mkdir -p "$STATE/storage"
    htpasswd -Bbn "$USER_NAME" "$password" >"$STATE/htpasswd"
    cat >"$STATE/config.yml" <<EOF
# written by tests/registry/registry.sh up
version: 0.1
log: { level: info, formatter: text }
storage:
  filesystem: { rootdirectory: $STATE/storage }
  delete: { enabled: true }
http: { addr: $ADDR }
auth:
  htpasswd: { realm: dockwright-test-registry, path: $STATE/htpasswd }
EOF
    : >"$STATE/registry.log"
    setsid "$BIN" serve "$STATE/config.yml" </dev/null >>"$STATE/registry.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$RUN_DIR/registry.pid"
    echo "$password" >"$RUN_DIR/password"
    chmod 600 "$RUN_DIR/password"
    echo "$STATE/storage" >"$RUN_DIR/storage"
    echo registry >"$STATE/started"
    log "starting $("$BIN" --version 2>/dev/null | head -n 1) on $ADDR (pid $pid)"

    local deadline=$((SECONDS + UP_TIMEOUT)) status
    while :; do
        status="$(v2_status)"
        [[ "$status" == 401 ]] && break
        if ! pid_alive "$pid"; then
            tail -n 30 "$STATE/registry.log" >&2 || true
            die "docker-registry exited"
        fi
        ((SECONDS < deadline)) || { tail -n 30 "$STATE/registry.log" >&2; die "no 401 from http://$ADDR/v2/ after ${UP_TIMEOUT}s (last: $status)"; }
        sleep 0.2
    done
    [[ "$(v2_status -u "$USER_NAME:$password")" == 200 ]] || die "the registry refuses its own credentials"
    write_env "$password"
    log "ready on http://$ADDR (htpasswd user $USER_NAME); wrote $STATE/env"
}

cmd_down() { # [--started]
    if [[ "${1:-}" == --started && ! -f "$STATE/started" ]]; then
        log "down: this checkout's 'up' did not start the registry; left running"
        return
    fi
    local pid
    pid="$(read_pid "$RUN_DIR/registry.pid")"
    if is_registry_pid "$pid"; then
        log "stopping docker-registry pid $pid"
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + 20))
        while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
        pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN_DIR/registry.pid" "$RUN_DIR/password" "$RUN_DIR/storage" "$STATE/started" "$STATE/env"
    log "down"
}

cmd_status() {
    local status
    status="$(v2_status)"
    if [[ "$status" == 401 ]]; then
        printf 'registry up    http://%s (pid %s)\n' "$ADDR" "$(read_pid "$RUN_DIR/registry.pid")"
    else
        printf 'registry down  http://%s (GET /v2/: %s)\n' "$ADDR" "$status"
        return 1
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down "${2:-}" ;;
    status) cmd_status ;;
    *) echo "usage: $0 up|down [--started]|status" >&2; exit 2 ;;
esac
