#!/bin/bash
# Mirror test-time augmentation on the leave-one-patient-out folds: each fold's network (WEIGHTS, relative to the fold)
# segments its held-out patient's normal, moderate and severe CT as it is and mirrored left-right (the voxel array
# reversed along its first axis, the affine kept: a mirror-image patient), writing both probability maps.
# Usage: [SHARED=../shared] run.sh NATIVESEG LOPO_WORK_FOLDER WEIGHTS OUTPUT_FOLDER   (LOPO_WORK_FOLDER as given to
# ../lopo/run-lopo.sh; SHARED: the shared folder with data/lctsc)
set -e
NS=$1; L=$2; O=$4; mkdir -p $O
for F in Case_000 Case_005 Case_007 Case_009; do
  W=$L/$F/$3
  for s in normal moderate severe; do
    if [ $s = normal ]; then CT=${SHARED:-../shared}/data/lctsc/${F}_ct.nii.gz; else CT=$L/$F/data/lctsc-covid/${F}_${s}_s1_ct.nii.gz; fi
    [ -f $O/${F}_$s.flip.ct.nii.gz ] || /usr/bin/python3 -c "
import nibabel as nib,numpy as np,sys
im=nib.load('$CT'); d=np.asarray(im.dataobj)[::-1].copy(); nib.save(nib.Nifti1Image(d,im.affine,im.header),'$O/${F}_$s.flip.ct.nii.gz')"
    $NS segment $CT -o $O/${F}_$s.mask.nii.gz --probabilities $O/${F}_$s.prob.nii.gz -w $W -q
    $NS segment $O/${F}_$s.flip.ct.nii.gz -o $O/${F}_$s.fmask.nii.gz --probabilities $O/${F}_$s.fprob.nii.gz -w $W -q
  done
done
echo done
