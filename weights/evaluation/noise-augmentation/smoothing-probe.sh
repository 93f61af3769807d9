#!/bin/bash
# In-plane smoothing before segment, on files that had Case_009 held out: Case_009 normal and severe s1-s3 (the trial
# set's versions, from its manifest) as scanned and blurred by a Gaussian of sigma 0.7 voxel in-plane
# (transform-ct.py), each file at its own threshold, scored by ../lopo/cross-entropy/score-ct.sh (Dice, FPR, FNR).
# Whether smoothing at inference costs anything on a quiet CT with consolidation.
# Usage: smoothing-probe.sh NATIVESEG SHARED_DATA TRIAL_SET_FOLDER OUT WEIGHTS...
set -e
NS=$1; S=$2; SET=$3; OUT=$4; shift 4
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p $OUT
CTS=$(/usr/bin/python3 -c "
import json, os, sys
m = json.load(open(sys.argv[1] + '/manifest.json'))
ids = ['Case_009'] + ['Case_009_severe_s%d' % k for k in (1, 2, 3)]
print(' '.join(os.path.normpath(os.path.join(sys.argv[1], c['ct'])) for i in ids for c in m['cases'] if c['id'] == i))" $SET)
for CT in $CTS; do
  BLURRED=$OUT/$(basename $CT .nii.gz)-blur0.7.nii.gz
  [ -f $BLURRED ] || /usr/bin/python3 "$HERE/transform-ct.py" $CT $BLURRED --blur 0.7
  for V in $CT $BLURRED; do
    echo "== $(basename $V .nii.gz)"
    bash "$HERE/../lopo/cross-entropy/score-ct.sh" "$NS" $V "$S/lctsc/Case_009_lungmask.nii.gz" "$@"
  done
done
