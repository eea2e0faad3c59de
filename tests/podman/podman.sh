#!/usr/bin/env bash
# Run Podman's Docker-compatible service as a fourth engine of dockwright's tests.
#
#   tests/podman/podman.sh up      install podman (apt, only if missing), start the service
#                                  on a private socket with private storage, wait for _ping,
#                                  write state/env (DOCKWRIGHT_ENGINE_PODMAN=unix://...)
#   tests/podman/podman.sh down    stop the service and the conmon processes of its storage
#                                  (by pid), remove what Podman created outside its folders
#   tests/podman/podman.sh down --started
#                                  the same, but only if the last `up` started the service
#                                  itself (not when it adopted a running one)
#   tests/podman/podman.sh status  print whether the service answers
#
# Nothing is shared with a system Podman: the storage root, run root, tmp dir, network
# config dir, events log and containers.conf are private (CONTAINERS_CONF,
# CONTAINERS_STORAGE_CONF, CONTAINERS_REGISTRIES_CONF point at files of this script).
# The containers.conf sets default ulimits the sandbox can grant: Podman's default asks for
# nofile=1048576, above the hard limit a sandbox may have, and then no container starts.
# Podman still creates /var/lib/containers, /run/containers and /etc/containers/networks on
# first use; `down` removes those only when this script's `up` found them absent.
#
# Must run as root. Never stops anything it did not start.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="$HERE/state"                   # git-ignored: env file, started marker
RUN=/run/dockwright-podman            # short path: unix sockets are limited to 108 bytes
DATA=/var/lib/dockwright-podman       # image and container storage
SOCK="$RUN/podman.sock"
PIDFILE="$RUN/service.pid"
CREATED="$DATA/created-by-us"         # system paths Podman created during our run
STARTED="$STATE/started"
SYSTEM_PATHS=(/var/lib/containers /run/containers /etc/containers/networks)
PING_TIMEOUT=60

log() { printf '[podman] %s\n' "$*" >&2; }
die() { printf '[podman] ERROR: %s\n' "$*" >&2; exit 1; }

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
read_pid() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }
ping_ok() { [[ -S "$SOCK" ]] && curl -fsS --max-time 3 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }

# The private global options and environment of every podman command of this script.
podman_args=(--root "$DATA/root" --runroot "$RUN/runroot" --tmpdir "$RUN/tmp" --storage-driver vfs)
podman_env() {
    env CONTAINERS_CONF="$RUN/containers.conf" CONTAINERS_STORAGE_CONF="$RUN/storage.conf" \
        CONTAINERS_REGISTRIES_CONF="$RUN/registries.conf" "$@"
}

install_podman() {
    if command -v podman >/dev/null && command -v conmon >/dev/null; then
        return
    fi
    command -v apt-get >/dev/null || die "apt-get not found (needs Debian 12)"
    log "installing podman from Debian"
    mkdir -p "$STATE"
    # Forbid service starts during the install (no system-wide podman socket).
    local prc=/usr/sbin/policy-rc.d created=0
    if [[ ! -e "$prc" ]]; then
        printf '#!/bin/sh\n# temporary, written by dockwright tests/podman/podman.sh\nexit 101\n' >"$prc"
        chmod 755 "$prc"
        created=1
    fi
    local rc=0
    {
        export DEBIAN_FRONTEND=noninteractive
        apt-get -q -o DPkg::Lock::Timeout=300 update >/dev/null &&
            apt-get -q -y -o DPkg::Lock::Timeout=300 --no-install-recommends install podman conmon crun \
                >"$STATE/apt-install.log" 2>&1
    } || rc=$?
    ((created)) && rm -f "$prc"
    if ((rc != 0)); then
        tail -n 30 "$STATE/apt-install.log" >&2 || true
        die "apt-get install podman failed"
    fi
}

write_config() {
    mkdir -p "$RUN/runroot" "$RUN/tmp" "$DATA/root" "$DATA/networks" "$DATA/volumes"
    cat >"$RUN/containers.conf" <<EOF
# written by dockwright tests/podman/podman.sh: private settings of the test service
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
log_driver = "k8s-file"
netns = "none"

[network]
network_config_dir = "$DATA/networks"

[engine]
# crun refuses the hybrid cgroup layout of some sandboxes; runc (the Docker engines' own) works.
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$RUN/events.log"
tmp_dir = "$RUN/tmp"
volume_path = "$DATA/volumes"
static_dir = "$DATA/root/libpod"
EOF
    cat >"$RUN/storage.conf" <<EOF
# written by dockwright tests/podman/podman.sh
[storage]
driver = "vfs"
runroot = "$RUN/runroot"
graphroot = "$DATA/root"
EOF
    # No registry: every image of the tests is built locally.
    printf '# written by dockwright tests/podman/podman.sh\nunqualified-search-registries = []\n' \
        >"$RUN/registries.conf"
}

