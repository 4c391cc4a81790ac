// SPDX-License-Identifier: MIT
// Parity oracle for the Keras converter: runs a converted .onnx in onnxruntime-node and the same Keras
// model (topology + weights dumped by the C++ test) in TensorFlow.js layers (Keras's JavaScript port), on
// the same .npy inputs, and compares every output element: |ort - tfjs| <= atol + rtol * |tfjs|.
//
//   node keras_parity.mjs CASE.json      (prints one JSON result line on stdout)
//
// CASE.json: {"onnx": path, "topology": {...Keras model JSON...}, "weights_bin": path,
//             "weights": [{"layer": name, "shapes": [[...], ...]}], "inputs": [{"name", "file"}],
//             "atol": 1e-4, "rtol": 1e-3, "skip_tfjs": false, "out_dir": path}
// With out_dir, each output k is also saved as out_dir/ort_<k>.npy and out_dir/tfjs_<k>.npy (float32), so the
// C++ test can hold konnx's own engine against both.
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { saveNpy } from './keras_export.mjs';

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

// ---- Reference layers for what tfjs-layers lacks, written from Keras's own formulas (not from ONNX).

function act(name, x) {
  switch (name) {
    case 'linear': return x;
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'relu': return tf.relu(x);
    case 'hardSigmoid':
    case 'hard_sigmoid': return tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);  // Keras 2 definition
    default: throw new Error(`reference activation ${name} not implemented`);
  }
}

// (tfjs hands layer configs over with camelCase keys.)
// Keras GRU with reset_after=True (the cuDNN-compatible variant tfjs does not implement):
//   x_z, x_r, x_h = x W + b_in;  r_z, r_r, r_h = h U + b_rec
//   z = rec_act(x_z + r_z); r = rec_act(x_r + r_r); hh = act(x_h + r * r_h); h = z * h + (1 - z) * hh
class GRUResetAfterRef extends tf.layers.Layer {
  static className = 'GRUResetAfterRef';
  constructor(cfg) {
    super(cfg);
    this.units = cfg.units;
    this.useBias = cfg.useBias !== false;
    this.returnSequences = !!cfg.returnSequences;
    this.goBackwards = !!cfg.goBackwards;
    this.activation = cfg.activation || 'tanh';
    this.recurrentActivation = cfg.recurrentActivation || 'sigmoid';
  }
  build(inputShape) {
    const shape = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
    const u = this.units;
    this.kernel = this.addWeight('kernel', [shape[shape.length - 1], 3 * u], 'float32', tf.initializers.zeros());
    this.recurrent = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', tf.initializers.zeros());
    if (this.useBias) this.bias = this.addWeight('bias', [2, 3 * u], 'float32', tf.initializers.zeros());
    this.built = true;
  }
  computeOutputShape(inputShape) {
    const s = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
    return this.returnSequences ? [s[0], s[1], this.units] : [s[0], this.units];
  }
  call(inputs) {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const x = list[0];
      const u = this.units;
      const [n, t] = x.shape;
      let h = list.length > 1 ? list[1] : tf.zeros([n, u]);
      const k = this.kernel.read(), r = this.recurrent.read();
      const b = this.useBias ? this.bias.read() : tf.zeros([2, 3 * u]);
      const bIn = b.slice([0, 0], [1, 3 * u]), bRec = b.slice([1, 0], [1, 3 * u]);
      const steps = tf.unstack(x, 1);
      if (this.goBackwards) steps.reverse();
      const outs = [];
      for (const xt of steps) {
        const mx = tf.add(tf.matMul(xt, k), bIn);
        const mh = tf.add(tf.matMul(h, r), bRec);
        const [xz, xr, xh] = tf.split(mx, 3, 1);
        const [hz, hr, hh] = tf.split(mh, 3, 1);
        const z = act(this.recurrentActivation, tf.add(xz, hz));
        const rr = act(this.recurrentActivation, tf.add(xr, hr));
        const cand = act(this.activation, tf.add(xh, tf.mul(rr, hh)));
        h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), cand));
        outs.push(h);
      }
      void t;
      return this.returnSequences ? tf.stack(outs, 1) : h;
    });
  }
  getConfig() { return { ...super.getConfig(), units: this.units }; }
}
tf.serialization.registerClass(GRUResetAfterRef);

