#!/bin/bash
# Does averaging a run's last epochs help on a patient the run never saw? Each leave-one-patient-out fold of
# run-lopo.sh (8 epochs) resumed for epochs 9-11 at lr 0.001 on the same data, each epoch's checkpoint kept; then the
# held-out patient's four cases scored with epoch 11 alone and with the mean of epochs 8-11 (average-weights).
# Usage: run-lopo-average.sh NATIVESEG WORK_FOLDER   (WORK_FOLDER as given to run-lopo.sh; about 9 minutes a fold)
set -e
NS=$1; WORK=$2
for F in Case_000 Case_005 Case_007 Case_009; do
  D=$WORK/$F
  cp $D/run/checkpoint.safetensors $D/run/epoch8.safetensors
  for E in 9 10 11; do
    "$NS" train $D/data/manifest.json -o $D/run --device cpu --window 128x128 --batch-size 8 --seed 1 \
      --validation-patients phantom_c02_moderate --lr 0.001 --epochs $E --resume
    cp $D/run/checkpoint.safetensors $D/run/epoch$E.safetensors
  done
  "$NS" average-weights $D/run/epoch8.safetensors $D/run/epoch9.safetensors $D/run/epoch10.safetensors $D/run/epoch11.safetensors -o $D/run/mean8-11.safetensors
  "$NS" reproduce $D/data/manifest.json -o $D/study-epoch11 -w $D/run/epoch11.safetensors --device cpu
  "$NS" reproduce $D/data/manifest.json -o $D/study-mean8-11 -w $D/run/mean8-11.safetensors --device cpu
done