cmd_up() {
    [[ $EUID -eq 0 ]] || die "must run as root"
    mkdir -p "$STATE"
    install_podman
    : >"$STARTED"
    if ping_ok && pid_alive "$(read_pid "$PIDFILE")"; then
        log "service already running (pid $(read_pid "$PIDFILE")): adopted, left running by 'down --started'"
    else
        local old
        old="$(read_pid "$PIDFILE")"
        pid_alive "$old" && die "pid $old from $PIDFILE is alive but $SOCK does not answer; run '$0 down' first"
        mkdir -p "$RUN" "$DATA"
        # Remember which of Podman's system paths are absent now: those `down` may remove.
        if [[ ! -f "$CREATED" ]]; then
            local p
            for p in "${SYSTEM_PATHS[@]}"; do [[ -e "$p" ]] || echo "$p"; done >"$CREATED"
        fi
        write_config
        rm -f "$SOCK"
        : >"$RUN/service.log"
        # Started directly (no function, no subshell) so that $! is podman's own pid.
        CONTAINERS_CONF="$RUN/containers.conf" CONTAINERS_STORAGE_CONF="$RUN/storage.conf" \
            CONTAINERS_REGISTRIES_CONF="$RUN/registries.conf" \
            setsid podman "${podman_args[@]}" system service --time=0 "unix://$SOCK" \
            </dev/null >>"$RUN/service.log" 2>&1 &
        echo $! >"$PIDFILE"
        echo podman >>"$STARTED"
        log "starting $(podman --version) (pid $!)"
    fi
    local deadline=$((SECONDS + PING_TIMEOUT))
    until ping_ok; do
        if ! pid_alive "$(read_pid "$PIDFILE")"; then
            tail -n 40 "$RUN/service.log" >&2 || true
            die "the podman service exited"
        fi
        ((SECONDS < deadline)) || { tail -n 40 "$RUN/service.log" >&2; die "no answer on $SOCK after ${PING_TIMEOUT}s"; }
        sleep 0.3
    done
    printf '# written by tests/podman/podman.sh up -- %s\nexport DOCKWRIGHT_ENGINE_PODMAN=unix://%s\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SOCK" >"$STATE/env.tmp"
    mv -f "$STATE/env.tmp" "$STATE/env"
    log "ready on unix://$SOCK; wrote $STATE/env"
}

# The pids of conmon processes that belong to this storage (their command line names it).
conmon_pids() {
    local p exe cmd
    for p in /proc/[0-9]*; do
        exe="$(readlink "$p/exe" 2>/dev/null || true)"
        [[ "$exe" == */conmon ]] || continue
        cmd="$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null || true)"
        if [[ "$cmd" == *"$RUN/"* || "$cmd" == *"$DATA/"* ]]; then echo "${p#/proc/}"; fi
    done
}

stop_service() {
    local pid
    pid="$(read_pid "$PIDFILE")"
    # Containers first, through the same private storage, so none outlives its conmon.
    if [[ -d "$DATA/root" && -f "$RUN/containers.conf" ]]; then
        podman_env timeout 60 podman "${podman_args[@]}" rm --all --force --time 0 >/dev/null 2>&1 || true
    fi
    if pid_alive "$pid" && [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == */podman ]]; then
        log "stopping the service, pid $pid"
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + 20))
        while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
        pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    fi
    local left
    mapfile -t left < <(conmon_pids)
    if ((${#left[@]})); then
        log "stopping conmon pids ${left[*]}"
        kill -TERM "${left[@]}" 2>/dev/null || true
        sleep 1
        for pid in "${left[@]}"; do pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true; done
    fi
    # Mounts of this storage left behind (a container's shm), then its run state, so the
    # next start refreshes every container's state instead of trusting a stale one.
    local mnt
    while read -r mnt; do
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
    done < <(awk -v a="$DATA/" -v b="$RUN/" 'index($2, a) == 1 || index($2, b) == 1 {print $2}' /proc/mounts | sort -r)
    rm -rf "$RUN/runroot" "$RUN/tmp"
    if [[ -f "$CREATED" ]]; then
        local p
        while read -r p; do
            [[ -n "$p" && -e "$p" ]] || continue
            log "removing $p (created during this run)"
            rm -rf --one-file-system "$p" || true
        done <"$CREATED"
        rm -f "$CREATED"
    fi
    rm -f "$SOCK" "$PIDFILE"
}

cmd_down() { # [--started]
    if [[ "${1:-}" == --started ]] && ! grep -qx podman "$STARTED" 2>/dev/null; then
        rm -f "$STARTED"
        log "down: the service was adopted, left running"
        return
    fi
    stop_service
    rm -f "$STARTED" "$STATE/env"
    log "down"
}

cmd_status() {
    if ping_ok; then
        echo "podman up    unix://$SOCK (pid $(read_pid "$PIDFILE"))"
    else
        echo "podman down  unix://$SOCK"
        return 1
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down "${2:-}" ;;
    status) cmd_status ;;
    *) echo "usage: $0 up|down [--started]|status" >&2; exit 2 ;;
esac
