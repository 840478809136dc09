#!/usr/bin/env bash
# Starts and stops a private, throwaway one-node SLURM cluster (slurmctld + slurmd + munged) for tests.
#
#   bash scripts/slurm-cluster.sh check        exit 0 when the cluster can be started here (binaries, root/sudo)
#   bash scripts/slurm-cluster.sh start DIR    start a cluster whose files live in DIR (an existing empty folder);
#                                              prints one line SLURM_CONF=DIR/slurm.conf (also written to DIR/env)
#   bash scripts/slurm-cluster.sh stop DIR     cancel jobs, stop the daemons, remove the short socket folder (idempotent)
#
# It never touches the system slurm/munge (/etc/slurm, /etc/munge, /run/munge, systemd): every daemon gets its own
# config, key, ports, sockets, state, pid and log files. Unix sockets (munge's and slurmd's step sockets in the spool)
# live in a short /tmp/slurmXXXX folder because of the 108-byte socket path limit; DIR/short records it.
set -euo pipefail

die() { echo "slurm-cluster: $*" >&2; exit 1; }
usage() { echo "usage: $0 check | start DIR | stop DIR" >&2; exit 2; }

binaries=(slurmctld slurmd munged sbatch sinfo squeue scancel scontrol runuser ss)

# check: binaries present, munge user present, and root (or passwordless sudo).
check() {
    local b
    for b in "${binaries[@]}"; do
        command -v "$b" >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v "$b" >/dev/null \
            || { echo "slurm-cluster: $b not found (apt-get install slurm-wlm munge)" >&2; return 1; }
    done
    id munge >/dev/null 2>&1 || { echo "slurm-cluster: no 'munge' user (apt-get install munge)" >&2; return 1; }
    if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
        echo "slurm-cluster: needs root or passwordless sudo" >&2; return 1
    fi
}

# A TCP port nobody listens on (random in 20000-59999), not in the list given as arguments.
free_port() {
    local port i
    for i in $(seq 1 200); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        case " $* " in *" $port "*) continue ;; esac
        if [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then echo "$port"; return 0; fi
    done
    die "no free TCP port found"
}

# Is the process with this pid alive (and not a zombie)?
alive() {
    local pid=$1 state
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo X)
    [ "$state" != Z ] && [ "$state" != X ]
}

