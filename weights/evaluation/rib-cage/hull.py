"""Ablation: keep predicted lung only inside each slice's convex hull of bone (> 200 HU) within the body.
hull.py CT MASK_REF PRED [PRED...]: prints reference lung outside the hull and Dice before/after per prediction."""
import sys
import numpy as np
import nibabel as nib
from scipy import ndimage
from scipy.spatial import ConvexHull
from PIL import Image, ImageDraw

ct = nib.load(sys.argv[1]).get_fdata(dtype=np.float32)
ref = np.asarray(nib.load(sys.argv[2]).dataobj) > 0
body_any = ct > -500
labels, n = ndimage.label(body_any)
sizes = ndimage.sum(body_any, labels, range(1, n + 1))
body = labels == (1 + int(np.argmax(sizes)))
bone = (ct > 200) & body
hull = np.zeros_like(ref)
for z in range(ct.shape[2]):
    pts = np.argwhere(bone[:, :, z])
    if len(pts) < 3:
        continue
    try:
        h = ConvexHull(pts)
    except Exception:
        continue
    poly = [tuple(p[::-1]) for p in pts[h.vertices]]  # (col=y index, row=x index) for PIL
    img = Image.new('L', (ct.shape[1], ct.shape[0]), 0)
    ImageDraw.Draw(img).polygon(poly, fill=1, outline=1)
    hull[:, :, z] = np.asarray(img, dtype=bool)
outside = (ref & ~hull).sum() / ref.sum()
print('%s: reference lung outside the hull %.3f %%' % (sys.argv[1].split('/')[-1], 100 * outside))
def dice(a, b):
    return 2 * (a & b).sum() / (a.sum() + b.sum())
for p in sys.argv[3:]:
    pred = np.asarray(nib.load(p).dataobj) > 0
    cut = pred & hull
    fp0 = (pred & ~ref).sum() / ref.sum(); fp1 = (cut & ~ref).sum() / ref.sum()
    print('  %s: Dice %.4f -> %.4f, FPR %.1f -> %.1f %%' % (p.split('/')[-1], dice(pred, ref), dice(cut, ref), 100 * fp0, 100 * fp1))
