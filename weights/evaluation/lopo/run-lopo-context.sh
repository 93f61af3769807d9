#!/bin/bash
# Neighbouring slices (train --slice-context 5) against the single slice, on patients the runs never saw. Each
# leave-one-patient-out fold of run-lopo.sh, from its epoch-11 checkpoint (run-lopo-average.sh), continues for 3 epochs
# at lr 0.001 on its own data twice, with its Adam moments: once widened to see the CT 5 mm below and above each slice
# (arm "context5"), once as it is (arm "single", the control); each arm's mean of its 3 epochs scores the held-out
# patient's four cases (reproduce).
# Usage: run-lopo-context.sh NATIVESEG WORK_FOLDER   (WORK_FOLDER as given to run-lopo.sh; about 22 minutes a fold on 2 cores)
set -e
NS=$1; WORK=$2
for F in Case_000 Case_005 Case_007 Case_009; do
  D=$WORK/$F
  for ARM in context5 single; do
    R=$D/run-$ARM; rm -rf $R
    if [ $ARM = context5 ]; then CONTEXT="--slice-context 5"; else CONTEXT=""; fi
    for E in 1 2 3; do
      if [ $E = 1 ]; then START="--init-weights $D/run/epoch11.safetensors --keep-adam-moments"; else START="--resume"; fi
      "$NS" train $D/data/manifest.json -o $R --device cpu --window 128x128 --batch-size 8 --seed 1 \
        --validation-patients phantom_c02_moderate --lr 0.001 --epochs $E $START $CONTEXT
      cp $R/checkpoint.safetensors $R/epoch$E.safetensors
    done
    "$NS" average-weights $R/epoch1.safetensors $R/epoch2.safetensors $R/epoch3.safetensors -o $R/mean1-3.safetensors
    "$NS" reproduce $D/data/manifest.json -o $D/study-$ARM -w $R/mean1-3.safetensors --device cpu
  done
done
