#!/bin/bash
# The field-of-view cut diagnostic (RULE.md): two 4-epoch fine-tunes from the shipped run's epoch-32 checkpoint
# (control, and --augment-fov-cut 0.15), each arm's mean of epochs 1-4 cut at 0.6, scored on CIP and Case_009.
# About 15 minutes an arm on 2 cores (11 of them training). Usage: run-diagnostic.sh NATIVESEG SHARED_DATA WORK_FOLDER
set -e
NS=$1; SHARED=$2; WORK=$3; HERE=$(cd "$(dirname "$0")" && pwd)
CHECKPOINT=$HERE/../../training/checkpoint-ce-epoch32.safetensors
mkdir -p $WORK
[ -f $WORK/set/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $WORK/set --seeds 1 --test-patients Case_009 --no-previews
for ARM in control cut; do
  OPTIONS=; [ $ARM = cut ] && OPTIONS="--augment-fov-cut 0.15"
  [ -f $WORK/$ARM/epoch4.safetensors ] || "$NS" train $WORK/set/manifest.json -o $WORK/$ARM --device cpu --batch-size 8 --seed 1 \
    --window 128x128 --cross-entropy-weight 1 --lr 0.0001 --epochs 4 --keep-epoch-weights \
    --init-weights "$CHECKPOINT" --keep-adam-moments $OPTIONS > $WORK/$ARM.log
  "$NS" average-weights $WORK/$ARM/epoch{1,2,3,4}.safetensors -o $WORK/$ARM/mean1-4.safetensors > /dev/null
  rm -rf $WORK/$ARM/study
  echo "== $ARM: Case_009 (id, dice, FPR, FNR)"
  bash "$HERE/../lopo/cross-entropy/threshold-engine.sh" "$NS" $WORK/set/manifest.json $WORK/$ARM/mean1-4.safetensors 0.6 $WORK/$ARM
  echo "== $ARM: unseen"; bash "$HERE/../all-patients/check-unseen.sh" "$NS" "$SHARED" $WORK/$ARM/weights-t0.6.safetensors $WORK/$ARM/unseen
done
