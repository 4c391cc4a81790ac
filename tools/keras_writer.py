#!/usr/bin/env python3
"""Write real Keras model files from a topology JSON and a list of weights.

Test tooling for konnx: TensorFlow.js trains/builds models (see
tools/node/keras_export.mjs), this module lays them out on disk the way real
Keras does, so the C++ reader is tested against Keras's own formats:

  * Keras 2 full-model HDF5 (tf.keras 2.15 `model.save("m.h5")`)   write_keras2_h5
  * Keras 3 `.keras` zip (config.json + model.weights.h5)           write_keras3_zip
      - with the per-layer `name` attribute (Keras >= 3.6, default)
      - without it (Keras 3.0-3.5, keras3_no_names=True)
      - TF 2.12-2.15 (tf.keras "v3") layout, `_layer_checkpoint_dependencies/`
  * `model.to_json()` + `save_weights("w.h5")` pair               write_json_and_weights

Inputs: a topology in tfjs `model.toJSON(null, false)` / Keras 2 `to_json()`
form, and weights as (layer name, weight name, array) in `layer.weights` order.
The layouts were checked against the real files in /work/shared/keras-real
with tools/check_keras_layout.py; comments marked GUESS are not backed by a
real file we have.

Python:
  import keras_writer as kw
  kw.write_keras2_h5("m.h5", topology, [("dense", "dense/kernel", k), ("dense", "dense/bias", b)])
  kw.write_keras3_zip("m.keras", topology, weights)   # same arguments
Only the last path component of a weight name matters (`kernel`, `bias`, ...),
plus `forward`/`backward` for Bidirectional.  Keras 3 `build_config`s and
tensor shapes need per-layer shapes (Model.shapes), which keras_export.mjs
records; without them those entries are left out / null.

CLI (what keras_export.mjs runs):
  keras_writer.py --topology m.topology.json --weights m.weights.json \
      [--h5 m.h5] [--keras m.keras] [--json m.json --weights-h5 m_weights.h5] \
      [--keras-version 3.12.0] [--keras-no-name] [--keras-tf-layout]
"""

import argparse
import copy
import datetime
import io
import json
import os
import re
import sys
import zipfile

import h5py
import numpy as np

KERAS2_VERSION = "2.15.0"
KERAS3_VERSION = "3.12.0"
HDF5_OBJECT_HEADER_LIMIT = 64512  # bytes, as in Keras's save_attributes_to_hdf5_group

FUNCTIONAL = ("Model", "Functional")
RNN_CELLS = {"LSTM": "lstm_cell", "GRU": "gru_cell", "SimpleRNN": "simple_rnn_cell"}
WRAPPERS = ("Bidirectional", "TimeDistributed")
CONV_WITH_GROUPS = ("Conv1D", "Conv2D", "Conv3D")
DATA_FORMAT_DEFAULTED = (
    "Flatten",
    "Conv1D",
    "MaxPooling1D",
    "AveragePooling1D",
    "GlobalMaxPooling1D",
    "GlobalAveragePooling1D",
)
# Keras 3 layers that set `built = True` in __init__ and so get no build_config
# (Dropout/InputLayer seen in real files; the others are a GUESS from Keras source).
NO_BUILD_CONFIG = {
    "InputLayer",
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
    "Activation",
}
# tfjs / Keras 2 object class names that Keras spells differently.
CLASS_RENAMES_K2 = {"LeCunNormal": "LecunNormal", "LeCunUniform": "LecunUniform"}
CLASS_RENAMES_K3 = dict(CLASS_RENAMES_K2, Identity="IdentityInitializer")
# Keras 3.6 wrote "OrthogonalInitializer" (real file), 3.12 writes "Orthogonal"
# (real file).  GUESS: the switch came with 3.8.
ORTHOGONAL_RENAMED_IN = (3, 8)
OBJECT_MODULES = (
    ("_initializer", "keras.initializers"),
    ("_regularizer", "keras.regularizers"),
    ("_constraint", "keras.constraints"),
)


def warn(msg):
    sys.stderr.write(f"keras_writer: warning: {msg}\n")


# ---------------------------------------------------------------- model input


