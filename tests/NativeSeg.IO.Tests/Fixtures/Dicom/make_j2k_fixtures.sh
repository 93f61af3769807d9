#!/bin/sh
# Regenerates the JPEG 2000 fuzz seeds from pydicom's CT_small.dcm (128×128, 16-bit signed):
#   ct_small_j2k.dcm       gdcmconv --j2k: JPEG 2000 lossless (.90) with GDCM's defaults
#   ct_small_j2k_rich.dcm  opj_compress, 9/7 (.91): 4 tiles, precincts, 3 layers, RPCL, SOP/EPH, every
#                          code-block style (-M 63), wrapped into the same header by pydicom
# Needs libgdcm-tools, libopenjp2-tools and python3-pydicom (Debian). Run from this folder:
#   sh make_j2k_fixtures.sh ../../../../../shared/data/dicom/codecs/pydicom_CT_small.dcm
set -eu
source="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gdcmconv --j2k "$source" ct_small_j2k.dcm

/usr/bin/python3 - "$source" "$work/ct_small.rawl" <<'PY'
import sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
open(sys.argv[2], "wb").write(ds.PixelData)  # 16-bit signed little endian, row by row
PY
opj_compress -i "$work/ct_small.rawl" -F 128,128,1,16,s -o "$work/rich.j2k" -I -r 30,10,4 -t 64,64 -c [32,32],[16,16] \
    -p RPCL -SOP -EPH -M 63 -b 16,16 -n 4 > /dev/null
/usr/bin/python3 - "$source" "$work/rich.j2k" ct_small_j2k_rich.dcm <<'PY'
import sys, pydicom
from pydicom.encaps import encapsulate
ds = pydicom.dcmread(sys.argv[1])
codestream = open(sys.argv[2], "rb").read()
ds.PixelData = encapsulate([codestream])
ds["PixelData"].VR = "OB"
ds["PixelData"].is_undefined_length = True
ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.91"
ds.is_little_endian, ds.is_implicit_VR = True, False
ds.LossyImageCompression = "01"
ds.save_as(sys.argv[3], write_like_original=False)
PY
