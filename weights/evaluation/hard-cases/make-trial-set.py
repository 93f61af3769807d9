#!/usr/bin/env python3
"""Writes a hard-cases training set (RULE.md, FOLD.md): a shipped-recipe set (build-dataset --seeds 1 --test-patients P)
with each training patient's mild seed 1 replaced by the hard case HARD_CASE_OF names, taken from the hard builds
(comma-separated manifests), and the test cases of further builds added (the trial: Case_009's moderate and severe
seeds 2-3 from the severe-seeds trial's second build, and its hard cases of hard seed 1, build-dataset --cases
Case_009 --severities severe --seeds 1 --hard-cases 4 --hard-seed 1 --test-patients Case_009). Paths become absolute.
With --moderate-effusion (../hard-effusion/RULE.md) each training patient's moderate seed 1 is also replaced, by the
hard case with a pleural effusion HARD_EFFUSION_CASE_OF names.
Usage: make-trial-set.py [--moderate-effusion] SET/manifest.json HARD/manifest.json[,HARD2/manifest.json] OUT/manifest.json
       [TEST_BUILD/manifest.json ...]"""
import json, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from manifests import load_absolute as cases  # noqa: E402

# The first of each patient's hard cases of hard seed 2 without a pleural effusion (RULE.md, FOLD.md).
HARD_CASE_OF = {'Case_000': 'Case_000_hard_h2_01', 'Case_005': 'Case_005_hard_h2_01', 'Case_007': 'Case_007_hard_h2_02',
                'Case_009': 'Case_009_hard_h2_01'}
# The first hard case with a pleural effusion of each training patient (../hard-effusion/RULE.md): hard seed 2 for
# Case_000, Case_007 and Case_009 (the Case_005 fold's); Case_005 has none among its three of hard seed 2, so its first
# of hard seed 3.
HARD_EFFUSION_CASE_OF = {'Case_000': 'Case_000_hard_h2_02', 'Case_005': 'Case_005_hard_h3_03', 'Case_007': 'Case_007_hard_h2_01',
                         'Case_009': 'Case_009_hard_h2_02'}
arguments = sys.argv[1:]
moderate_effusion = arguments[0] == '--moderate-effusion'
if moderate_effusion:
    arguments = arguments[1:]
set_path, hard_paths, out_path, test_builds = arguments[0], arguments[1].split(','), arguments[2], arguments[3:]
replacement_of = {'mild': HARD_CASE_OF} | ({'moderate': HARD_EFFUSION_CASE_OF} if moderate_effusion else {})

shipped, _ = cases(set_path)
hard = {case_id: case for path in hard_paths for case_id, case in cases(path)[1].items()}
kept = []
for case in shipped['cases']:
    if case.get('split') != 'test' and case.get('severity') in replacement_of and case['source'] == 'simulated':
        kept.append(hard[replacement_of[case['severity']][case['patient']]])   # in the mild (moderate) case's place
    else:
        kept.append(case)
for build in test_builds:
    kept_ids = {c['id'] for c in kept}
    kept += [c for c in cases(build)[1].values() if c.get('split') == 'test' and c['id'] not in kept_ids]
shipped['cases'] = kept
shipped['description'] = ('a shipped-recipe set with mild s1 replaced by one hard case (hard seed 2) per training patient'
                          + (', and moderate s1 by one hard case with a pleural effusion' if moderate_effusion else ''))
os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
json.dump(shipped, open(out_path, 'w'), indent=1)
print('\n'.join(f"{c['id']}\t{c.get('split', 'train')}" for c in kept))
