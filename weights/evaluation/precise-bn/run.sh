#!/bin/bash
# The precise-BN trial (RULE.md): candidates A (128 x 128 windows) and B (whole slices) from the shipped file over the
# shipped training set, each scored by ../severe-seeds/score-trial.sh (Case_009 trial set, baseline shipped-case009.csv,
# then check-unseen.sh). Usage: run.sh NATIVESEG SHARED_DATA TRAINSET/manifest.json TRIAL_SET/manifest.json OUT
set -e
NS=$1; SHARED=$2; T=$3; TRIAL=$4; OUT=$5; EV=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p $OUT
"$NS" recalibrate-bn "$EV/../highresnet2d-lung.safetensors" $T -o $OUT/A.safetensors --window 128x128 --seed 1 --device cpu
"$NS" recalibrate-bn "$EV/../highresnet2d-lung.safetensors" $T -o $OUT/B.safetensors --seed 1 --device cpu
for c in A B; do
  bash "$EV/severe-seeds/score-trial.sh" "$NS" "$SHARED" $TRIAL $OUT/$c.safetensors "$EV/severe-seeds/shipped-case009.csv" $OUT/score-$c > $OUT/score-$c.txt 2>&1
done
