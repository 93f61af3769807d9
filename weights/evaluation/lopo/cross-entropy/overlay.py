#!/usr/bin/env python3
"""Axial slices of a CT (lung window) with the reference lung outline in green and a predicted one in red, side by
side, cropped to the lungs and enlarged twice; for LAS-oriented files such as
the LCTSC ones, anterior up and the patient's right on the left (radiological view).
Usage: overlay.py CT REFERENCE_MASK PREDICTED_MASK OUT.png Z [Z ...]   (Debian's python3 with nibabel, scipy, PIL)
"""
import sys
import nibabel as nib, numpy as np
from PIL import Image
from scipy import ndimage

ct_path, ref_path, pred_path, out_path = sys.argv[1:5]
slices = [int(z) for z in sys.argv[5:]]
ct = np.asarray(nib.load(ct_path).dataobj).astype(np.float32)
ref = np.asarray(nib.load(ref_path).dataobj) > 0
pred = np.asarray(nib.load(pred_path).dataobj) > 0


def outline(mask):
    return mask & ~ndimage.binary_erosion(mask)


def panel(z):
    grey = np.clip((ct[:, :, z] + 1000) / 1400 * 255, 0, 255).astype(np.uint8)  # window -1000..400 HU
    rgb = np.stack([grey] * 3, axis=-1)
    rgb[outline(ref[:, :, z])] = (0, 255, 0)
    rgb[outline(pred[:, :, z])] = (255, 0, 0)
    both = ref[:, :, z] | pred[:, :, z]
    xs, ys = np.where(both)
    x0, x1, y0, y1 = max(xs.min() - 12, 0), xs.max() + 13, max(ys.min() - 12, 0), ys.max() + 13
    crop = rgb[x0:x1, y0:y1]
    # LAS: the first voxel axis runs to the patient's left (image columns), the second to anterior (rows, reversed).
    image = np.transpose(crop, (1, 0, 2))[::-1]
    return Image.fromarray(np.ascontiguousarray(image)).resize((image.shape[1] * 2, image.shape[0] * 2), Image.NEAREST)


panels = [panel(z) for z in slices]
canvas = Image.new("RGB", (sum(p.width for p in panels) + 8 * (len(panels) - 1), max(p.height for p in panels)))
x = 0
for p in panels:
    canvas.paste(p, (x, 0))
    x += p.width + 8
canvas.save(out_path)
