#!/usr/bin/env bash
# lrfind sweep as a SLURM job array: each array task runs its round-robin share of the sweep's runs
# (`--shard slurm` reads SLURM_ARRAY_TASK_ID, _COUNT, _MIN and _STEP) on one CPU and writes its own
# journal, sweep-JOBID-TASK.jsonl, in the folder sbatch was called from.
#
#   sbatch docs/slurm/sweep-array.sh                          # the notes' 46-rate mlp sweep, 3 tasks
#   sbatch --array=1-8 docs/slurm/sweep-array.sh              # more tasks: the shares follow the array
#   sbatch docs/slurm/sweep-array.sh --model cnn --rates 0.001,0.003,0.01   # another sweep
#
# Arguments after the script replace the default sweep (the same in every task); LRFIND names the
# binary (default: lrfind on PATH). `--resume` lets a requeued task keep the runs its journal holds.
#
# Afterwards, merge the tasks' journals and print the table and the answer, by hand:
#   lrfind merge sweep-JOBID-*.jsonl --output sweep-JOBID.jsonl && lrfind report sweep-JOBID.jsonl
# or as a job that starts when every task has ended well:
#   jobid=$(sbatch --parsable docs/slurm/sweep-array.sh)
#   sbatch --dependency=afterok:$jobid --output=merge-%j.out \
#       --wrap "lrfind merge sweep-$jobid-*.jsonl --output sweep-$jobid.jsonl && lrfind report sweep-$jobid.jsonl"
#
# Tested on a private one-node cluster: Tests/CommandLineTests/SlurmArrayTests.swift.
#SBATCH --job-name=lrfind-sweep
#SBATCH --array=1-3
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem-per-cpu=1G
#SBATCH --time=02:00:00
#SBATCH --output=lrfind-sweep-%A_%a.out
set -euo pipefail

[ -n "${SLURM_ARRAY_TASK_ID:-}" ] || { echo "sweep-array.sh: not a job array task; submit it with sbatch" >&2; exit 2; }
[ $# -gt 0 ] || set -- --model mlp --from 1e-6 --to 0.0316 --per-decade 10

# One worker on the task's CPU; the journal names the array job and the task.
"${LRFIND:-lrfind}" sweep "$@" --shard slurm --jobs 1 --threads 1 \
    --journal "sweep-${SLURM_ARRAY_JOB_ID}-${SLURM_ARRAY_TASK_ID}.jsonl" --resume --quiet --no-plot
