#!/usr/bin/env python3
"""Diagnostic for a post-processing guard (not built): in each axial slice, the share of the predicted lung that is
aerated (below -400 HU); a slice whose share is below T loses all its lung ("slice"), or, per 2D connected piece of
predicted lung in a slice, a piece whose own share is below T is dropped ("piece"). Lung, even consolidated lung at the bases,
keeps some aerated lung in a slice; the abdomen a network takes for lung (fat, bowel, retroperitoneum) has almost none.
Prints per case the Dice of the mask as it is and with the guard at each T, and the lowest aerated share of any slice
with reference lung (how close the guard comes to real lung).
Usage: guard.py PREDICTIONS.json ...   (reproduce's study/predictions/predictions.json: ct, mask, prediction per case)"""
import json, sys
import numpy as np, nibabel as nib
from scipy import ndimage

THRESHOLDS = (0.05, 0.1, 0.2, 0.3)
AERATED_HU = -400

def dice(a, b):
    return 2 * np.logical_and(a, b).sum() / (a.sum() + b.sum())

def drop_pieces(pred, aerated, t):
    kept = pred.copy()
    for z in range(pred.shape[2]):
        labels, n = ndimage.label(pred[:, :, z])
        if n == 0:
            continue
        size = np.bincount(labels.ravel(), minlength=n + 1)
        air = np.bincount(labels.ravel(), weights=aerated[:, :, z].ravel(), minlength=n + 1)
        low = np.flatnonzero(air[1:] < t * size[1:]) + 1
        kept[:, :, z][np.isin(labels, low)] = False
    return kept

print('case'.ljust(30), 'as is ', ' '.join(f'slice{t:<4}' for t in THRESHOLDS), ' '.join(f'piece{t:<4}' for t in THRESHOLDS),
      ' lowest share in a reference-lung slice')
for path in sys.argv[1:]:
    for case in json.load(open(path))['cases']:
        ct = np.asarray(nib.load(case['ct']).dataobj).astype(np.float32)
        ref = np.asarray(nib.load(case['mask']).dataobj) > 0
        pred = np.asarray(nib.load(case['prediction']).dataobj) > 0
        lung_per_slice = pred.sum(axis=(0, 1))
        aerated_per_slice = np.logical_and(pred, ct < AERATED_HU).sum(axis=(0, 1))
        share = np.where(lung_per_slice > 0, aerated_per_slice / np.maximum(lung_per_slice, 1), 1.0)
        scores = []
        for t in THRESHOLDS:
            kept = pred.copy()
            kept[:, :, share < t] = False
            scores.append(dice(kept, ref))
        aerated = ct < AERATED_HU
        pieces = [dice(drop_pieces(pred, aerated, t), ref) for t in THRESHOLDS]
        with_ref = ref.sum(axis=(0, 1)) > 0
        lowest = share[with_ref & (lung_per_slice > 0)].min()
        print(case['id'].ljust(30), f'{dice(pred, ref):.4f}',  ' '.join(f'{s:.4f}   ' for s in scores), ' '.join(f'{s:.4f}   ' for s in pieces), f' {lowest:.3f}')
