"""Prints the expected-pixels fixture lines for one file decompressed by dcmtk.

Arguments: file name, the dcmdump text of the decompressed file, the raw pixel data dcmdump +W wrote.
The raw words are turned into stored values exactly as DICOM defines them (PS3.5 8.1.1): shift down by
HighBit + 1 - BitsStored, keep BitsStored bits, sign-extend when PixelRepresentation is 1. The SHA-256 is over the
stored values as 32-bit little endian integers, row by row.
"""
import hashlib
import re
import struct
import sys

name, dump_path, raw_path = sys.argv[1:4]
dump = open(dump_path, encoding="latin-1").read()


def us(tag):
    return int(re.search(r"^\(" + tag + r"\) US (\d+)", dump, re.M).group(1))


rows, cols = us("0028,0010"), us("0028,0011")
allocated, stored, high, signed = us("0028,0100"), us("0028,0101"), us("0028,0102"), us("0028,0103")
assert allocated == 16
raw = open(raw_path, "rb").read()
words = struct.unpack("<%dH" % (rows * cols), raw[: 2 * rows * cols])
shift, mask, sign = high + 1 - stored, (1 << stored) - 1, 1 << (stored - 1)
values = []
for w in words:
    v = (w >> shift) & mask
    if signed and v & sign:
        v -= 1 << stored
    values.append(v)
digest = hashlib.sha256(struct.pack("<%di" % len(values), *values)).hexdigest()
print("file %s rows %d columns %d sha256 %s min %d max %d" % (name, rows, cols, digest, min(values), max(values)))
for y, x in [(0, 0), (rows // 2, cols // 2), (rows // 3, cols // 4), (rows - 1, cols - 1), (rows // 4, 3 * cols // 4), (7, 11)]:
    print("sample %s %d %d %d" % (name, y, x, values[y * cols + x]))
