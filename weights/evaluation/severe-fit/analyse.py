# Dice, false-positive and false-negative rates of one mask, and which lesion type the missed lung voxels are: per
# lesion label (0 none, 1 ground glass, 2 consolidation, 3 crazy paving) the share missed, overall and deeper than 5 mm
# inside the reference lung (not a matter of where exactly the pleural line is), and the missed consolidation's HU.
# Usage: analyse.py REFERENCE_MASK LESIONS PREDICTION CT NAME
import sys
import nibabel as nib, numpy as np
from scipy import ndimage as ndi
ref_path, lesion_path, prediction_path, ct_path, name = sys.argv[1:6]
reference = nib.load(ref_path)
ref = np.asarray(reference.dataobj) > 0
pred = np.asarray(nib.load(prediction_path).dataobj) > 0
lesions = np.asarray(nib.load(lesion_path).dataobj)
ct = np.asarray(nib.load(ct_path).dataobj).astype(np.float32)
depth = ndi.distance_transform_edt(ref, sampling=reference.header.get_zooms()[:3])
missed = ref & ~pred
tp = (ref & pred).sum()
print('%s: Dice %.4f, FPR %.1f %%, FNR %.1f %%' % (name, 2 * tp / (ref.sum() + pred.sum()),
      100 * (pred & ~ref).sum() / ref.sum(), 100 * missed.sum() / ref.sum()))
for label, kind in enumerate(['no lesion', 'ground glass', 'consolidation', 'crazy paving']):
    inside = ref & (lesions == label)
    if not inside.any(): continue
    deep = inside & (depth > 5)
    print('  %-13s %9d voxels, missed %5.1f %%; deeper than 5 mm: %5.1f %% missed' % (kind, inside.sum(),
          100 * (missed & inside).sum() / inside.sum(), 100 * (missed & deep).sum() / max(1, deep.sum())))
consolidation = ref & (lesions == 2)
for what, m in [('missed', missed & consolidation), ('kept', pred & consolidation)]:
    if m.any(): print('  %s consolidation: mean %.0f HU, 10/50/90th percentiles %s HU' % (what, ct[m].mean(), np.percentile(ct[m], [10, 50, 90]).round(0)))
