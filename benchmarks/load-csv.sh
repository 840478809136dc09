#!/usr/bin/env bash
# Loading a large CSV, lrfind against pandas, as whole processes: 60,000 rows x 785 columns of
# random integers 0-255 (the last, the label, 0-9) without a header (the shape of full MNIST,
# about 165 MB; also gzip -6), read
# by `lrfind bench --data FILE --load-only` and by pandas' C engine into a float32 array;
# alternated pairs, wall time and peak memory from GNU time.
#
#   benchmarks/load-csv.sh [PAIRS]        (default 3; needs pandas in PEERS_PYTHON)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pairs=${1:-3}
python=${PEERS_PYTHON:-$HOME/.lrfind-peers/bin/python}
lrfind=${LRFIND:-$here/../.build/release/lrfind}
[[ -x $lrfind ]] || { echo "load-csv.sh: no lrfind binary at $lrfind (swift build -c release)" >&2; exit 2; }
"$python" -c "import pandas" 2> /dev/null || { echo "load-csv.sh: $python has no pandas (pip install pandas)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$python" - "$out/big60k.csv" <<'PY'
import sys, numpy
rows = numpy.random.default_rng(0).integers(0, 256, size=(60000, 785))
rows[:, -1] %= 10  # a label of ten classes, as MNIST's
numpy.savetxt(sys.argv[1], rows, fmt="%d", delimiter=",")
PY
gzip -6 -k "$out/big60k.csv"
read_pandas='import sys, pandas, numpy; a = pandas.read_csv(sys.argv[1], header=None).to_numpy(numpy.float32); print(a.shape)'
echo "pandas $("$python" -c 'import pandas; print(pandas.__version__)'); $(ls -l "$out/big60k.csv" | awk '{print $5}') bytes, gzip $(ls -l "$out/big60k.csv.gz" | awk '{print $5}') bytes"
echo "| file | pair | pandas s | lrfind s | pandas peak MB | lrfind peak MB |"
echo "| --- | --- | --- | --- | --- | --- |"
for file in big60k.csv big60k.csv.gz; do
    for pair in $(seq "$pairs"); do
        /usr/bin/time -f '%e %M' -o "$out/theirs" "$python" -c "$read_pandas" "$out/$file" > /dev/null
        /usr/bin/time -f '%e %M' -o "$out/ours" "$lrfind" bench --data "$out/$file" --load-only > /dev/null
        read -r ts tm < <(tail -1 "$out/theirs")
        read -r os om < <(tail -1 "$out/ours")
        awk -v f="$file" -v p="$pair" -v ts="$ts" -v tm="$tm" -v os="$os" -v om="$om" \
            'BEGIN { printf "| %s | %d | %.2f | %.2f | %.0f | %.0f |\n", f, p, ts, os, tm / 1000, om / 1000 }'
    done
done
