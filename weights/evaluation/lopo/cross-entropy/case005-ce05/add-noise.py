"""White noise on a CT, as in real-ct-by-epoch.txt: add-noise.py CT.nii.gz SD_HU SEED OUT.nii.gz
Every voxel above -1000 HU gets Gaussian noise of SD_HU; the output is int16 HU (slope 1, intercept 0)."""
import sys
import nibabel as nib
import numpy as np

ct, sd, seed, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
image = nib.load(ct)
hu = image.get_fdata(dtype=np.float32)
noise = np.random.default_rng(seed).normal(0, sd, hu.shape).astype(np.float32)
noisy = np.round(hu + np.where(hu > -1000, noise, 0)).astype(np.int16)
header = image.header.copy()
header.set_data_dtype(np.int16)
result = nib.Nifti1Image(noisy, image.affine, header)
result.header.set_slope_inter(1, 0)
nib.save(result, out)
