// Train konnx's embedded default model: a small Keras-style CNN on
// Fashion-MNIST, in TensorFlow.js (wasm backend, one thread), then export it
// with keras_export.mjs / keras_writer.py.
//
//   cd tools/node && npm ci --ignore-scripts
//   node tools/node/dev/train_fashion_mnist.mjs [--out DIR] [--epochs 5] [--batch 64]
//   node tools/node/dev/train_fashion_mnist.mjs --load build/fashion_mnist_tfjs   # re-export only
// Output goes to examples/fashion_mnist unless --out says otherwise.
//
// The trained model is also kept in tfjs format under build/fashion_mnist_tfjs
// (override with --save) so the export steps can be redone without retraining.
//
// Determinism: weight init uses fixed initializer seeds; the per-epoch shuffle
// uses our own seeded PRNG; tfjs draws dropout masks from seedrandom seeded by
// Math.random(), so we replace Math.random with a seeded PRNG before training.
// What is left: float results may differ across tfjs versions, backends
// (wasm vs cpu, SIMD vs not) and CPUs, so reruns elsewhere can give slightly
// different weights and accuracy.
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportModel, mulberry32, saveNpy, useWasmBackend, PYTHON } from '../keras_export.mjs';
import { LABELS, loadFashion } from './fashion_data.mjs';
import { registerWasmConvGrad } from './wasm_conv_grad.mjs';

const SEED = 20251126;
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]?.startsWith('--') ? '1' : all[i + 1] ?? '1']);
  return acc;
}, []));
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.resolve(args.out || path.join(REPO, 'examples/fashion_mnist'));
let EPOCHS = Number(args.epochs || 5);
let BATCH = Number(args.batch || 64);
const LIMIT = Number(args.limit || 0);                  // > 0: train on the first LIMIT images (smoke runs)
const SAVE_DIR = path.resolve(args.save || path.join(REPO, 'build/fashion_mnist_tfjs'));
const LOAD_DIR = args.load && path.resolve(args.load);
const PROBE_STEPS = Number(args['probe-steps'] || 0);   // > 0: time a few steps and stop
const SAMPLE_CLASSES = [9, 2, 1, 6, 5, 7];              // which test classes get sample images

Math.random = mulberry32(SEED);   // seeds tfjs dropout masks (see header)

function buildModel() {
  let seed = SEED;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const m = tf.sequential({ name: 'fashion_mnist_cnn' });
  // Raw 0..255 pixels in, so Keras img_to_array() output can be fed as is.
  m.add(tf.layers.rescaling({ scale: 1 / 255, offset: 0, inputShape: [28, 28, 1], name: 'rescaling' }));
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(), name: 'conv2d' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'max_pooling2d' }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(), name: 'conv2d_1' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'max_pooling2d_1' }));
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(tf.layers.dropout({ rate: 0.3, name: 'dropout' }));
  m.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(), name: 'dense' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(), name: 'dense_1' }));
  return m;
}

// Float32 raw pixels [n,28,28,1] and one-hot labels for the given indices.
function batchTensors(data, idx) {
  const x = new Float32Array(idx.length * 784);
  const y = new Float32Array(idx.length * 10);
  idx.forEach((k, i) => {
    x.set(data.images.subarray(k * 784, (k + 1) * 784), i * 784);
    y[i * 10 + data.labels[k]] = 1;
  });
  return [tf.tensor4d(x, [idx.length, 28, 28, 1]), tf.tensor2d(y, [idx.length, 10])];
}

function predictAll(model, data) {
  const probs = new Float32Array(data.n * 10);
  for (let s = 0; s < data.n; s += 500) {
    const idx = Array.from({ length: Math.min(500, data.n - s) }, (_, i) => s + i);
    tf.tidy(() => probs.set(model.predict(batchTensors(data, idx)[0]).dataSync(), s * 10));
  }
  return probs;
}

const argmax = (p, i) => { let b = 0; for (let c = 1; c < 10; c++) if (p[i * 10 + c] > p[i * 10 + b]) b = c; return b; };

// tfjs-format checkpoint via in-memory IO handlers (no tfjs-node file://).
async function saveTfjs(model, dir, extra) {
  fs.mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(a.weightData));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(
      { modelTopology: a.modelTopology, weightSpecs: a.weightSpecs, extra }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

async function loadTfjs(dir) {
  const j = JSON.parse(fs.readFileSync(path.join(dir, 'model.json')));
  const w = fs.readFileSync(path.join(dir, 'weights.bin'));
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: j.modelTopology,
    weightSpecs: j.weightSpecs, weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.length) }));
  return { model, extra: j.extra };
}

async function main() {
  console.log(`backend: ${await useWasmBackend(tf)}, tfjs ${tf.version.tfjs}`);
  registerWasmConvGrad();
  const test = loadFashion('t10k');
  let model, trainSeconds;
  if (LOAD_DIR) {
    let extra;
    ({ model, extra } = await loadTfjs(LOAD_DIR));
    ({ trainSeconds, epochs: EPOCHS, batch: BATCH } = extra);
  } else {
    model = await train();
    trainSeconds = model.trainSeconds;
    await saveTfjs(model, SAVE_DIR, { trainSeconds, epochs: EPOCHS, batch: BATCH });
    console.log(`saved tfjs checkpoint to ${SAVE_DIR}`);
  }
  await exportAll(model, test, trainSeconds);
}

