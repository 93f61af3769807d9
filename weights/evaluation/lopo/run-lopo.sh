#!/bin/bash
# Leave-one-patient-out over the four LCTSC patients with the shipped file's recipe, shortened to 8 epochs
# (3 at lr 0.01, 3 at 0.003, 2 at 0.001; the shipped run: 5, 5, 10). The CIP volume is not in the shipped set, so it
# is not here either; the 8 phantoms always train, phantom_c02_moderate validates (as in the shipped run).
# Each fold is scored twice: with the best validation epoch (the shipped rule) and with the last epoch.
# Usage: run-lopo.sh NATIVESEG SHARED_DATA WORK_FOLDER   (about 20 minutes a fold on a 2-core AVX-512 machine)
set -e
NS=$1; SHARED=$2; WORK=$3
for F in Case_000 Case_005 Case_007 Case_009; do
  D=$WORK/$F
  "$NS" build-dataset --shared "$SHARED" -o $D/data --seeds 1 --test-patients $F --no-previews
  COMMON="$D/data/manifest.json -o $D/run --device cpu --window 128x128 --batch-size 8 --seed 1 --validation-patients phantom_c02_moderate"
  "$NS" train $COMMON --lr 0.01 --epochs 3
  "$NS" train $COMMON --lr 0.003 --epochs 6 --resume
  "$NS" train $COMMON --lr 0.001 --epochs 8 --resume
  "$NS" reproduce $D/data/manifest.json -o $D/study -w $D/run/best.safetensors --device cpu
  "$NS" reproduce $D/data/manifest.json -o $D/study-final -w $D/run/checkpoint.safetensors --device cpu
done
