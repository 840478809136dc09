#!/usr/bin/env bash
# The sweep engine's efficiency (issue 25): the notes' 46-rate mlp sweep on mnist5k with
# `--jobs 1` and `--jobs 2`, alternated, each between two `lrfind bench` measurements of the
# same model and batch at 1 thread (this kind of machine's speed drifts by tens of percent within
# minutes, so each sweep is compared with the bench taken around it). Prints per sweep: wall
# time, epochs, epochs per second, and the ratio to jobs x the bench's epochs per second, both
# over the wall time and over the training time alone (the per-epoch validation the notes'
# method needs is the rest); then jobs 2's wall time as a fraction of jobs 1's.
#
#   benchmarks/sweep-efficiency.sh [PAIRS] [extra sweep options]     (default: 2 pairs)
#
# Needs the release build (scripts/install.sh or swift build -c release).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pairs=${1:-2}
shift || true
lrfind=${LRFIND:-$here/../.build/release/lrfind}
[[ -x $lrfind ]] || { echo "sweep-efficiency.sh: no lrfind binary at $lrfind (swift build -c release)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bench() { "$lrfind" bench --model mlp --batch-sizes 64 --threads 1 --repeats 5 --json > "$out/bench-$1.json"; }
step=0
bench $step
for pair in $(seq "$pairs"); do
    for jobs in 1 2; do
        step=$((step + 1))
        load=$(cut -d' ' -f1 /proc/loadavg)
        echo "pair $pair of $pairs: sweep --jobs $jobs (load average $load)" >&2
        start=$(date +%s.%N)
        "$lrfind" sweep --from 1e-6 --to 0.0316 --per-decade 10 --jobs "$jobs" --journal "$out/sweep-$step.jsonl" --quiet --no-plot "$@" > /dev/null
        end=$(date +%s.%N)
        echo "$step $pair $jobs $start $end $load" >> "$out/sweeps.txt"
        bench $step
    done
done
python3 - "$out" <<'PY'
import json, statistics, sys
out = sys.argv[1]
def bench_rate(step):
    rows = json.load(open(f"{out}/bench-{step}.json"))
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    return statistics.median([r["samplesPerSecond"] for r in rows])
walls = {}
print("pair  jobs  load  wall s  epochs  epochs/s  bench epochs/s  wall efficiency  training efficiency  validation share")
for line in open(f"{out}/sweeps.txt"):
    step, pair, jobs, start, end, load = line.split()
    step, jobs = int(step), int(jobs)
    wall = float(end) - float(start)
    epochs = training = validation = worker = 0.0
    train_count = None
    for text in open(f"{out}/sweep-{step}.jsonl"):
        entry = json.loads(text)
        if entry["kind"] == "header":
            train_count = None
        if entry["kind"] != "run":
            continue
        result = entry["record"]["result"]
        train_count = entry["record"]["data"]["split"][0]
        epochs += len(result["epochs"])
        training += result["trainingSeconds"]
        validation += result.get("validationSeconds") or 0
        worker += entry["seconds"]
    reference = (bench_rate(step - 1) + bench_rate(step)) / 2 / train_count
    walls[(pair, jobs)] = wall
    print(f"{pair:>4}  {jobs:>4}  {load:>4}  {wall:6.1f}  {int(epochs):6d}  {epochs / wall:8.2f}  {reference:14.2f}"
          f"  {epochs / wall / (jobs * reference):15.3f}  {epochs / training / reference:19.3f}  {validation / worker:16.3f}")
for pair in sorted({p for p, _ in walls}):
    if (pair, 1) in walls and (pair, 2) in walls:
        print(f"pair {pair}: jobs 2 takes {walls[(pair, 2)] / walls[(pair, 1)]:.3f} of jobs 1's wall time")
PY