class Layer:
    """One top-level layer: class, plain (Keras 2 style) config, graph edges."""

    def __init__(self, class_name, config, inbound_nodes=None):
        self.class_name = class_name
        self.config = config
        self.name = config["name"]
        self.inbound_nodes = inbound_nodes or []  # Keras 2 form: [[[name, node, tensor, kwargs]]]


class Model:
    """A normalised topology: Sequential or Functional, layers in config order."""

    def __init__(self, kind, name, layers, input_layers=None, output_layers=None):
        self.kind = kind
        self.name = name
        self.layers = layers
        self.input_layers = input_layers
        self.output_layers = output_layers
        self.shapes = {}  # layer name -> {"input_shape", "output_shape"} when known

    def weighted_layers(self):
        """model.layers as Keras lists them (Sequential hides its InputLayer)."""
        if self.kind == "Sequential":
            return [l for l in self.layers if l.class_name != "InputLayer"]
        return list(self.layers)


def _plain(obj):
    """Strip Keras 3 style `module`/`registered_name` keys from nested objects."""
    if isinstance(obj, dict):
        if "class_name" in obj and "config" in obj and obj.get("class_name") != "__keras_tensor__":
            out = {"class_name": obj["class_name"], "config": _plain(obj["config"])}
            for key in ("name", "inbound_nodes"):
                if key in obj:
                    out[key] = obj[key]
            return out
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


def _k2_nodes(nodes):
    """Inbound nodes in Keras 2 list form, converting Keras 3 {args, kwargs} nodes."""
    out = []
    for node in nodes:
        if isinstance(node, dict):
            refs = []

            def collect(x):
                if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
                    refs.append(list(x["config"]["keras_history"]) + [{}])  # noqa: B023 (called in this iteration)
                elif isinstance(x, list):
                    for v in x:
                        collect(v)

            collect(node.get("args", []))
            out.append(refs)
        else:
            out.append(node)
    return out


def parse_topology(topology):
    """Accept tfjs toJSON / Keras 2 to_json / (simple) Keras 3 config dicts."""
    topology = _plain(topology)
    cls = topology["class_name"]
    cfg = topology["config"]
    if cls == "Sequential":
        layer_cfgs = cfg if isinstance(cfg, list) else cfg["layers"]  # Keras <= 2.1: bare list
        name = "sequential" if isinstance(cfg, list) else cfg.get("name", "sequential")
        layers = [Layer(l["class_name"], _to_k2_input(l["class_name"], copy.deepcopy(l["config"]))) for l in layer_cfgs]
        return Model("Sequential", name, layers)
    if cls in FUNCTIONAL:
        layers = [
            Layer(
                l["class_name"],
                _to_k2_input(l["class_name"], copy.deepcopy(l["config"])),
                _k2_nodes(l.get("inbound_nodes", [])),
            )
            for l in cfg["layers"]
        ]
        for l, raw in zip(layers, cfg["layers"]):
            l.name = l.config["name"] = raw.get("name", l.name)
        return Model(
            "Functional",
            cfg.get("name", "model"),
            layers,
            _wrap_refs(cfg["input_layers"]),
            _wrap_refs(cfg["output_layers"]),
        )
    raise ValueError(f"unsupported top-level class {cls!r} (want Sequential, Model or Functional)")


def _wrap_refs(refs):
    """Keras 3 writes a bare [name, node, tensor] for single-tensor models."""
    if refs and isinstance(refs[0], str):
        return [refs]
    return refs


def _to_k2_input(cls, cfg):
    """Bring Keras 3 (batch_shape, dtype policies) and tfjs configs to Keras 2 form."""
    if cls in DATA_FORMAT_DEFAULTED:
        cfg.setdefault("data_format", "channels_last")  # tfjs omits it for these
    if cls in ("SeparableConv1D", "SeparableConv2D"):
        cfg.setdefault("depth_multiplier", 1)  # tfjs omits it (its default is 1)
    if "batch_shape" in cfg:
        cfg["batch_input_shape"] = cfg.pop("batch_shape")
    if isinstance(cfg.get("dtype"), dict):
        cfg["dtype"] = cfg["dtype"].get("config", {}).get("name", "float32")
    if cls == "LeakyReLU" and "negative_slope" in cfg:
        cfg["alpha"] = cfg.pop("negative_slope")
    return cfg


