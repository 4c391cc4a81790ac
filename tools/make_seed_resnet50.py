#!/usr/bin/env python3
"""The seed's model, made by real Keras: ResNet50 + Flatten + Dropout(0.5) + Dense(42, softmax, name 'softmax').

    .venv/bin/python tools/make_seed_resnet50.py [OUT_DIR] [--head softmax|linear] [--reference]

The network of the seed article's fish classifier (keras.applications.ResNet50(include_top=False,
weights=None, input_shape=(224, 224, 3)) and its head), with seeded weights since the trained ones were never
published. Writes OUT_DIR (default build/models/seed_resnet50):

  seed_resnet50.h5     tf.keras 2 (tf_keras) `model.save`, the format of the seed's file (~112 MB)
  seed_resnet50.keras  the same model and weights saved by Keras 3

`--head linear` writes seed_resnet50_linear.* instead: the same network with logits out, for numeric checks
where a saturated softmax would hide differences. `--reference` also writes a seeded input
(<name>.input.npy, 1x224x224x3 in [-1, 1]) and Keras's predictions for it (<name>.tf_keras.npy from the .h5
model, <name>.keras3.npy from the Keras 3 one). Skips the work when the outputs are newer than this script.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEED = 42
CLASSES = 42


def seeded_weights(model, rng: np.random.Generator) -> list[np.ndarray]:
    """Weights that keep a 50-layer random network well conditioned: He-scaled kernels, BatchNorm scales near 1
    with positive variances, small biases; the head's kernel small so the softmax does not saturate at once."""
    out = []
    for layer in model.layers:
        for w in layer.weights:
            shape = tuple(int(d) for d in w.shape)
            kind = w.name.split("/")[-1].split(":")[0]
            if kind == "kernel":
                fan_in = int(np.prod(shape[:-1]))
                std = 0.002 if layer.name == "softmax" else np.sqrt(2.0 / fan_in)
                values = rng.normal(0.0, std, shape)
            elif kind == "gamma":
                values = rng.normal(1.0, 0.1, shape)
            elif kind == "moving_variance":
                values = np.abs(rng.normal(1.0, 0.1, shape))
            else:  # bias, beta, moving_mean
                values = rng.normal(0.0, 0.01 if kind == "bias" else 0.1, shape)
            out.append(values.astype(np.float32))
    return out


def build(keras_module, head: str):
    base = keras_module.applications.ResNet50(include_top=False, weights=None, input_shape=(224, 224, 3))
    x = keras_module.layers.Flatten()(base.output)
    x = keras_module.layers.Dropout(0.5)(x)
    activation = "softmax" if head == "softmax" else None
    y = keras_module.layers.Dense(CLASSES, activation=activation, name="softmax")(x)
    return keras_module.Model(base.input, y)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(REPO / "build/models/seed_resnet50"))
    parser.add_argument("--head", choices=["softmax", "linear"], default="softmax")
    parser.add_argument("--reference", action="store_true")
    args = parser.parse_args(argv)
    out = Path(args.out_dir)
    name = "seed_resnet50" if args.head == "softmax" else "seed_resnet50_linear"
    wanted = [out / f"{name}.h5", out / f"{name}.keras"]
    if args.reference:
        wanted += [out / f"{name}.input.npy", out / f"{name}.tf_keras.npy", out / f"{name}.keras3.npy"]
    script_time = Path(__file__).stat().st_mtime
    if all(p.exists() and p.stat().st_mtime > script_time for p in wanted):
        return 0
    out.mkdir(parents=True, exist_ok=True)

    import tf_keras

    import keras

    tf_keras.utils.set_random_seed(SEED)
    model2 = build(tf_keras, args.head)
    weights = seeded_weights(model2, np.random.default_rng(SEED))
    model2.set_weights(weights)
    model3 = build(keras, args.head)
    model3.set_weights(weights)  # same architecture, same weight order
    model2.save(out / f"{name}.h5")
    model3.save(out / f"{name}.keras")
    if args.reference:
        x = np.random.default_rng(SEED + 1).uniform(-1, 1, (1, 224, 224, 3)).astype(np.float32)
        np.save(out / f"{name}.input.npy", x)
        np.save(out / f"{name}.tf_keras.npy", model2.predict(x, verbose=0))
        np.save(out / f"{name}.keras3.npy", np.asarray(model3.predict(x, verbose=0)))
    print(f"wrote {', '.join(str(p) for p in wanted)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
