#!/usr/bin/env python3
"""Dump a Keras 2 full-model .h5 for tools/node/verify_h5_in_tfjs.mjs.

Usage: keras_h5_dump.py MODEL.h5 OUT_BASE
Writes OUT_BASE.json ({"model_config", "weights": [{layer, name, shape}]}) and
OUT_BASE.bin (float32 little-endian), weights in layer_names / weight_names
order, i.e. the order a Keras loader assigns them.  Split attributes
(layer_names0, layer_names1, ...) are joined as Keras does.
"""

import json
import sys

import h5py
import numpy as np


def read_attr_list(group, name):
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values, i = [], 0
        while f"{name}{i}" in group.attrs:
            values += list(group.attrs[f"{name}{i}"])
            i += 1
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def main(argv):
    with h5py.File(argv[1], "r") as f:
        g = f["model_weights"]
        weights, blob = [], bytearray()
        for layer in read_attr_list(g, "layer_names"):
            for name in read_attr_list(g[layer], "weight_names"):
                value = np.asarray(g[layer][name], dtype="<f4")
                weights.append({"layer": layer, "name": name, "shape": list(value.shape)})
                blob += value.tobytes()
        doc = {"model_config": json.loads(f.attrs["model_config"]), "weights": weights}
    with open(argv[2] + ".json", "w") as out:
        json.dump(doc, out)
    with open(argv[2] + ".bin", "wb") as out:
        out.write(blob)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
