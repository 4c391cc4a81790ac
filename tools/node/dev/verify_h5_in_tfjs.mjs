// Independent check of a Keras 2 .h5 written by keras_writer.py: rebuild the
// model from its model_config with tfjs's Keras-JSON deserializer, assign
// the weights in layer_names/weight_names order (as Keras's loader does),
// predict, and compare with expected outputs.
//
//   node tools/node/dev/verify_h5_in_tfjs.mjs MODEL.h5 INPUT.npy EXPECTED.npy [TOL]
// Exit status 1 when the largest absolute difference exceeds TOL (1e-5).
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadNpy, PYTHON } from '../keras_export.mjs';

const [h5, inputNpy, expectedNpy, tolArg] = process.argv.slice(2);
const tol = Number(tolArg || 1e-5);
const base = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'h5dump-')), 'model');
execFileSync(PYTHON, [new URL('../../dev/keras_h5_dump.py', import.meta.url).pathname, h5, base]);
const doc = JSON.parse(fs.readFileSync(`${base}.json`));
const blob = fs.readFileSync(`${base}.bin`);

await tf.setBackend('cpu');
const model = await tf.models.modelFromJSON({ modelTopology: doc.model_config });
let offset = 0;
const values = doc.weights.map((w) => {
  const n = w.shape.reduce((a, b) => a * b, 1);
  const t = tf.tensor(new Float32Array(blob.buffer.slice(blob.byteOffset + offset, blob.byteOffset + offset + 4 * n)), w.shape);
  offset += 4 * n;
  return t;
});
// Per layer: tfjs's model.weights puts all non-trainable weights last.
let k = 0;
for (const layer of model.layers) {
  const n = layer.weights.length;
  if (n) layer.setWeights(values.slice(k, k + n));
  k += n;
}
if (k !== values.length) throw new Error(`${h5}: model has ${k} weights, file ${values.length}`);
const y = model.predict(loadNpy(tf, inputNpy));
const diff = tf.max(tf.abs(y.sub(loadNpy(tf, expectedNpy)))).dataSync()[0];
console.log(`${path.basename(h5)}: max |tfjs(h5) - expected| = ${diff}`);
process.exit(diff <= tol ? 0 : 1);
