# Dice of (the engine's mask AND lung probability >= t), t = 0.5 ... 0.8, per fold and case, from `reproduce` studies
# (their predictions/predictions.json lists each case's reference; its mask and probability map are read from the
# study's predictions folder by name, so a study folder that was moved or renamed still reads).
# Usage: /usr/bin/python3 threshold-sweep.py FOLD=STUDY_FOLDER ...   (needs Debian's python3 with nibabel)
import json, os, sys, nibabel as nib, numpy as np
T = (0.5, 0.6, 0.7, 0.8)
print('fold case ' + ' '.join('t%.1f' % t for t in T))
for argument in sys.argv[1:]:
    fold, study = argument.split('=', 1)
    for c in json.load(open(study + '/predictions/predictions.json'))['cases']:
        R = np.asarray(nib.load(c['mask']).dataobj) > 0
        here = lambda path: os.path.join(study, 'predictions', os.path.basename(path))
        M = np.asarray(nib.load(here(c['prediction'])).dataobj) > 0
        P = np.asarray(nib.load(here(c['probabilities'])).dataobj)
        dice = [2 * ((M & (P >= t)) & R).sum() / ((M & (P >= t)).sum() + R.sum()) for t in T]
        print(fold, c['id'], ' '.join('%.4f' % d for d in dice), flush=True)
