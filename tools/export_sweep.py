"""The model set of `bench/compare --sweep` (issue 15): every torchvision classification, segmentation and video
model that exports here, the Keras zoo, and the ONNX models the tests use. Writes OUTDIR/sweep.json, which
bench/compare.py reads, and OUTDIR/<name>/model.onnx for each torchvision export.

    .venv/bin/python tools/export_sweep.py build/sweep-models [--only resnet18,...] [--time-limit 3600]

torchvision models are built with weights=None and torch.manual_seed(0), their BatchNorm statistics calibrated
on 4 seeded random inputs (tools/export_torchvision.py's make_meaningful, so activations stay O(1) as in a
trained network and no denormals skew the timing), and exported by torch.onnx (opset 17, batch 1).
Inputs: 224x224 images (inception_v3: 299; segmentation models also 224 to keep the sweep within the machine's
time), video clips of 16 frames at 112x112 (r3d/mc3/r2plus1d) or 224x224 (s3d, mvit, swin3d). Models over
300M parameters (vit_h_14, regnet_y_128gf) are skipped: their files pass 1 GB and a 2-core run of three
runtimes takes longer than the sweep's budget. Failures (an exporter error, a model torch cannot trace) are
recorded in sweep.json with their first line. Existing exports are kept.

Keras zoo: each model's Keras 3 .keras under --keras-dir (tools/keras_zoo.py's output, default build/keras_zoo;
bench/models.json's Keras models come with bench/compare itself), converted by bench/compare with
`konnx convert`; the tests' ONNX models: every model.onnx under build/test-models/ (tools/prepare_model_tests.sh).
Their inputs ("from-model") are read from the .onnx bench/compare loads: seeded uniform floats in [-1, 1],
integers in [0, 2), symbolic dims 1.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
import traceback
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_PARAMS = 300_000_000


def tv_models() -> list[tuple[str, str]]:
    import torchvision

    out = []
    for kind, module in (
        ("classification", torchvision.models),
        ("segmentation", torchvision.models.segmentation),
        ("video", torchvision.models.video),
    ):
        for name in torchvision.models.list_models(module=module):
            out.append((kind, name))
    return out


def input_shape(kind: str, name: str) -> list[int]:
    if kind == "video":
        return [1, 3, 16, 112, 112] if name in ("r3d_18", "mc3_18", "r2plus1d_18") else [1, 3, 16, 224, 224]
    return [1, 3, 299, 299] if name == "inception_v3" else [1, 3, 224, 224]


def export_tv(kind: str, name: str, folder: str) -> dict:
    import torch
    import torchvision

    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from export_torchvision import make_meaningful

    path = os.path.join(folder, "model.onnx")
    shape = input_shape(kind, name)
    entry = {
        "id": f"tv_{name}",
        "label": f"torchvision {name}",
        "kind": kind,
        "file": os.path.relpath(path, ROOT),
        "inputs": {"input": {"shape": shape[1:], "range": [-2, 2]}},
    }
    if os.path.exists(path):
        return entry
    torch.manual_seed(0)
    kwargs = {"aux_logits": False, "init_weights": True} if name in ("inception_v3", "googlenet") else {}
    if kind == "segmentation":
        kwargs["aux_loss"] = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = torchvision.models.get_model(name, weights=None, **kwargs).eval()
    params = sum(p.numel() for p in model.parameters())
    if params > MAX_PARAMS:
        raise RuntimeError(f"skipped: {params / 1e6:.0f}M parameters (over {MAX_PARAMS // 1_000_000}M)")

    class Main(torch.nn.Module):  # segmentation models return {"out": ...}
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = self.inner(x)
            return y["out"] if isinstance(y, dict) else y

    calib = torch.randn([4] + shape[1:], generator=torch.Generator().manual_seed(2))
    wrapped = Main(model).eval()
    try:
        make_meaningful(name, wrapped, calib)
    except Exception as e:  # noqa: BLE001 - BN calibration is a nicety for timing, not required
        print(f"{name}: BatchNorm calibration skipped ({type(e).__name__})", file=sys.stderr)
    os.makedirs(folder, exist_ok=True)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(0))
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapped,
            (x,),
            path + ".tmp",
            input_names=["input"],
            output_names=["output"],
            opset_version=17,
            do_constant_folding=True,
            dynamo=False,
        )
    os.replace(path + ".tmp", path)
    return entry


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--only", default="", help="comma-separated torchvision names")
    ap.add_argument("--keras-dir", default=os.path.join(ROOT, "build", "keras_zoo"))
    ap.add_argument("--time-limit", type=float, default=3 * 3600, help="seconds for the torchvision exports")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    models, failed = [], []
    started = time.time()
    wanted = set(filter(None, args.only.split(",")))
    for kind, name in tv_models():
        if wanted and name not in wanted:
            continue
        if time.time() - started > args.time_limit:
            failed.append({"model": f"tv_{name}", "error": "not exported: time limit"})
            continue
        t0 = time.time()
        try:
            models.append(export_tv(kind, name, os.path.join(args.outdir, name)))
            print(f"{name:28s} ok ({time.time() - t0:.0f} s)", flush=True)
        except Exception as e:  # noqa: BLE001 - one model failing to export must not stop the sweep
            first = next((ln for ln in str(e).splitlines() if ln.strip()), type(e).__name__)
            failed.append({"model": f"tv_{name}", "error": first[:300]})
            print(f"{name:28s} FAILED: {first[:200]}", flush=True)
            if os.environ.get("KONNX_SWEEP_TRACE"):
                traceback.print_exc()
    keras_files = glob.glob(os.path.join(args.keras_dir, "*", "*.keras"))
    for path in sorted(p for p in keras_files if not p.endswith(".tfk2.keras")):  # one file per model
        stem = os.path.splitext(os.path.basename(path))[0]
        models.append(
            {
                "id": f"keras_zoo_{stem}",
                "label": f"Keras {stem}",
                "kind": "keras zoo",
                "file": os.path.relpath(path, ROOT),
                "inputs": "from-model",
            }
        )
    for path in sorted(glob.glob(os.path.join(ROOT, "build", "test-models", "**", "model.onnx"), recursive=True)):
        rel = os.path.relpath(os.path.dirname(path), os.path.join(ROOT, "build", "test-models"))
        models.append(
            {
                "id": "test_" + rel.replace("/", "_"),
                "label": rel,
                "kind": "test model",
                "file": os.path.relpath(path, ROOT),
                "inputs": "from-model",
            }
        )
    with open(os.path.join(args.outdir, "sweep.json"), "w") as f:
        json.dump({"models": models, "failed": failed}, f, indent=1)
    print(f"{len(models)} models, {len(failed)} not exported -> {os.path.join(args.outdir, 'sweep.json')}")


if __name__ == "__main__":
    main()
