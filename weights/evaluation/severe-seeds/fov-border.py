#!/usr/bin/env python3
"""How many slices of each CT have body (> -500 HU) on the image border, i.e. a field of view that cuts the body
(Debian's python3 with nibabel). Usage: fov-border.py CT.nii.gz ..."""
import os
import sys
import nibabel as nib
import numpy as np

for path in sys.argv[1:]:
    body = np.asarray(nib.load(path).dataobj) > -500
    border = body[0].sum(0) + body[-1].sum(0) + body[:, 0].sum(0) + body[:, -1].sum(0)
    print(f'{os.path.basename(path)} {body.shape}: {int((border > 0).sum())} of {body.shape[2]} slices with body on the '
          f'image border (at most {int(border.max())} border voxels in a slice)')
