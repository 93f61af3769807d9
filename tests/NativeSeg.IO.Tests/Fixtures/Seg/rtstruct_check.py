#!/usr/bin/python3
"""Independent check of an RT Structure Set written by NativeSeg: pydicom reads it, every contour's points (LPS mm)
go through nibabel's affine of a NIfTI into voxel indices (LPS -> RAS), each contour must lie on one slice k, and the
contours of each ROI on a slice are filled by the even-odd rule at voxel centres (a scanline over each row, crossings
counted half-open so a vertex is never counted twice). ROI number n paints label n; the result is compared with the
NIfTI's labels voxel by voxel.

usage: rtstruct_check.py RTSTRUCT.dcm LABELS.nii[.gz]
prints one JSON object: sop_class, rois (number, name, generation algorithm), contours, referenced_images, voxels,
nifti_voxels, mismatches, off_plane (contours whose points are not on one voxel plane).
"""
import json
import sys

import nibabel
import numpy as np
import pydicom


def fill_even_odd(shape, polygons):
    """Parity of crossings at integer (u, v) points of a shape[0] x shape[1] grid, for polygons in (u, v)."""
    parity = np.zeros(shape, dtype=bool)
    for points in polygons:
        u1, v1 = points[:, 0], points[:, 1]
        u2, v2 = np.roll(u1, -1), np.roll(v1, -1)
        for v in range(max(0, int(np.ceil(v1.min()))), min(shape[1] - 1, int(np.floor(v1.max()))) + 1):
            crossing = ((v1 <= v) & (v < v2)) | ((v2 <= v) & (v < v1))
            if not crossing.any():
                continue
            xs = np.sort(u1[crossing] + (v - v1[crossing]) * (u2[crossing] - u1[crossing]) / (v2[crossing] - v1[crossing]))
            us = np.arange(shape[0])
            above = len(xs) - np.searchsorted(xs, us, side="right")
            parity[:, v] ^= (above % 2) == 1
    return parity


def main(rt_path, nifti_path):
    ds = pydicom.dcmread(rt_path)
    nifti = nibabel.load(nifti_path)
    expected = np.asarray(nifti.dataobj).astype(np.int64)
    inverse = np.linalg.inv(nifti.affine)
    labels = np.zeros(expected.shape, dtype=np.int64)
    contours = 0
    off_plane = 0
    for roi in ds.ROIContourSequence:
        number = int(roi.ReferencedROINumber)
        by_slice = {}
        for contour in getattr(roi, "ContourSequence", []):
            contours += 1
            lps = np.array(contour.ContourData, dtype=float).reshape(-1, 3)
            ras = np.column_stack([-lps[:, 0], -lps[:, 1], lps[:, 2], np.ones(len(lps))])
            ijk = (inverse @ ras.T).T[:, :3]
            k = np.rint(ijk[:, 2])
            if np.abs(ijk[:, 2] - k).max() > 0.01 or len(set(k.astype(int))) != 1:
                off_plane += 1
                continue
            by_slice.setdefault(int(k[0]), []).append(ijk[:, :2])
        for k, polygons in by_slice.items():
            inside = fill_even_odd(expected.shape[:2], polygons)
            labels[:, :, k][inside] = number
    referenced = sum(len(series.ContourImageSequence)
                     for frame in ds.ReferencedFrameOfReferenceSequence
                     for study in frame.RTReferencedStudySequence
                     for series in study.RTReferencedSeriesSequence)
    print(json.dumps({
        "sop_class": str(ds.SOPClassUID),
        "rois": [{"number": int(r.ROINumber), "name": str(r.ROIName), "algorithm": str(r.ROIGenerationAlgorithm)} for r in ds.StructureSetROISequence],
        "contours": contours,
        "referenced_images": referenced,
        "voxels": int((labels != 0).sum()),
        "nifti_voxels": int((expected != 0).sum()),
        "mismatches": int((labels != expected).sum()),
        "off_plane": off_plane,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
