#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference image operations from Pillow (what Keras's load_img uses), for tests/image.

Test-time fixture generator, never needed at run time; runs in .venv (Pillow, numpy).

  image_reference.py resize IN.npy OUT.npy HEIGHT WIDTH nearest|bilinear|bicubic|area
  image_reference.py convert IN.npy OUT.npy L|RGB
  image_reference.py encode IN.npy OUT.(png|bmp|ppm|pgm|jpg)
  image_reference.py keras IMAGE OUT.npy HEIGHT WIDTH INTERPOLATION rgb|grayscale [none|caffe|tf|torch]
      Keras 2 load_img(IMAGE, color_mode, target_size=(H, W), interpolation) + img_to_array, transcribed from
      keras/preprocessing/image.py (PIL open, convert to RGB/L if the mode differs, resize when the size
      differs), as float32 HWC; then keras.applications.imagenet_utils.preprocess_input(x, mode) for
      channels_last, transcribed from _preprocess_numpy_input.

IN.npy holds uint8 HxWxC pixels (C = 1 gray, 3 RGB, 4 RGBA).
"""

import sys

import numpy as np
from PIL import Image

FILTERS = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC, "area": Image.BOX}
MODES = {1: "L", 3: "RGB", 4: "RGBA"}


def to_pil(a):
    a = np.asarray(a, dtype=np.uint8)
    return Image.fromarray(a[:, :, 0] if a.shape[2] == 1 else a, MODES[a.shape[2]])


def to_array(img):
    a = np.asarray(img, dtype=np.uint8)
    return a[:, :, None] if a.ndim == 2 else a


def preprocess_numpy_input(x, mode):
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean = [0.485, 0.456, 0.406]
        std = [0.229, 0.224, 0.225]
    else:  # caffe: 'RGB'->'BGR', zero-center by the ImageNet mean, no scaling
        x = x[..., ::-1]
        mean = [103.939, 116.779, 123.68]
        std = None
    x[..., 0] -= mean[0]
    x[..., 1] -= mean[1]
    x[..., 2] -= mean[2]
    if std is not None:
        x[..., 0] /= std[0]
        x[..., 1] /= std[1]
        x[..., 2] /= std[2]
    return x


def main(argv):
    cmd = argv[1]
    if cmd == "resize":
        src, dst, h, w, f = argv[2], argv[3], int(argv[4]), int(argv[5]), argv[6]
        np.save(dst, to_array(to_pil(np.load(src)).resize((w, h), FILTERS[f])))
    elif cmd == "convert":
        np.save(argv[3], to_array(to_pil(np.load(argv[2])).convert(argv[4])))
    elif cmd == "encode":
        img = to_pil(np.load(argv[2]))
        if argv[3].endswith(".jpg"):
            img.save(argv[3], quality=95)
        else:
            img.save(argv[3])
    elif cmd == "keras":
        path, dst, h, w, interp, color_mode = argv[2], argv[3], int(argv[4]), int(argv[5]), argv[6], argv[7]
        img = Image.open(path)
        if color_mode == "grayscale":
            if img.mode not in ("L", "I;16", "I"):
                img = img.convert("L")
        elif img.mode != "RGB":
            img = img.convert("RGB")
        if img.size != (w, h):
            img = img.resize((w, h), FILTERS[interp])
        x = np.asarray(img, dtype=np.float32)
        if x.ndim == 2:
            x = x[:, :, None]
        mode = argv[8] if len(argv) > 8 else "none"
        if mode != "none":
            x = preprocess_numpy_input(x.copy(), mode)
        np.save(dst, x)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
