#!/usr/bin/env bash
# The range test end to end, as whole processes, lrfind against torch-lr-finder: alternated pairs
# of `lrfind --min 1e-4 --max 1 --epochs 5` and e2e_tlf.py (the same test with torch-lr-finder,
# plot included), wall time and peak memory from GNU time.
#
#   benchmarks/end-to-end.sh [mlp|cnn] [PAIRS]        (default: mlp 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
model=${1:-mlp}
pairs=${2:-3}
python=${PEERS_PYTHON:-$HOME/.lrfind-peers/bin/python}
lrfind=${LRFIND:-$here/../.build/release/lrfind}
case $model in
    mlp) ours=(--min 1e-4 --max 1 --epochs 5 --optimizer sgd --momentum 0.9) ;;
    cnn) ours=(--model cnn --min 1e-4 --max 1 --epochs 5 --optimizer sgd --momentum 0.9 --threads 2) ;;
    *) echo "end-to-end.sh: model must be mlp or cnn, got '$model'" >&2; exit 2 ;;
esac
[[ -x $lrfind ]] || { echo "end-to-end.sh: no lrfind binary at $lrfind (swift build -c release)" >&2; exit 2; }
[[ -x $python ]] || { echo "end-to-end.sh: no Python at $python (see benchmarks/README.md)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "end-to-end.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| pair | lrfind s | lrfind peak MB | torch-lr-finder s | torch-lr-finder peak MB | time ratio |"
echo "| --- | --- | --- | --- | --- | --- |"
for pair in $(seq "$pairs"); do
    /usr/bin/time -f '%e %M' -o "$out/ours" "$lrfind" "${ours[@]}" --plot "$out/ours.png" > /dev/null 2>&1
    (cd "$out" && /usr/bin/time -f '%e %M' -o "$out/theirs" "$python" "$here/e2e_tlf.py" "$model" > /dev/null 2>&1)
    read -r os om < <(tail -1 "$out/ours")
    read -r ts tm < <(tail -1 "$out/theirs")
    awk -v p="$pair" -v os="$os" -v om="$om" -v ts="$ts" -v tm="$tm" \
        'BEGIN { printf "| %d | %.2f | %.0f | %.2f | %.0f | %.2f |\n", p, os, om / 1000, ts, tm / 1000, os / ts }'
done
