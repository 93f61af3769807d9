"""Prints by-epoch.sh's masks as a CSV: per file, Case_005 normal Dice and FPR (false positives / reference lung) and
the share of its false positives in slices without reference lung; CIP and CIP severe s1 Dice and FPR; GE abdomen
slices' lung voxels; where segmented, Case_000/007/009 Dice and false-positive voxels in slices without and with
reference lung. Usage: score-by-epoch.py SHARED_DATA OUT NAME..."""
import os
import sys

import nibabel as nib
import numpy as np

shared, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]


def load(path):
    return np.asarray(nib.load(path).dataobj) > 0


def dice(p, r):
    return 2 * (p & r).sum() / (p.sum() + r.sum())


references = {p: load(f'{shared}/lctsc/Case_{p}_lungmask.nii.gz') for p in ['005', '000', '007', '009']}
cip_reference = load(f'{shared}/cip/wholeLung-64.nii.gz')
others = ['000', '007', '009']
header = 'file,c005_dice,c005_fpr,c005_fp_share_lung_free,cip_dice,cip_fpr,cip_severe_dice,cip_severe_fpr,ge_lung_voxels'
header += ''.join(f',c{p}_dice,c{p}_fp_lung_free,c{p}_fp_lung_slices' for p in others)
print(header)
for name in names:
    d = os.path.join(out, name)
    r = references['005']
    p = load(f'{d}/c005.nii.gz')
    fp = p & ~r
    lung_slices = r.any(axis=(0, 1))
    row = [name, f'{dice(p, r):.4f}', f'{fp.sum() / r.sum():.3f}', f'{fp[:, :, ~lung_slices].sum() / max(fp.sum(), 1):.2f}']
    for f in ['cip', 'cip-severe']:
        p = load(f'{d}/{f}.nii.gz')
        row += [f'{dice(p, cip_reference):.4f}', f'{(p & ~cip_reference).sum() / cip_reference.sum():.3f}']
    row.append(str(load(f'{d}/ge.nii.gz').sum()))
    for o in others:
        if not os.path.exists(f'{d}/c{o}.nii.gz'):
            row += ['', '', '']
            continue
        r = references[o]
        p = load(f'{d}/c{o}.nii.gz')
        fp = p & ~r
        lung_slices = r.any(axis=(0, 1))
        row += [f'{dice(p, r):.4f}', str(fp[:, :, ~lung_slices].sum()), str(fp[:, :, lung_slices].sum())]
    print(','.join(row))
