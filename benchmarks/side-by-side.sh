#!/usr/bin/env bash
# Training-step throughput of lrfind and eager PyTorch, side by side in one session: alternated
# pairs of `lrfind bench` and torch_throughput.py on the same model, batches and thread counts,
# then each configuration's samples/s and the ratio lrfind / PyTorch for every pair.
#
#   benchmarks/side-by-side.sh [mlp|cnn] [PAIRS]       (default: mlp 3)
#
# Needs the release build (scripts/install.sh or swift build -c release) and a Python with
# torch 2.15 (PEERS_PYTHON, default ~/.lrfind-peers/bin/python; see benchmarks/README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
model=${1:-mlp}
pairs=${2:-3}
python=${PEERS_PYTHON:-$HOME/.lrfind-peers/bin/python}
lrfind=${LRFIND:-$here/../.build/release/lrfind}
case $model in mlp) steps=200 ;; cnn) steps=50 ;; *) echo "side-by-side.sh: model must be mlp or cnn, got '$model'" >&2; exit 2 ;; esac
[[ -x $lrfind ]] || { echo "side-by-side.sh: no lrfind binary at $lrfind (swift build -c release)" >&2; exit 2; }
[[ -x $python ]] || { echo "side-by-side.sh: no Python at $python (see benchmarks/README.md)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for pair in $(seq "$pairs"); do
    echo "pair $pair of $pairs: lrfind bench --model $model, then torch_throughput.py" >&2
    "$lrfind" bench --model "$model" --batch-sizes 64 256 --threads 1 2 --repeats 3 --steps "$steps" --json > "$out/lrfind-$pair.json"
    (cd "$out" && THREADS=1,2 MODELS=$model REPEATS=3 STEPS=$steps INFER=0 OUTFILE="torch-$pair.json" \
        "$python" "$here/torch_throughput.py" > /dev/null)
done
"$python" - "$out" "$pairs" "$model" <<'PY'
import json, statistics, sys
out, pairs, model = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = {}
for pair in range(1, pairs + 1):
    ours = json.load(open(f"{out}/lrfind-{pair}.json"))
    torch = json.load(open(f"{out}/results/torch-{pair}.json"))
    for r in ours["results"]:
        rows.setdefault((r["threads"], r["batchSize"]), []).append([r["samplesPerSecond"], None])
    for r in torch["train"]:
        cell = rows[(r["threads"], r["batch"])][pair - 1]
        cell[1] = r["samples_per_s_median"]
print(f"{model}: samples/s, medians of 3 repeats; {pairs} alternated pairs; kernels {ours['blasKernels']}; torch {torch['versions']['torch']}")
print("| threads | batch | lrfind | PyTorch | lrfind / PyTorch (each pair) |")
print("| --- | --- | --- | --- | --- |")
for (threads, batch), cells in sorted(rows.items()):
    ours_med = statistics.median(c[0] for c in cells)
    theirs_med = statistics.median(c[1] for c in cells)
    ratios = ", ".join(f"{c[0] / c[1]:.2f}" for c in sorted(cells, key=lambda c: c[0] / c[1]))
    print(f"| {threads} | {batch} | {ours_med:,.0f} | {theirs_med:,.0f} | {ratios} |")
PY