# Stop the processes (pids as arguments): SIGTERM, wait up to 10 s, then SIGKILL and wait up to 5 s more.
terminate() {
    local pid deadline left
    [ $# -gt 0 ] || return 0
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for signal_deadline in "TERM 10" "KILL 5"; do
        set -- $(for pid in "$@"; do alive "$pid" && echo "$pid"; done)
        [ $# -gt 0 ] || return 0
        [ "${signal_deadline% *}" = KILL ] && for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
        deadline=$((SECONDS + ${signal_deadline#* }))
        while [ $SECONDS -lt $deadline ]; do
            left=0
            for pid in "$@"; do alive "$pid" && left=1; done
            [ $left -eq 0 ] && return 0
            sleep 0.1
        done
    done
    for pid in "$@"; do alive "$pid" && echo "slurm-cluster: pid $pid did not exit" >&2; done
    return 0
}

# Pids of slurmstepd processes that belong to this cluster (their spool is the short folder).
stepd_pids() {
    local short=$1 pid
    for pid in $(pgrep -x slurmstepd 2>/dev/null || true); do
        ls -l "/proc/$pid/fd" "/proc/$pid/cwd" 2>/dev/null | grep -q -- "$short" && echo "$pid"
    done
    return 0
}

start() {
    local dir=$1 short host cpus mem_mb ctld_port slurmd_port deadline state
    [ -d "$dir" ] || die "start: $dir is not a folder"
    dir=$(cd "$dir" && pwd -P)
    [ ! -e "$dir/short" ] || die "start: $dir already holds a cluster (stop it first)"
    check || exit 1

    # 1. A short folder for unix sockets and slurmd's spool, recorded in DIR so stop can remove it.
    short=$(mktemp -d /tmp/slurmXXXX)
    echo "$short" >"$dir/short"
    chmod 0755 "$short"
    trap 'echo "slurm-cluster: start failed; stopping" >&2; show_logs "$dir"; stop "$dir" >/dev/null 2>&1 || true; exit 1' ERR

    # 2. munge: a fresh 1,024-byte key (owner munge, 0400) and a private munged running as user munge. Its files go
    #    in a munge-owned 0755 folder (munged insists on that for its socket; DIR may be unreachable for user munge).
    mkdir -m 0755 "$short/munge"
    head -c 1024 /dev/urandom >"$short/munge/munge.key"
    chmod 0400 "$short/munge/munge.key"
    chown -R munge:munge "$short/munge"
    runuser -u munge -- munged --key-file="$short/munge/munge.key" --socket="$short/munge/socket" \
        --pid-file="$short/munge/munged.pid" --log-file="$short/munge/munged.log" \
        --seed-file="$short/munge/munged.seed" --num-threads=2 </dev/null >"$dir/munged.out" 2>&1 \
        || { cat "$dir/munged.out" >&2; false; }
    cat "$short/munge/munged.pid" >"$dir/munged.pid"

    # 3. slurm.conf: this host with its CPUs and memory (minus a margin), free ports, everything in DIR.
    host=$(hostname -s)
    cpus=$(nproc)
    mem_mb=$(awk '/^MemTotal:/ {m = int($2 / 1024) - 512; if (m < 100) m = int($2 / 2048); print m}' /proc/meminfo)
    ctld_port=$(free_port)
    slurmd_port=$(free_port "$ctld_port")
    mkdir -p "$dir/state" "$short/spool"
    cat >"$dir/slurm.conf" <<EOF
# Private throwaway cluster made by scripts/slurm-cluster.sh
ClusterName=lrfind
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$short/munge/socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$short/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdParameters=config_overrides
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldTimeout=10
SlurmdTimeout=10
MessageTimeout=10
InactiveLimit=0
KillWait=2
Waittime=0
MinJobAge=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    echo "SLURM_CONF=$dir/slurm.conf" >"$dir/env"
    export SLURM_CONF="$dir/slurm.conf"

    # 4. The daemons in the foreground (-D), detached into their own sessions, every fd away from our stdout.
    setsid slurmctld -D -i -f "$dir/slurm.conf" </dev/null >"$dir/slurmctld.out" 2>&1 &
    echo $! >"$dir/slurmctld.run.pid"
    setsid slurmd -D -f "$dir/slurm.conf" </dev/null >"$dir/slurmd.out" 2>&1 &
    echo $! >"$dir/slurmd.run.pid"

    # 5. Wait (up to 60 s) until the node is idle.
    deadline=$((SECONDS + 60))
    while :; do
        state=$(sinfo -h -n "$host" -o %t 2>/dev/null | head -n 1 || true)
        [ "$state" = idle ] && break
        alive "$(cat "$dir/slurmctld.run.pid")" || { echo "slurm-cluster: slurmctld exited" >&2; false; }
        alive "$(cat "$dir/slurmd.run.pid")" || { echo "slurm-cluster: slurmd exited" >&2; false; }
        [ $SECONDS -lt $deadline ] || { echo "slurm-cluster: node not idle after 60 s (state '${state}')" >&2; false; }
        sleep 0.2
    done
    trap - ERR
    echo "SLURM_CONF=$dir/slurm.conf"
}

# The last lines of each log in DIR (and the daemons' stdout/stderr), to stderr.
show_logs() {
    local dir=$1 f
    for f in "$dir"/*.out "$dir"/*.log "$(cat "$dir/short" 2>/dev/null)/munge/munged.log"; do
        [ -s "$f" ] || continue
        echo "==> $f <==" >&2
        case "$f" in *.out) tail -n 5 "$f" >&2 ;; *) tail -n 15 "$f" >&2 ;; esac
    done
}

stop() {
    local dir=$1 short="" jobs pids="" name deadline
    [ -d "$dir" ] || return 0
    [ -f "$dir/short" ] && short=$(cat "$dir/short")

    # 1. Cancel every job while the controller is still up, and wait (up to 10 s) for the queue to empty.
    if [ -f "$dir/slurm.conf" ] && alive "$(cat "$dir/slurmctld.run.pid" 2>/dev/null || true)"; then
        export SLURM_CONF="$dir/slurm.conf"
        jobs=$(timeout 10 squeue -h -o %A 2>/dev/null || true)
        if [ -n "$jobs" ]; then
            # shellcheck disable=SC2086
            timeout 10 scancel $jobs 2>/dev/null || true
            deadline=$((SECONDS + 10))
            while [ -n "$(timeout 5 squeue -h -o %A 2>/dev/null || true)" ] && [ $SECONDS -lt $deadline ]; do
                sleep 0.2
            done
        fi
    fi

    # 2. Stop slurmd, slurmctld, any leftover slurmstepd of ours, then munged (by recorded pids).
    for name in slurmd.run slurmd slurmctld.run slurmctld; do
        [ -f "$dir/$name.pid" ] && pids="$pids $(cat "$dir/$name.pid")"
    done
    [ -n "$short" ] && pids="$pids $(stepd_pids "$short")"
    # shellcheck disable=SC2086
    terminate $(for p in $pids; do alive "$p" && echo "$p"; done | sort -u)
    if [ -f "$dir/munged.pid" ]; then
        # shellcheck disable=SC2046
        terminate $(p=$(cat "$dir/munged.pid"); alive "$p" && echo "$p")
    fi
    rm -f "$dir"/slurmd.run.pid "$dir"/slurmctld.run.pid "$dir"/munged.pid

    # 3. Remove the short socket folder (keeping munged's log in DIR) and forget it.
    if [ -n "$short" ] && [ -d "$short" ] && [[ "$short" == /tmp/slurm* ]]; then
        cp "$short/munge/munged.log" "$dir/munged.log" 2>/dev/null || true
        rm -rf "$short"
    fi
    rm -f "$dir/short"
}

# Not root: run through passwordless sudo when possible.
if [ "$(id -u)" -ne 0 ] && [ "${1:-}" != check ] && sudo -n true 2>/dev/null; then
    exec sudo -n bash "$0" "$@"
fi

case "${1:-}" in
    check) [ $# -eq 1 ] || usage; check ;;
    start) [ $# -eq 2 ] || usage; start "$2" ;;
    stop) [ $# -eq 2 ] || usage; stop "$2" ;;
    *) usage ;;
esac
