#!/bin/bash
# FOLD.md: the hard-cases change on the Case_005 fold, trained and scored (resumable: run again after an interruption).
# With --moderate-effusion first: the same fold of ../hard-effusion/RULE.md (moderate s1 also replaced, by a hard case
# with an effusion), in WORK/fold005-effusion.
# With RUN_NAME and options after WORK: the same set trained into SET/RUN_NAME with those training options added and
# scored into SET/RUN_NAME-score-* (../noise-augmentation/RULE.md: run-noise40 --augment-noise 40).
# Usage: fold.sh [--moderate-effusion] NATIVESEG SHARED_DATA WORK [RUN_NAME TRAIN_OPTION ...]
#   (WORK holds the trial's hard-train build; the fold's builds go there too)
set -e
EFFUSION=; [ "$1" = --moderate-effusion ] && { EFFUSION=$1; shift; }
NS=$1; SHARED=$2; WORK=$3; RUN=${4:-run}; shift 3; [ $# -gt 0 ] && shift
HERE=$(cd "$(dirname "$0")" && pwd); EV=$HERE/..
source "$HERE/builds.sh"
build fold005-base --seeds 1 --test-patients Case_005
build_hard_train
build hard-train-009 --cases Case_009 --severities severe --seeds 1 --hard-cases 3 --hard-seed 2 --phantoms 0 --covid-phantoms 0
SET=$WORK/fold005${EFFUSION:+-effusion}
[ -f $SET/manifest.json ] || /usr/bin/python3 "$HERE/make-trial-set.py" $EFFUSION $WORK/fold005-base/manifest.json \
  $WORK/hard-train/manifest.json,$WORK/hard-train-009/manifest.json $SET/manifest.json
bash "$EV/from-scratch/train-shipped-schedule.sh" "$NS" $SET $SET/$RUN --low-lr-phase --window 128x128 \
  --cross-entropy-weight 1 --validation-patients phantom_c02_moderate "$@"
SCORES=$SET/score; [ $RUN = run ] || SCORES=$SET/$RUN-score
for c in mean25-32 epoch24 epoch28 epoch32; do
  rm -rf $SCORES-$c
  bash "$EV/lopo/cross-entropy/threshold-engine.sh" "$NS" $SET/manifest.json $SET/$RUN/$c.safetensors 0.6 $SCORES-$c > /dev/null
  echo "== $c"; cut -d, -f1,3,7,8 $SCORES-$c/study/report/cases.csv
done
