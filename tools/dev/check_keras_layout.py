#!/usr/bin/env python3
"""Print the on-disk structure of a Keras file so two files can be diffed.

Usage: tools/dev/check_keras_layout.py FILE [--values] [--config]

FILE may be a Keras 2 .h5 (full model or weights only), a Keras 3 .keras zip
(metadata.json, config.json and model.weights.h5 are all shown) or a bare
.weights.h5.  The output lists every group, dataset (shape, dtype) and
attribute (type and a short preview) in sorted order, one per line, so that
`diff <(check_keras_layout.py a.h5) <(check_keras_layout.py b.h5)` shows only
real layout differences.  --config also pretty-prints JSON attributes/members
with sorted keys; --values prints the first few numbers of each dataset.
"""

import io
import json
import signal
import sys
import zipfile

import h5py
import numpy as np


def _attr_repr(value, show_config):
    """Short, type-revealing description of an HDF5 attribute value."""
    if isinstance(value, bytes):
        text = value.decode("utf-8", "replace")
        kind = "bytes"
    elif isinstance(value, str):
        text = value
        kind = "str"
    elif isinstance(value, np.ndarray):
        items = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in value.ravel().tolist()]
        return f"array[{value.dtype.str} x{value.size}] {items[:8]}" + (" ..." if len(items) > 8 else "")
    else:
        return f"{type(value).__name__} {value!r}"
    if show_config and text[:1] in "{[":
        try:
            return f"{kind} JSON\n" + json.dumps(json.loads(text), indent=1, sort_keys=True)
        except ValueError:
            pass
    return f"{kind}[{len(text)}] {text[:100]!r}"


def _attr_dtype(obj, key):
    """The stored HDF5 type of an attribute: str dtype, vlen or fixed-length."""
    tid = obj.attrs.get_id(key).get_type()
    if isinstance(tid, h5py.h5t.TypeStringID):
        cset = "utf8" if tid.get_cset() == h5py.h5t.CSET_UTF8 else "ascii"
        size = "vlen" if tid.is_variable_str() else f"S{tid.get_size()}"
        return f"string({size},{cset})"
    return obj.attrs.get_id(key).dtype.str


def dump_h5(h5, out, show_values=False, show_config=False, prefix=""):
    def attrs(obj, indent):
        for key in sorted(obj.attrs.keys()):
            shape = obj.attrs.get_id(key).shape
            out.write(
                f"{indent}@{key} <{_attr_dtype(obj, key)} shape={shape}> {_attr_repr(obj.attrs[key], show_config)}\n"
            )

    out.write(f"{prefix}/\n")
    attrs(h5, prefix + "  ")

    def visit(name, obj):
        depth = name.count("/") + 1
        indent = prefix + "  " * depth
        if isinstance(obj, h5py.Dataset):
            line = f"{indent}{name.split('/')[-1]}  dataset {obj.shape} {obj.dtype.str}"
            if show_values and obj.size:
                line += f" {np.asarray(obj).ravel()[:4].tolist()}"
            out.write(line + "\n")
        else:
            out.write(f"{indent}{name.split('/')[-1]}/\n")
        attrs(obj, indent + "  ")

    # visititems sorts by name within each group, which gives a stable order
    h5.visititems(visit)


def dump_file(path, out=sys.stdout, show_values=False, show_config=False):
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                out.write(
                    f"== member {info.filename} ({info.file_size} bytes, "
                    f"{'stored' if info.compress_type == 0 else 'deflated'})\n"
                )
                data = zf.read(info.filename)
                if info.filename.endswith(".json"):
                    obj = json.loads(data)
                    if info.filename == "metadata.json":
                        out.write(f"  keys {sorted(obj)}\n")
                    if show_config or info.filename == "metadata.json":
                        out.write(json.dumps(obj, indent=1, sort_keys=True) + "\n")
                elif info.filename.endswith(".h5"):
                    with h5py.File(io.BytesIO(data), "r") as h5:
                        dump_h5(h5, out, show_values, show_config, prefix="  ")
    else:
        with h5py.File(path, "r") as h5:
            dump_h5(h5, out, show_values, show_config)


def main(argv):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    files = [a for a in argv[1:] if not a.startswith("--")]
    if not files:
        sys.stderr.write(__doc__)
        return 2
    for path in files:
        if len(files) > 1:
            print(f"##### {path}")
        dump_file(path, show_values="--values" in argv, show_config="--config" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
