# Ablation of an in-slice closing of each lung (weights/README.md, "Severe COVID-19"): python3 pleural_closing_ablation.py PREDICTIONS_DIR CT:MASK ...
# PREDICTIONS_DIR holds <case>_mask.nii.gz from `nativeseg reproduce`; prints Dice before and after closings of 8, 15 and 25 mm.
import nibabel as nib, numpy as np, sys, glob, os
from scipy import ndimage as ndi
def disk(r):
    y,x=np.ogrid[-r:r+1,-r:r+1]; return x*x+y*y<=r*r
def lungs(p):
    lab,n=ndi.label(p); sizes=ndi.sum(p,lab,range(1,n+1)); order=np.argsort(sizes)[::-1]
    return [lab==(order[i]+1) for i in range(min(2,n))]
def fill(p, ct, rmm, sp, hu_lo, hu_hi):
    r=int(round(rmm/sp)); se=disk(r); out=p.copy()
    for l in lungs(p):
        for z in np.where(l.any(axis=(0,1)))[0]:
            s=l[:,:,z]; ys,xs=np.where(s); m=r+2
            y0,y1,x0,x1=max(ys.min()-m,0),min(ys.max()+m+1,s.shape[0]),max(xs.min()-m,0),min(xs.max()+m+1,s.shape[1])
            pad=np.pad(s[y0:y1,x0:x1],m)
            dil=ndi.distance_transform_edt(~pad)<=r
            c=(ndi.distance_transform_edt(dil)>r)[m:-m,m:-m]
            sl=(slice(y0,y1),slice(x0,x1),z)
            add=c&~p[sl]&(ct[sl]>=hu_lo)&(ct[sl]<=hu_hi)
            out[sl]|=add
    return out
def dice(a,b): return 2*(a&b).sum()/(a.sum()+b.sum())
pred_dir, cases = sys.argv[1], sys.argv[2:]
for case in cases:
    ctf, gtf = case.split(':')
    name=os.path.basename(ctf).replace('_ct.nii.gz','')
    ctimg=nib.load(ctf); ct=ctimg.get_fdata(); sp=ctimg.header.get_zooms()[0]
    gt=nib.load(gtf).get_fdata()>0
    p=nib.load(f'{pred_dir}/{name}_mask.nii.gz').get_fdata()>0
    res=[f'{name}: base {dice(p,gt):.4f}']
    for rmm in (8,15,25):
        q=fill(p,ct,rmm,sp,-1100,200)
        add=q&~p
        res.append(f'r{rmm} {dice(q,gt):.4f} (+{add.sum()} tp {(add&gt).sum()})')
    print(' | '.join(res), flush=True)
