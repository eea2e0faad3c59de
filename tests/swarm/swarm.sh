#!/usr/bin/env bash
# Three private Docker engines (the 28.x tree unpacked by tests/engines/engines.sh), each
# in its own network namespace, for the multi-node swarm tests and the events follower test.
#
#   tests/swarm/swarm.sh up            namespaces + three dockerd, wait for _ping, write state/env
#   tests/swarm/swarm.sh down          leave the swarm, stop what `up` started (by pid), delete
#                                      the namespaces and the nodes' data
#   tests/swarm/swarm.sh stop-node N   stop node N's dockerd by its pid (namespace kept)
#   tests/swarm/swarm.sh start-node N  start node N's dockerd again and wait for it
#   tests/swarm/swarm.sh status
#
# Network (recipe: ../shared/notes/real-docker-daemons.md, "A real 3-node swarm in network
# namespaces"): a bridge in a namespace of its own, one veth pair per node from the bridge
# namespace into the node's, addresses $NET.11-13/24. Nothing is added to the root namespace
# and there is no route out; tests reach each node only through its unix socket, which stays
# on the host filesystem.
#
# dockerd starts under `nsenter --net` + `unshare --mount --uts`, with a fresh sysfs whose
# cgroup tree is moved back in: `ip netns exec` would remount /sys without the cgroup mounts
# and dockerd would die with "Devices cgroup isn't mounted".
#
# Must run as root. Stops only what it started: pids from its own pidfiles, processes inside
# its own namespaces and cgroups.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="$HERE/state"                    # git-ignored: env file
RUN_BASE=/run/dockwright-swarm         # sockets, pidfiles, exec roots, logs
DATA_BASE=/var/lib/dockwright-swarm    # data roots (removed by `down`)
ROOT_TREE=/var/cache/dockwright/root-sid   # unpacked by tests/engines/engines.sh
NET=10.231.0                           # private /24 inside the namespaces only
NS_PREFIX=dwsw
NODES=(1 2 3)
PING_TIMEOUT=60

log() { printf '[swarm] %s\n' "$*" >&2; }
die() { printf '[swarm] ERROR: %s\n' "$*" >&2; exit 1; }

ns_of() { echo "$NS_PREFIX-n$1"; }
dir_of() { echo "$RUN_BASE/n$1"; }
sock_of() { echo "$RUN_BASE/n$1/docker.sock"; }
pidfile_of() { echo "$RUN_BASE/n$1/docker.pid"; }
addr_of() { echo "$NET.1$1"; }
BRIDGE_NS="$NS_PREFIX-br"

ping_ok() { [[ -S "$1" ]] && curl -fsS --max-time 3 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1; }
pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
read_pid() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }
elapsed() { local a=${1/./} b=${EPOCHREALTIME/./}; printf '%d.%d' $(((b - a) / 1000000)) $(((b - a) / 100000 % 10)); }
ns_exists() { [[ -e "/run/netns/$1" ]]; }

# --------------------------------------------------------------------------- network

make_network() {
    if ns_exists "$BRIDGE_NS"; then
        return
    fi
    ip netns add "$BRIDGE_NS"
    ip -n "$BRIDGE_NS" link set lo up
    ip -n "$BRIDGE_NS" link add br0 type bridge
    ip -n "$BRIDGE_NS" link set br0 up
    local n ns
    for n in "${NODES[@]}"; do
        ns="$(ns_of "$n")"
        ns_exists "$ns" || ip netns add "$ns"
        ip -n "$ns" link set lo up
        # Both ends are created inside namespaces: the root namespace never sees them.
        ip -n "$BRIDGE_NS" link add "v$n" type veth peer name eth0 netns "$ns"
        ip -n "$BRIDGE_NS" link set "v$n" master br0 up
        ip -n "$ns" addr add "$(addr_of "$n")/24" dev eth0
        ip -n "$ns" link set eth0 up
    done
}

delete_network() {
    local n
    for n in "${NODES[@]}"; do
        ns_exists "$(ns_of "$n")" && ip netns delete "$(ns_of "$n")"
    done
    if ns_exists "$BRIDGE_NS"; then ip netns delete "$BRIDGE_NS"; fi
}

# --------------------------------------------------------------------------- engines

