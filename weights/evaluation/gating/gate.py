# A conservative network's mask plus what a liberal one adds, opened first (a disc of radius r pixels in each slice), so
# that a thin band along every pleura (the liberal networks' false positives on normal lungs) is dropped and thick
# regions (missed consolidation) are kept. r = 0 is the conservative mask alone. Dice on Case_009's seven cases.
# Usage: gate.py SHARED_FOLDER COVID_CASES_FOLDER MASKS_FOLDER CONSERVATIVE LIBERAL[,LIBERAL...]
#   COVID_CASES_FOLDER holds the model card's Case_009 evaluation cases (Case_009_{moderate,severe}_s3_*,
#   Case_009_hard_h1_0{1,2,3}_*); MASKS_FOLDER/TAG/NAME.nii.gz are `nativeseg segment` outputs of the seven CTs with each
#   network, NAME in normal moderate severe harder hard01 hard02 hard03 (harder and hard01 are scored against the normal mask).
import nibabel as nib, numpy as np, sys
from scipy import ndimage as ndi
SHARED, E, O, cons, libs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split(',')
C9=SHARED+'/data/lctsc/Case_009'
ref0=np.asarray(nib.load(C9+'_lungmask.nii.gz').dataobj)>0
names=['normal','moderate','severe','harder','hard01','hard02','hard03']
def dice(r,p): tp=(r&p).sum(); return 2*tp/(r.sum()+p.sum())
disk=lambda r: (np.add.outer(np.arange(-r,r+1)**2,np.arange(-r,r+1)**2)<=r*r)[:,:,None]
for lib in libs:
  for r in [0,1,2,3,4,6]:
    row=[]
    for n in names:
        ref=np.asarray(nib.load('%s/Case_009_hard_h1_%s_lungmask.nii.gz'%(E,n[4:])).dataobj)>0 if n in('hard02','hard03') else ref0
        c=np.asarray(nib.load('%s/%s/%s.nii.gz'%(O,cons,n)).dataobj)>0
        l=np.asarray(nib.load('%s/%s/%s.nii.gz'%(O,lib,n)).dataobj)>0
        if r==0: row.append(dice(ref,c)); continue
        extra=l&~c
        kept=ndi.binary_opening(extra,structure=disk(r))
        row.append(dice(ref,c|kept))
    print('%-10s r=%d normal %.4f moderate %.4f severe %.4f harder %.4f hard-mean %.4f'%(lib,r,*row[:4],np.mean(row[4:])),flush=True)
