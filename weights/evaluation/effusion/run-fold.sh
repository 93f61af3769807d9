#!/bin/bash
# The effusion trial (RULE.md) on one fold: build-dataset with --effusion-share 0.5 and patient F held out, then the
# shipped recipe as ../from-scratch/train-shipped-schedule.sh runs it (lr 0.01 / 0.003 / 0.001 / 0.0001 for epochs
# 1-5 / 6-10 / 11-24 / 25-32; resumable: run this again after an interruption), the mean of epochs 25-32 cut at 0.6,
# scored by reproduce on F's four cases. About 95 minutes on 2 cores.
# Usage: run-fold.sh NATIVESEG SHARED_DATA WORK_FOLDER F
set -e
NS=$1; SHARED=$2; WORK=$3; F=$4; EV=$(cd "$(dirname "$0")/.." && pwd)
[ -f $WORK/set/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $WORK/set --seeds 1 --test-patients $F \
  --effusion-share 0.5 --no-previews
bash "$EV/from-scratch/train-shipped-schedule.sh" "$NS" $WORK/set $WORK/run --low-lr-phase --window 128x128 \
  --cross-entropy-weight 1 --validation-patients phantom_c02_moderate
bash "$EV/lopo/cross-entropy/threshold-engine.sh" "$NS" $WORK/set/manifest.json $WORK/run/mean25-32.safetensors 0.6 $WORK/score
