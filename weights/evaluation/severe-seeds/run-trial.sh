#!/bin/bash
# The severe-seeds trial end to end (RULE.md): build the shipped set and the extra seeds, write the trial set, train
# with the shipped schedule (about 80 minutes on 2 cores; resumable: run it again after an interruption), and score the
# mean of epochs 25-32 against the shipped file.
# Usage: run-trial.sh NATIVESEG SHARED_DATA WORK_FOLDER
set -e
NS=$1; SHARED=$2; WORK=$3; HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p $WORK
[ -f $WORK/base/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $WORK/base --seeds 1 --test-patients Case_009 --no-previews
[ -f $WORK/extra/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $WORK/extra --cases Case_000 Case_005 Case_007 Case_009 \
  --severities moderate severe --seeds 2 3 --phantoms 0 --covid-phantoms 0 --test-patients Case_009 --no-previews
[ -f $WORK/trial/manifest.json ] || /usr/bin/python3 "$HERE/make-trial-set.py" $WORK/base/manifest.json $WORK/extra/manifest.json $WORK/trial/manifest.json
bash "$HERE/../from-scratch/train-shipped-schedule.sh" "$NS" $WORK/trial $WORK/trial/run --low-lr-phase --window 128x128 --cross-entropy-weight 1
bash "$HERE/score-trial.sh" "$NS" "$SHARED" $WORK/trial/manifest.json $WORK/trial/run/mean25-32.safetensors "$HERE/shipped-case009.csv" $WORK/candidate
