#!/usr/bin/env bash
# Wall time of a sweep as a SLURM job array against one process, on this machine. Starts a private
# one-node SLURM cluster (scripts/slurm-cluster.sh), then PAIRS alternated pairs (SLURM first in odd
# pairs, the one process first in even ones) of:
#   - SLURM: the sweep as TASKS array tasks of docs/slurm/sweep-array.sh (`--shard slurm`, `--jobs 1`
#     each, one CPU each), `sbatch --wait` (which polls every 2 s), then `lrfind merge` of their journals;
#   - one process: the same sweep as `lrfind sweep --jobs 2`;
# printing each wall time with the load average after it, and checking that the merged report and
# the one process's table are the same, seconds aside.
#
#   bash benchmarks/slurm-sweep.sh                       the notes' 46-rate mlp sweep on the bundled mnist5k
#                                                        (PAIRS=2: about 5 minutes of both cores)
#   PAIRS=1 bash benchmarks/slurm-sweep.sh --model mlp --rates 0.001,0.01,0.03 --max-epochs 2
#                                                        arguments replace the sweep (a quick check)
#
# Needs the release build (swift build -c release --product lrfind; LRFIND names another binary),
# slurm-wlm and munge (scripts/setup.sh --tests), and root or passwordless sudo for the cluster.
set -euo pipefail
die() { echo "slurm-sweep.sh: $*" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd -P)
lrfind=${LRFIND:-$root/.build/release/lrfind}
pairs=${PAIRS:-2}
tasks=${TASKS:-3}
[ -x "$lrfind" ] || die "no lrfind binary at $lrfind (swift build -c release --product lrfind)"
[[ $pairs =~ ^[1-9][0-9]*$ ]] || die "PAIRS must be a whole number >= 1, got '$pairs'"
[[ $tasks =~ ^[1-9][0-9]*$ ]] || die "TASKS must be a whole number >= 1, got '$tasks'"
[ $# -gt 0 ] || set -- --model mlp --from 1e-6 --to 0.0316 --per-decade 10
sweep=("$@")

# 1. A private cluster in a scratch folder; stopped and removed however the script ends.
bash "$root/scripts/slurm-cluster.sh" check || die "SLURM cannot start here (see above)"
work=$(mktemp -d /tmp/lrfind-slurm-sweep.XXXXXX)
mkdir "$work/cluster"
trap 'bash "$root/scripts/slurm-cluster.sh" stop "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
conf=$(bash "$root/scripts/slurm-cluster.sh" start "$work/cluster" | sed -n 's/^SLURM_CONF=//p')
[ -n "$conf" ] || die "the cluster did not start"
export SLURM_CONF=$conf LRFIND=$lrfind

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# A report without what the clock decides: the rate rows' seconds column, the answer lines' seconds.
untimed() { awk '/^[0-9]/ { $7 = ""; print; next } { gsub(/, [0-9.]+ s \(/, ", ("); print }' "$1"; }

# 2. The SLURM side of pair $1: the array, waited for, then the merge. Prints its wall time.
slurm_side() {
    local dir="$work/slurm-$1" start job
    mkdir "$dir"
    start=$(now)
    job=$(cd "$dir" && sbatch --parsable --wait --array="1-$tasks" --output="$dir/slurm-%A_%a.out" \
        "$root/docs/slurm/sweep-array.sh" "${sweep[@]}") || { tail -n 5 "$dir"/slurm-*.out >&2 || true; die "the array job failed"; }
    job=${job%%;*}
    (cd "$dir" && "$lrfind" merge sweep-"$job"-*.jsonl --output merged.jsonl) 2>"$dir/merge.err" >/dev/null \
        || { cat "$dir/merge.err" >&2; die "lrfind merge failed"; }
    seconds "$start" "$(now)"
    "$lrfind" report "$dir/merged.jsonl" >"$dir/report.txt"
}

# 3. The one-process side of pair $1. Prints its wall time.
local_side() {
    local dir="$work/local-$1" start
    mkdir "$dir"
    start=$(now)
    (cd "$dir" && "$lrfind" sweep "${sweep[@]}" --jobs 2 --journal one.jsonl --quiet --no-plot >report.txt) \
        || die "lrfind sweep --jobs 2 failed"
    seconds "$start" "$(now)"
}

echo "sweep: ${sweep[*]}; lrfind $("$lrfind" --version); $(nproc) CPUs; load before: $(load)"
results=()
for pair in $(seq "$pairs"); do
    if [ $((pair % 2)) -eq 1 ]; then order="slurm local"; else order="local slurm"; fi
    for side in $order; do
        if [ "$side" = slurm ]; then
            wall=$(slurm_side "$pair")
            echo "pair $pair: SLURM, $tasks array tasks x --jobs 1, then merge: $wall s (load $(load))"
            slurm_wall=$wall
        else
            wall=$(local_side "$pair")
            echo "pair $pair: one process, --jobs 2: $wall s (load $(load))"
            local_wall=$wall
        fi
    done
    cmp -s <(untimed "$work/slurm-$pair/report.txt") <(untimed "$work/local-$pair/report.txt") \
        || { diff <(untimed "$work/slurm-$pair/report.txt") <(untimed "$work/local-$pair/report.txt") >&2 || true;
             die "pair $pair: the merged report differs from the one process's"; }
    results+=("$(awk -v s="$slurm_wall" -v l="$local_wall" 'BEGIN { printf "%.2f", s / l }')")
done

# 4. The summary: SLURM / one process, each pair, and the table (the last pair's merged report).
echo "SLURM / one process (wall time), each pair: ${results[*]}; the reports agree (seconds aside)"
cat "$work/slurm-$pairs/report.txt"