// Keras Conv1DTranspose as a Conv2DTranspose over a unit height (tf.nn.conv_transpose semantics).
class Conv1DTransposeRef extends tf.layers.Layer {
  static className = 'Conv1DTransposeRef';
  constructor(cfg) {
    super(cfg);
    this.filters = cfg.filters;
    this.k = [].concat(cfg.kernelSize)[0];
    this.s = [].concat(cfg.strides || 1)[0];
    this.padding = cfg.padding || 'valid';
    this.useBias = cfg.useBias !== false;
    this.activation = cfg.activation || 'linear';
    if (cfg.outputPadding) throw new Error('reference Conv1DTranspose: output_padding not implemented');
    if ([].concat(cfg.dilationRate || 1)[0] !== 1) throw new Error('reference Conv1DTranspose: dilation');
  }
  build(inputShape) {
    this.kernel = this.addWeight('kernel', [this.k, this.filters, inputShape[2]], 'float32', tf.initializers.zeros());
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }
  outLen(t) { return this.padding === 'same' ? t * this.s : t * this.s + Math.max(this.k - this.s, 0); }
  computeOutputShape(s) { return [s[0], s[1] == null ? null : this.outLen(s[1]), this.filters]; }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [n, t, c] = x.shape;
      const w = this.kernel.read().reshape([1, this.k, this.filters, c]);
      let y = tf.conv2dTranspose(x.reshape([n, 1, t, c]), w, [n, 1, this.outLen(t), this.filters], [1, this.s],
                                 this.padding);
      y = y.reshape([n, this.outLen(t), this.filters]);
      if (this.useBias) y = tf.add(y, this.bias.read());
      return act(this.activation, y);
    });
  }
}
tf.serialization.registerClass(Conv1DTransposeRef);

// Keras MultiHeadAttention (keras/src/layers/attention/multi_head_attention.py): EinsumDense projections
// "abc,cde->abde", query scaled by 1/sqrt(key_dim), scores "aecd,abcd->acbe", softmax over keys, context
// "acbe,aecd->abcd", output EinsumDense "abcd,cde->abe". Weights in Keras order: query, key, value, output.
class MultiHeadAttentionRef extends tf.layers.Layer {
  static className = 'MultiHeadAttentionRef';
  constructor(cfg) {
    super(cfg);
    this.h = cfg.numHeads;
    this.kd = cfg.keyDim;
    this.vd = cfg.valueDim || cfg.keyDim;
    this.useBias = cfg.useBias !== false;
  }
  build(s) {
    const z = tf.initializers.zeros();
    const q = s[0], v = s[1], k = s[2] || s[1];
    const add = (n, shape) => this.addWeight(n, shape, 'float32', z);
    this.w = [];
    for (const [n, c, d] of [['query', q[2], this.kd], ['key', k[2], this.kd], ['value', v[2], this.vd]]) {
      this.w.push(add(`${n}_kernel`, [c, this.h, d]));
      if (this.useBias) this.w.push(add(`${n}_bias`, [this.h, d]));
    }
    this.w.push(add('output_kernel', [this.h, this.vd, q[2]]));
    if (this.useBias) this.w.push(add('output_bias', [q[2]]));
    this.built = true;
  }
  computeOutputShape(s) { return s[0]; }
  call(inputs) {
    return tf.tidy(() => {
      const [q, v] = inputs;
      const k = inputs[2] || v;
      let i = 0;
      const next = () => this.w[i++].read();
      const proj = (x, d) => {
        const [b, t, c] = x.shape;
        let y = tf.matMul(x.reshape([b * t, c]), next().reshape([c, this.h * d])).reshape([b, t, this.h, d]);
        if (this.useBias) y = tf.add(y, next());
        return y;
      };
      const Q = tf.mul(proj(q, this.kd), 1 / Math.sqrt(this.kd));
      const K = proj(k, this.kd);
      const V = proj(v, this.vd);
      const scores = tf.matMul(Q.transpose([0, 2, 1, 3]), K.transpose([0, 2, 3, 1]));
      const ctx = tf.matMul(tf.softmax(scores, -1), V.transpose([0, 2, 1, 3])).transpose([0, 2, 1, 3]);
      const [b, t] = ctx.shape;
      let out = tf.matMul(ctx.reshape([b * t, this.h * this.vd]), next().reshape([this.h * this.vd, -1]));
      out = out.reshape([b, t, -1]);
      if (this.useBias) out = tf.add(out, next());
      return out;
    });
  }
}
tf.serialization.registerClass(MultiHeadAttentionRef);

