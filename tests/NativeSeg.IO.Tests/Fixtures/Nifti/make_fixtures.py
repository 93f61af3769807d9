#!/usr/bin/python3
"""Writes the NIfTI test fixtures with nibabel (Debian python3-nibabel 5.0), the independent reference.

Run from anywhere: /usr/bin/python3 make_fixtures.py [--small-only]
 - real_data.json: what nibabel reports for the shared LCTSC and CIP files (shape, affine, raw scaling,
   mask voxel counts, HU statistics).
 - small_*.nii[.gz] + small_expected.json: tiny synthetic volumes in NIfTI-2, big-endian, qform-only and
   4D layouts, with the values and affine nibabel reads back from them.
"""
import json
import os
import numpy as np
import nibabel as nib

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "../../../../../shared/data"))


def affine_list(a):
    return [[float(v) for v in row] for row in np.asarray(a)[:3]]


def real_data():
    out = {}
    cases = ["Case_000", "Case_005", "Case_007", "Case_009"]
    for case in cases:
        ct = nib.load(os.path.join(DATA, "lctsc", f"{case}_ct.nii.gz"))
        mask = nib.load(os.path.join(DATA, "lctsc", f"{case}_lungmask.nii.gz"))
        hu = np.asarray(ct.dataobj, dtype=np.float64)  # nibabel applies scl_slope / scl_inter
        m = np.asarray(mask.dataobj)
        out[case] = {
            "shape": list(ct.shape),
            "affine": affine_list(ct.affine),
            "axcodes": "".join(nib.aff2axcodes(ct.affine)),
            "raw_scl_slope": float(ct.dataobj.slope),
            "raw_scl_inter": float(ct.dataobj.inter),
            "hu_min": float(hu.min()),
            "hu_max": float(hu.max()),
            "hu_mean": float(hu.mean()),
            "hu_first_voxel": float(hu[0, 0, 0]),
            "hu_voxel_256_256_50": float(hu[256, 256, 50]),
            "mask_shape": list(mask.shape),
            "mask_affine": affine_list(mask.affine),
            "mask_voxels": int((m > 0).sum()),
            "mask_max": int(m.max()),
            "hu_mean_in_mask": float(hu[m > 0].mean()),
        }
    cip = nib.load(os.path.join(DATA, "cip", "ct-64.nii.gz"))
    hu = np.asarray(cip.dataobj, dtype=np.float64)
    whole = np.asarray(nib.load(os.path.join(DATA, "cip", "wholeLung-64.nii.gz")).dataobj)
    out["cip_ct-64"] = {
        "shape": list(cip.shape),
        "affine": affine_list(cip.affine),
        "axcodes": "".join(nib.aff2axcodes(cip.affine)),
        "raw_scl_slope": float(cip.dataobj.slope),
        "raw_scl_inter": float(cip.dataobj.inter),
        "hu_min": float(hu.min()),
        "hu_max": float(hu.max()),
        "hu_mean": float(hu.mean()),
        "hu_first_voxel": float(hu[0, 0, 0]),
        "hu_voxel_32_32_40": float(hu[32, 32, 40]),
        "wholelung_voxels": int((whole > 0).sum()),
        "wholelung_max": int(whole.max()),
    }
    with open(os.path.join(HERE, "real_data.json"), "w") as f:
        json.dump(out, f, indent=1)


def oblique_affine(spacing, degrees, origin, flip_x):
    t = np.radians(degrees)
    rot = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    if flip_x:
        rot = rot @ np.diag([-1, 1, 1])
    a = np.eye(4)
    a[:3, :3] = rot @ np.diag(spacing)
    a[:3, 3] = origin
    return a


def small():
    shape = (7, 5, 3)
    x, y, z = np.meshgrid(np.arange(7), np.arange(5), np.arange(3), indexing="ij")
    stored = (x + 10 * y + 100 * z).astype(np.int16) - 50
    aff = oblique_affine([0.8, 0.9, 2.5], 10.0, [12.5, -30.25, 100.0], True)
    expected = {}

    def save(name, img, intended):
        path = os.path.join(HERE, name)
        nib.save(img, path)
        back = nib.load(path)
        data = np.asarray(back.dataobj, dtype=np.float64)
        expected[name] = {
            "shape": list(back.shape),
            "affine": affine_list(back.affine),
            # nibabel's qform differs from nifti1_io's by ~1e-3 for a 180° quaternion (a = 0) stored in
            # float32: it takes a = sqrt(1 − |bcd|²) of the rounding residue where nifti1_io takes a = 0.
            "intended_affine": affine_list(intended),
            # x fastest, as NIfTI stores them
            "values": [float(v) for v in data.reshape(-1, order="F")],
        }

    # NIfTI-2, little-endian int16 with slope/intercept, sform.
    img = nib.Nifti2Image(stored, aff)
    img.header.set_slope_inter(2.0, -1000.0)
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    save("small_nifti2_int16.nii", img, aff)

    # NIfTI-1 big-endian float32, gzip.
    h1 = nib.Nifti1Header(endianness=">")
    img = nib.Nifti1Image((stored.astype(np.float32) * 0.25), aff, header=h1)
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    save("small_nifti1_be_float32.nii.gz", img, aff)

    # NIfTI-2 big-endian uint16.
    h2 = nib.Nifti2Header(endianness=">")
    img = nib.Nifti2Image((stored + 60).astype(np.uint16), aff, header=h2)
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    save("small_nifti2_be_uint16.nii", img, aff)

    # NIfTI-1 with only a qform (sform_code 0), qfac −1 and a 150° rotation (the near-180° quaternion branch).
    aff_q = oblique_affine([1.25, 0.75, 3.0], 150.0, [-5.0, 7.5, -20.0], True)
    img = nib.Nifti1Image(stored.astype(np.int32), aff_q)
    img.set_sform(None, code=0)
    img.set_qform(aff_q, code=2)
    save("small_nifti1_qform_only_int32.nii", img, aff_q)

    # 4D with one time point: allowed.
    img = nib.Nifti1Image((stored + 50).astype(np.uint8)[..., None], aff)
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    save("small_nifti1_4d_one_volume_uint8.nii", img, aff)

    # A real 4D series (3 time points): must be rejected.
    img = nib.Nifti1Image(np.zeros((4, 3, 2, 3), np.float64), aff)
    nib.save(img, os.path.join(HERE, "small_nifti1_4d_three_volumes.nii"))

    with open(os.path.join(HERE, "small_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    import sys
    small()
    if "--small-only" not in sys.argv:
        real_data()
