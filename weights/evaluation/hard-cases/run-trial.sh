#!/bin/bash
# The hard-cases trial end to end (RULE.md): build the shipped set, the training patients' hard cases (hard seed 2),
# Case_009's extra seeds and hard cases (hard seed 1), write the trial set, and train with the shipped schedule (about
# 85 minutes on 2 cores; resumable: run it again after an interruption). Scoring: score.sh, once per file.
# With --moderate-effusion first: ../hard-effusion/RULE.md's trial (also Case_005's hard cases of hard seed 3, and
# make-trial-set.py --moderate-effusion); give it its own WORK_FOLDER.
# With RUN_NAME and options after WORK_FOLDER: the same trial set trained into WORK_FOLDER/trial/RUN_NAME with those
# training options added (../noise-augmentation/TRIAL.md: run-noise40 --augment-noise 40).
# Usage: run-trial.sh [--moderate-effusion] NATIVESEG SHARED_DATA WORK_FOLDER [RUN_NAME TRAIN_OPTION ...]
set -e
EFFUSION=; [ "$1" = --moderate-effusion ] && { EFFUSION=$1; shift; }
NS=$1; SHARED=$2; WORK=$3; RUN=${4:-run}; shift 3; [ $# -gt 0 ] && shift
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p $WORK
source "$HERE/builds.sh"
build base --seeds 1 --test-patients Case_009
build_hard_train
HARD=$WORK/hard-train/manifest.json
if [ -n "$EFFUSION" ]; then  # Case_005 has no hard case with an effusion among its three of hard seed 2
  build hard5-s3 --cases Case_005 --severities severe --seeds 1 --hard-cases 3 --hard-seed 3 --phantoms 0 --covid-phantoms 0
  HARD=$HARD,$WORK/hard5-s3/manifest.json
fi
build extra --cases Case_000 Case_005 Case_007 Case_009 --severities moderate severe --seeds 2 3 --phantoms 0 \
  --covid-phantoms 0 --test-patients Case_009
build hard-test --cases Case_009 --severities severe --seeds 1 --hard-cases 4 --hard-seed 1 --phantoms 0 \
  --covid-phantoms 0 --test-patients Case_009
[ -f $WORK/trial/manifest.json ] || /usr/bin/python3 "$HERE/make-trial-set.py" $EFFUSION $WORK/base/manifest.json \
  $HARD $WORK/trial/manifest.json $WORK/extra/manifest.json $WORK/hard-test/manifest.json
bash "$HERE/../from-scratch/train-shipped-schedule.sh" "$NS" $WORK/trial $WORK/trial/$RUN --low-lr-phase --window 128x128 --cross-entropy-weight 1 \
  "$@"