def as_model(topology):
    """Writers take a parsed Model or the topology dict itself."""
    return topology if isinstance(topology, Model) else parse_topology(topology)


def group_weights(model, weights):
    """(layer, name, array) triples -> {layer name: [(name, array)]}, order kept."""
    by_layer = {}
    known = {l.name for l in model.layers}
    for layer, wname, value in weights:
        if layer not in known:
            raise ValueError(f"weight {wname!r} belongs to unknown layer {layer!r}")
        by_layer.setdefault(layer, []).append((wname, np.asarray(value)))
    for l in model.layers:
        if l.class_name in FUNCTIONAL + ("Sequential",):
            raise NotImplementedError(f"nested model {l.name!r} is not supported by keras_writer")
    return by_layer


def load_tfjs_export(topology_path, index_path):
    """Read keras_export.mjs output: topology JSON, weights index + raw .bin."""
    with open(topology_path) as f:
        model = parse_topology(json.load(f))
    with open(index_path) as f:
        index = json.load(f)
    with open(os.path.join(os.path.dirname(index_path), index["bin"]), "rb") as f:
        blob = f.read()
    weights = []
    for w in index["weights"]:
        dtype = {"float32": "<f4", "int32": "<i4"}[w["dtype"]]
        arr = np.frombuffer(
            blob, dtype=dtype, count=int(np.prod(w["shape"], dtype=np.int64)), offset=w["offset"]
        ).reshape(w["shape"])
        weights.append((w["layer"], w["name"], arr.copy()))
    for l in index.get("layers", []):
        model.shapes[l["name"]] = {
            "input_shape": _unwrap_shape(l.get("input_shape")),
            "output_shape": _unwrap_shape(l.get("output_shape")),
        }
    return model, weights


def _unwrap_shape(shape):
    """tfjs reports a single-input shape as [[...]] in some layers; Keras wants [...]."""
    if isinstance(shape, list) and len(shape) == 1 and isinstance(shape[0], list):
        return shape[0]
    return shape


# ------------------------------------------------------------- Keras 2 dialect


def _first_keys(cfg, keys):
    """Reorder a config so `keys` come first, as Keras's get_config does."""
    out = {k: cfg[k] for k in keys if k in cfg}
    out.update({k: v for k, v in cfg.items() if k not in out})
    return out


def _k2_object(obj, module):
    """Nested initializers/regularizers/constraints: tf.keras >= 2.13 writes them new-style."""
    cls = CLASS_RENAMES_K2.get(obj["class_name"], obj["class_name"])
    return {"module": module, "class_name": cls, "config": obj["config"], "registered_name": None}


def _fix_rnn(cls, cfg):
    # tfjs leaves this unset (null); give the value tfjs actually used.
    if cls == "LSTM" and cfg.get("unit_forget_bias") is None:
        cfg["unit_forget_bias"] = False


def k2_layer_config(cls, cfg):
    cfg = copy.deepcopy(cfg)
    if cls == "InputLayer":
        cfg.setdefault("dtype", "float32")
        cfg.setdefault("sparse", False)
        cfg.setdefault("ragged", False)
        return _first_keys(cfg, ["batch_input_shape", "dtype", "sparse", "ragged", "name"])
    cfg.setdefault("trainable", True)
    cfg.setdefault("dtype", "float32")
    for key, value in list(cfg.items()):
        for suffix, module in OBJECT_MODULES:
            if key.endswith(suffix) and isinstance(value, dict):
                cfg[key] = _k2_object(value, module)
    if cls in CONV_WITH_GROUPS:
        cfg.setdefault("groups", 1)  # tfjs has no grouped convs
    if cls in RNN_CELLS:
        _fix_rnn(cls, cfg)
        if cls != "SimpleRNN" and cfg.get("implementation") is None:
            cfg["implementation"] = 2  # tf.keras default
        cfg.setdefault("time_major", False)
    for key in ("layer", "backward_layer"):
        if cls in WRAPPERS and isinstance(cfg.get(key), dict):
            inner = cfg[key]
            cfg[key] = {
                "module": "keras.layers",
                "class_name": inner["class_name"],
                "config": k2_layer_config(inner["class_name"], inner["config"]),
                "registered_name": None,
            }
    return _first_keys(cfg, ["name", "trainable", "dtype", "batch_input_shape"])


