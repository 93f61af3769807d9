#!/bin/bash
# The shipped recipe with all four LCTSC patients training (RULE.md): the data set without a test patient, then the
# shipped file's schedule (../from-scratch/train-shipped-schedule.sh --low-lr-phase), the candidate the mean of epochs
# 25-32 cut at 0.6. Resumable (SIGTERM/Ctrl-C makes the trainer write a checkpoint; run it again). About 80 minutes on
# a 2-core AVX-512 machine.
# Usage: train-all-patients.sh NATIVESEG SHARED_DATA WORK_FOLDER [SEED]   (writes WORK_FOLDER/candidate.safetensors)
set -e
NS=$1; SHARED=$2; WORK=$3; SEED=${4:-1}
mkdir -p $WORK
[ -f $WORK/data/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $WORK/data --seeds 1 --no-previews
SEED=$SEED bash "$(dirname "$0")/../from-scratch/train-shipped-schedule.sh" "$NS" $WORK/data $WORK/run --low-lr-phase --window 128x128 \
  --cross-entropy-weight 1 --validation-patients phantom_c02_moderate
"$NS" set-threshold $WORK/run/mean25-32.safetensors 0.6 -o $WORK/candidate.safetensors
