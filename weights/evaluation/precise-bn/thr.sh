#!/bin/bash
# RULE-threshold.md: B at 0.5 and 0.4, scored like score-trial.sh (which cuts at 0.6) but at T.
# Usage: thr.sh NATIVESEG SHARED_DATA TRIAL_SET/manifest.json OUT   (OUT holds run.sh's B.safetensors)
set -e
NS=$1; SHARED=$2; TRIAL=$3; EV=$(cd "$(dirname "$0")/.." && pwd); cd $4
for T in 0.5 0.4; do
  O=score-B$T; mkdir -p $O; rm -rf $O/study
  bash $EV/lopo/cross-entropy/threshold-engine.sh $NS $TRIAL B.safetensors $T $O > /dev/null
  bash $EV/all-patients/check-unseen.sh $NS $SHARED $O/weights-t$T.safetensors $O/unseen > $O/unseen.txt
done
