// SPDX-License-Identifier: MIT
// Parity oracle for the Keras converter: runs a converted .onnx in onnxruntime-node and the same Keras
// model (topology + weights dumped by the C++ test) in TensorFlow.js layers (Keras's JavaScript port), on
// the same .npy inputs, and compares every output element: |ort - tfjs| <= atol + rtol * |tfjs|.
//
//   node keras_parity.mjs CASE.json      (prints one JSON result line on stdout)
//
// CASE.json: {"onnx": path, "topology": {...Keras model JSON...}, "weights_bin": path,
//             "weights": [{"layer": name, "shapes": [[...], ...]}], "inputs": [{"name", "file"}],
//             "atol": 1e-4, "rtol": 1e-3, "skip_tfjs": false}
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';

function readNpy(path) {
  const buf = fs.readFileSync(path);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + headerLen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)[1];
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const data = buf.subarray(start + headerLen);
  const copy = new Uint8Array(data.length);
  copy.set(data);
  let arr;
  if (descr === '<f4') arr = new Float32Array(copy.buffer);
  else if (descr === '<i4') arr = new Int32Array(copy.buffer);
  else if (descr === '<i8') arr = new BigInt64Array(copy.buffer);
  else throw new Error(`unsupported npy dtype ${descr}`);
  return { shape, data: arr, descr };
}

function findLayer(model, name) {
  for (const l of model.layers) {
    if (l.name === name) return l;
    if (l.layers) {
      const inner = findLayer(l, name);
      if (inner) return inner;
    }
  }
  return null;
}

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const inputs = spec.inputs.map((i) => ({ name: i.name, ...readNpy(i.file) }));
  const result = { ort: null, tfjs: null, outputs: [] };

  const session = await ort.InferenceSession.create(spec.onnx);
  const feeds = {};
  for (const i of inputs) {
    const type = i.descr === '<f4' ? 'float32' : i.descr === '<i4' ? 'int32' : 'int64';
    feeds[i.name] = new ort.Tensor(type, i.data, i.shape);
  }
  const ortOut = await session.run(feeds);
  const ortList = session.outputNames.map((n) => ({ name: n, data: ortOut[n].data, shape: ortOut[n].dims }));
  result.ort = 'ok';

  let tfList = null;
  if (!spec.skip_tfjs) {
    try {
      const model = await tf.models.modelFromJSON({ modelTopology: spec.topology });
      const bin = fs.readFileSync(spec.weights_bin);
      const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
      let off = 0;
      for (const w of spec.weights) {
        const layer = findLayer(model, w.layer);
        if (!layer) throw new Error(`tfjs model has no layer ${w.layer}`);
        const tensors = w.shapes.map((s) => {
          const n = s.reduce((a, b) => a * b, 1);
          const t = tf.tensor(floats.slice(off, off + n), s, 'float32');
          off += n;
          return t;
        });
        layer.setWeights(tensors);
      }
      const xs = inputs.map((i) => tf.tensor(Float32Array.from(i.data, Number), i.shape, 'float32'));
      let ys = model.predict(xs.length === 1 ? xs[0] : xs);
      if (!Array.isArray(ys)) ys = [ys];
      tfList = ys.map((y) => ({ data: y.dataSync(), shape: y.shape }));
      result.tfjs = 'ok';
    } catch (e) {
      result.tfjs = `unavailable: ${String(e.message || e).split('\n')[0]}`;
    }
  } else {
    result.tfjs = 'skipped';
  }

  for (let k = 0; k < ortList.length; ++k) {
    const o = ortList[k];
    const entry = { name: o.name, shape: o.shape, finite: Array.from(o.data).every((v) => Number.isFinite(Number(v))) };
    if (tfList && k < tfList.length) {
      const t = tfList[k];
      entry.tfjs_shape = t.shape;
      let maxErr = 0;
      let worst = 0;
      const pass = t.data.length === o.data.length;
      for (let i = 0; pass && i < o.data.length; ++i) {
        const err = Math.abs(o.data[i] - t.data[i]);
        maxErr = Math.max(maxErr, err);
        const excess = err - (spec.atol + spec.rtol * Math.abs(t.data[i]));
        if (excess > worst) worst = excess;
      }
      entry.max_abs_err = maxErr;
      entry.pass = pass && worst <= 0;
    }
    result.outputs.push(entry);
  }
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.log(JSON.stringify({ error: String(e.message || e).split('\n')[0] }));
  process.exit(2);
});
