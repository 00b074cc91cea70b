#!/bin/bash
# Generate one dataset on a Slurm cluster: every array task is one "machine" and makes its share of the
# shards (units u with u mod N == its index) into the SAME folder on a shared file system.
#   sbatch docs/slurm-array.sh                      # 1000 episodes on 4 nodes, defaults below
#   TASK=put-block-in-bowl-full N=10000 OUT=/scratch/datasets sbatch --array=0-15 docs/slurm-array.sh
# The shard index and count come from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_MIN / SLURM_ARRAY_TASK_COUNT
# (cliport reads them itself). A failed or preempted task is simply resubmitted (or `--requeue`d): it
# continues where it stopped, losing at most the episodes in flight, and rewrites exactly the same shards.
# When every task is done: `cliport dataset check $OUT/$TASK-$SPLIT` and `cliport dataset split ...`.
#SBATCH --job-name=cliport-demos
#SBATCH --array=0-3
#SBATCH --cpus-per-task=8
#SBATCH --mem=16G
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --output=cliport-demos-%A_%a.log
set -euo pipefail

CLIPORT=${CLIPORT:-cliport}            # the cliport program (e.g. .build/release/cliport)
TASK=${TASK:-put-block-in-bowl-seen-colors}
SPLIT=${SPLIT:-train}
N=${N:-1000}                           # successful episodes in the WHOLE dataset (all array tasks)
PER_SHARD=${PER_SHARD:-100}
OUT=${OUT:-datasets}                   # must be shared by all nodes (NFS, Lustre, GPFS, ...)
WORKERS=${WORKERS:-${SLURM_CPUS_PER_TASK:-$(nproc)}}

# HDF5 file locking is unreliable on some parallel file systems; cliport's own unit locks use flock.
export HDF5_USE_FILE_LOCKING=${HDF5_USE_FILE_LOCKING:-FALSE}
# No display on compute nodes: MuJoCo renders through EGL (Mesa's surfaceless platform).
export EGL_PLATFORM=${EGL_PLATFORM:-surfaceless}

exec "$CLIPORT" demos --task "$TASK" --split "$SPLIT" --n "$N" --episodes-per-shard "$PER_SHARD" \
    --out "$OUT" --workers "$WORKERS"
