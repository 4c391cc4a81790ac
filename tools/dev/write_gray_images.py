#!/usr/bin/env python3
"""Write 8-bit grayscale PNG and BMP files with only zlib/struct (no PIL).

Module:  write_png(path, pixels)  write_bmp(path, pixels)   (pixels: 2-D uint8)
CLI:     write_gray_images.py OUT_DIR IMAGE.npy ...
         each (H, W) uint8 .npy becomes OUT_DIR/<stem>.png and OUT_DIR/<stem>.bmp
"""

import os
import struct
import sys
import zlib

import numpy as np


def _png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png(path, pixels):
    """Grayscale, bit depth 8, no interlace; every row uses filter type 0."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    h, w = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)  # depth 8, color type 0 (gray)
    with open(path, "wb") as f:
        f.write(
            b"\x89PNG\r\n\x1a\n"
            + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(raw, 9))
            + _png_chunk(b"IEND", b"")
        )


def write_bmp(path, pixels):
    """8-bit paletted BMP (BITMAPINFOHEADER) with a 256-entry gray palette.
    Rows are stored bottom-up and padded to 4 bytes, as BMP requires."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    h, w = pixels.shape
    stride = (w + 3) & ~3
    palette = b"".join(bytes((i, i, i, 0)) for i in range(256))
    rows = b"".join(pixels[y].tobytes() + b"\x00" * (stride - w) for y in reversed(range(h)))
    offset = 14 + 40 + len(palette)
    header = struct.pack("<2sIHHI", b"BM", offset + len(rows), 0, 0, offset)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 8, 0, len(rows), 2835, 2835, 256, 0)
    with open(path, "wb") as f:
        f.write(header + info + palette + rows)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for npy in argv[2:]:
        pixels = np.load(npy)
        if pixels.ndim != 2 or pixels.dtype != np.uint8:
            raise SystemExit(f"{npy}: want a 2-D uint8 array, got {pixels.dtype} {pixels.shape}")
        stem = os.path.splitext(os.path.basename(npy))[0]
        write_png(os.path.join(out_dir, stem + ".png"), pixels)
        write_bmp(os.path.join(out_dir, stem + ".bmp"), pixels)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
