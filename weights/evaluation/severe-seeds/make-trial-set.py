#!/usr/bin/env python3
"""Writes the trial's training set: the shipped set (build-dataset --seeds 1 --test-patients Case_009) with each training
patient's mild seed 1 replaced by its severe seed 2, and the test patient's extra cases (moderate and severe seeds 2-3)
added, from a second build (build-dataset --cases Case_000 Case_005 Case_007 Case_009 --severities moderate severe
--seeds 2 3 --phantoms 0 --covid-phantoms 0 --test-patients Case_009). Paths become absolute.
Usage: make-trial-set.py SHIPPED_SET/manifest.json EXTRA_SET/manifest.json OUT/manifest.json"""
import json, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from manifests import load_absolute as cases  # noqa: E402

shipped_path, extra_path, out_path = sys.argv[1:4]

shipped, shipped_cases = cases(shipped_path)
_, extra_cases = cases(extra_path)
kept = []
for case in shipped['cases']:
    if case.get('split') != 'test' and case.get('severity') == 'mild' and case['source'] == 'simulated':
        kept.append(extra_cases[f"{case['patient']}_severe_s2"])   # in the mild case's place
    else:
        kept.append(case)
kept_ids = {c['id'] for c in kept}   # the test patient's real CT is in both builds
kept += [c for c in extra_cases.values() if c.get('split') == 'test' and c['id'] not in kept_ids]
shipped['cases'] = kept
shipped['description'] = 'the shipped set with mild s1 replaced by severe s2 for the training patients; Case_009 moderate/severe s2-s3 added as test'
os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
json.dump(shipped, open(out_path, 'w'), indent=1)
print('\n'.join(f"{c['id']}\t{c.get('split', 'train')}" for c in kept))
