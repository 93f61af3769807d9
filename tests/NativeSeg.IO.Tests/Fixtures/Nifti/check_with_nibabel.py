#!/usr/bin/python3
"""Checks files written by NativeSeg's NiftiWriter with nibabel, the independent reference.

  /usr/bin/python3 check_with_nibabel.py [FOLDER]

1. The committed nativeseg_written_*.nii (from NiftiWriterTests.RegenerateWriterFixtures): nibabel must read
   the affine (best affine and qform) and the values that the same formulas give here, computed independently
   of the C# code. What nibabel saw goes to nativeseg_written_nibabel.json, which the C# tests compare with.
2. With FOLDER (default /tmp/nativeseg-nifti-check, filled by the same explicit test): every Case_*.nii.gz there
   is compared voxel for voxel and affine for affine with the shared original of the same case.
Exits non-zero on any mismatch.
"""
import glob
import json
import os
import sys
import numpy as np
import nibabel as nib

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "../../../../../shared/data"))


def synthetic_affine():
    t = np.radians(10.0)
    c, s = np.cos(t), np.sin(t)
    return np.array([[-0.8 * c, 0.9 * -s, 0, 12.5], [-0.8 * s, 0.9 * c, 0, -30.25], [0, 0, 2.5, 100], [0, 0, 0, 1]])


def synthetic_values(kind):
    x, y, z = np.meshgrid(np.arange(6), np.arange(5), np.arange(4), indexing="ij")
    if kind == "mask":
        return ((x + y + z) % 3).astype(np.float64)
    if kind == "probabilities":
        return (x * 0.1 + y * 0.01 + z * 0.001).astype(np.float32).astype(np.float64)
    return (-1000 + 7 * x + 11 * y + 13 * z - 1024).astype(np.float64)


def main():
    ok = True
    seen = {}
    for kind, dtype in [("mask", np.uint8), ("probabilities", np.float32), ("ct", np.int16)]:
        name = f"nativeseg_written_{kind}.nii"
        img = nib.load(os.path.join(HERE, name))
        data = np.asarray(img.dataobj, dtype=np.float64)
        expected = synthetic_values(kind)
        values_match = data.shape == expected.shape and bool(np.array_equal(data, expected))
        affine_ok = np.allclose(img.affine, synthetic_affine(), atol=1e-4)
        qform, qcode = img.header.get_qform(coded=True)
        qform_ok = np.allclose(qform, synthetic_affine(), atol=1e-4)
        dtype_ok = img.header.get_data_dtype() == np.dtype(dtype)
        units = img.header.get_xyzt_units()
        print(f"{name}: shape {data.shape} dtype {img.header.get_data_dtype()} values {'OK' if values_match else 'DIFFER'} "
              f"affine {'OK' if affine_ok else 'DIFFERS'} qform(code {qcode}) {'OK' if qform_ok else 'DIFFERS'} "
              f"sform code {int(img.header['sform_code'])} units {units}")
        ok &= values_match and affine_ok and qform_ok and dtype_ok and units[0] == "mm"
        seen[name] = {
            "affine": [[float(v) for v in row] for row in img.affine[:3]],
            "qform": [[float(v) for v in row] for row in qform[:3]],
            "dtype": str(img.header.get_data_dtype()),
            "values_match": values_match,
            "sum": float(data.sum()),
        }
    with open(os.path.join(HERE, "nativeseg_written_nibabel.json"), "w") as f:
        json.dump(seen, f, indent=1)

    folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/nativeseg-nifti-check"
    for path in sorted(glob.glob(os.path.join(folder, "Case_*.nii.gz"))):
        base = os.path.basename(path)
        case = base[:8]
        original = os.path.join(DATA, "lctsc", f"{case}_lungmask.nii.gz" if "lungmask" in base else f"{case}_ct.nii.gz")
        ours, ref = nib.load(path), nib.load(original)
        a = np.asarray(ours.dataobj, dtype=np.float64)
        b = np.asarray(ref.dataobj, dtype=np.float64)
        same = a.shape == b.shape and bool(np.array_equal(a, b))
        aff = np.allclose(ours.affine, ref.affine, atol=1e-4)
        qf = np.allclose(ours.header.get_qform(), ref.affine, atol=1e-4)
        print(f"{base}: vs {os.path.basename(original)} values {'identical' if same else 'DIFFER'}, affine "
              f"{'same' if aff else 'DIFFERS'}, qform {'same' if qf else 'DIFFERS'}, axcodes {''.join(nib.aff2axcodes(ours.affine))}, "
              f"dtype {ours.header.get_data_dtype()}")
        ok &= same and aff and qf
    print("ALL OK" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
