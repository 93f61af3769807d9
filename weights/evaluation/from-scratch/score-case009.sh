#!/bin/bash
# Scores one weights file on Case_009's six evaluation cases (normal; mild, moderate, severe of the training set's seed 1;
# severe seed 3; harder: half the lung, 70 % of it consolidation, seed 5) with `reproduce`, then tells per case how
# much of each lesion type the mask misses (../severe-fit/analyse.py).
# Usage: score-case009.sh NATIVESEG SHARED_FOLDER TRAINING_SET_FOLDER WEIGHTS OUTPUT_FOLDER
#   (TRAINING_SET_FOLDER: build-dataset's output, as in the model card's "Command and seed"; needs Debian's python3
#   with nibabel and scipy)
set -e
NS=$1; SHARED=$(realpath $2); SET=$(realpath $3); W=$4; O=$5; mkdir -p $O; O=$(realpath $O)
L=$SHARED/data/lctsc; HERE=$(dirname "$0")
make_case() {  # NAME SIMULATE_OPTIONS
  [ -f $O/cases/$1_ct.nii.gz ] || $NS simulate --ct $L/Case_009_ct.nii.gz --mask $L/Case_009_lungmask.nii.gz \
    --out-ct $O/cases/$1_ct.nii.gz --out-lesions $O/cases/$1_lesions.nii.gz ${@:2} > /dev/null
}
mkdir -p $O/cases
make_case Case_009_severe_s3 --severity severe --seed 3
make_case Case_009_harder_s5 --fraction 0.5 --consolidation-share 0.7 --seed 5
/usr/bin/python3 - "$L" "$SET/lctsc-covid" "$O/cases" > $O/manifest.json <<'PY'
import json, sys
real, seed1, extra = sys.argv[1:4]
def case(id, ct, severity=None, lesions=None):
    c = {'id': id, 'patient': 'Case_009', 'group': 'covid' if severity else 'normal', 'split': 'test', 'ct': ct,
         'mask': f'{real}/Case_009_lungmask.nii.gz', 'source': 'simulated' if severity else 'real'}
    if severity: c.update(severity=severity, lesions=lesions)
    return c
cases = [case('Case_009', f'{real}/Case_009_ct.nii.gz')]
cases += [case(f'Case_009_{s}_s1', f'{seed1}/Case_009_{s}_s1_ct.nii.gz', s, f'{seed1}/Case_009_{s}_s1_lesions.nii.gz')
          for s in ('mild', 'moderate', 'severe')]
cases += [case(id, f'{extra}/{id}_ct.nii.gz', 'severe', f'{extra}/{id}_lesions.nii.gz')
          for id in ('Case_009_severe_s3', 'Case_009_harder_s5')]
print(json.dumps({'name': 'case009-six', 'description': 'Case_009: normal, mild/moderate/severe seed 1, severe seed 3, harder seed 5', 'cases': cases}, indent=1))
PY
$NS reproduce $O/manifest.json -o $O/study -w $W --device cpu > $O/reproduce.log
/usr/bin/python3 -c "
import json; m = json.load(open('$O/manifest.json'))
for c in m['cases']: print(c['id'], c['ct'], c.get('lesions', ''))" | while read ID CT LES; do
  if [ -n "$LES" ]; then /usr/bin/python3 $HERE/../severe-fit/analyse.py $L/Case_009_lungmask.nii.gz $LES \
    $O/study/predictions/${ID}_mask.nii.gz $CT $ID; fi
done > $O/missed-lesions.txt
cut -d, -f1,3,7,8 $O/study/report/cases.csv
cat $O/missed-lesions.txt