def k2_model_config(model):
    """{"class_name", "config"} exactly as tf.keras 2.15 stores in `model_config`."""
    if model.kind == "Sequential":
        layers = []
        if model.layers and model.layers[0].class_name != "InputLayer":
            # tf.keras adds the InputLayer it builds, named <first layer>_input.
            first = model.layers[0]
            if "batch_input_shape" not in first.config:
                raise ValueError("Sequential model without input shape")
            layers.append(
                {
                    "class_name": "InputLayer",
                    "config": k2_layer_config(
                        "InputLayer",
                        {
                            "batch_input_shape": first.config["batch_input_shape"],
                            "dtype": first.config.get("dtype", "float32"),
                            "name": f"{first.name}_input",
                        },
                    ),
                }
            )
        layers += [
            {"class_name": l.class_name, "config": k2_layer_config(l.class_name, l.config)} for l in model.layers
        ]
        return {"class_name": "Sequential", "config": {"name": model.name, "layers": layers}}
    layers = [
        {
            "class_name": l.class_name,
            "config": k2_layer_config(l.class_name, l.config),
            "name": l.name,
            "inbound_nodes": l.inbound_nodes,
        }
        for l in model.layers
    ]
    # GUESS (real functional files here are all <= 2.2.4): tf.keras >= 2.13 adds "trainable".
    return {
        "class_name": "Functional",
        "config": {
            "name": model.name,
            "trainable": True,
            "layers": layers,
            "input_layers": model.input_layers,
            "output_layers": model.output_layers,
        },
    }


def k2_weight_name(layer, wname):
    """tf.keras 2 variable name (`dense/kernel:0`, `lstm/lstm_cell/kernel:0`)."""
    parts = wname.split(":")[0].split("/")
    short = parts[-1]
    cell = RNN_CELLS.get(layer.class_name)
    if cell:
        return f"{layer.name}/{cell}/{short}:0"
    if layer.class_name == "Bidirectional":
        inner = layer.config["layer"]
        direction = "backward" if any(p.startswith("backward") for p in parts[:-1]) else "forward"
        inner_name = re.sub(r"^(forward|backward)_", "", inner["config"]["name"])
        mid = f"{direction}_{inner_name}"
        # GUESS (no real tf.keras 2 Bidirectional file here): the wrapped
        # layer's cell scope is kept, as in plain LSTM/GRU layers.
        if inner["class_name"] in RNN_CELLS:
            mid += "/" + RNN_CELLS[inner["class_name"]]
        return f"{layer.name}/{mid}/{short}:0"
    # TimeDistributed and plain layers: `<layer>/<weight>:0` (seen in tf 2.14 files).
    return f"{layer.name}/{short}:0"


def save_attributes(group, name, data):
    """Keras's save_attributes_to_hdf5_group: split attrs over 64512 bytes."""
    data_npy = np.asarray(data)
    num_chunks = 1
    chunks = np.array_split(data_npy, num_chunks)
    while any(c.nbytes > HDF5_OBJECT_HEADER_LIMIT for c in chunks):
        num_chunks += 1
        chunks = np.array_split(data_npy, num_chunks)
    if num_chunks > 1:
        for i, chunk in enumerate(chunks):
            group.attrs[f"{name}{i}"] = chunk
    else:
        group.attrs[name] = data  # list of bytes -> vlen ascii; [] -> empty float64, like Keras


def write_k2_weights_group(group, model, by_layer, keras_version):
    """tf.keras save_weights_to_hdf5_group (used for model_weights/ and save_weights)."""
    layers = model.weighted_layers()
    save_attributes(group, "layer_names", [l.name.encode("utf8") for l in layers])
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = keras_version.encode("utf8")
    for layer in sorted(layers, key=lambda l: l.name):
        g = group.create_group(layer.name)
        weights = by_layer.get(layer.name, [])
        names = [k2_weight_name(layer, n).encode("utf8") for n, _ in weights]
        save_attributes(g, "weight_names", names)
        for name, (_, value) in zip(names, weights):
            g.create_dataset(name.decode(), data=value)
    # tf.keras >= 2.11 also records the model's own (top-level) weights.
    save_attributes(group.create_group("top_level_model_weights"), "weight_names", [])


