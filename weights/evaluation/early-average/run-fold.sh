#!/bin/bash
# One leave-one-patient-out fold of recipe R (RULE.md): the severe-seeds training set with patient F held out (each
# training patient's mild s1 replaced by its severe s2; F's moderate and severe s2-s3 added as test cases), the
# shipped schedule without its low-learning-rate phase (epochs 1-24), the mean of epochs 17-24 cut at 0.6, scored by
# reproduce on F's cases. Resumable (run it again after an interruption). Never run to the end: the rule's Case_009
# fold (session 19's run) failed first, and the Case_005 fold was not trained.
# Usage: run-fold.sh NATIVESEG SHARED_DATA WORK_FOLDER F
set -e
NS=$1; SHARED=$2; WORK=$3; F=$4; HERE=$(cd "$(dirname "$0")" && pwd); EV=$HERE/..
ALL="Case_000 Case_005 Case_007 Case_009"
mkdir -p $WORK
[ -f $WORK/base/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $WORK/base --seeds 1 --test-patients $F --no-previews
[ -f $WORK/extra/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $WORK/extra --cases $ALL \
  --severities moderate severe --seeds 2 3 --phantoms 0 --covid-phantoms 0 --test-patients $F --no-previews
[ -f $WORK/set/manifest.json ] || /usr/bin/python3 "$EV/severe-seeds/make-trial-set.py" $WORK/base/manifest.json $WORK/extra/manifest.json $WORK/set/manifest.json
bash "$EV/from-scratch/train-shipped-schedule.sh" "$NS" $WORK/set $WORK/run --window 128x128 --cross-entropy-weight 1 \
  --validation-patients phantom_c02_moderate
bash "$EV/lopo/cross-entropy/threshold-engine.sh" "$NS" $WORK/set/manifest.json $WORK/run/mean17-24.safetensors 0.6 $WORK/score
