#!/bin/sh
# Regenerates the small re-encodings of pydicom's CT_small.dcm (128×128, 16-bit signed) that test the parser and the
# JPEG Lossless decoder against dcmtk's encoders. Needs dcmtk (apt-get install dcmtk). Run from this folder:
#   sh make_syntax_fixtures.sh ../../../../../shared/data/dicom/codecs/pydicom_CT_small.dcm
# Every file holds the same pixels as the source, except ct_small_jpll_sv1_pt2.dcm (point transform 2: the two low
# bits are dropped); its expected values come from dcmdjpeg via make_codec_fixtures.sh's stored_values.py.
set -eu
src="$1"
dcmconv +ti "$src" ct_small_implicit_le.dcm        # implicit VR little endian
dcmconv +tb "$src" ct_small_explicit_be.dcm        # explicit VR big endian (retired)
dcmconv +td "$src" ct_small_deflated.dcm           # deflated explicit VR little endian
dcmcrle "$src" ct_small_rle.dcm                    # RLE Lossless
for sv in 2 4 5 6 7; do
    dcmcjpeg +el +sv $sv "$src" ct_small_jpll_sv$sv.dcm   # JPEG Lossless process 14, predictor sv
done
dcmcjpeg +e1 +pt 2 "$src" ct_small_jpll_sv1_pt2.dcm      # JPEG Lossless SV1 with point transform 2
dcmdjpeg ct_small_jpll_sv1_pt2.dcm /tmp/ct_small_pt2_decoded.dcm
mkdir -p /tmp/ct_small_pt2_pix
dcmdump -q +W /tmp/ct_small_pt2_pix /tmp/ct_small_pt2_decoded.dcm > /tmp/ct_small_pt2.dump
python3 stored_values.py ct_small_jpll_sv1_pt2.dcm /tmp/ct_small_pt2.dump /tmp/ct_small_pt2_pix/*.raw > pt2_expected.txt
