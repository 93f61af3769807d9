# Where a mask's false positives lie on one CT: how many, how near the reference lung (Euclidean distance in voxels),
# and how dense. Usage: false-positives.py REFERENCE_MASK CT NAME PREDICTED_MASK [NAME PREDICTED_MASK ...]
# (Debian's python3 with nibabel and scipy; output of sessions 12 and 13: false-positives-normal.txt)
import sys, nibabel as nib, numpy as np
from scipy import ndimage
ref = np.asarray(nib.load(sys.argv[1]).dataobj) > 0
hu = np.asarray(nib.load(sys.argv[2]).dataobj).astype(np.float32)
for name, pred_path in zip(sys.argv[3::2], sys.argv[4::2]):
    pred = np.asarray(nib.load(pred_path).dataobj) > 0
    fp = pred & ~ref
    d = ndimage.distance_transform_edt(~ref)  # voxels from the reference lung
    print(f"{name}: FP {fp.sum()} voxels; within 1 voxel of the reference {np.mean(d[fp] <= 1)*100:.0f} %, within 3 {np.mean(d[fp] <= 3)*100:.0f} %; "
          f"FP HU median {np.median(hu[fp]):.0f}, share above -300 HU {np.mean(hu[fp] > -300)*100:.0f} %")
