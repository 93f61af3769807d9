#!/bin/bash
# The post-processing ablation of the model card (issue 16): every step scored on every case.
#  - lopo-Case_0NN/: each leave-one-patient-out fold's last-epoch weights on its own held-out patient (normal, mild,
#    moderate, severe seed 1), so no case was seen in training; WORK is run-lopo.sh's work folder.
#  - shipped-case009/: the file shipped then (epoch 18; `git show 85e62de:weights/highresnet2d-lung.safetensors`)
#    on Case_009's evaluation cases (normal; moderate and severe seed 3; the harder
#    version `simulate --fraction 0.5 --consolidation-share 0.7 --seed 5`; hard 01-03 of
#    `build-dataset --cases Case_009 --hard-cases 3 --hard-seed 1`), listed in CASE009_MANIFEST.
# Usage: run-ablation.sh NATIVESEG WORK CASE009_MANIFEST CASE009_WEIGHTS OUT   (about 15 s a case on a 2-core AVX-512 machine)
set -e
NS=$1; WORK=$2; CASE009=$3; WEIGHTS=$4; OUT=$5
for F in Case_000 Case_005 Case_007 Case_009; do
  "$NS" ablate-postprocessing $WORK/$F/data/manifest.json --split test -w $WORK/$F/run/checkpoint.safetensors -o $OUT/lopo-$F --device cpu
done
"$NS" ablate-postprocessing "$CASE009" -w "$WEIGHTS" -o $OUT/shipped-case009 --device cpu