def write_keras2_h5(path, model, weights, keras_version=KERAS2_VERSION):
    model = as_model(model)
    by_layer = group_weights(model, weights)
    with h5py.File(path, "w") as f:
        # str -> vlen utf8 and bytes -> vlen ascii, matching tf.keras 2.14 files.
        f.attrs["keras_version"] = keras_version
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(k2_model_config(model)).encode("utf8")
        write_k2_weights_group(f.create_group("model_weights"), model, by_layer, keras_version)


def write_json_and_weights(json_path, h5_path, model, weights, keras_version=KERAS2_VERSION):
    """`model.to_json()` text plus a `save_weights()` HDF5 (layer_names on the root)."""
    model = as_model(model)
    doc = dict(k2_model_config(model), keras_version=keras_version, backend="tensorflow")
    with open(json_path, "w") as f:
        f.write(json.dumps(doc))
    by_layer = group_weights(model, weights)
    with h5py.File(h5_path, "w") as f:
        write_k2_weights_group(f, model, by_layer, keras_version)


# ------------------------------------------------------------- Keras 3 dialect


def _version_tuple(v):
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


def dtype_policy(name="float32"):
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name}, "registered_name": None}


def _k3_object(obj, module, version):
    cls = CLASS_RENAMES_K3.get(obj["class_name"], obj["class_name"])
    if cls in ("Orthogonal", "OrthogonalInitializer"):
        cls = "Orthogonal" if version >= ORTHOGONAL_RENAMED_IN else "OrthogonalInitializer"
    cfg = dict(obj["config"])
    if cls == "VarianceScaling" and cfg.get("distribution") == "normal":
        cfg["distribution"] = "truncated_normal"  # Keras 3 rejects the old alias
    return {"module": module, "class_name": cls, "config": cfg, "registered_name": None}


def k3_layer_config(cls, cfg, version):
    """Keras 3 class name and config for a Keras 2 / tfjs layer config."""
    cfg = copy.deepcopy(cfg)
    if cls == "InputLayer":
        out = {
            "batch_shape": cfg["batch_input_shape"],
            "dtype": cfg.get("dtype", "float32"),
            "sparse": bool(cfg.get("sparse", False)),
        }
        if version >= (3, 9):
            out["ragged"] = bool(cfg.get("ragged", False))
        out["name"] = cfg["name"]
        return cls, out
    for key in ("batch_input_shape", "batch_size", "implementation", "time_major"):
        cfg.pop(key, None)
    if cls != "Embedding":  # Keras 3 keeps Embedding.input_dim (the vocabulary size)
        cfg.pop("input_dim", None)
    dtype = cfg.get("dtype") or "float32"
    # Keras 3.0-3.3 wrote plain dtype strings (3.1 real file); 3.6+ writes
    # policies.  GUESS: the switch happened in 3.4.
    cfg["dtype"] = dtype_policy(dtype) if version >= (3, 4) else dtype
    cfg.setdefault("trainable", True)
    for key, value in list(cfg.items()):
        for suffix, module in OBJECT_MODULES:
            if key.endswith(suffix) and isinstance(value, dict):
                cfg[key] = _k3_object(value, module, version)
    if cls == "LeakyReLU" and "alpha" in cfg:
        cfg["negative_slope"] = cfg.pop("alpha")
    if cls == "ThresholdedReLU":  # gone in Keras 3; ReLU(threshold) differs only at x == theta
        warn(f"{cfg['name']}: ThresholdedReLU written as ReLU(threshold=theta) for Keras 3")
        cls, cfg = (
            "ReLU",
            {
                "name": cfg["name"],
                "trainable": cfg["trainable"],
                "dtype": cfg["dtype"],
                "max_value": None,
                "negative_slope": 0.0,
                "threshold": cfg.get("theta", 1.0),
            },
        )
    if cls == "ReLU":
        cfg.setdefault("negative_slope", 0.0)
        cfg.setdefault("threshold", 0.0)
    if cls == "Embedding":
        cfg.pop("input_length", None)
    if cls in CONV_WITH_GROUPS:
        cfg.setdefault("groups", 1)
    if cls == "Dense" and cfg.get("activity_regularizer") is None:
        cfg.pop("activity_regularizer", None)  # Keras 3 Dense.get_config has no such key
    if cls in RNN_CELLS:
        _fix_rnn(cls, cfg)
        if cfg.get("recurrent_activation") == "hard_sigmoid":
            # tfjs/Keras 2 hard_sigmoid is 0.2x+0.5, Keras 3's is x/6+0.5.
            warn(f"{cfg['name']}: hard_sigmoid computes differently in Keras 3")
        cfg.setdefault("zero_output_for_mask", False)
        cfg.setdefault("seed", None)
    if cls in WRAPPERS:
        # GUESS: Keras 3 Bidirectional.get_config also writes backward_layer;
        # loading only needs `layer`, so we write just that.
        inner = cfg["layer"]
        icls, icfg = k3_layer_config(inner["class_name"], inner["config"], version)
        cfg["layer"] = {"module": "keras.layers", "class_name": icls, "config": icfg, "registered_name": None}
        cfg.pop("backward_layer", None)
    return cls, _first_keys(cfg, ["name", "trainable", "dtype"])


