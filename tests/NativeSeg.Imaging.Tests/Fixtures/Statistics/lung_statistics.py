#!/usr/bin/python3
"""Independent lung statistics for the LungStatistics tests: nibabel reads the CT (scl_slope/scl_inter applied, HU
in float64) and a right/left label NIfTI (right 1, left 2) and numpy computes, per label (lung = 1 or 2, right, left):
voxel count, volume in mL (voxel count x |det(affine[:3,:3])| / 1000), mean and median HU (numpy's median), the
fraction below -950 HU, the fraction from -700 to -100 HU inclusive, and the first and last k index holding it.

usage: lung_statistics.py CT.nii[.gz] LABELS.nii[.gz]   -> one JSON object {label: {...}}
"""
import json
import sys

import nibabel
import numpy as np


def main(ct_path, labels_path):
    ct = nibabel.load(ct_path)
    hu = ct.get_fdata(dtype=np.float64)
    labels = np.asarray(nibabel.load(labels_path).dataobj)
    voxel_ml = abs(np.linalg.det(ct.affine[:3, :3])) / 1000.0
    result = {}
    for name, selection in (("lung", labels != 0), ("right", labels == 1), ("left", labels == 2)):
        values = hu[selection]
        slices = np.nonzero(selection.any(axis=(0, 1)))[0]
        result[name] = {
            "voxels": int(values.size),
            "volume_ml": float(values.size * voxel_ml),
            "mean_hu": float(values.mean()),
            "median_hu": float(np.median(values)),
            "below_950": float((values < -950).mean()),
            "from_700_to_100": float(((values >= -700) & (values <= -100)).mean()),
            "first_slice": int(slices[0]),
            "last_slice": int(slices[-1]),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
