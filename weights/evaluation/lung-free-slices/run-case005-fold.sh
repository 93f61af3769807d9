#!/bin/bash
# The Case_005 leave-one-patient-out fold with the shipped recipe plus `train --lung-free-slices 10` (RULE.md), scored
# at threshold 0.6 on Case_005's four cases; then the unseen checks (../all-patients/check-unseen.sh). Resumable: run it
# again after an interruption (SIGTERM makes the trainer write a checkpoint).
# Usage: run-case005-fold.sh NATIVESEG SHARED_DATA WORK_FOLDER
#   WORK_FOLDER/data is the fold's data set (build-dataset --seeds 1 --test-patients Case_005), built if missing.
set -e
NS=$1; SHARED=$2; WORK=$3
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p $WORK
[ -f $WORK/data/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $WORK/data --seeds 1 --test-patients Case_005 --no-previews
bash "$HERE/../from-scratch/train-shipped-schedule.sh" "$NS" $WORK/data $WORK/run --low-lr-phase --window 128x128 \
  --cross-entropy-weight 1 --validation-patients phantom_c02_moderate --lung-free-slices 10
[ -d $WORK/t06/study ] || bash "$HERE/../lopo/cross-entropy/threshold-engine.sh" "$NS" $WORK/data/manifest.json \
  $WORK/run/mean25-32.safetensors 0.6 $WORK/t06
(cd $WORK && bash "$HERE/../all-patients/check-unseen.sh" "$NS" "$SHARED" t06/weights-t0.6.safetensors unseen)
