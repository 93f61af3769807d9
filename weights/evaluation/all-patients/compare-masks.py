"""Dice of two lung masks on the same grid: compare-masks.py A.nii.gz B.nii.gz (Debian's python3 with nibabel)."""
import sys
import nibabel as nib
import numpy as np

a = np.asarray(nib.load(sys.argv[1]).dataobj) > 0
b = np.asarray(nib.load(sys.argv[2]).dataobj) > 0
print('Dice %.4f (%d and %d voxels)' % (2 * (a & b).sum() / (a.sum() + b.sum()), a.sum(), b.sum()))
