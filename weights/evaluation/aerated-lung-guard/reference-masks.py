#!/usr/bin/env python3
"""The rule's group 2: the aerated-lung guard applied to reference masks (what it would cost a perfect network).
In each axial slice, each 8-connected piece of the reference lung with less than T of its voxels below -400 HU is
dropped; prints per case the share of reference lung voxels kept, the pieces dropped, the least aerated share of any piece,
and the slices (z) the dropped pieces lie in, against the slices the reference lung spans.
An implementation of its own (SciPy), not the engine's: it also checks the engine's description of the guard.
Usage: reference-masks.py T MANIFEST.json ...   (every case with a mask; a case id seen before is skipped)"""
import json, os, sys
import numpy as np, nibabel as nib
from scipy import ndimage

AERATED_HU = -400
EIGHT = np.ones((3, 3), dtype=bool)

def guard_kept(mask, ct, t):
    kept = mask.copy()
    dropped_pieces, lowest, dropped_slices = 0, 1.0, []
    for z in range(mask.shape[2]):
        labels, n = ndimage.label(mask[:, :, z], structure=EIGHT)
        if n == 0:
            continue
        size = np.bincount(labels.ravel(), minlength=n + 1)[1:]
        air = np.bincount(labels.ravel(), weights=(ct[:, :, z] < AERATED_HU).ravel(), minlength=n + 1)[1:]
        share = air / size
        lowest = min(lowest, share.min())
        low = np.flatnonzero(air < t * size) + 1
        dropped_pieces += len(low)
        if len(low): dropped_slices.append(z)
        kept[:, :, z][np.isin(labels, low)] = False
    return kept, dropped_pieces, lowest, dropped_slices

t = float(sys.argv[1])
seen = set()
print(f'guard T = {t}: reference lung voxels kept, pieces dropped, least aerated share of any piece')
print('case'.ljust(30), 'voxels'.rjust(9), 'kept %'.rjust(8), 'pieces', ' lowest share', ' lung slices', ' slices of dropped pieces')
for path in sys.argv[2:]:
    folder = os.path.dirname(os.path.abspath(path))
    for case in json.load(open(path))['cases']:
        if not case.get('mask') or case['id'] in seen:
            continue
        seen.add(case['id'])
        ct = np.asarray(nib.load(os.path.join(folder, case['ct'])).dataobj).astype(np.float32)
        ref = np.asarray(nib.load(os.path.join(folder, case['mask'])).dataobj) > 0
        kept, pieces, lowest, slices = guard_kept(ref, ct, t)
        zs = np.flatnonzero(ref.any(axis=(0, 1)))
        print(case['id'].ljust(30), f'{ref.sum():9d}', f'{100 * kept.sum() / ref.sum():8.3f}', f'{pieces:6d}', f' {lowest:.4f}',
              f'      {zs.min()}-{zs.max()}', ' ' + ','.join(map(str, slices)))
