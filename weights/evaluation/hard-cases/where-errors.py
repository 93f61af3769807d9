#!/usr/bin/env python3
"""Where two score.sh folders' masks differ on the trial's simulated Case_009 cases (diagnostic): false positives that
are simulated pleural effusion (lesion label 4, not lung) and the rest, and the consolidation (label 2) each file misses.
Usage: where-errors.py TRIAL_SET/manifest.json SCORE_FOLDER ..."""
import json, sys
import nibabel as nib
import numpy as np

manifest, folders = json.load(open(sys.argv[1])), sys.argv[2:]
for case in manifest['cases']:
    if case.get('split') != 'test' or 'lesions' not in case or '_mild_' in case['id'] or '_moderate_' in case['id']:
        continue
    reference = np.asarray(nib.load(case['mask']).dataobj) > 0
    lesions = np.asarray(nib.load(case['lesions']).dataobj)
    effusion, consolidation = lesions == 4, (lesions == 2) & reference
    line = f"{case['id']:22s} lung {reference.sum():7d}, effusion {effusion.sum():6d}, consolidation {consolidation.sum():6d} |"
    for folder in folders:
        mask = np.asarray(nib.load(f"{folder}/study/predictions/{case['id']}_mask.nii.gz").dataobj) > 0
        false_positive = mask & ~reference
        line += (f" {folder.rstrip('/').split('/')[-1]}: FP {false_positive.sum():6d} (effusion {(false_positive & effusion).sum():6d},"
                 f" other {(false_positive & ~effusion).sum():6d}), consolidation missed {(consolidation & ~mask).sum():6d} |")
    print(line)
