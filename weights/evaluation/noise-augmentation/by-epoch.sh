#!/bin/bash
# Segments Case_005 normal, the CIP volume, CIP severe s1 and the GE abdomen slices with each named weights file of a
# run at threshold 0.6 (segment, as a user would), and with --training-patients also Case_000, Case_007 and Case_009
# (whose lung-free slices no run here trains on); score-by-epoch.py then prints Dice, FPR and where the false
# positives lie. Resumable: a file already done is skipped.
# Usage: by-epoch.sh [--training-patients] NATIVESEG SHARED_DATA RUN_FOLDER OUT NAME...   (NAME: epoch24, mean25-32, ...)
set -e
OTHERS=; [ "$1" = --training-patients ] && { OTHERS=yes; shift; }
NS=$1; S=$2; RUN=$3; OUT=$4; shift 4
mkdir -p $OUT/ge-in && cp "$S"/dicom/slice00[12].dcm $OUT/ge-in/
[ -f $OUT/cip-build/manifest.json ] || "$NS" build-dataset --shared "$S" -o $OUT/cip-build --cases Case_009 --include-cip \
  --seeds 1 --severities severe --phantoms 0 --covid-phantoms 0 --test-patients CIP_ct64 --no-previews > $OUT/cip-build.log
CIP_SEVERE=$OUT/cip-build/lctsc-covid/CIP_ct64_severe_s1_ct.nii.gz
seg() { [ -f $2 ] || "$NS" segment "$1" -o $2 -w $W --threshold 0.6 --device cpu -q 2>/dev/null; }
for E in "$@"; do
  W=$RUN/$E.safetensors; D=$OUT/$E; mkdir -p $D
  seg "$S"/lctsc/Case_005_ct.nii.gz $D/c005.nii.gz
  seg "$S"/cip/ct-64.nii.gz $D/cip.nii.gz
  seg $CIP_SEVERE $D/cip-severe.nii.gz
  seg $OUT/ge-in $D/ge.nii.gz
  [ -n "$OTHERS" ] && for P in 000 007 009; do seg "$S"/lctsc/Case_${P}_ct.nii.gz $D/c$P.nii.gz; done
done
/usr/bin/python3 "$(dirname "$0")/score-by-epoch.py" "$S" $OUT "$@"