// Keras Attention (Luong): scores = q k^T (times a learned scalar when use_scale), softmax, times v.
class AttentionRef extends tf.layers.Layer {
  static className = 'AttentionRef';
  constructor(cfg) {
    super(cfg);
    this.useScale = !!cfg.useScale;
  }
  build() {
    if (this.useScale) this.scale = this.addWeight('scale', [], 'float32', tf.initializers.ones());
    this.built = true;
  }
  computeOutputShape(s) { return [s[0][0], s[0][1], s[1][2]]; }
  call(inputs) {
    return tf.tidy(() => {
      const [q, v] = inputs;
      const k = inputs[2] || v;
      let scores = tf.matMul(q, k, false, true);
      if (this.useScale) scores = tf.mul(scores, this.scale.read());
      return tf.matMul(tf.softmax(scores, -1), v);
    });
  }
}
tf.serialization.registerClass(AttentionRef);

// Keras AdditiveAttention: scores[b,i,j] = sum_d scale[d] tanh(q[b,i,d] + k[b,j,d]); softmax; times v.
class AdditiveAttentionRef extends tf.layers.Layer {
  static className = 'AdditiveAttentionRef';
  constructor(cfg) {
    super(cfg);
    this.useScale = cfg.useScale !== false;
  }
  build(s) {
    if (this.useScale) this.scale = this.addWeight('scale', [s[0][2]], 'float32', tf.initializers.ones());
    this.built = true;
  }
  computeOutputShape(s) { return [s[0][0], s[0][1], s[1][2]]; }
  call(inputs) {
    return tf.tidy(() => {
      const [q, v] = inputs;
      const k = inputs[2] || v;
      let t = tf.tanh(tf.add(q.expandDims(2), k.expandDims(1)));
      if (this.useScale) t = tf.mul(t, this.scale.read());
      return tf.matMul(tf.softmax(tf.sum(t, -1), -1), v);
    });
  }
}
tf.serialization.registerClass(AdditiveAttentionRef);

// Keras ReLU with threshold / negative_slope (Keras 3 writes ThresholdedReLU as ReLU(threshold=theta);
// tfjs's ReLU has only max_value): f(x) = max_value for x >= max_value, x for threshold <= x < max_value,
// negative_slope * (x - threshold) below the threshold.
class ReLURef extends tf.layers.Layer {
  static className = 'ReLURef';
  constructor(cfg) {
    super(cfg);
    this.maxValue = cfg.maxValue == null ? null : cfg.maxValue;
    this.negativeSlope = cfg.negativeSlope || 0;
    this.threshold = cfg.threshold || 0;
  }
  computeOutputShape(s) { return s; }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const below = tf.mul(tf.sub(x, this.threshold), this.negativeSlope);
      let y = tf.where(tf.greaterEqual(x, this.threshold), x, below);
      if (this.maxValue != null) y = tf.minimum(y, this.maxValue);
      return y;
    });
  }
}
tf.serialization.registerClass(ReLURef);

// Keras UpSampling2D(interpolation="bilinear") from tf.keras 2.4 / Keras 3 on: tf.image.resize with half-pixel
// centres; tfjs's own UpSampling2D follows standalone Keras (no half-pixel centres).
class UpSampling2DHalfPixelRef extends tf.layers.Layer {
  static className = 'UpSampling2DHalfPixelRef';
  constructor(cfg) {
    super(cfg);
    this.size = cfg.size || [2, 2];
    this.channelsFirst = cfg.dataFormat === 'channels_first';
  }
  computeOutputShape(s) {
    const o = s.slice();
    const [h, w] = this.channelsFirst ? [2, 3] : [1, 2];
    if (o[h] != null) o[h] *= this.size[0];
    if (o[w] != null) o[w] *= this.size[1];
    return o;
  }
  call(inputs) {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (this.channelsFirst) x = x.transpose([0, 2, 3, 1]);
      let y = tf.image.resizeBilinear(x, [x.shape[1] * this.size[0], x.shape[2] * this.size[1]], false, true);
      if (this.channelsFirst) y = y.transpose([0, 3, 1, 2]);
      return y;
    });
  }
}
tf.serialization.registerClass(UpSampling2DHalfPixelRef);

// Keras versions whose UpSampling2D bilinear samples at half-pixel centres (the converter's rule too):
// tf.keras ("-tf" versions), Keras 2.4+ and Keras 3.
function halfPixelUpsampling(version) {
  const v = String(version || '1');
  if (v.includes('-tf')) return true;
  const [major, minor] = v.split('.').map(Number);
  return major >= 3 || (major === 2 && minor >= 4);
}

const IDENTITY_LAYERS = new Set(['SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'AlphaDropout',
  'GaussianNoise', 'GaussianDropout', 'ActivityRegularization']);

