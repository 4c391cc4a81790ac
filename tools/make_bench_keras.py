#!/usr/bin/env python3
"""Deterministic Keras 2 .h5 models for bench/compare (issue 6): the two small Keras workloads where
per-call overhead dominates.

  keras_mlp.h5         Sequential MLP 784-512-512-10 (ReLU, ReLU, softmax)
  keras_text_lstm.h5   Sequential text classifier: Embedding(20000, 128) over 200 tokens -> LSTM(128)
                       -> Dense(1, sigmoid)

Weights are seeded Glorot-like uniform draws (numpy default_rng(6)), so every run writes the same
files. Written with tools/keras_writer.py (the tf.keras 2.15 `model.save` layout).

    .venv/bin/python tools/make_bench_keras.py OUTDIR
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras_writer as kw  # noqa: E402

VOCAB, SEQ, EMBED, UNITS = 20000, 200, 128, 128


def glorot(rng, shape):
    limit = np.sqrt(6.0 / (shape[0] + shape[-1]))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def dense_cfg(name, units, activation):
    return {
        "class_name": "Dense",
        "config": {
            "name": name,
            "trainable": True,
            "dtype": "float32",
            "units": units,
            "activation": activation,
            "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": None,
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
        },
    }


def input_cfg(shape, dtype="float32"):
    return {
        "class_name": "InputLayer",
        "config": {
            "batch_input_shape": [None] + list(shape),
            "dtype": dtype,
            "sparse": False,
            "ragged": False,
            "name": "input_1",
        },
    }


def mlp(rng):
    layers = [
        input_cfg([784]),
        dense_cfg("dense", 512, "relu"),
        dense_cfg("dense_1", 512, "relu"),
        dense_cfg("dense_2", 10, "softmax"),
    ]
    weights = []
    for name, (i, o) in zip(["dense", "dense_1", "dense_2"], [(784, 512), (512, 512), (512, 10)]):
        weights += [
            (name, f"{name}/kernel:0", glorot(rng, (i, o))),
            (name, f"{name}/bias:0", rng.uniform(-0.05, 0.05, o).astype(np.float32)),
        ]
    return {"class_name": "Sequential", "config": {"name": "mlp", "layers": layers}}, weights


def text_lstm(rng):
    layers = [
        input_cfg([SEQ]),
        {
            "class_name": "Embedding",
            "config": {
                "name": "embedding",
                "trainable": True,
                "dtype": "float32",
                "batch_input_shape": [None, SEQ],
                "input_dim": VOCAB,
                "output_dim": EMBED,
                "embeddings_initializer": {
                    "class_name": "RandomUniform",
                    "config": {"minval": -0.05, "maxval": 0.05, "seed": None},
                },
                "embeddings_regularizer": None,
                "activity_regularizer": None,
                "embeddings_constraint": None,
                "mask_zero": False,
                "input_length": SEQ,
            },
        },
        {
            "class_name": "LSTM",
            "config": {
                "name": "lstm",
                "trainable": True,
                "dtype": "float32",
                "return_sequences": False,
                "return_state": False,
                "go_backwards": False,
                "stateful": False,
                "unroll": False,
                "time_major": False,
                "units": UNITS,
                "activation": "tanh",
                "recurrent_activation": "sigmoid",
                "use_bias": True,
                "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": None}},
                "bias_initializer": {"class_name": "Zeros", "config": {}},
                "unit_forget_bias": True,
                "kernel_regularizer": None,
                "recurrent_regularizer": None,
                "bias_regularizer": None,
                "activity_regularizer": None,
                "kernel_constraint": None,
                "recurrent_constraint": None,
                "bias_constraint": None,
                "dropout": 0.0,
                "recurrent_dropout": 0.0,
                "implementation": 2,
            },
        },
        dense_cfg("dense", 1, "sigmoid"),
    ]
    weights = [
        ("embedding", "embedding/embeddings:0", rng.uniform(-0.05, 0.05, (VOCAB, EMBED)).astype(np.float32)),
        ("lstm", "lstm/lstm_cell/kernel:0", glorot(rng, (EMBED, 4 * UNITS))),
        ("lstm", "lstm/lstm_cell/recurrent_kernel:0", glorot(rng, (UNITS, 4 * UNITS))),
        ("lstm", "lstm/lstm_cell/bias:0", rng.uniform(-0.1, 0.1, 4 * UNITS).astype(np.float32)),
        ("dense", "dense/kernel:0", glorot(rng, (UNITS, 1))),
        ("dense", "dense/bias:0", np.zeros(1, np.float32)),
    ]
    return {"class_name": "Sequential", "config": {"name": "text_lstm", "layers": layers}}, weights


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "build/bench-models"
    os.makedirs(out, exist_ok=True)
    for name, make in [("keras_mlp", mlp), ("keras_text_lstm", text_lstm)]:
        topology, weights = make(np.random.default_rng(6))
        path = os.path.join(out, name + ".h5")
        kw.write_keras2_h5(path + ".tmp", topology, weights)
        os.replace(path + ".tmp", path)
        print(path)


if __name__ == "__main__":
    main()
