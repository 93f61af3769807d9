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


def scores(predicted, reference):
    """Dice, and the false-positive voxels in the slices without and with reference lung."""
    false_positive = predicted & ~reference
    lung_slices = reference.any(axis=(0, 1))
    dice = 2 * (predicted & reference).sum() / (predicted.sum() + reference.sum())
    return dice, false_positive[:, :, ~lung_slices].sum(), false_positive[:, :, lung_slices].sum()


lctsc = {p: load(f'{shared}/lctsc/Case_{p}_lungmask.nii.gz') for p in ['005', '000', '007', '009']}
cip = load(f'{shared}/cip/wholeLung-64.nii.gz')
others = ['000', '007', '009']
print('file,c005_dice,c005_fpr,c005_fp_share_lung_free,cip_dice,cip_fpr,cip_severe_dice,cip_severe_fpr,ge_lung_voxels'
      + ''.join(f',c{p}_dice,c{p}_fp_lung_free,c{p}_fp_lung_slices' for p in others))
for name in names:
    d = os.path.join(out, name)
    dice, lung_free, in_lung = scores(load(f'{d}/c005.nii.gz'), lctsc['005'])
    row = [name, f'{dice:.4f}', f'{(lung_free + in_lung) / lctsc["005"].sum():.3f}', f'{lung_free / max(lung_free + in_lung, 1):.2f}']
    for f in ['cip', 'cip-severe']:
        dice, lung_free, in_lung = scores(load(f'{d}/{f}.nii.gz'), cip)
        row += [f'{dice:.4f}', f'{(lung_free + in_lung) / cip.sum():.3f}']
    row.append(str(load(f'{d}/ge.nii.gz').sum()))
    for p in others:
        if os.path.exists(f'{d}/c{p}.nii.gz'):
            dice, lung_free, in_lung = scores(load(f'{d}/c{p}.nii.gz'), lctsc[p])
            row += [f'{dice:.4f}', str(lung_free), str(in_lung)]
        else:
            row += ['', '', '']
    print(','.join(row))
