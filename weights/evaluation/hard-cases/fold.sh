#!/bin/bash
# FOLD.md: the hard-cases change on the Case_005 fold, trained and scored (resumable: run again after an interruption).
# With --moderate-effusion first: the same fold of ../hard-effusion/RULE.md (moderate s1 also replaced, by a hard case
# with an effusion), in WORK/fold005-effusion.
# Usage: fold.sh [--moderate-effusion] NATIVESEG SHARED_DATA WORK   (WORK holds the trial's hard-train build; the fold's builds go there too)
set -e
EFFUSION=; [ "$1" = --moderate-effusion ] && { EFFUSION=$1; shift; }
NS=$1; SHARED=$2; WORK=$3; HERE=$(cd "$(dirname "$0")" && pwd); EV=$HERE/..
source "$HERE/builds.sh"
build fold005-base --seeds 1 --test-patients Case_005
build_hard_train
build hard-train-009 --cases Case_009 --severities severe --seeds 1 --hard-cases 3 --hard-seed 2 --phantoms 0 --covid-phantoms 0
SET=$WORK/fold005${EFFUSION:+-effusion}
[ -f $SET/manifest.json ] || /usr/bin/python3 "$HERE/make-trial-set.py" $EFFUSION $WORK/fold005-base/manifest.json \
  $WORK/hard-train/manifest.json,$WORK/hard-train-009/manifest.json $SET/manifest.json
bash "$EV/from-scratch/train-shipped-schedule.sh" "$NS" $SET $SET/run --low-lr-phase --window 128x128 \
  --cross-entropy-weight 1 --validation-patients phantom_c02_moderate
for c in mean25-32 epoch24 epoch28 epoch32; do
  rm -rf $SET/score-$c
  bash "$EV/lopo/cross-entropy/threshold-engine.sh" "$NS" $SET/manifest.json $SET/run/$c.safetensors 0.6 $SET/score-$c > /dev/null
  echo "== $c"; cut -d, -f1,3,7,8 $SET/score-$c/study/report/cases.csv
done
