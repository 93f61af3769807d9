"""Writes a CT changed as another scan of the same patient might be: transform-ct.py CT.nii.gz OUT.nii.gz [--blur SIGMA]
[--shift HU] [--noise SD --seed N [--correlate SIGMA]]. In this order: an in-plane Gaussian blur of SIGMA voxels (a
smoother kernel), a calibration offset of HU, and Gaussian noise of SD HU on every voxel above -1000 HU (inside the
scanned field), white, or with --correlate blurred in-plane by SIGMA voxels and rescaled to SD (a noise texture coarser
than a voxel). The output is int16 HU, rounded, slope 1, intercept 0 (Debian's python3 with nibabel and scipy)."""
import argparse

import nibabel as nib
import numpy as np
from scipy import ndimage

parser = argparse.ArgumentParser()
parser.add_argument('ct')
parser.add_argument('out')
parser.add_argument('--blur', type=float, default=0)
parser.add_argument('--shift', type=float, default=0)
parser.add_argument('--noise', type=float, default=0)
parser.add_argument('--seed', type=int)
parser.add_argument('--correlate', type=float, default=0)
args = parser.parse_args()

image = nib.load(args.ct)
hu = image.get_fdata(dtype=np.float32)
inside = hu > -1000
if args.blur > 0:
    hu = ndimage.gaussian_filter(hu, (args.blur, args.blur, 0))
hu = hu + np.float32(args.shift)
if args.noise > 0:
    if args.seed is None:
        parser.error('--noise needs --seed')
    rng = np.random.default_rng(args.seed)
    if args.correlate > 0:
        texture = ndimage.gaussian_filter(rng.normal(0, 1, hu.shape).astype(np.float32), (args.correlate, args.correlate, 0))
        noise = (args.noise / texture.std() * texture).astype(np.float32)
    else:
        noise = rng.normal(0, args.noise, hu.shape).astype(np.float32)
    hu = hu + np.where(inside, noise, 0)
header = image.header.copy()
header.set_data_dtype(np.int16)
result = nib.Nifti1Image(np.round(hu).astype(np.int16), image.affine, header)
result.header.set_slope_inter(1, 0)
nib.save(result, args.out)
