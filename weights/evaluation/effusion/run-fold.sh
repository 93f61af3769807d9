#!/bin/bash
# The effusion trial (RULE.md) on one fold: build-dataset with --effusion-share 0.5 and patient F held out, the
# shipped recipe's schedule (lr 0.01 / 0.003 / 0.001 / 0.0001 for epochs 1-5 / 6-10 / 11-24 / 25-32), the mean of
# epochs 25-32 cut at 0.6, scored by reproduce on F's four cases. About 95 minutes on 2 cores.
# It spans sessions: SIGTERM makes the trainer write WORK/run/checkpoint.safetensors; a phase that finished leaves
# WORK/run/through<LAST>. Copy both (and training-log.csv) back into WORK/run of a fresh checkout and run this again:
# the data set is rebuilt byte for byte and training resumes where it stopped.
# Usage: run-fold.sh NATIVESEG SHARED_DATA WORK_FOLDER F
set -e
NS=$1; SHARED=$2; WORK=$3; F=$4; EV=$(cd "$(dirname "$0")/.." && pwd); OUT=$WORK/run
mkdir -p $OUT
[ -f $WORK/set/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $WORK/set --seeds 1 --test-patients $F \
  --effusion-share 0.5 --no-previews
train_until() {  # LR LAST
  [ -f $OUT/through$2 ] && return 0
  local RESUME=; [ -f $OUT/checkpoint.safetensors ] && RESUME=--resume
  "$NS" train $WORK/set/manifest.json -o $OUT --device cpu --batch-size 8 --seed 1 --keep-epoch-weights --window 128x128 \
    --cross-entropy-weight 1 --validation-patients phantom_c02_moderate --lr $1 --epochs $2 $RESUME
  touch $OUT/through$2
}
train_until 0.01 5
train_until 0.003 10
train_until 0.001 24
train_until 0.0001 32
"$NS" average-weights $(for E in $(seq 25 32); do echo $OUT/epoch$E.safetensors; done) -o $OUT/mean25-32.safetensors
bash "$EV/lopo/cross-entropy/threshold-engine.sh" "$NS" $WORK/set/manifest.json $OUT/mean25-32.safetensors 0.6 $WORK/score