async function train() {
  const train = loadFashion('train');
  if (LIMIT) train.n = Math.min(LIMIT, train.n);
  const model = buildModel();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  model.summary();

  const rand = mulberry32(SEED + 1);
  const t0 = Date.now();
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const order = Array.from({ length: train.n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {   // Fisher-Yates with our PRNG
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0, steps = 0;
    for (let s = 0; s < train.n; s += BATCH) {
      const [x, y] = batchTensors(train, order.slice(s, s + BATCH));
      const [loss] = await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
      lossSum += loss; steps++;
      if (PROBE_STEPS && steps >= PROBE_STEPS) {
        console.log(`${steps} steps in ${(Date.now() - t0) / 1000}s, loss ${lossSum / steps}`);
        process.exit(0);
      }
    }
    console.log(`epoch ${epoch + 1}/${EPOCHS}: loss ${(lossSum / steps).toFixed(4)}, ${((Date.now() - t0) / 1000).toFixed(0)}s`);
  }
  model.trainSeconds = (Date.now() - t0) / 1000;
  return model;
}

async function exportAll(model, test, trainSeconds) {
  const probs = predictAll(model, test);
  let correct = 0;
  for (let i = 0; i < test.n; i++) if (argmax(probs, i) === test.labels[i]) correct++;
  const accuracy = correct / test.n;
  console.log(`test accuracy: ${(accuracy * 100).toFixed(2)}% (${correct}/${test.n}), training ${trainSeconds.toFixed(0)}s (one wasm thread)`);

  // Export the model, then the sample images and tfjs's own outputs for them.
  fs.mkdirSync(OUT, { recursive: true });
  const work = path.join(OUT, '.export');
  const files = await exportModel(model, work, 'fashion_mnist_cnn');
  for (const f of [files.h5, files.keras]) fs.copyFileSync(f, path.join(OUT, path.basename(f)));
  fs.writeFileSync(path.join(OUT, 'labels.txt'), LABELS.join('\n') + '\n');

  const samples = [];
  for (const cls of SAMPLE_CLASSES) {
    const i = [...Array(test.n).keys()].find((k) => test.labels[k] === cls && argmax(probs, k) === cls);
    if (i === undefined) throw new Error(`no correctly classified test image of class ${cls}`);
    const slug = LABELS[cls].toLowerCase().replace(/[^a-z]+/g, '_');
    samples.push({ index: i, label_index: cls, label: LABELS[cls], stem: `${cls}_${slug}_idx${i}` });
  }
  // Per-sample outputs from a batch-of-1 predict on the raw pixels, as a C++ test would feed them.
  for (const s of samples) {
    const [x] = batchTensors(test, [s.index]);
    s.probabilities = Array.from(model.predict(x).dataSync());
    s.top1 = s.probabilities.indexOf(Math.max(...s.probabilities));
    saveNpy(path.join(work, `${s.stem}.npy`), Uint8Array.from(test.images.subarray(s.index * 784, (s.index + 1) * 784)), [28, 28]);
  }
  execFileSync(PYTHON, [path.join(REPO, 'tools/dev/write_gray_images.py'), OUT,
    ...samples.map((s) => path.join(work, `${s.stem}.npy`))], { stdio: 'inherit' });

  fs.writeFileSync(path.join(OUT, 'samples.txt'),
    '# file\ttrue_label\ttfjs_top1\ttfjs_probability\n' + samples.map((s) =>
      `${s.stem}.png\t${s.label}\t${LABELS[s.top1]}\t${s.probabilities[s.top1].toFixed(6)}`).join('\n') + '\n');
  fs.writeFileSync(path.join(OUT, 'reference_outputs.json'), JSON.stringify({
    producer: `TensorFlow.js ${tf.version.tfjs} (${tf.getBackend()} backend), tools/node/train_fashion_mnist.mjs`,
    model: 'fashion_mnist_cnn.h5',
    input: 'raw grayscale pixels 0..255 as float32, shape [1, 28, 28, 1] (no scaling: the model starts with Rescaling(1/255))',
    output: 'softmax probabilities over labels.txt, shape [1, 10]',
    test_accuracy: accuracy, test_correct: correct, test_count: test.n,
    train: { epochs: EPOCHS, batch_size: BATCH, optimizer: 'adam(1e-3)', seed: SEED, seconds: Math.round(trainSeconds) },
    samples: samples.map((s) => ({ png: `${s.stem}.png`, bmp: `${s.stem}.bmp`, test_index: s.index,
      label_index: s.label_index, label: s.label, probabilities: s.probabilities })),
  }, null, 1) + '\n');
  fs.rmSync(work, { recursive: true });
  console.log(`wrote ${OUT}`);
}

await main();
