#!/bin/bash
# Scores one file for the hard-cases trial (RULE.md): cut at 0.6 (set-threshold), reproduce on the trial set's test
# cases (Case_009 normal, mild s1, moderate and severe s1-s3, hard h1_01-h1_04), then ../all-patients/check-unseen.sh.
# compare.py then puts two such folders side by side with the rule's groups.
# Usage: score.sh NATIVESEG SHARED_DATA TRIAL_SET/manifest.json WEIGHTS.safetensors OUT
set -e
NS=$1; SHARED=$2; MANIFEST=$3; W=$4; OUT=$5
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p $OUT
rm -rf $OUT/study
bash "$HERE/../lopo/cross-entropy/threshold-engine.sh" "$NS" "$MANIFEST" "$W" 0.6 $OUT > /dev/null
bash "$HERE/../all-patients/check-unseen.sh" "$NS" "$SHARED" $OUT/weights-t0.6.safetensors $OUT/unseen > $OUT/unseen.txt
cat $OUT/unseen.txt
