"""Training-step throughput of the reference MLP and experiment CNN in eager PyTorch (CPU).

One step = forward + cross-entropy + backward + AdamW.step() (+ zero_grad), on real
MNIST batches pre-sliced from the 3000-sample train split (no DataLoader, no eval).
For each (model, batch size): 20 warm-up steps, then 5 repeats of 200 timed steps;
report median (and min/max) samples/s and ms/step over the repeats.
Runs with torch.set_num_threads(2) (the requested setting) and then 1 thread
(env THREADS="2,1"); the 1-thread figures are a contention-robust cross-check.
Also a supplementary forward-only (torch.no_grad, eval mode) throughput.

Run (in a venv with torch, torch-lr-finder, fastai, matplotlib): python peers/torch_throughput.py
Writes results/throughput.json next to this script.
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import OUT_DIR, make_model, n_params, setup_torch, splits, versions, loadavg  # noqa

WARMUP = 20
STEPS = int(os.environ.get("STEPS", "200"))
REPEATS = int(os.environ.get("REPEATS", "5"))
MODELS = os.environ.get("MODELS", "mlp,cnn").split(",")
INFER = os.environ.get("INFER", "1") == "1"


def batches(X, Y, bs):
    n = X.shape[0] // bs
    return [(X[i * bs:(i + 1) * bs].contiguous(), Y[i * bs:(i + 1) * bs].contiguous())
            for i in range(n)]


def bench_train(name, bs, X, Y):
    model = make_model(name, seed=0)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    crit = nn.CrossEntropyLoss()
    bl = batches(X, Y, bs)

    def step(k):
        xb, yb = bl[k % len(bl)]
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    for k in range(WARMUP):
        step(k)
    times = []
    k = 0
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for _ in range(STEPS):
            step(k)
            k += 1
        times.append(time.perf_counter() - t0)
    sps = [STEPS * bs / t for t in times]
    ms = [1000.0 * t / STEPS for t in times]
    return {
        "model": name, "batch": bs, "params": n_params(model),
        "samples_per_s_median": statistics.median(sps),
        "samples_per_s_min": min(sps), "samples_per_s_max": max(sps),
        "ms_per_step_median": statistics.median(ms),
        "ms_per_step_best": min(ms),
        "ms_per_step_all": ms,
    }


def bench_infer(name, bs, X):
    model = make_model(name, seed=0)
    model.eval()
    n = X.shape[0] // bs
    bl = [X[i * bs:(i + 1) * bs].contiguous() for i in range(n)]
    with torch.no_grad():
        for k in range(WARMUP):
            model(bl[k % n])
        times = []
        k = 0
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            for _ in range(STEPS):
                model(bl[k % n])
                k += 1
            times.append(time.perf_counter() - t0)
    sps = [STEPS * bs / t for t in times]
    return {"model": name, "batch": bs,
            "samples_per_s_median": statistics.median(sps),
            "ms_per_batch_median": statistics.median([1000 * t / STEPS for t in times])}


def main():
    setup_torch()
    d = splits()
    X, Y = d["train"]
    threads_list = [int(t) for t in os.environ.get("THREADS", "2,1").split(",")]
    res = {"versions": versions(), "threads_list": threads_list,
           "warmup": WARMUP, "steps": STEPS, "repeats": REPEATS,
           "loadavg_before": loadavg(), "train": [], "infer": []}
    for nt in threads_list:
        torch.set_num_threads(nt)
        for name in MODELS:
            for bs in [64, 256]:
                r = bench_train(name, bs, X, Y)
                r["threads"] = nt
                r["loadavg"] = loadavg()
                print(json.dumps(r), flush=True)
                res["train"].append(r)
        for name in MODELS if INFER else []:
            for bs in [64, 256]:
                r = bench_infer(name, bs, X)
                r["threads"] = nt
                print(json.dumps(r), flush=True)
                res["infer"].append(r)
    res["loadavg_after"] = loadavg()
    os.makedirs(os.path.join(OUT_DIR, "results"), exist_ok=True)
    with open(os.path.join(OUT_DIR, "results", os.environ.get("OUTFILE", "throughput.json")), "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
