# Scores run.sh's output against the reference masks. Columns: the engine's own mask; a NumPy re-implementation of
# the post-processing (threshold 0.5, the body at -500 HU, components of at least a tenth of the largest, 3D holes) on
# the original, the mirrored (flipped back) and the averaged probabilities; the engine's mask of the mirrored CT.
# Usage: score.py OUTPUT_FOLDER LOPO_WORK_FOLDER SHARED_FOLDER
import nibabel as nib, numpy as np, sys
from scipy import ndimage as ndi
O, L, SHARED = sys.argv[1], sys.argv[2], sys.argv[3]  # run.sh's output, the LOPO work folder, ../shared
def post(p, ct):
    m=p>=0.5
    body=ct>-500; lab,n=ndi.label(body); 
    if n: body=lab==(np.argmax(np.bincount(lab.ravel())[1:])+1)
    body=np.stack([ndi.binary_fill_holes(body[:,:,z]) for z in range(body.shape[2])],2)
    m&=body
    lab,n=ndi.label(m); 
    if n:
        sz=np.bincount(lab.ravel()); sz[0]=0; keep=sz>=0.1*sz.max(); m=keep[lab]
    return ndi.binary_fill_holes(m)
def dice(r,p):
    tp=(r&p).sum(); return 2*tp/(r.sum()+p.sum()), 100*(p&~r).sum()/r.sum(), 100*(r&~p).sum()/r.sum()
res={}
for F in ['Case_000','Case_005','Case_007','Case_009']:
    ref=np.asarray(nib.load(SHARED+'/data/lctsc/%s_lungmask.nii.gz'%F).dataobj)>0
    for s in ['normal','moderate','severe']:
        ctp=SHARED+'/data/lctsc/%s_ct.nii.gz'%F if s=='normal' else '%s/%s/data/lctsc-covid/%s_%s_s1_ct.nii.gz'%(L,F,F,s)
        ct=np.asarray(nib.load(ctp).dataobj)
        eng=np.asarray(nib.load('%s/%s_%s.mask.nii.gz'%(O,F,s)).dataobj)>0
        p=np.asarray(nib.load('%s/%s_%s.prob.nii.gz'%(O,F,s)).dataobj).astype(np.float32)
        fp=np.asarray(nib.load('%s/%s_%s.fprob.nii.gz'%(O,F,s)).dataobj).astype(np.float32)[::-1]
        fm=np.asarray(nib.load('%s/%s_%s.fmask.nii.gz'%(O,F,s)).dataobj)[::-1]>0
        a=(p+fp)/2
        r=[dice(ref,eng), dice(ref,post(p,ct)), dice(ref,post(fp,ct)), dice(ref,post(a,ct)), dice(ref,fm)]
        res.setdefault(s,[]).append(r)
        print(F,s,' '.join('%.4f/%.1f/%.1f'%x for x in r), flush=True)
print('columns: engine orig | np-post orig | np-post mirrored | np-post mean | engine mirrored (Dice/FPR/FNR)')
for s,v in res.items():
    v=np.array(v); print(s,' '.join('%.4f±%.4f'%(v[:,i,0].mean(),v[:,i,0].std(ddof=1)) for i in range(v.shape[1])))