def _k3_layer_entry(model, layer, version):
    cls, cfg = k3_layer_config(layer.class_name, layer.config, version)
    entry = {"module": "keras.layers", "class_name": cls, "config": cfg, "registered_name": None}
    in_shape = model.shapes.get(layer.name, {}).get("input_shape")
    if cls not in NO_BUILD_CONFIG and in_shape is not None:
        entry["build_config"] = {"input_shape": in_shape}
    return entry


def _tensor_shape(model, name, tensor_index):
    shape = model.shapes.get(name, {}).get("output_shape")
    if shape and isinstance(shape[0], list):  # several outputs
        shape = shape[tensor_index]
    if shape is None:
        layer = next(l for l in model.layers if l.name == name)
        shape = layer.config.get("batch_input_shape")
    return shape


def _k3_node(model, node):
    def tensor(ref):
        return {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": _tensor_shape(model, ref[0], ref[2]),
                "dtype": "float32",
                "keras_history": [ref[0], ref[1], ref[2]],
            },
        }

    def is_ref(v):
        return isinstance(v, list) and len(v) == 3 and isinstance(v[0], str) and all(isinstance(i, int) for i in v[1:])

    tensors = [tensor(ref) for ref in node]
    kwargs = node[0][3] if node and len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
    # Keras 2 writes tensor kwargs (MultiHeadAttention value=/key=) as [layer, node, tensor];
    # Keras 3 writes them as __keras_tensor__ objects like the positional arguments.
    kwargs = {k: tensor(v) if is_ref(v) else v for k, v in kwargs.items()}
    return {"args": [tensors[0]] if len(tensors) == 1 else [tensors], "kwargs": kwargs}


def k3_model_config(model, version, input_layer_name="input_layer"):
    """config.json content (serialize_keras_object(model)), no compile_config."""
    if model.kind == "Sequential":
        layers = list(model.layers)
        if layers[0].class_name != "InputLayer":
            first = layers[0]
            layers.insert(
                0,
                Layer(
                    "InputLayer",
                    {
                        "batch_input_shape": first.config["batch_input_shape"],
                        "dtype": first.config.get("dtype", "float32"),
                        "name": input_layer_name,
                    },
                ),
            )
        batch_shape = layers[0].config["batch_input_shape"]
        return {
            "module": "keras",
            "class_name": "Sequential",
            "config": {
                "name": model.name,
                "trainable": True,
                "dtype": dtype_policy() if version >= (3, 4) else "float32",
                "layers": [_k3_layer_entry(model, l, version) for l in layers],
                "build_input_shape": batch_shape,
            },
            "registered_name": None,
            "build_config": {"input_shape": batch_shape},
        }
    layers = []
    for l in model.layers:
        entry = _k3_layer_entry(model, l, version)
        entry["name"] = l.name
        entry["inbound_nodes"] = [_k3_node(model, n) for n in l.inbound_nodes]
        layers.append(entry)
    # Keras 3 keeps the structure the model was built with; a model built from
    # single tensors (the usual case) gets a bare [name, node, tensor].
    bare = lambda refs: refs[0] if len(refs) == 1 else refs
    # GUESS: module/registered_name as Keras 3 writes for functional models.
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {
            "name": model.name,
            "trainable": True,
            "layers": layers,
            "input_layers": bare(model.input_layers),
            "output_layers": bare(model.output_layers),
        },
        "registered_name": "Functional",
    }


