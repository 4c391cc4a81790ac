#!/usr/bin/env python3
"""Check keras_writer.py against real Keras files: read each real file's
topology and weights, write the same format with keras_writer, and diff the
on-disk structure (tools/check_keras_layout.py dumps) and the config keys.

Usage: keras_writer_roundtrip.py [REAL_FILE ...]
       (default: every .h5 / .keras in /work/shared/keras-real)
       keras_writer_roundtrip.py --keys WRITER_FILE REAL_FILE
       (config keys per layer class, e.g. a tfjs export against a real file)

Ignored, because keras_writer does not write them: optimizer state,
training_config/compile_config, date_saved, keras_version values, and
per-object `shared_object_id`s.  Exit status 1 if any file differs.
"""

import difflib
import glob
import io
import json
import os
import re
import sys
import tempfile
import zipfile

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tools/, for keras_writer
import check_keras_layout  # noqa: E402
import keras_writer as kw  # noqa: E402

REAL_DIR = "/work/shared/keras-real"
# Weight names for Keras 3 files, which only number their variables.
K3_WEIGHT_NAMES = {
    "Dense": ["kernel", "bias"],
    "Conv1D": ["kernel", "bias"],
    "Conv2D": ["kernel", "bias"],
    "Conv1DTranspose": ["kernel", "bias"],
    "Conv2DTranspose": ["kernel", "bias"],
    "LSTM": ["kernel", "recurrent_kernel", "bias"],
    "GRU": ["kernel", "recurrent_kernel", "bias"],
    "SimpleRNN": ["kernel", "recurrent_kernel", "bias"],
    "Embedding": ["embeddings"],
    "BatchNormalization": ["gamma", "beta", "moving_mean", "moving_variance"],
}


def read_k2(path):
    with h5py.File(path, "r") as f:
        model = kw.parse_topology(json.loads(f.attrs["model_config"]))
        g = f["model_weights"]
        weights = []
        for layer in model.weighted_layers():
            for name in g[layer.name].attrs["weight_names"]:
                name = name.decode() if isinstance(name, bytes) else name
                weights.append((layer.name, name, g[layer.name][name][()]))
        return model, weights, f.attrs["keras_version"]


def read_k3(path):
    with zipfile.ZipFile(path) as zf:
        config = json.loads(zf.read("config.json"))
        meta = json.loads(zf.read("metadata.json"))
        h5 = h5py.File(io.BytesIO(zf.read("model.weights.h5")), "r")
    model = kw.parse_topology(config)
    for l in config["config"]["layers"]:  # keep real build shapes
        if "build_config" in l:
            model.shapes[l["config"]["name"]] = {"input_shape": l["build_config"]["input_shape"]}
    weights, used = [], {}
    for layer in model.weighted_layers():
        key = kw.to_snake_case(layer.class_name)
        used[key] = used.get(key, -1) + 1
        key = f"{key}_{used[key]}" if used[key] else key
        values = []
        h5[f"layers/{key}"].visititems(  # called at once, within this iteration
            lambda n, o: values.append((n, o[()])) if isinstance(o, h5py.Dataset) else None  # noqa: B023
        )
        names = K3_WEIGHT_NAMES.get(layer.class_name, [])
        for i, (_, v) in enumerate(sorted(values, key=lambda nv: nv[0])):
            weights.append((layer.name, names[i] if i < len(names) else f"var_{i}", v))
    return model, weights, meta["keras_version"], h5


def layout(path):
    out = io.StringIO()
    check_keras_layout.dump_file(path, out)
    keep = []
    skip_indent = None
    for line in out.getvalue().splitlines():
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None and indent > skip_indent:
            continue
        skip_indent = None
        if re.match(r"\s*(optimizer|optimizer_weights)/$", line):
            skip_indent = indent
            continue
        if re.search(r"@training_config|date_saved|keras_version|== member|^\s*\"|^[{}]", line):
            continue
        line = re.sub(r"str\[\d+\] '\{.*", "<json>", line)  # model_config text itself
        keep.append(line)
    return keep


