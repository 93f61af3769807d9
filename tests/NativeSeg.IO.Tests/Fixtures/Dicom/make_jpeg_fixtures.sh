#!/bin/sh
# Regenerates the small lossy JPEG and JPEG-LS fixtures (tests/NativeSeg.IO.Tests/Dicom/Codecs and the fuzz seeds).
# Needs dcmtk, libjpeg-turbo-progs (cjpeg), libgdcm-tools and Debian's python3-pydicom + python3-numpy for /usr/bin/python3. Run from this folder:
#   sh make_jpeg_fixtures.sh ../../../../../shared/data
# The tests themselves re-encode real slices with dcmtk and GDCM at run time (CI installs them); these files cover
# what those tools cannot write:
# - ct_case009_baseline_restart_3frames.dcm: three crops (190×158, so edge blocks are partial) of Case_009 slices
#   50, 60, 70 brought to 8 bits (stored >> 4), JPEG baseline from cjpeg with a restart interval of 5 MCUs (netpbm's pnmtojpeg ignores --restart),
#   wrapped unchanged by img2dcm into one multi-frame Secondary Capture file (basic offset table, one fragment per frame).
# - ct_case009_progressive_restart.dcm: the slice-60 crop as progressive JPEG (cjpeg -progressive: spectral selection
#   and successive approximation) with a restart interval of 3 MCUs, so end-of-band runs stop at restart markers.
# - ct_small_jpeg_{baseline,extended}.dcm, ct_small_jpegls{,_near}.dcm: pydicom's CT_small.dcm (128×128) through
#   dcmcjpeg +eb / +ee and dcmcjpls (lossless) / gdcmconv --jpegls --lossy -e 2 (NEAR 2): the fuzzing seeds.
set -eu
data="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$data" "$work" <<'PY'
import sys, numpy as np, pydicom
data, work = sys.argv[1:3]
for n in (50, 60, 70):
    a = pydicom.dcmread("%s/lctsc/Case_009_dicom/1-%03d.dcm" % (data, n)).pixel_array
    b = (a[150:308, 160:350] >> 4).clip(0, 255).astype(np.uint8)
    h, w = b.shape
    open("%s/s%d.pgm" % (work, n), "wb").write(b"P5 %d %d 255\n" % (w, h) + b.tobytes())
PY
for n in 50 60 70; do
    cjpeg -grayscale -quality 85 -restart 5B -outfile "$work/r$n.jpg" "$work/s$n.pgm"
done
img2dcm -nsc "$work/r50.jpg" "$work/r60.jpg" "$work/r70.jpg" ct_case009_baseline_restart_3frames.dcm
cjpeg -grayscale -quality 85 -progressive -restart 3B -outfile "$work/p60.jpg" "$work/s60.pgm"
img2dcm "$work/p60.jpg" ct_case009_progressive_restart.dcm

small="$data/dicom/codecs/pydicom_CT_small.dcm"
dcmcjpeg +eb "$small" ct_small_jpeg_baseline.dcm
dcmcjpeg +ee "$small" ct_small_jpeg_extended.dcm
dcmcjpls "$small" ct_small_jpegls.dcm
gdcmconv --jpegls --lossy -e 2 "$small" ct_small_jpegls_near.dcm
