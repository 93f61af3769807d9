"""Writes the probe CTs of probe.sh into OUT: Case_005 blurred in-plane (Gaussian sigma 0.7 and 1.2 voxels) and shifted
by +-40 HU; Case_007 with Gaussian noise of SD 30 HU added inside the body (above -1000 HU), white and correlated
(white noise blurred in-plane by sigma 0.8 voxel and rescaled to SD 30), seed 1; values truncated to int16. Usage: make-probes.py SHARED_DATA OUT"""
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

shared, out = sys.argv[1], sys.argv[2]


def save(volume, like, name):
    nib.save(nib.Nifti1Image(volume.astype(np.int16), like.affine, like.header), f'{out}/{name}.nii.gz')


case005 = nib.load(f'{shared}/lctsc/Case_005_ct.nii.gz')
ct = np.asarray(case005.dataobj).astype(np.float32)
for sigma in [0.7, 1.2]:
    save(ndimage.gaussian_filter(ct, (sigma, sigma, 0)), case005, f'c005-blur{sigma}')
save(ct + 40, case005, 'c005-plus40')
save(ct - 40, case005, 'c005-minus40')

case007 = nib.load(f'{shared}/lctsc/Case_007_ct.nii.gz')
ct = np.asarray(case007.dataobj).astype(np.float32)
white = np.random.default_rng(1).normal(0, 1, ct.shape).astype(np.float32)
correlated = ndimage.gaussian_filter(white, (0.8, 0.8, 0))
correlated *= 1 / correlated.std()
save(np.where(ct > -1000, ct + 30 * white, ct), case007, 'c007-noise30')
save(np.where(ct > -1000, ct + 30 * correlated, ct), case007, 'c007-correlated-noise30')
