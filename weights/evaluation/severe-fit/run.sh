#!/bin/bash
# How much of the consolidation does the shipped file miss, on CTs it was trained on and on new lesions in the same
# patients? Case_000 and Case_005 were training patients of the shipped file; their severe versions with seed 1 were in
# its training set (build-dataset --seeds 1), seed 7 makes new lesions in the same anatomy.
# Usage: run.sh NATIVESEG SHARED_FOLDER TRAINING_SET_FOLDER OUTPUT_FOLDER   (TRAINING_SET_FOLDER: build-dataset's output,
# as in the model card's "Command and seed")
set -e
NS=$1; SHARED=$2; SET=$3; O=$4; W=$(dirname "$0")/../../highresnet2d-lung.safetensors; mkdir -p $O
for P in Case_000 Case_005; do
  for S in 1 7; do
    if [ $S = 1 ]; then CT=$SET/lctsc-covid/${P}_severe_s1_ct.nii.gz; LES=$SET/lctsc-covid/${P}_severe_s1_lesions.nii.gz
    else CT=$O/${P}_severe_s7_ct.nii.gz; LES=$O/${P}_severe_s7_lesions.nii.gz
      $NS simulate --ct $SHARED/data/lctsc/${P}_ct.nii.gz --mask $SHARED/data/lctsc/${P}_lungmask.nii.gz \
        --out-ct $CT --out-lesions $LES --severity severe --seed 7 > /dev/null
    fi
    $NS segment $CT -o $O/${P}_s$S.nii.gz -w $W -q
    /usr/bin/python3 $(dirname "$0")/analyse.py $SHARED/data/lctsc/${P}_lungmask.nii.gz $LES $O/${P}_s$S.nii.gz $CT "$P seed $S"
  done
done
