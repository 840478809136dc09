#!/usr/bin/env bash
# The one-cycle calibration (issue 27): for each pair of data set and model, a grid of one-cycle
# peaks, `lrfind sweep --schedule onecycle` at 21 rates from 1e-5 to 1 (four a decade), seeds 0-4,
# each run `--then`'s default length with no early stop (the best epoch's weights scored, as the
# sweep keeps them); then, for seeds 0-4, `lrfind find --then onecycle` (the range test and the
# one-cycle run it recommends, its best epoch's weights scored with --early-stop at the run's
# length). The grids are journals in OUT (resumable: run the script again after an interruption);
# the finds are records in OUT/finds-TAG (the committed ones gzipped). scripts/calibration_table.py
# OUT TAG... prints the tables.
#
#   scripts/calibrate-onecycle.sh [OUT] [TAG] [PAIR...]
#       OUT  default docs/calibration; TAG default the commit; PAIR default all of
#       mnist5k-mlp mnist5k-cnn digits-mlp diabetes-mlp diabetes-logreg
#   GRID=0 skips the grids (finds only), FINDS=0 the finds; FIND_OPTIONS adds options to the finds
#   (--validation-rungs 0: the training loss alone); EARLY_STOP=0 scores the one-cycle runs' last
#   epoch instead of their best (as lrfind did before issue 27); LRFIND names the binary (default
#   .build/release/lrfind).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/calibration}
tag=${2:-$(git rev-parse --short HEAD)}
shift 2 || shift $# || true
pairs=("${@:-mnist5k-mlp mnist5k-cnn digits-mlp diabetes-mlp diabetes-logreg}")
read -r -a pairs <<<"${pairs[*]}"
lrfind=${LRFIND:-.build/release/lrfind}
[ -x "$lrfind" ] || { echo "calibrate-onecycle.sh: no lrfind binary at $lrfind (swift build -c release)" >&2; exit 2; }
mkdir -p "$out/finds-$tag"

# The pair's data options, model and one-cycle length (--then's default: 10 epochs, or enough
# for 300 updates at batch 64: 18 on digits' 1,078 training rows, 60 on diabetes' 265).
options() {
    case $1 in
        mnist5k-mlp) echo "--model mlp|10|val-accuracy" ;;
        mnist5k-cnn) echo "--model cnn|10|val-accuracy" ;;
        digits-mlp) echo "--data fixtures/datasets/digits.csv.gz --model mlp|18|val-accuracy" ;;
        diabetes-mlp) echo "--data fixtures/datasets/diabetes.csv --task regression --model mlp|60|val-r2" ;;
        diabetes-logreg) echo "--data fixtures/datasets/diabetes.csv --task regression --model logreg|60|val-r2" ;;
        *) echo "calibrate-onecycle.sh: unknown pair '$1'" >&2; exit 2 ;;
    esac
}

for pair in "${pairs[@]}"; do
    IFS='|' read -r data epochs monitor <<<"$(options "$pair")"
    read -r -a data <<<"$data"
    if [ "${GRID:-1}" != 0 ]; then
        echo "$pair: one-cycle grid, 21 peaks x 5 seeds, $epochs epochs" >&2
        "$lrfind" sweep "${data[@]}" --schedule onecycle --from 1e-5 --to 1 --per-decade 4 --seeds 0,1,2,3,4 \
            --max-epochs "$epochs" --patience "$epochs" --journal "$out/$pair-grid.jsonl" --resume --quiet --no-plot > /dev/null
    fi
    [ "${FINDS:-1}" != 0 ] || continue
    early=(--early-stop "$epochs" --monitor "$monitor")
    [ "${EARLY_STOP:-1}" != 0 ] || early=()
    for seed in 0 1 2 3 4; do
        echo "$pair: find --then onecycle, seed $seed ($tag)" >&2
        "$lrfind" find "${data[@]}" --min 1e-5 --max 10 --seed "$seed" --then onecycle --train-epochs "$epochs" \
            "${early[@]}" ${FIND_OPTIONS:-} --record "$out/finds-$tag/$pair-$seed.json" --no-plot --quiet > /dev/null
    done
done