start_node() { # $1 = node number
    local n="$1" dir sock pidfile
    dir="$(dir_of "$n")"
    sock="$(sock_of "$n")"
    pidfile="$(pidfile_of "$n")"
    if ping_ok "$sock" && pid_alive "$(read_pid "$pidfile")"; then
        log "node $n already running (pid $(read_pid "$pidfile"))"
        return
    fi
    pid_alive "$(read_pid "$pidfile")" && die "node $n: pid $(read_pid "$pidfile") alive but $sock does not answer"
    mkdir -p "$dir/exec" "$dir/aside" "$DATA_BASE/n$n"
    rm -f "$sock" "$pidfile"
    echo '{}' >"$dir/daemon.json" # keep any /etc/docker/daemon.json out of the way
    local args=(
        --config-file "$dir/daemon.json"
        --data-root "$DATA_BASE/n$n" --exec-root "$dir/exec" --pidfile "$pidfile"
        -H "unix://$sock"
        --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs
        --containerd-namespace "dwsw-n$n" --containerd-plugins-namespace "dwsw-n${n}p"
        --cgroup-parent "/dwsw-n$n"
    )
    local path="$ROOT_TREE/usr/bin:$ROOT_TREE/usr/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
    # A private mount namespace: fresh sysfs of the node's network namespace, with the host's
    # cgroup tree moved back under it; then the hostname, then dockerd itself (same pid).
    # shellcheck disable=SC2016
    local inner='set -e
mount --rbind /sys/fs/cgroup "$ASIDE"
mount -t sysfs sysfs /sys
mount --move "$ASIDE" /sys/fs/cgroup
hostname "$NODE_NAME"
exec "$@"'
    : >>"$dir/dockerd.log"
    ASIDE="$dir/aside" NODE_NAME="dwsw-n$n" PATH="$path" DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 \
        setsid nsenter --net="/run/netns/$(ns_of "$n")" -- \
        unshare --mount --uts --propagation slave -- \
        sh -c "$inner" dockerd "$ROOT_TREE/usr/sbin/dockerd" "${args[@]}" \
        </dev/null >>"$dir/dockerd.log" 2>&1 &
    echo $! >"$dir/launcher.pid"
}

wait_node() { # $1 = node number
    local n="$1" sock dir deadline
    sock="$(sock_of "$n")"
    dir="$(dir_of "$n")"
    deadline=$((SECONDS + PING_TIMEOUT))
    until ping_ok "$sock"; do
        if ! pid_alive "$(read_pid "$dir/launcher.pid")" && ! pid_alive "$(read_pid "$(pidfile_of "$n")")"; then
            tail -n 30 "$dir/dockerd.log" >&2 || true
            die "node $n: dockerd exited"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 30 "$dir/dockerd.log" >&2 || true
            die "node $n: no answer on $sock after ${PING_TIMEOUT}s"
        fi
        sleep 0.2
    done
}

# TERM node N's dockerd by its pid and wait for it to exit (KILL after 40 s).
stop_dockerd() { # $1 = node number
    local n="$1" pid
    pid="$(read_pid "$(pidfile_of "$n")")"
    pid_alive "$pid" || pid="$(read_pid "$(dir_of "$n")/launcher.pid")"
    if pid_alive "$pid" && [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == *dockerd* ]]; then
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + 40))
        while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
        if pid_alive "$pid"; then
            log "node $n: dockerd pid $pid still alive, sending KILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$(pidfile_of "$n")" "$(dir_of "$n")/launcher.pid"
}

