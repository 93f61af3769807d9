#!/bin/bash
# The hard-cases-with-effusions trial end to end (RULE.md): the hard-cases trial's builds, Case_005's hard cases of hard
# seed 3 (its first with an effusion), the trial set (make-trial-set.py --moderate-effusion), and the shipped schedule
# (about 90 minutes on 2 cores; resumable: run it again after an interruption). Scoring: ../hard-cases/score.sh, once
# per file, then ../hard-cases/compare.py.
# Usage: run-trial.sh NATIVESEG SHARED_DATA WORK_FOLDER
set -e
NS=$1; SHARED=$2; WORK=$3; HERE=$(cd "$(dirname "$0")" && pwd); HARD="$HERE/../hard-cases"
mkdir -p $WORK
source "$HARD/builds.sh"
build base --seeds 1 --test-patients Case_009
build_hard_train
build hard5-s3 --cases Case_005 --severities severe --seeds 1 --hard-cases 3 --hard-seed 3 --phantoms 0 --covid-phantoms 0
build extra --cases Case_000 Case_005 Case_007 Case_009 --severities moderate severe --seeds 2 3 --phantoms 0 \
  --covid-phantoms 0 --test-patients Case_009
build hard-test --cases Case_009 --severities severe --seeds 1 --hard-cases 4 --hard-seed 1 --phantoms 0 \
  --covid-phantoms 0 --test-patients Case_009
[ -f $WORK/trial/manifest.json ] || /usr/bin/python3 "$HARD/make-trial-set.py" --moderate-effusion $WORK/base/manifest.json \
  $WORK/hard-train/manifest.json,$WORK/hard5-s3/manifest.json $WORK/trial/manifest.json $WORK/extra/manifest.json \
  $WORK/hard-test/manifest.json
bash "$HERE/../from-scratch/train-shipped-schedule.sh" "$NS" $WORK/trial $WORK/trial/run --low-lr-phase --window 128x128 --cross-entropy-weight 1