def config_summary(config):
    """Layer class + sorted config keys + top-level entry keys, for a diff."""

    def walk(obj, out, where):
        if isinstance(obj, dict):
            if "class_name" in obj and isinstance(obj.get("config"), dict):
                keys = sorted(k for k in obj if k != "shared_object_id")
                ckeys = sorted(k for k in obj["config"] if k != "shared_object_id")
                out.append(f"{where}{obj['class_name']} {keys} {ckeys}")
            for k, v in obj.items():
                walk(v, out, where + "  " if k == "config" else where)
        elif isinstance(obj, list):
            for v in obj:
                walk(v, out, where)

    out = []
    walk(config, out, "")
    return out


def compare(real):
    tmp = tempfile.mkdtemp()
    if real.endswith(".keras"):
        model, weights, version, _ = read_k3(real)
        mine = os.path.join(tmp, "mine.keras")
        kw.write_keras3_zip(mine, model, weights, version)
        cfg = lambda p: json.loads(zipfile.ZipFile(p).read("config.json"))
        real_cfg = cfg(real)
        real_cfg.pop("compile_config", None)
        diffs = list(
            difflib.unified_diff(
                config_summary(real_cfg), config_summary(cfg(mine)), "real config", "writer config", lineterm="", n=0
            )
        )
    else:
        model, weights, version = read_k2(real)
        mine = os.path.join(tmp, "mine.h5")
        kw.write_keras2_h5(mine, model, weights, version)
        diffs = []
    diffs += list(difflib.unified_diff(layout(real), layout(mine), "real layout", "writer layout", lineterm="", n=0))
    return diffs


def comparable(path):
    """The writer targets tf.keras 2.15 h5 and Keras 3; older h5 files differ on purpose
    (fixed-length string attrs, no RNN cell scope, no top_level_model_weights)."""
    if path.endswith(".keras"):
        return True
    with h5py.File(path, "r") as f:
        version = str(f.attrs.get("keras_version", "1"))
    return kw._version_tuple(version) >= (2, 13)


def _configs(path):
    """Layer configs (Keras 2 or 3 file) by class name: {class: {key: value}}."""
    if path.endswith(".keras"):
        cfg = json.loads(zipfile.ZipFile(path).read("config.json"))
    else:
        with h5py.File(path, "r") as f:
            cfg = json.loads(f.attrs["model_config"])
    layers = cfg["config"]["layers"] if isinstance(cfg["config"], dict) else cfg["config"]
    out = {}
    for l in layers:
        out.setdefault(l["class_name"], dict(l["config"], _entry_keys=sorted(l)))
    return out


def compare_keys(mine, real):
    """--keys MINE REAL: per shared layer class, config keys only one side has."""
    a, b = _configs(mine), _configs(real)
    for cls in sorted(set(a) & set(b)):
        ka = {k for k in a[cls] if k != "shared_object_id"}
        kb = {k for k in b[cls] if k != "shared_object_id"}
        only_a = sorted(ka - kb)
        only_b = sorted(kb - ka)
        entry = (
            ""
            if a[cls]["_entry_keys"] == b[cls]["_entry_keys"]
            else f" entry keys {a[cls]['_entry_keys']} vs {b[cls]['_entry_keys']}"
        )
        print(f"{cls}: only writer {only_a} only real {only_b}{entry}")
    print(f"classes only in writer file: {sorted(set(a) - set(b))}")


def main(argv):
    if len(argv) == 4 and argv[1] == "--keys":
        compare_keys(argv[2], argv[3])
        return 0
    files = argv[1:]
    if not files:
        files = sorted(glob.glob(f"{REAL_DIR}/*.h5") + glob.glob(f"{REAL_DIR}/*.keras"))
        for f in files:
            if not comparable(f):
                print(f"### {os.path.basename(f)}: skipped (older Keras than the writer emits)")
        files = [f for f in files if comparable(f)]
    status = 0
    for real in files:
        try:
            diffs = compare(real)
        except Exception as e:  # report and go on: some real files are out of scope
            print(f"### {os.path.basename(real)}: not handled: {type(e).__name__}: {e}")
            status = 1
            continue
        print(f"### {os.path.basename(real)}: {'same layout' if not diffs else 'DIFFERENT'}")
        for d in diffs:
            print("   " + d)
        status |= bool(diffs)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
