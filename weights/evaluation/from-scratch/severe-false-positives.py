# Where a network's false positives on the COVID-19 versions of a CT come from. The simulated versions are the same CT
# with lesions painted into the lung, so a false positive that the network does not also make on the normal CT is
# caused by the lesions. Per diseased case: false positives (% of the lung), how many of them are new (not false
# positives on the normal CT), and of the new ones how many lie within 5 mm of consolidation (the chest wall or
# mediastinum next to dense lung taken as lung), their median HU and how far outside the reference lung they reach.
# Case_009 only. Usage: severe-false-positives.py REFERENCE_MASK CASES_FOLDER... -- NAME PREDICTIONS_FOLDER [...]
#   (each CASES_FOLDER holds CASE_ct.nii.gz and CASE_lesions.nii.gz; each PREDICTIONS_FOLDER CASE_mask.nii.gz for the
#   normal CT Case_009 and the diseased cases; Debian's python3 with nibabel and scipy)
import sys, os, glob, nibabel as nib, numpy as np
from scipy import ndimage
args = sys.argv[1:]
split = args.index('--')
reference = nib.load(args[0])
ref = np.asarray(reference.dataobj) > 0
zooms = reference.header.get_zooms()[:3]
outside_distance = ndimage.distance_transform_edt(~ref, sampling=zooms)  # mm from the reference lung
case_folders, runs = args[1:split], list(zip(args[split + 1::2], args[split + 2::2]))
cases = {}
for folder in case_folders:
    for ct in sorted(glob.glob(f'{folder}/Case_009_*_ct.nii.gz')):
        name = os.path.basename(ct)[:-len('_ct.nii.gz')]
        if 'severe' in name or 'harder' in name: cases[name] = (ct, f'{folder}/{name}_lesions.nii.gz')
def load_mask(path): return np.asarray(nib.load(path).dataobj) > 0
for name, (ct_path, lesion_path) in cases.items():
    hu = np.asarray(nib.load(ct_path).dataobj).astype(np.float32)
    consolidation = ref & (np.asarray(nib.load(lesion_path).dataobj) == 2)
    near_consolidation = ndimage.distance_transform_edt(~consolidation, sampling=zooms) <= 5
    print(name)
    for run, folder in runs:
        normal_fp = load_mask(f'{folder}/Case_009_mask.nii.gz') & ~ref
        fp = load_mask(f'{folder}/{name}_mask.nii.gz') & ~ref
        new = fp & ~normal_fp
        print(f'  {run:10s} FP {100 * fp.sum() / ref.sum():4.1f} % of the lung ({fp.sum()} voxels), new {new.sum()} '
              f'({100 * new.sum() / max(1, fp.sum()):.0f} %); of the new within 5 mm of consolidation '
              f'{100 * np.mean(near_consolidation[new]):.0f} %, median {np.median(hu[new]):.0f} HU, '
              f'{np.median(outside_distance[new]):.1f} mm (90th percentile {np.percentile(outside_distance[new], 90):.1f}) outside the lung')
