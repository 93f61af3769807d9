#!/bin/bash
# Diagnostic after the verdict (result.txt): the effusion trial's fallen Case_005 network (../effusion/, mean of epochs
# 25-32) with batch-norm statistics measured again over its own training set (A: windows, B: whole slices), through
# ablate-postprocessing with the aerated-lung guard at 0.05 (each file's own threshold, 0.5).
# Usage: fallen.sh NATIVESEG EFFUSION_FOLD_WORK_FOLDER OUT     (then ../aerated-lung-guard/summarize.py OUT/fallen-*/ablation.csv)
set -e
NS=$1; E=$2; OUT=$3; mkdir -p $OUT
for c in A B; do
  if [ $c = A ]; then X="--window 128x128"; else X=""; fi
  "$NS" recalibrate-bn $E/run/mean25-32.safetensors $E/set/manifest.json -o $OUT/fallen-$c.safetensors $X --seed 1 --device cpu
  "$NS" ablate-postprocessing $E/set/manifest.json -o $OUT/fallen-$c -w $OUT/fallen-$c.safetensors --split test --min-aerated-share 0.05 --device cpu
done
