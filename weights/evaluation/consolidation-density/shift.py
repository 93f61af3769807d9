#!/usr/bin/env python3
"""Writes each severe Case_009 version of a trial set with its consolidation made denser by 0, 20, 40 and 60 HU (only
consolidation voxels above -500 HU, so air bronchograms stay air), and a manifest of them as test cases for reproduce.
The independent evaluation's simulator is not ours; whether the shipped file's misses depend on how dense the
consolidation is (ours: median -25 HU) is what this measures.
Usage: shift.py TRIAL_SET/manifest.json OUT_FOLDER"""
import json, os, sys
import numpy as np, nibabel as nib

trial, out = sys.argv[1:3]
os.makedirs(out, exist_ok=True)
manifest = json.load(open(trial))
severe = [c for c in manifest['cases'] if c['patient'] == 'Case_009' and c.get('severity') == 'severe']
shifted = []
for hu in (0, 20, 40, 60):
    for case in severe:
        image = nib.load(case['ct'])
        ct = np.asarray(image.dataobj).astype(np.float32)
        consolidation = (np.asarray(nib.load(case['lesions']).dataobj) == 2) & (ct > -500)
        path = os.path.join(os.path.abspath(out), f"{case['id']}_plus{hu}.nii.gz")
        nib.save(nib.Nifti1Image((ct + hu * consolidation).astype(np.int16), image.affine, image.header), path)
        shifted.append(dict(case, id=f"{case['id']}_plus{hu}", ct=path))
        if hu == 0:
            print(f"{case['id']}: {consolidation.sum()} consolidation voxels, median {np.median(ct[consolidation]):.0f} HU")
manifest['cases'] = shifted
json.dump(manifest, open(os.path.join(out, 'manifest.json'), 'w'), indent=1)
