// Smoke fixtures for the whole chain (tfjs -> Keras files -> konnx):
// a tiny functional MLP and a tiny Sequential CNN, each exported as Keras 2
// .h5, Keras 3 .keras and to_json + weights .h5, with seeded inputs and
// tfjs's outputs as .npy.  Generated at test time, not committed.
//
//   node tools/node/make_fixture_smoke.mjs [OUT_DIR]   (default build/fixtures/smoke)
//
// Files per model NAME: NAME.h5, NAME.keras, NAME.json, NAME_weights.h5,
// NAME.input.npy (float32), NAME.output.npy (float32, tfjs predict).
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportModel, mulberry32, saveNpy } from './keras_export.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.resolve(process.argv[2] || path.join(REPO, 'build/fixtures/smoke'));
const SEED = 1234;

Math.random = mulberry32(SEED);   // anything tfjs draws unseeded becomes reproducible
const rand = mulberry32(SEED + 1);
const uniform = (n, lo, hi) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());

// Seeded random values for every weight, so biases and BN statistics are not
// the trivial 0/1 of a fresh model; variances stay positive.
function randomizeWeights(model) {
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const positive = /moving_variance|gamma/.test(w.originalName);
      return tf.tensor(uniform(n, positive ? 0.5 : -0.5, positive ? 1.5 : 0.5), w.shape);
    });
    if (values.length) layer.setWeights(values);
  }
}

function mlp() {
  const input = tf.input({ shape: [8], name: 'input_1' });
  let x = tf.layers.dense({ units: 16, name: 'dense' }).apply(input);
  x = tf.layers.reLU({ name: 're_lu' }).apply(x);
  const output = tf.layers.dense({ units: 4, name: 'dense_1' }).apply(x);
  return tf.model({ inputs: input, outputs: output, name: 'smoke_mlp' });
}

function cnn() {
  return tf.sequential({ name: 'smoke_cnn', layers: [
    tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, padding: 'same',
                       activation: 'relu', name: 'conv2d' }),
    tf.layers.batchNormalization({ name: 'batch_normalization' }),
    tf.layers.maxPooling2d({ poolSize: 2, name: 'max_pooling2d' }),
    tf.layers.flatten({ name: 'flatten' }),
    tf.layers.dense({ units: 3, activation: 'softmax', name: 'dense' }),
  ] });
}

await tf.setBackend('cpu');   // pure JS: slow but the reference, and these models are tiny
for (const [name, model, inShape] of [['smoke_mlp', mlp(), [2, 8]], ['smoke_cnn', cnn(), [2, 8, 8, 2]]]) {
  randomizeWeights(model);
  const x = tf.tensor(uniform(inShape.reduce((a, b) => a * b, 1), -1, 1), inShape);
  const y = model.predict(x);
  await exportModel(model, OUT, name, { jsonWeights: true });
  saveNpy(path.join(OUT, `${name}.input.npy`), x);
  saveNpy(path.join(OUT, `${name}.output.npy`), y);
  console.log(`${name}: ${OUT}/${name}.{h5,keras,json,_weights.h5,input.npy,output.npy}`);
}
