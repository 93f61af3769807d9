"""White noise on a CT, as in real-ct-by-epoch.txt: add-noise.py CT.nii.gz SD_HU SEED OUT.nii.gz
Every voxel above -1000 HU gets Gaussian noise of SD_HU; the output is int16 HU (slope 1, intercept 0). Since session 24
the writing is ../../../noise-augmentation/transform-ct.py's (the same voxels: checked byte for byte)."""
import os
import subprocess
import sys

ct, sd, seed, out = sys.argv[1:5]
transform = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../noise-augmentation/transform-ct.py')
subprocess.run([sys.executable, transform, ct, out, '--noise', sd, '--seed', seed], check=True)
