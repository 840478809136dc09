#!/usr/bin/env bash
# The small-data comparison of the README: on wine (178 rows, classes) and diabetes (442 rows,
# regression), lrfind's recommendation (find --then onecycle, and the constant rate max_lr as
# --baseline) against a fixed-rate grid of five rates, each trained for the same epochs as the
# hand-off, seeds 0-2. Prints one line per data set, rate and seed: the test score (accuracy or
# R-squared) and test loss. Usage: scripts/small-data-grid.sh [path/to/lrfind] [model...]
# (default .build/release/lrfind, the mlp preset; several models run one after the other).
set -euo pipefail
cd "$(dirname "$0")/.."
lrfind=${1:-.build/release/lrfind}
shift || true
models=("${@:-mlp}")
py=$(cat <<'PY'
import json, sys
d = json.load(sys.stdin)
def test(result):
    t = result["test"]
    score = t["regression"]["rSquared"] if t.get("regression") else t["accuracy"]
    return "%.4f (loss %.4f)" % (score, t["loss"])
if "training" in d:
    runs = ["%s %s;" % (run["name"], test(run["result"])) for run in d["training"]]
    print(d["analysis"]["bounds"]["maximumLearningRate"], len(d["training"][0]["result"]["epochs"]), *runs)
else:
    print(test(d["result"]))
PY
)
score() { python3 -c "$py"; }
for model in "${models[@]}"; do
for set in "wine.csv" "diabetes.csv --task regression"; do
  read -r file extra <<<"$set"
  extra="$extra --model $model"
  for seed in 0 1 2; do
    read -r max epochs runs <<<"$("$lrfind" find --data fixtures/datasets/$file $extra --seed $seed --then onecycle --baseline --no-plot --quiet --json | score)"
    echo "$file $model seed $seed: max_lr $max, $epochs epochs: $runs"
    for lr in 0.0001 0.001 0.01 0.1 1; do
      echo "$file $model seed $seed: constant $lr: $("$lrfind" train --data fixtures/datasets/$file $extra --seed $seed --lr $lr --epochs "$epochs" --quiet --json | score)"
    done
  done
done
done
