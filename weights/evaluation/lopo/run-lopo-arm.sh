#!/bin/bash
# One arm of a leave-one-patient-out comparison: each fold of run-lopo.sh, from its epoch-11 checkpoint
# (run-lopo-average.sh) with its Adam moments, continues for 3 epochs at lr 0.001 on its own data with the train options
# given after ARM; the mean of the 3 epochs scores the held-out patient's four cases (reproduce) into FOLD/study-ARM.
# The arms compared so far (about 11 minutes a fold and arm on 2 cores; tables by summarise-arms.py):
#   run-lopo-arm.sh NS WORK single                       the control: the same 3 epochs, nothing changed
#   run-lopo-arm.sh NS WORK context5 --slice-context 5   neighbouring slices (context.md)
#   run-lopo-arm.sh NS WORK cal --augment-gain 0 --augment-shift 10   intensity jitter of a calibrated scanner (augmentation.md)
# Usage: run-lopo-arm.sh NATIVESEG WORK_FOLDER ARM [TRAIN_OPTION ...]   (WORK_FOLDER as given to run-lopo.sh)
set -e
NS=$1; WORK=$2; ARM=$3; shift 3
for F in Case_000 Case_005 Case_007 Case_009; do
  D=$WORK/$F; R=$D/run-$ARM; rm -rf $R
  for E in 1 2 3; do
    if [ $E = 1 ]; then START="--init-weights $D/run/epoch11.safetensors --keep-adam-moments"; else START="--resume"; fi
    "$NS" train $D/data/manifest.json -o $R --device cpu --window 128x128 --batch-size 8 --seed 1 \
      --validation-patients phantom_c02_moderate --lr 0.001 --epochs $E $START "$@"
    cp $R/checkpoint.safetensors $R/epoch$E.safetensors
  done
  "$NS" average-weights $R/epoch1.safetensors $R/epoch2.safetensors $R/epoch3.safetensors -o $R/mean1-3.safetensors
  "$NS" reproduce $D/data/manifest.json -o $D/study-$ARM -w $R/mean1-3.safetensors --device cpu
done
