#!/bin/bash
# Leave-one-patient-out over the four LCTSC patients with the shipped file's recipe since session 14, in full
# (../from-scratch/train-shipped-schedule.sh --low-lr-phase: Dice-NS + 1 x cross-entropy, 128x128 windows, batch 8,
# seed 1, lr 0.01 for epochs 1-5, 0.003 for 6-10, 0.001 for 11-24, 0.0001 for 25-32, the candidate the mean of epochs
# 25-32). The 8 phantoms always train, phantom_c02_moderate validates. The Case_009 fold is the shipped run itself
# (same data set, same seed), so it is not trained again here.
# Resumable: run it again after an interruption (SIGTERM/Ctrl-C makes the trainer write a checkpoint) and it goes on
# where it stopped; a fold with a study/ folder is done. About an hour a fold on a 2-core AVX-512 machine.
# Usage: run-lopo-cross-entropy.sh NATIVESEG SHARED_DATA WORK_FOLDER [FOLD ...]   (default folds: Case_000 Case_005 Case_007)
set -e
NS=$1; SHARED=$2; WORK=$3; shift 3
SCHEDULE=$(dirname "$0")/../from-scratch/train-shipped-schedule.sh
for F in ${@:-Case_000 Case_005 Case_007}; do
  D=$WORK/$F
  [ -d $D/study ] && continue
  mkdir -p $D
  [ -f $D/data/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $D/data --seeds 1 --test-patients $F --no-previews
  bash "$SCHEDULE" "$NS" $D/data $D/run --low-lr-phase --window 128x128 --cross-entropy-weight 1 \
    --validation-patients phantom_c02_moderate
  "$NS" reproduce $D/data/manifest.json -o $D/study.partial -w $D/run/mean25-32.safetensors --device cpu
  mv $D/study.partial $D/study
done
