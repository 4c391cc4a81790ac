// The seed's model as a real Keras file: keras.applications ResNet50 (include_top=False, 224x224x3, the
// layer names and structure of keras_applications/resnet_common.py as tf.keras 2.x writes them) + Flatten +
// Dropout(0.5) + Dense(42, softmax, name "softmax"), built with TensorFlow.js (Keras's JS port) and laid
// out by tools/keras_writer.py as a tf.keras 2 .h5 (~111 MB, 27.8 M float32 parameters) and a Keras 3
// .keras. The weights are deterministic (seeded), so every run writes the same numbers.
//
//   node tools/node/make_seed_resnet50.mjs [OUT_DIR] [--head softmax|linear] [--reference]
//
// OUT_DIR defaults to build/models/seed_resnet50. Writes seed_resnet50.h5 and seed_resnet50.keras
// (with --head linear: seed_resnet50_linear.*, the same network with logits out, for numeric checks where a
// saturated softmax would hide differences). --reference also writes a seeded input image tensor
// (seed_resnet50.input.npy, 1x224x224x3 in [-1, 1]) and tfjs's prediction (seed_resnet50.output.npy); tfjs's
// CPU backend needs about a minute for that. Skips the work when the .h5 exists and is newer than this script.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportModel, mulberry32, saveNpy } from './keras_export.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(SCRIPT), '../..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const head = option('--head', 'softmax');
if (head !== 'softmax' && head !== 'linear') throw new Error(`--head must be softmax or linear, not ${head}`);
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1] === '--head'));
const OUT = path.resolve(positional[0] || path.join(REPO, 'build/models/seed_resnet50'));
const NAME = head === 'softmax' ? 'seed_resnet50' : 'seed_resnet50_linear';
const SEED = 42;

// Seeded normal draws (Box-Muller over mulberry32): the same weights on every machine and run.
const rand = mulberry32(SEED);
function normal(n, mean, std) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(rand(), 1e-12), v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = mean + std * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

// Weights that keep a 50-layer random network well conditioned: He-scaled kernels, BN scale ~1 and
// positive variances, small biases.
function weightValues(layer) {
  return layer.weights.map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const kind = w.originalName.split('/').pop();
    let values;
    if (kind === 'kernel') {
      const fanIn = w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      values = normal(n, 0, layer.name === 'softmax' ? 0.002 : Math.sqrt(2 / fanIn));
    } else if (kind === 'gamma') {
      values = normal(n, 1, 0.1);
    } else if (kind === 'moving_variance') {
      values = normal(n, 1, 0.1).map(Math.abs);
    } else {  // bias, beta, moving_mean
      values = normal(n, 0, kind === 'bias' ? 0.01 : 0.1);
    }
    return tf.tensor(values, w.shape);
  });
}

function resnet50(headActivation) {
  const conv = (x, name, filters, k, stride = 1, padding = 'valid') =>
    tf.layers.conv2d({ name, filters, kernelSize: k, strides: stride, padding }).apply(x);
  const bn = (x, name) => tf.layers.batchNormalization({ name, axis: 3, epsilon: 1.001e-5 }).apply(x);
  const relu = (x, name) => tf.layers.activation({ name, activation: 'relu' }).apply(x);
  const block = (x, filters, stride, convShortcut, name) => {
    let shortcut = x;
    if (convShortcut) shortcut = bn(conv(x, `${name}_0_conv`, 4 * filters, 1, stride), `${name}_0_bn`);
    let y = relu(bn(conv(x, `${name}_1_conv`, filters, 1, stride), `${name}_1_bn`), `${name}_1_relu`);
    y = relu(bn(conv(y, `${name}_2_conv`, filters, 3, 1, 'same'), `${name}_2_bn`), `${name}_2_relu`);
    y = bn(conv(y, `${name}_3_conv`, 4 * filters, 1), `${name}_3_bn`);
    y = tf.layers.add({ name: `${name}_add` }).apply([shortcut, y]);
    return relu(y, `${name}_out`);
  };
  const stack = (x, filters, blocks, stride, name) => {
    x = block(x, filters, stride, true, `${name}_block1`);
    for (let i = 2; i <= blocks; ++i) x = block(x, filters, 1, false, `${name}_block${i}`);
    return x;
  };
  const input = tf.input({ shape: [224, 224, 3], name: 'input_1' });
  let x = tf.layers.zeroPadding2d({ name: 'conv1_pad', padding: [[3, 3], [3, 3]] }).apply(input);
  x = relu(bn(conv(x, 'conv1_conv', 64, 7, 2), 'conv1_bn'), 'conv1_relu');
  x = tf.layers.zeroPadding2d({ name: 'pool1_pad', padding: [[1, 1], [1, 1]] }).apply(x);
  x = tf.layers.maxPooling2d({ name: 'pool1_pool', poolSize: 3, strides: 2 }).apply(x);
  x = stack(x, 64, 3, 1, 'conv2');
  x = stack(x, 128, 4, 2, 'conv3');
  x = stack(x, 256, 6, 2, 'conv4');
  x = stack(x, 512, 3, 2, 'conv5');
  x = tf.layers.flatten({ name: 'flatten' }).apply(x);
  x = tf.layers.dropout({ name: 'dropout', rate: 0.5 }).apply(x);
  const out = tf.layers.dense({ name: 'softmax', units: 42, activation: headActivation }).apply(x);
  return tf.model({ inputs: input, outputs: out, name: 'resnet50_seed' });
}

const h5 = path.join(OUT, `${NAME}.h5`);
if (fs.existsSync(h5) && fs.statSync(h5).mtimeMs > fs.statSync(SCRIPT).mtimeMs &&
    (!flag('--reference') || fs.existsSync(path.join(OUT, `${NAME}.output.npy`)))) {
  console.log(`${h5} is up to date`);
  process.exit(0);
}
await tf.setBackend('cpu');
Math.random = mulberry32(SEED + 1);  // tfjs's own initializers draw unseeded; make them reproducible too
const model = resnet50(head);
for (const layer of model.layers) {
  if (layer.weights.length) layer.setWeights(weightValues(layer));
}
const written = await exportModel(model, OUT, NAME);
for (const suffix of ['.topology.json', '.weights.bin', '.weights.json']) fs.rmSync(path.join(OUT, NAME + suffix));
if (flag('--reference')) {
  const r = mulberry32(SEED + 2);
  const x = tf.tensor(Float32Array.from({ length: 224 * 224 * 3 }, () => 2 * r() - 1), [1, 224, 224, 3]);
  saveNpy(path.join(OUT, `${NAME}.input.npy`), x);
  saveNpy(path.join(OUT, `${NAME}.output.npy`), model.predict(x));
}
const mb = (f) => (fs.statSync(f).size / 1e6).toFixed(1);
console.log(`${written.h5} (${mb(written.h5)} MB), ${written.keras} (${mb(written.keras)} MB), ` +
            `${model.countParams()} parameters`);
