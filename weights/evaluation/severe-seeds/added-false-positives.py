#!/usr/bin/env python3
"""Where a candidate's lung voxels that the shipped file and the reference both leave out lie (Debian's python3 with
nibabel, scipy, PIL): the largest connected pieces (size, centre, slices, median HU) and a picture of three slices
(reference edge green, shipped file's edge blue, the candidate's added false positives red).
Usage: added-false-positives.py CT.nii.gz REFERENCE.nii.gz SHIPPED_MASK.nii.gz CANDIDATE_MASK.nii.gz OUT.png [SLICE ...]"""
import sys
import nibabel as nib
import numpy as np
from PIL import Image
from scipy import ndimage

ct_path, ref_path, shipped_path, candidate_path, out = sys.argv[1:6]
slices = [int(z) for z in sys.argv[6:]] or [18, 22, 30]
ct = np.asarray(nib.load(ct_path).dataobj).astype(float)
ref, shipped, candidate = (np.asarray(nib.load(p).dataobj) > 0 for p in (ref_path, shipped_path, candidate_path))
added = candidate & ~shipped & ~ref
distance = ndimage.distance_transform_edt(~ref)
print(f'added false positives: {added.sum()} voxels, median {np.median(ct[added]):.0f} HU, '
      f'a median {np.median(distance[added]):.1f} voxels from the reference lung')
labels, count = ndimage.label(added)
sizes = ndimage.sum(added, labels, range(1, count + 1))
boxes = ndimage.find_objects(labels)
for i in np.argsort(-sizes)[:6]:
    centre = tuple(round(v) for v in ndimage.center_of_mass(added, labels, i + 1))
    print(f'  {int(sizes[i])} voxels, centre {centre}, slices {boxes[i][2].start}-{boxes[i][2].stop - 1}, '
          f'median {np.median(ct[labels == i + 1]):.0f} HU')

def edge(mask):
    return mask ^ ndimage.binary_erosion(mask)

panels = []
for z in slices:
    grey = np.clip((ct[:, :, z] + 1000) / 1400, 0, 1) * 255
    rgb = np.stack([grey] * 3, -1)
    rgb[edge(ref[:, :, z])] = [0, 255, 0]
    rgb[edge(shipped[:, :, z])] = [0, 120, 255]
    rgb[added[:, :, z]] = [255, 0, 0]
    panels.append(Image.fromarray(np.rot90(rgb).astype(np.uint8)).resize((256, 256), Image.NEAREST))
sheet = Image.new('RGB', (256 * len(panels), 256))
for k, panel in enumerate(panels):
    sheet.paste(panel, (256 * k, 0))
sheet.save(out)
