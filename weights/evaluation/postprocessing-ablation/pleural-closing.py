# Does the network's output hold the consolidation it misses, and can post-processing recover concavities along the
# pleura? On one weights file's Case_009 cases (score-case009.sh's output folder): Dice / FPR / FNR (%) of the engine's
# mask, of a NumPy re-implementation of its post-processing (the body at -500 HU, components of at least a tenth of the
# largest, 3D holes; as ../mirror-tta/score.py) at thresholds 0.5 ... 0.2, and of the 0.5 mask after a per-slice
# closing (disk of 3, 6, 10 mm) of each lung side (left and right of the slice's lung centroid, so the two lungs are
# not bridged) that adds only voxels below 150 HU (no bone); then the probability in the consolidation the engine's
# mask misses (10/50/90th percentiles) and, on the normal CT, how much non-lung within 5 voxels of the lung lies above
# each lower threshold (as a share of the lung's volume).
# Usage: pleural-closing.py SCORE_FOLDER  (Debian's python3 with nibabel and scipy)
import sys, json, nibabel as nib, numpy as np
from scipy import ndimage as ndi
S = sys.argv[1]
man = json.load(open(S + '/manifest.json'))
def body_of(ct):
    body = ct > -500; lab, n = ndi.label(body)
    if n: body = lab == (np.argmax(np.bincount(lab.ravel())[1:]) + 1)
    return np.stack([ndi.binary_fill_holes(body[:, :, z]) for z in range(body.shape[2])], 2)
def post(m, body):
    m = m & body; lab, n = ndi.label(m)
    if n:
        sz = np.bincount(lab.ravel()); sz[0] = 0; m = (sz >= 0.1 * sz.max())[lab]
    return ndi.binary_fill_holes(m)
def score(r, p):
    tp = (r & p).sum(); return 2 * tp / (r.sum() + p.sum()), 100 * (p & ~r).sum() / r.sum(), 100 * (r & ~p).sum() / r.sum()
def disk(rad):
    y, x = np.mgrid[-rad:rad + 1, -rad:rad + 1]; return x * x + y * y <= rad * rad
def close_sides(m, ct, rad_px):
    out = m.copy(); st = disk(rad_px)
    for z in range(m.shape[2]):
        sl = m[:, :, z]
        if not sl.any(): continue
        mid = int(np.round(np.nonzero(sl)[0].mean()))  # axis 0 runs left-right in these NIfTIs
        for part in (slice(0, mid), slice(mid, sl.shape[0])):
            side = np.zeros_like(sl); side[part] = sl[part]
            if not side.any(): continue
            pad = rad_px + 1
            big = np.pad(side, pad)
            closed = ndi.binary_closing(big, st)[pad:-pad, pad:-pad]
            add = closed & ~sl & (ct[:, :, z] < 150)
            add[:part.start or 0] = False
            if part.stop is not None and part.stop < sl.shape[0]: add[part.stop:] = False
            out[:, :, z] |= add
    return out
for c in man['cases']:
    cid = c['id']; ref_img = nib.load(c['mask'])
    ref = np.asarray(ref_img.dataobj) > 0
    ct = np.asarray(nib.load(c['ct']).dataobj).astype(np.float32)
    prob = np.asarray(nib.load(f'{S}/study/predictions/{cid}_probabilities.nii.gz').dataobj).astype(np.float32)
    eng = np.asarray(nib.load(f'{S}/study/predictions/{cid}_mask.nii.gz').dataobj) > 0
    body = body_of(ct); sp = ref_img.header.get_zooms()
    line = [cid, 'engine %.4f/%.1f/%.1f' % score(ref, eng)]
    for t in (0.5, 0.4, 0.3, 0.2):
        line.append('t%.1f %.4f/%.1f/%.1f' % ((t,) + score(ref, post(prob >= t, body))))
    base = post(prob >= 0.5, body)
    for mm in (3, 6, 10):
        line.append('close%dmm %.4f/%.1f/%.1f' % ((mm,) + score(ref, post(close_sides(base, ct, int(round(mm / sp[0]))), body))))
    print(' | '.join(line), flush=True)
    if 'lesions' in c:
        les = np.asarray(nib.load(c['lesions']).dataobj)
        missed = ref & ~eng & (les == 2)
        print('   probability in the missed consolidation, 10/50/90th percentiles: %s' % (
            np.percentile(prob[missed], [10, 50, 90]).round(3) if missed.any() else '-'), flush=True)
    else:
        near = ~ref & body & (ndi.distance_transform_edt(~ref) <= 5)
        print('   normal: p in non-lung within 5 voxels: share >=0.2 %.3f, >=0.3 %.3f, >=0.4 %.3f of lung volume' % tuple(
            ((near & (prob >= t)).sum() / ref.sum()) for t in (0.2, 0.3, 0.4)), flush=True)
