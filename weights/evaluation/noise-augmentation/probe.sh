#!/bin/bash
# What makes a network fall on Case_005: each named weights file of a run segments (threshold 0.6) Case_005 blurred and
# shifted and Case_007 with noise added (make-probes.py), and prints Dice and FPR against the reference masks.
# Usage: probe.sh NATIVESEG SHARED_DATA RUN_FOLDER OUT NAME...   (NAME: epoch24, ...)
set -e
NS=$1; S=$2; RUN=$3; OUT=$4; shift 4
PROBES="c005-blur0.7 c005-blur1.2 c005-plus40 c005-minus40 c007-noise30 c007-correlated-noise30"
mkdir -p $OUT
[ -f $OUT/c007-correlated-noise30.nii.gz ] || /usr/bin/python3 "$(dirname "$0")/make-probes.py" "$S" $OUT
for E in "$@"; do for P in $PROBES; do
  [ -f $OUT/$E/$P.nii.gz ] || { mkdir -p $OUT/$E; "$NS" segment $OUT/$P.nii.gz -o $OUT/$E/$P.nii.gz -w $RUN/$E.safetensors --threshold 0.6 --device cpu -q; }
done; done
/usr/bin/python3 - "$S" $OUT "$@" <<'PY'
import sys, nibabel as nib, numpy as np
shared, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
load = lambda p: np.asarray(nib.load(p).dataobj) > 0
refs = {p: load(f'{shared}/lctsc/Case_{p}_lungmask.nii.gz') for p in ['005', '007']}
print('file,probe,dice,fpr')
for name in names:
    for probe in 'c005-blur0.7 c005-blur1.2 c005-plus40 c005-minus40 c007-noise30 c007-correlated-noise30'.split():
        m, r = load(f'{out}/{name}/{probe}.nii.gz'), refs[probe[1:4]]
        print(f'{name},{probe},{2 * (m & r).sum() / (m.sum() + r.sum()):.4f},{(m & ~r).sum() / r.sum():.3f}')
PY
