#!/usr/bin/env python3
"""Diagnostic for a guard variant: hardly aerated pieces (< T below -400 HU) are dropped unless at least F of the
piece lies under lung kept in the slice above or below, kept lung growing from the aerated pieces slice by slice.
mode reference: share of reference lung kept (severe/hard cases); mode prediction: Dice as is, plain guard, variant."""
import json, os, sys
import numpy as np, nibabel as nib
from scipy import ndimage
EIGHT = np.ones((3, 3), bool)

def guard(mask, ct, t=0.05, f=None):
    aer = ct < -400
    nz = mask.shape[2]
    labs, kept, low = [], np.zeros_like(mask), []
    for z in range(nz):
        lab, n = ndimage.label(mask[:, :, z], structure=EIGHT)
        labs.append(lab)
        if n == 0: continue
        size = np.bincount(lab.ravel(), minlength=n + 1)
        air = np.bincount(lab.ravel(), weights=aer[:, :, z].ravel(), minlength=n + 1)
        for l in range(1, n + 1):
            if air[l] < t * size[l]: low.append([z, l, int(size[l])])
            else: kept[:, :, z] |= lab == l
    if f is None: return kept
    changed = True
    while changed:
        changed = False
        rest = []
        for z, l, s in low:
            p = labs[z] == l
            nb = np.zeros_like(p)
            if z > 0: nb |= kept[:, :, z - 1]
            if z < nz - 1: nb |= kept[:, :, z + 1]
            if (p & nb).sum() >= f * s:
                kept[:, :, z] |= p; changed = True
            else: rest.append([z, l, s])
        low = rest
    return kept

def dice(a, b): return 2 * (a & b).sum() / (a.sum() + b.sum())
mode, F = sys.argv[1], float(sys.argv[2])
for path in sys.argv[3:]:
    folder = os.path.dirname(os.path.abspath(path))
    for case in json.load(open(path))['cases']:
        if mode == 'reference':
            if not case.get('mask') or not any(k in case['id'] for k in ('severe', 'hard', 'moderate')): continue
            ct = np.asarray(nib.load(os.path.join(folder, case['ct'])).dataobj).astype(np.float32)
            m = np.asarray(nib.load(os.path.join(folder, case['mask'])).dataobj) > 0
            a, b = guard(m, ct), guard(m, ct, f=F)
            print(case['id'].ljust(26), 'kept %% plain %.3f  variant %.3f' % (100 * a.sum() / m.sum(), 100 * b.sum() / m.sum()))
        else:
            ct = np.asarray(nib.load(case['ct']).dataobj).astype(np.float32)
            ref = np.asarray(nib.load(case['mask']).dataobj) > 0
            m = np.asarray(nib.load(case['prediction']).dataobj) > 0
            print(case['id'].ljust(26), 'Dice as is %.4f  plain %.4f  variant %.4f' % (dice(m, ref), dice(guard(m, ct), ref), dice(guard(m, ct, f=F), ref)))
