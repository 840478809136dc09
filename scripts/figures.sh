#!/usr/bin/env bash
# Draws the README's figures with lrfind itself (the parameters of the figures in the
# study notes: initial or maximum rate 0.0016, 50 epochs). Run after a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
lrfind=.build/release/lrfind
out=docs/figures
mkdir -p "$out"
draw() { "$lrfind" schedule "$2" --epochs 50 --lr 0.0016 --plot "$out/$1.png" --title "$3"; }
draw multiplicative "multiplicative:f=0.98^epoch" "MultiplicativeLR, factor 0.98^epoch"
draw exponential "exponential:gamma=0.95" "ExponentialLR, gamma 0.95"
draw step "step:size=10,gamma=0.5" "StepLR, step 10, gamma 0.5"
draw multistep "multistep:milestones=15/25/30/35/45,gamma=0.5" "MultiStepLR, milestones 15, 25, 30, 35, 45, gamma 0.5"
draw cosine "cosine:t-max=10" "CosineAnnealingLR, T_max 10"
draw warm-restarts "warm-restarts:t0=5,t-mult=2,eta-min=1e-5" "CosineAnnealingWarmRestarts, T_0 5, T_mult 2, eta_min 1e-5"
draw cyclic-triangular "cyclic:base=1e-5,max=0.0016,step-up=5,unit=epoch" "CyclicLR triangular, 1e-5 to 0.0016, step 5"
draw cyclic-triangular2 "cyclic:base=1e-5,max=0.0016,step-up=5,mode=triangular2,unit=epoch" "CyclicLR triangular2, 1e-5 to 0.0016, step 5"
draw cyclic-exp-range "cyclic:base=1e-5,max=0.0016,step-up=5,mode=exp_range,gamma=0.92,unit=epoch" "CyclicLR exp_range, gamma 0.92"
draw lambda "lambda:f=0.95^epoch" "LambdaLR, factor 0.95^epoch"
"$lrfind" schedule "onecycle:max=0.0016" --epochs 10 --steps-per-epoch 47 --lr 0.0016 --plot "$out/onecycle.png" --title "OneCycleLR, max 0.0016, 10 epochs of 47 batches"
"$lrfind" --min 1e-4 --max 1 --epochs 5 --runs 3 --plot "$out/range-test.png" >/dev/null
"$lrfind" train --schedule onecycle:max=0.005 --plot "$out/training-onecycle.png" >/dev/null
"$lrfind" train --model logreg --epochs 2 --confusion-plot "$out/confusion.png" >/dev/null
"$lrfind" --model cnn --min 1e-4 --max 1 --epochs 5 --plot "$out/cnn-range-test.png" >/dev/null
"$lrfind" find --data fixtures/datasets/wine.csv --quiet --plot "$out/range-test-small.png" >/dev/null
"$lrfind" find --data fixtures/datasets/diabetes.csv --task regression --model logreg --then onecycle --quiet --plot "$out/range-test-regression.png" >/dev/null
