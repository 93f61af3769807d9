#!/bin/bash
# FOLD.md: the shipped recipe's Case_005 fold, then its mean 25-32 with batch-norm statistics measured again (A, B).
# Usage: fold.sh NATIVESEG FOLD_SET_FOLDER WORK      (resumable: run again after an interruption)
set -e
NS=$1; SET=$2; WORK=$3; EV=$(cd "$(dirname "$0")/.." && pwd)
bash "$EV/from-scratch/train-shipped-schedule.sh" "$NS" $SET $WORK/run --low-lr-phase --window 128x128 \
  --cross-entropy-weight 1 --validation-patients phantom_c02_moderate
M=$WORK/run/mean25-32.safetensors
[ -f $WORK/A.safetensors ] || "$NS" recalibrate-bn $M $SET/manifest.json -o $WORK/A.safetensors --window 128x128 --seed 1 --device cpu
[ -f $WORK/B.safetensors ] || "$NS" recalibrate-bn $M $SET/manifest.json -o $WORK/B.safetensors --seed 1 --device cpu
for c in run/mean25-32 A B; do
  n=$(basename $c); rm -rf $WORK/score-$n
  bash "$EV/lopo/cross-entropy/threshold-engine.sh" "$NS" $SET/manifest.json $WORK/$c.safetensors 0.6 $WORK/score-$n > /dev/null
  echo "== $c"; cut -d, -f1,3,7,8 $WORK/score-$n/study/report/cases.csv
done
