#!/usr/bin/env python3
"""The one-cycle calibration tables (issue 27), from scripts/calibrate-onecycle.sh's output.

    python3 scripts/calibration_table.py OUT TAG [TAG...]

For each pair: the grid of one-cycle peaks (median over seeds of the best validation metric and
of the test metric at that epoch, per peak rate), the best peak, the plateau (the peaks whose
median validation metric is within one standard error of the best's), and for each TAG (a set of
`find --then onecycle` records) the recommended peak per seed, whether its median lies on the
plateau, and the median test metric of its one-cycle runs against the best peak's.

The standard error of a metric on n samples: accuracy p, sqrt(p (1 - p) / n); R-squared r, by
the delta method, sqrt(4 r (1 - r)^2 / n) (Olkin and Finn 1995, large-sample variance of the
squared multiple correlation with one predictor set), the validation split's n for the plateau
and the test split's for the test metric.
"""
import gzip, json, math, statistics, sys
from pathlib import Path

PAIRS = ["mnist5k-mlp", "mnist5k-cnn", "digits-mlp", "diabetes-mlp", "diabetes-logreg"]


def standard_error(value, n, regression):
    if regression:
        value = max(0.0, min(1.0, value))
        return math.sqrt(4 * value * (1 - value) ** 2 / n)
    return math.sqrt(value * (1 - value) / n)


def grid(path):
    """Per rate: [(val, test)] over seeds, the split sizes, and whether it is a regression."""
    rates, split, regression = {}, None, False
    for line in open(path):
        entry = json.loads(line)
        if entry["kind"] != "run":
            continue
        record = entry["record"]
        split = record["data"]["split"]
        regression = record["data"]["task"] == "regression"
        epochs = record["result"]["epochs"]
        key = "validationRSquared" if regression else "validationAccuracy"
        values = [e.get(key) for e in epochs if e.get("complete", True)]
        finite = [v for v in values if v is not None and math.isfinite(v)]
        best = max(finite) if finite else -math.inf
        test = record["result"].get("test")
        score = None
        if test:
            score = test["regression"]["rSquared"] if regression else test["accuracy"]
        if record["result"]["stopReason"] == "non-finite-loss" or not finite:
            best, score = -math.inf, None
        rates.setdefault(entry["rate"], []).append((best, score))
    return rates, split, regression


def finds(folder, pair):
    out = []
    for seed in range(5):
        path = folder / f"{pair}-{seed}.json"
        if not path.exists():
            path = path.with_suffix(".json.gz")
            if not path.exists():
                continue
        record = json.load(gzip.open(path) if path.suffix == ".gz" else open(path))
        bounds = record["analysis"].get("bounds")
        run = record["training"][0] if record.get("training") else None
        score = None
        if run and run["result"].get("test"):
            test = run["result"]["test"]
            score = test["regression"]["rSquared"] if test.get("regression") else test["accuracy"]
        notes = bounds.get("notes", []) if bounds else []
        out.append({"seed": seed, "peak": bounds["oneCycleMaximumLearningRate"] if bounds else None,
                    "clr": bounds["maximumLearningRate"] if bounds else None, "test": score,
                    "validation": any("validation loss" in n for n in notes)})
    return out


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    out, tags = Path(sys.argv[1]), sys.argv[2:]
    for pair in PAIRS:
        path = out / f"{pair}-grid.jsonl"
        if not path.exists():
            continue
        rates, split, regression = grid(path)
        name = "R-squared" if regression else "accuracy"
        rows = sorted(rates)
        medians = {r: median([v for v, _ in rates[r]]) for r in rows}
        tests = {r: median([t for _, t in rates[r]]) for r in rows}
        best = max(rows, key=lambda r: (medians[r], -r))
        val_se = standard_error(medians[best], split[1], regression)
        test_se = standard_error(tests[best], split[2], regression) if tests[best] is not None else 0
        plateau = [r for r in rows if medians[r] >= medians[best] - val_se]
        print(f"### {pair} ({name}; validation {split[1]}, test {split[2]} samples)\n")
        print("| peak | " + " | ".join(f"{r:.3g}" for r in rows) + " |")
        print("| --- |" + " --- |" * len(rows))
        fmt = lambda v: "-" if v is None or not math.isfinite(v) else f"{v:.3f}"
        print("| val (median) | " + " | ".join(fmt(medians[r]) for r in rows) + " |")
        print("| test (median) | " + " | ".join(fmt(tests[r]) for r in rows) + " |")
        print(f"\nBest peak {best:.3g}: val {medians[best]:.4f}, test {fmt(tests[best])}; one standard error: "
              f"val {val_se:.4f}, test {test_se:.4f}; plateau {min(plateau):.3g} to {max(plateau):.3g}.\n")
        print("| lrfind | one-cycle peak per seed | median | on the plateau | test per seed | median test | within one SE of the best's |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for tag in tags:
            found = finds(out / f"finds-{tag}", pair)
            if not found:
                continue
            peaks = [f["peak"] for f in found]
            peak = median(peaks)
            on = peak is not None and min(plateau) <= peak <= max(plateau)
            scores = [f["test"] for f in found]
            score = median(scores)
            within = score is not None and tests[best] is not None and score >= tests[best] - test_se
            marks = "".join("v" if f["validation"] else "" for f in found)
            print(f"| {tag} | " + ", ".join("-" if p is None else f"{p:.3g}" for p in peaks) + f" | {fmt(peak) if peak is None else f'{peak:.3g}'}"
                  f" | {'yes' if on else 'no'} | " + ", ".join(fmt(s) for s in scores) + f" | {fmt(score)} | {'yes' if within else 'no'}"
                  + (f" ({len(marks)} of {len(found)} followed the validation)" if marks else "") + " |")
        print()


if __name__ == "__main__":
    main()
