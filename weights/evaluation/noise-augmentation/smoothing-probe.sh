#!/bin/bash
# In-plane smoothing before segment, on files that had Case_009 held out: Case_009 normal and severe s1-s3 (the trial
# set's versions, from its manifest) as scanned and blurred by a Gaussian of sigma 0.7 voxel in-plane, at each file's own
# threshold; prints Dice and FPR / FNR. Whether smoothing at inference costs anything on a quiet CT with consolidation.
# Usage: smoothing-probe.sh NATIVESEG SHARED_DATA TRIAL_SET_FOLDER OUT WEIGHTS...
set -e
NS=$1; S=$2; SET=$3; OUT=$4; shift 4
mkdir -p $OUT
CTS=$(/usr/bin/python3 -c "
import json, os, sys
m = json.load(open(sys.argv[1] + '/manifest.json'))
ids = ['Case_009'] + ['Case_009_severe_s%d' % k for k in (1, 2, 3)]
print(' '.join(os.path.normpath(os.path.join(sys.argv[1], c['ct'])) for i in ids for c in m['cases'] if c['id'] == i))" $SET)
for CT in $CTS; do
  B=$OUT/$(basename $CT .nii.gz)-blur0.7.nii.gz
  [ -f $B ] || /usr/bin/python3 -c "
import sys, nibabel as nib, numpy as np
from scipy import ndimage
i = nib.load(sys.argv[1]); a = np.asarray(i.dataobj).astype(np.float32)
nib.save(nib.Nifti1Image(ndimage.gaussian_filter(a, (0.7, 0.7, 0)).astype(np.int16), i.affine, i.header), sys.argv[2])" $CT $B
done
for W in "$@"; do for CT in $CTS; do for V in $CT $OUT/$(basename $CT .nii.gz)-blur0.7.nii.gz; do
  M=$OUT/$(basename $W .safetensors)-$(basename $V); [ -f $M ] || "$NS" segment $V -o $M -w $W --device cpu -q
  /usr/bin/python3 -c "
import sys, nibabel as nib, numpy as np
m = np.asarray(nib.load(sys.argv[1]).dataobj) > 0; r = np.asarray(nib.load(sys.argv[2]).dataobj) > 0
print('%s,%s,%.4f,%.3f,%.3f' % (sys.argv[3], sys.argv[4], 2 * (m & r).sum() / (m.sum() + r.sum()), (m & ~r).sum() / r.sum(), (r & ~m).sum() / r.sum()))
" $M $S/lctsc/Case_009_lungmask.nii.gz $(basename $W) $(basename $V .nii.gz)
done; done; done
