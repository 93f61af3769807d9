#!/bin/bash
# Per fold of run-lopo-cross-entropy.sh, which lesion types the held-out patient's moderate and severe masks miss
# (../../severe-fit/analyse.py). Usage: missed-lesions.sh SHARED_DATA LOPO_WORK_FOLDER FOLD...  (Debian's python3)
# The Case_009 fold is the shipped run: its numbers are in ../../from-scratch/missed-lesions-ce-lr1e-4.txt.
set -e
SHARED=$1; WORK=$2; shift 2
ANALYSE=$(dirname "$0")/../../severe-fit/analyse.py
for F in "$@"; do
  for S in moderate severe; do
    C=${F}_${S}_s1
    /usr/bin/python3 "$ANALYSE" "$SHARED/lctsc/${F}_lungmask.nii.gz" "$WORK/$F/data/lctsc-covid/${C}_lesions.nii.gz" \
      "$WORK/$F/study/predictions/${C}_mask.nii.gz" "$WORK/$F/data/lctsc-covid/${C}_ct.nii.gz" $C
  done
done
