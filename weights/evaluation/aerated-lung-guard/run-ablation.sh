#!/bin/bash
# The rule's groups 1 and 3 (RULE.md): ablate-postprocessing with the guard at 0.05 on
#   SETS/trial          the severe-seeds trial set (../severe-seeds/make-trial-set.py): Case_009 normal, mild s1, moderate and severe s1-s3
#   SETS/hardc9         build-dataset --cases Case_009 --severities severe --seeds 1 --hard-cases 4 --test-patients Case_009
#   SETS/cip            check-unseen.sh's set (../all-patients/check-unseen.sh): CIP and its three simulated versions
#   SETS/base           the shipped training set (build-dataset --seeds 1 --test-patients Case_009): its Case_000/005/007 cases
#   SETS/case005-fold   the effusion trial's set and run (../effusion/run-fold.sh ... Case_005): epochs 24, 28, 32, mean 25-32
# Usage: run-ablation.sh NATIVESEG SETS OUT     (then summarize.py OUT/*/ablation.csv)
set -e
NS=$1; S=$2; O=$3; W=$(cd "$(dirname "$0")/../.." && pwd)/highresnet2d-lung.safetensors
A="--min-aerated-share 0.05 --device cpu"
"$NS" ablate-postprocessing $S/trial/manifest.json -o $O/case009 -w $W --split test $A
"$NS" ablate-postprocessing $S/hardc9/manifest.json -o $O/hard009 -w $W --cases Case_009_hard_h1_01 Case_009_hard_h1_02 Case_009_hard_h1_03 Case_009_hard_h1_04 $A
"$NS" ablate-postprocessing $S/cip/manifest.json -o $O/cip -w $W --split test $A
"$NS" ablate-postprocessing $S/base/manifest.json -o $O/seen -w $W --cases Case_000 Case_000_mild_s1 Case_000_moderate_s1 Case_000_severe_s1 \
  Case_005 Case_005_mild_s1 Case_005_moderate_s1 Case_005_severe_s1 Case_007 Case_007_mild_s1 Case_007_moderate_s1 Case_007_severe_s1 $A
for e in epoch24 epoch28 epoch32 mean25-32; do
  "$NS" ablate-postprocessing $S/case005-fold/set/manifest.json -o $O/fallen-$e -w $S/case005-fold/run/$e.safetensors --split test $A
done
