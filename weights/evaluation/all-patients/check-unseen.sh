#!/bin/bash
# Scores a weights file on the real CT that no shipped file has trained on: the Chest Imaging Platform volume
# (cip/ct-64, another scanner, 4.2 mm pixels, a coarse semi-automatic mask) and its simulated mild, moderate and
# severe versions (reproduce, at the file's own threshold), the LIDC slice dicom/lungmask/0.dcm (no reference: its
# mask is kept for comparing two files) and the GE abdomen slices dicom/slice001-002.dcm (no lung: lung voxels a slice).
# Usage: check-unseen.sh NATIVESEG SHARED_DATA WEIGHTS OUTPUT_FOLDER
#   prints CIP's four Dice / FPR / FNR, the LIDC mask's voxel count and the GE slices' lung voxels;
#   OUTPUT_FOLDER/lidc0.nii.gz is the LIDC mask (compare-masks.py A B for the Dice of two files' masks).
set -e
NS=$1; SHARED=$2; W=$3; OUT=$4
mkdir -p $OUT
[ -f $OUT/check/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $OUT/check --cases Case_009 --include-cip \
  --seeds 1 --phantoms 0 --covid-phantoms 0 --test-patients CIP_ct64 --no-previews > $OUT/build.log
rm -rf $OUT/study
"$NS" reproduce $OUT/check/manifest.json -o $OUT/study -w "$W" --device cpu > $OUT/reproduce.log
cut -d, -f1,3,7,8 $OUT/study/report/cases.csv
"$NS" segment "$SHARED/dicom/lungmask/0.dcm" -o $OUT/lidc0.nii.gz -w "$W" --device cpu --allow-non-ct --quiet
mkdir -p $OUT/ge && cp "$SHARED"/dicom/slice00[12].dcm $OUT/ge/
"$NS" segment $OUT/ge -o $OUT/ge.nii.gz -w "$W" --device cpu --quiet 2>/dev/null
/usr/bin/python3 - $OUT/lidc0.nii.gz $OUT/ge.nii.gz <<'PY'
import sys, nibabel as nib, numpy as np
lidc = np.asarray(nib.load(sys.argv[1]).dataobj) > 0
ge = np.asarray(nib.load(sys.argv[2]).dataobj) > 0
print('LIDC 0.dcm: %d lung voxels; GE abdomen slices: %s lung voxels' % (lidc.sum(), ' and '.join(str(n) for n in ge.sum(axis=(0, 1)))))
PY