def tf_keras_v3_config(model):
    """config.json of a TF 2.13-2.15 `.keras`: Keras 2 layer configs wrapped
    new-style.  GUESS (no real file here): module names as in error messages
    seen in public code ("keras.src.engine.functional"), legacy node lists."""
    k2 = k2_model_config(model)
    layers = []
    for raw, entry in zip(_k2_layer_list(model), k2["config"]["layers"]):
        out = {
            "module": "keras.layers",
            "class_name": entry["class_name"],
            "config": entry["config"],
            "registered_name": None,
        }
        in_shape = model.shapes.get(raw, {}).get("input_shape")
        if entry["class_name"] != "InputLayer" and in_shape is not None:
            out["build_config"] = {"input_shape": in_shape}
        for key in ("name", "inbound_nodes"):
            if key in entry:
                out[key] = entry[key]
        layers.append(out)
    config = dict(k2["config"], layers=layers)
    if model.kind == "Sequential":
        return {"module": "keras", "class_name": "Sequential", "config": config, "registered_name": None}
    return {
        "module": "keras.src.engine.functional",
        "class_name": "Functional",
        "config": config,
        "registered_name": "Functional",
    }


def _k2_layer_list(model):
    """Layer names in k2_model_config order (with a synthesized Sequential InputLayer)."""
    names = [l.name for l in model.layers]
    if model.kind == "Sequential" and model.layers[0].class_name != "InputLayer":
        names.insert(0, f"{model.layers[0].name}_input")
    return names


