#!/bin/bash
# What makes a network fall on Case_005: each named weights file of a run segments (threshold 0.6) Case_005 blurred
# in-plane and shifted, and Case_007 with noise of SD 30 HU added, white and correlated (transform-ct.py, seed 1), and
# prints Dice and FPR against the reference masks. Resumable: a probe CT or mask already written is kept.
# Usage: probe.sh NATIVESEG SHARED_DATA RUN_FOLDER OUT NAME...   (NAME: epoch24, ...)
set -e
NS=$1; S=$2; RUN=$3; OUT=$4; shift 4
HERE=$(cd "$(dirname "$0")" && pwd)
# name, patient, transform-ct.py options
PROBES="c005-blur0.7 005 --blur 0.7
c005-blur1.2 005 --blur 1.2
c005-plus40 005 --shift 40
c005-minus40 005 --shift -40
c007-noise30 007 --noise 30 --seed 1
c007-correlated-noise30 007 --noise 30 --seed 1 --correlate 0.8"
NAMES=$(cut -d' ' -f1 <<< "$PROBES")
mkdir -p $OUT
while read -r P PATIENT OPTIONS; do
  [ -f $OUT/$P.nii.gz ] || /usr/bin/python3 "$HERE/transform-ct.py" "$S/lctsc/Case_${PATIENT}_ct.nii.gz" $OUT/$P.nii.gz $OPTIONS
done <<< "$PROBES"
for E in "$@"; do for P in $NAMES; do
  [ -f $OUT/$E/$P.nii.gz ] || { mkdir -p $OUT/$E; "$NS" segment $OUT/$P.nii.gz -o $OUT/$E/$P.nii.gz -w $RUN/$E.safetensors --threshold 0.6 --device cpu -q; }
done; done
/usr/bin/python3 - "$S" $OUT "$NAMES" "$@" <<'PY'
import sys, nibabel as nib, numpy as np
shared, out, probes, names = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4:]
load = lambda p: np.asarray(nib.load(p).dataobj) > 0
refs = {p: load(f'{shared}/lctsc/Case_{p}_lungmask.nii.gz') for p in ['005', '007']}
print('file,probe,dice,fpr')
for name in names:
    for probe in probes:
        m, r = load(f'{out}/{name}/{probe}.nii.gz'), refs[probe[1:4]]
        print(f'{name},{probe},{2 * (m & r).sum() / (m.sum() + r.sum()):.4f},{(m & ~r).sum() / r.sum():.3f}')
PY
