"""How noisy each LCTSC CT is, and how large its patient: in the middle slice, the median local SD (7x7 window) where
the local mean is soft tissue (0-80 HU), and the pixels above -500 HU (the body without its lungs).
Usage: noise-levels.py SHARED_DATA"""
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

for patient in ['000', '005', '007', '009']:
    ct = np.asarray(nib.load(f'{sys.argv[1]}/lctsc/Case_{patient}_ct.nii.gz').dataobj).astype(np.float32)
    middle = ct[:, :, ct.shape[2] // 2]
    mean = ndimage.uniform_filter(middle, 7)
    sd = np.sqrt(np.maximum(ndimage.uniform_filter(middle * middle, 7) - mean * mean, 0))
    soft_tissue = (mean > 0) & (mean < 80)
    print(f'Case_{patient}: local SD in soft tissue {np.median(sd[soft_tissue]):.1f} HU; {(middle > -500).sum()} pixels above -500 HU')