def to_snake_case(name):
    """keras.src.utils.naming.to_snake_case."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def k3_layer_groups(path, layer_cls, layer_cfg, name, weights):
    """(group path, layer name, weights) for a layer and the sublayers Keras 3 visits."""
    if layer_cls in RNN_CELLS:  # real files: layers/lstm/vars (empty) + layers/lstm/cell/vars/0..2
        return [(path, name, []), (f"{path}/cell", RNN_CELLS[layer_cls], weights)]
    if layer_cls in WRAPPERS:
        inner = layer_cfg["layer"]
        icls, icfg = inner["class_name"], inner["config"]
        groups = [(path, name, [])]
        if layer_cls == "TimeDistributed":  # GUESS: Wrapper keeps it as `self.layer`
            return groups + k3_layer_groups(f"{path}/layer", icls, icfg, icfg["name"], weights)
        # GUESS (from keras source, no real file): forward_layer / backward_layer
        # copies named forward_<inner> / backward_<inner>; tfjs lists forward first.
        bare = re.sub(r"^(forward|backward)_", "", icfg["name"])
        is_back = [any(p.startswith("backward") for p in w[0].split(":")[0].split("/")[:-1]) for w in weights]
        back = [w for w, b in zip(weights, is_back) if b]
        fwd = [w for w, b in zip(weights, is_back) if not b]
        for d, ws in (("forward", fwd), ("backward", back)):
            groups += k3_layer_groups(f"{path}/{d}_layer", icls, icfg, f"{d}_{bare}", ws)
        return groups
    return [(path, name, weights)]


def write_k3_weights(h5, model, by_layer, with_names=True, container="layers"):
    """model.weights.h5: <container>/<snake_case class>[_n]/vars/<i>."""

    def make(path, name):
        group = h5.create_group(f"{path}/vars" if path else "vars")
        if with_names:
            group.attrs["name"] = name
        return group

    make("", model.name)
    used = {}
    for layer in model.weighted_layers():
        cls, cfg = k3_layer_config(layer.class_name, layer.config, (3, 12))
        key = to_snake_case(cls)
        if key in used:
            used[key] += 1
            key = f"{key}_{used[key]}"
        else:
            used[key] = 0
        for path, name, ws in k3_layer_groups(
            f"{container}/{key}", layer.class_name, layer.config, layer.name, by_layer.get(layer.name, [])
        ):
            group = make(path, name)
            for i, (_, value) in enumerate(ws):
                group.create_dataset(str(i), data=value)


def _zip_time():
    # SOURCE_DATE_EPOCH makes committed archives reproducible.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch else datetime.datetime.now()
    return when


def write_keras3_zip(path, model, weights, keras_version=KERAS3_VERSION, with_names=None, tf_layout=False):
    """Keras 3 `.keras` archive; tf_layout gives the TF 2.12-2.15 variant."""
    model = as_model(model)
    version = _version_tuple(keras_version)
    if with_names is None:
        with_names = version >= (3, 6)  # `name` attr added in Keras 3.6.0
    by_layer = group_weights(model, weights)
    if tf_layout:
        # GUESS: tf.keras 2.13-2.15 "keras_v3" archives: same snake_case paths
        # under _layer_checkpoint_dependencies/ (Keras 3 maps `layers` to it on
        # load), no name attrs, config in tf.keras 2 style.
        keras_version = keras_version if version < (3,) else KERAS2_VERSION
        config = tf_keras_v3_config(model)
        with_names, container = False, "_layer_checkpoint_dependencies"
    else:
        config = k3_model_config(model, version)
        container = "layers"

    buf = io.BytesIO()
    with h5py.File(buf, "w") as h5:
        write_k3_weights(h5, model, by_layer, with_names, container)
    when = _zip_time()
    metadata = {"keras_version": keras_version, "date_saved": when.strftime("%Y-%m-%d@%H:%M:%S")}
    # As in real files: ZIP_STORED, this member order, the two JSON members
    # (written with zf.open) dated 1980-01-01, the weights (writestr) dated now.
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(path, "w") as zf:
        for name, data, date in (
            ("metadata.json", json.dumps(metadata).encode(), (1980, 1, 1, 0, 0, 0)),
            ("config.json", json.dumps(config).encode(), (1980, 1, 1, 0, 0, 0)),
            ("model.weights.h5", buf.getvalue(), stamp),
        ):
            zf.writestr(zipfile.ZipInfo(name, date_time=date), data)


# -------------------------------------------------------------------------- CLI


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--topology", required=True, help="tfjs toJSON / Keras to_json file")
    p.add_argument("--weights", required=True, help="weights index JSON from keras_export.mjs")
    p.add_argument("--h5", help="Keras 2 full-model .h5 to write")
    p.add_argument("--keras", help="Keras 3 .keras to write")
    p.add_argument("--json", help="model.to_json() file to write (with --weights-h5)")
    p.add_argument("--weights-h5", help="save_weights() .h5 to write (with --json)")
    p.add_argument("--keras2-version", default=KERAS2_VERSION)
    p.add_argument(
        "--keras-version",
        help=f"metadata.json version (default {KERAS3_VERSION}, "
        "3.5.0 with --keras-no-name, 2.15.0 with --keras-tf-layout)",
    )
    p.add_argument("--keras-no-name", action="store_true", help="omit the vars `name` attribute (Keras 3.0-3.5 style)")
    p.add_argument(
        "--keras-tf-layout", action="store_true", help="TF 2.12-2.15 .keras layout (_layer_checkpoint_dependencies/)"
    )
    a = p.parse_args(argv)
    if bool(a.json) != bool(a.weights_h5):
        p.error("--json and --weights-h5 go together")
    model, weights = load_tfjs_export(a.topology, a.weights)
    if a.h5:
        write_keras2_h5(a.h5, model, weights, a.keras2_version)
    if a.keras:
        version = a.keras_version or ("3.5.0" if a.keras_no_name else KERAS3_VERSION)
        write_keras3_zip(
            a.keras, model, weights, version, with_names=False if a.keras_no_name else None, tf_layout=a.keras_tf_layout
        )
    if a.json:
        write_json_and_weights(a.json, a.weights_h5, model, weights, a.keras2_version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