# Processes left in node N's network namespace (containerd, shims) or its cgroups (tasks).
leftovers() { # $1 = node number
    local n="$1" f
    if ns_exists "$(ns_of "$n")"; then ip netns pids "$(ns_of "$n")" 2>/dev/null || true; fi
    for f in /sys/fs/cgroup/*/"dwsw-n$n"/cgroup.procs /sys/fs/cgroup/*/"dwsw-n$n"/*/cgroup.procs; do
        [[ -f "$f" ]] && cat "$f" 2>/dev/null
    done
    true
}

kill_leftovers() { # $1 = node number
    local n="$1" pids
    pids="$(leftovers "$n" | sort -u | tr '\n' ' ')"
    [[ -z "${pids// /}" ]] && return
    log "node $n: stopping leftover pids $pids"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    local deadline=$((SECONDS + 5)) p
    while ((SECONDS < deadline)); do
        pids="$(leftovers "$n" | sort -u | tr '\n' ' ')"
        [[ -z "${pids// /}" ]] && break
        sleep 0.2
    done
    for p in $(leftovers "$n" | sort -u); do kill -KILL "$p" 2>/dev/null || true; done
}

# The node's (now empty) cgroups under each controller, deepest first.
remove_cgroups() { # $1 = node number
    local d
    for d in /sys/fs/cgroup/*/"dwsw-n$1" /sys/fs/cgroup/"dwsw-n$1"; do
        if [[ -d "$d" ]]; then find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
    done
}

write_env() {
    mkdir -p "$STATE"
    {
        echo "# written by tests/swarm/swarm.sh up -- $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        local n
        for n in "${NODES[@]}"; do
            echo "export DOCKWRIGHT_SWARM_$n=unix://$(sock_of "$n")"
            echo "export DOCKWRIGHT_SWARM_ADDR_$n=$(addr_of "$n")"
        done
    } >"$STATE/env.tmp"
    mv -f "$STATE/env.tmp" "$STATE/env"
}

cmd_up() {
    [[ $EUID -eq 0 ]] || die "must run as root"
    [[ -x "$ROOT_TREE/usr/sbin/dockerd" ]] || die "no $ROOT_TREE/usr/sbin/dockerd: run tests/engines/engines.sh up first"
    [[ -x /usr/sbin/runc ]] || die "bookworm runc missing at /usr/sbin/runc"
    local t0=$EPOCHREALTIME
    mkdir -p "$RUN_BASE" "$DATA_BASE"
    make_network
    local n
    for n in "${NODES[@]}"; do
        # A node that is not running starts from an empty data root: a run that was cut
        # short (its processes ended without `down`) leaves swarm state the tests must not
        # inherit. `start-node` (a restart inside a test) keeps the data root.
        if ! pid_alive "$(read_pid "$(pidfile_of "$n")")"; then
            rm -rf "${DATA_BASE:?}/n$n"
        fi
        start_node "$n"
    done
    for n in "${NODES[@]}"; do wait_node "$n"; done
    write_env
    log "up: 3 nodes on $NET.11-13 in $(elapsed "$t0")s; wrote $STATE/env"
}

cmd_down() {
    local n
    for n in "${NODES[@]}"; do
        if ping_ok "$(sock_of "$n")"; then
            curl -fsS --max-time 20 --unix-socket "$(sock_of "$n")" -X POST \
                "http://localhost/swarm/leave?force=1" >/dev/null 2>&1 || true
        fi
    done
    for n in "${NODES[@]}"; do stop_dockerd "$n" & done
    wait
    for n in "${NODES[@]}"; do kill_leftovers "$n"; remove_cgroups "$n"; done
    delete_network
    for n in "${NODES[@]}"; do
        # vfs layers and swarm state: a fresh start next time.
        rm -rf "${DATA_BASE:?}/n$n" "$(dir_of "$n")"
    done
    rm -f "$STATE/env"
    log "down"
}

cmd_status() {
    local n rc=0
    for n in "${NODES[@]}"; do
        if ping_ok "$(sock_of "$n")"; then
            printf 'node %s up    unix://%s (pid %s, %s)\n' "$n" "$(sock_of "$n")" "$(read_pid "$(pidfile_of "$n")")" "$(addr_of "$n")"
        else
            printf 'node %s down  unix://%s\n' "$n" "$(sock_of "$n")"
            rc=1
        fi
    done
    return $rc
}

node_arg() {
    [[ "${1:-}" =~ ^[123]$ ]] || die "node number 1, 2 or 3 expected, got '${1:-}'"
    echo "$1"
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    stop-node) n="$(node_arg "${2:-}")"; stop_dockerd "$n"; log "node $n stopped" ;;
    start-node) n="$(node_arg "${2:-}")"; start_node "$n"; wait_node "$n"; log "node $n started" ;;
    status) cmd_status ;;
    *) echo "usage: $0 up|down|stop-node N|start-node N|status" >&2; exit 2 ;;
esac
