#!/bin/bash
# Segments one CT with each weights file given and prints Dice, false-positive and false-negative rates against its
# reference mask (rates as a share of the reference lung volume), one line a file.
# Usage: score-ct.sh NATIVESEG CT REFERENCE_MASK WEIGHTS...   (needs Debian's python3 with nibabel)
set -e
NS=$1; CT=$2; REF=$3; shift 3
OUT=$(mktemp -d); trap 'rm -rf $OUT' EXIT
for W in "$@"; do
  "$NS" segment "$CT" -o $OUT/mask.nii.gz -w "$W" --device cpu --quiet
  /usr/bin/python3 - "$REF" $OUT/mask.nii.gz "$W" <<'PY'
import sys, nibabel as nib, numpy as np
ref = np.asarray(nib.load(sys.argv[1]).dataobj) > 0
pred = np.asarray(nib.load(sys.argv[2]).dataobj) > 0
print('%s: Dice %.4f, FPR %.1f %%, FNR %.1f %%' % (sys.argv[3], 2 * (ref & pred).sum() / (ref.sum() + pred.sum()),
      100 * (pred & ~ref).sum() / ref.sum(), 100 * (ref & ~pred).sum() / ref.sum()))
PY
done
