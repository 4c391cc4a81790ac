"""Models for bench/compare beyond the small Keras ones (issue 15), written into OUTDIR (build/bench-models):

  keras_efficientnet_b0.keras   keras.applications.EfficientNetB0, weights=None (Keras 3 .keras)
  keras_mobilenet_v3.keras      keras.applications.MobileNetV3Large, weights=None (Keras 3 .keras)
  bert_encoder.onnx             a BERT-base-shaped Transformer encoder from PyTorch (12 layers, hidden 768,
                                12 heads, FFN 3072, GELU, post-LayerNorm; token + position embeddings), inputs
                                input_ids and attention_mask [batch, 128] int64, exported with torch.onnx

Weights are seeded (keras.utils.set_random_seed(0), torch.manual_seed(0)), so every run writes the same
models; nothing is downloaded. Files that exist are kept (--force rewrites).

    .venv/bin/python tools/make_bench_zoo.py build/bench-models [--only keras|torch] [--force]
"""

from __future__ import annotations

import argparse
import math
import os
import warnings

SEQ = 128


def make_keras(out: str, force: bool) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    for name, ctor in [
        ("keras_efficientnet_b0", keras.applications.EfficientNetB0),
        ("keras_mobilenet_v3", keras.applications.MobileNetV3Large),
    ]:
        path = os.path.join(out, name + ".keras")
        if os.path.exists(path) and not force:
            continue
        keras.utils.set_random_seed(0)
        # The Input is named explicitly: Keras numbers auto-named layers per process (the second model built here
        # would get `input_layer_1`), and bench/models.json feeds `input_layer`.
        model = ctor(weights=None, input_tensor=keras.Input(shape=(224, 224, 3), name="input_layer"))
        model.save(path + ".tmp.keras")
        os.replace(path + ".tmp.keras", path)
        print(path)


def make_bert(out: str, force: bool) -> None:
    import torch
    from torch import nn

    path = os.path.join(out, "bert_encoder.onnx")
    if os.path.exists(path) and not force:
        return

    class Layer(nn.Module):  # as Hugging Face's BertLayer: separate Q/K/V projections, additive mask, erf GELU
        def __init__(self, hidden: int, heads: int, ffn: int) -> None:
            super().__init__()
            self.heads, self.head = heads, hidden // heads
            self.q, self.k, self.v, self.out = (nn.Linear(hidden, hidden) for _ in range(4))
            self.norm1, self.norm2 = nn.LayerNorm(hidden, eps=1e-12), nn.LayerNorm(hidden, eps=1e-12)
            self.up, self.down = nn.Linear(hidden, ffn), nn.Linear(ffn, hidden)

        def split(self, x: torch.Tensor) -> torch.Tensor:
            return x.view(x.shape[0], x.shape[1], self.heads, self.head).transpose(1, 2)

        def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
            scores = q @ k.transpose(-1, -2) / math.sqrt(self.head) + mask
            context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(x.shape)
            x = self.norm1(x + self.out(context))
            return self.norm2(x + self.down(nn.functional.gelu(self.up(x))))

    class Encoder(nn.Module):
        def __init__(
            self, vocab: int = 30522, hidden: int = 768, layers: int = 12, heads: int = 12, ffn: int = 3072
        ) -> None:
            super().__init__()
            self.tokens = nn.Embedding(vocab, hidden)
            self.positions = nn.Embedding(512, hidden)
            self.norm = nn.LayerNorm(hidden, eps=1e-12)
            self.layers = nn.ModuleList(Layer(hidden, heads, ffn) for _ in range(layers))

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            pos = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
            x = self.norm(self.tokens(input_ids) + self.positions(pos))
            mask = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
            for layer in self.layers:
                x = layer(x, mask)
            return x

    torch.manual_seed(0)
    model = Encoder().eval()
    ids = torch.randint(0, 30522, (1, SEQ))
    mask = torch.ones(1, SEQ, dtype=torch.int64)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (ids, mask),
            path + ".tmp",
            input_names=["input_ids", "attention_mask"],
            output_names=["hidden"],
            opset_version=17,
            do_constant_folding=True,
            dynamo=False,
            dynamic_axes={"input_ids": {0: "batch"}, "attention_mask": {0: "batch"}},
        )
    os.replace(path + ".tmp", path)
    print(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--only", choices=["keras", "torch"])
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    if args.only != "torch":
        make_keras(args.outdir, args.force)
    if args.only != "keras":
        make_bert(args.outdir, args.force)


if __name__ == "__main__":
    main()
