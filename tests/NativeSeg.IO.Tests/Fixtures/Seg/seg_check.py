#!/usr/bin/python3
"""Independent check of a DICOM-SEG written by NativeSeg: pydicom decodes it, numpy places every frame pixel into
a NIfTI's voxel grid through the frames' own geometry (ImagePositionPatient, ImageOrientationPatient, PixelSpacing;
LPS -> RAS) and nibabel's affine, and the result is compared with the NIfTI's labels voxel by voxel.

usage: seg_check.py SEG.dcm LABELS.nii[.gz]
prints one JSON object: sop_class, segmentation_type, frames, segments (number, label, category and type codes,
algorithm type and parameters), referenced_instances, voxels (labelled in the SEG), nifti_voxels (non-zero in the
NIfTI), mismatches (voxels whose SEG segment number differs from the NIfTI label), off_grid (frame pixels that fall
between or outside the NIfTI's voxels).
"""
import json
import sys

import nibabel
import numpy as np
import pydicom


def main(seg_path, nifti_path):
    ds = pydicom.dcmread(seg_path)
    nifti = nibabel.load(nifti_path)
    expected = np.asarray(nifti.dataobj).astype(np.int64)
    inverse = np.linalg.inv(nifti.affine)

    frames = ds.pixel_array.reshape(int(ds.NumberOfFrames), int(ds.Rows), int(ds.Columns))
    shared = ds.SharedFunctionalGroupsSequence[0]
    orientation = np.array(shared.PlaneOrientationSequence[0].ImageOrientationPatient, dtype=float)
    spacing = np.array(shared.PixelMeasuresSequence[0].PixelSpacing, dtype=float)  # row spacing, column spacing
    row_cosine, column_cosine = orientation[:3], orientation[3:]
    rows, columns = np.meshgrid(np.arange(ds.Rows), np.arange(ds.Columns), indexing="ij")

    labels = np.zeros(expected.shape, dtype=np.int64)
    off_grid = 0
    for index, frame_groups in enumerate(ds.PerFrameFunctionalGroupsSequence):
        segment = int(frame_groups.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        position = np.array(frame_groups.PlanePositionSequence[0].ImagePositionPatient, dtype=float)
        on = frames[index] != 0
        r, c = rows[on], columns[on]
        lps = position[None, :] + (c * spacing[1])[:, None] * row_cosine[None, :] + (r * spacing[0])[:, None] * column_cosine[None, :]
        ras = np.column_stack([-lps[:, 0], -lps[:, 1], lps[:, 2], np.ones(len(lps))])
        ijk = (inverse @ ras.T).T[:, :3]
        rounded = np.rint(ijk).astype(np.int64)
        inside = (np.abs(ijk - rounded).max(axis=1) < 0.05) & (rounded >= 0).all(axis=1) & (rounded < np.array(expected.shape)).all(axis=1)
        off_grid += int((~inside).sum())
        rounded = rounded[inside]
        labels[rounded[:, 0], rounded[:, 1], rounded[:, 2]] = segment

    def code(item):
        return [item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning]

    segments = []
    for item in ds.SegmentSequence:
        algorithm = item.SegmentationAlgorithmIdentificationSequence[0] if "SegmentationAlgorithmIdentificationSequence" in item else None
        segments.append({
            "number": int(item.SegmentNumber),
            "label": str(item.SegmentLabel),
            "category": code(item.SegmentedPropertyCategoryCodeSequence[0]),
            "type": code(item.SegmentedPropertyTypeCodeSequence[0]),
            "algorithm_type": str(item.SegmentAlgorithmType),
            "algorithm_parameters": str(algorithm.AlgorithmParameters) if algorithm is not None else None,
        })
    referenced = sum(len(series.ReferencedInstanceSequence) for series in ds.ReferencedSeriesSequence)
    print(json.dumps({
        "sop_class": str(ds.SOPClassUID),
        "segmentation_type": str(ds.SegmentationType),
        "frames": int(ds.NumberOfFrames),
        "segments": segments,
        "referenced_instances": referenced,
        "voxels": int((labels != 0).sum()),
        "nifti_voxels": int((expected != 0).sum()),
        "mismatches": int((labels != expected).sum()),
        "off_grid": off_grid,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
