#!/usr/bin/env python3
"""Copy an ONNX model with a different fixed batch size (first dim of every graph input and output).

bench/compare uses it for batch-8 runs of the torchvision exports, which have batch 1 baked in. The
intermediate value_info (batch-1 shapes from the exporter) is dropped; ops must not hard-code the
batch (true of the torchvision classifiers: they flatten with Flatten, not Reshape([1, -1])).

    .venv/bin/python tools/rebatch_onnx.py IN.onnx OUT.onnx BATCH
"""

import sys

import onnx


def main():
    src, dst, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    model = onnx.load(src)
    initializers = {t.name for t in model.graph.initializer}
    for value in list(model.graph.input) + list(model.graph.output):
        if value.name in initializers:
            continue
        dims = value.type.tensor_type.shape.dim
        if len(dims):
            dims[0].Clear()
            dims[0].dim_value = batch
    del model.graph.value_info[:]
    onnx.checker.check_model(model)
    onnx.save(model, dst)


if __name__ == "__main__":
    main()