// Swaps classes tfjs cannot build for the reference layers above (identity-at-inference layers become
// linear activations).
function rewriteTopology(topology) {
  const halfPixel = halfPixelUpsampling(topology.keras_version);
  const visit = (layers) => {
    for (const l of layers) {
      if (IDENTITY_LAYERS.has(l.class_name)) {
        l.class_name = 'Activation';
        l.config = { name: l.config.name, activation: 'linear', trainable: false };
      } else if (l.class_name === 'GRU' && l.config.reset_after) {
        l.class_name = 'GRUResetAfterRef';
      } else if (l.class_name === 'Conv1DTranspose') {
        l.class_name = 'Conv1DTransposeRef';
      } else if (l.class_name === 'MultiHeadAttention') {
        l.class_name = 'MultiHeadAttentionRef';
        // Tensor kwargs (value=, key=) become positional inputs for the reference layer.
        l.inbound_nodes = (l.inbound_nodes || []).map((node) => {
          const out = [];
          for (const e of node) {
            out.push([e[0], e[1], e[2], {}]);
            for (const key of ['value', 'key']) {
              const r = e[3] && e[3][key];
              if (Array.isArray(r) && typeof r[0] === 'string') out.push([r[0], r[1], r[2], {}]);
            }
          }
          return out;
        });
      } else if (l.class_name === 'UpSampling2D' && l.config.interpolation === 'bilinear' && halfPixel) {
        l.class_name = 'UpSampling2DHalfPixelRef';
      } else if (l.class_name === 'ReLU' && (l.config.threshold || l.config.negative_slope)) {
        l.class_name = 'ReLURef';
      } else if (l.class_name === 'Attention') {
        l.class_name = 'AttentionRef';
      } else if (l.class_name === 'AdditiveAttention') {
        l.class_name = 'AdditiveAttentionRef';
      }
      if (l.config && l.config.layers) visit(l.config.layers);
    }
  };
  visit(topology.config.layers);
  return topology;
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

async function runCase(path) {
  const spec = JSON.parse(fs.readFileSync(path, 'utf8'));
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
      const model = await tf.models.modelFromJSON({ modelTopology: rewriteTopology(spec.topology) });
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

  if (spec.out_dir) {
    const f32 = (d) => (d instanceof Float32Array ? d : Float32Array.from(d, Number));
    ortList.forEach((o, k) => saveNpy(`${spec.out_dir}/ort_${k}.npy`, f32(o.data), o.shape.map(Number)));
    (tfList || []).forEach((t, k) => saveNpy(`${spec.out_dir}/tfjs_${k}.npy`, f32(t.data), t.shape));
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
      entry.max_abs_ref = t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      entry.pass = pass && worst <= 0;
    }
    result.outputs.push(entry);
  }
  return result;
}

// --gen CASE...: builds each case's topology in tfjs (random initial weights) and writes its weights as
// {weights_bin, weights manifest with Keras weight names} so a test can write the same model as a Keras file.
async function genCase(path) {
  const spec = JSON.parse(fs.readFileSync(path, 'utf8'));
  const model = await tf.models.modelFromJSON({ modelTopology: rewriteTopology(spec.topology) });
  const manifest = [];
  const chunks = [];
  const visit = (m) => {
    for (const l of m.layers) {
      if (l.layers && l.getClassName() !== 'TimeDistributed' && l.getClassName() !== 'Bidirectional') {
        visit(l);
        continue;
      }
      const ws = l.getWeights();
      if (!ws.length) continue;
      // Random-normal weights (tfjs's own initializers would leave biases and BN stats at 0/1).
      const vals = ws.map((w, i) => {
        const n = w.size;
        const name = l.weights[i].originalName || l.weights[i].name;
        let v = tf.randomNormal(w.shape, 0, 0.5, 'float32', 7 + manifest.length * 13 + i).dataSync();
        if (/variance/.test(name)) v = v.map((x) => 0.5 + Math.abs(x));
        void n;
        return { name, data: v, shape: w.shape };
      });
      for (const v of vals) chunks.push(Buffer.from(v.data.buffer));
      manifest.push({ layer: l.name, names: vals.map((v) => v.name), shapes: vals.map((v) => v.shape) });
    }
  };
  visit(model);
  fs.writeFileSync(spec.weights_bin, Buffer.concat(chunks));
  return { weights: manifest };
}

async function main() {
  const gen = process.argv[2] === '--gen';
  for (const path of process.argv.slice(gen ? 3 : 2)) {
    let r;
    try {
      r = gen ? await genCase(path) : await runCase(path);
    } catch (e) {
      r = { error: String(e.message || e).split('\n')[0] };
    }
    console.log(JSON.stringify({ case: path, ...r }));
  }
}

main().catch((e) => {
  console.log(JSON.stringify({ error: String(e.message || e).split('\n')[0] }));
  process.exit(2);
});
