// Writer check, not a test fixture: two tfjs models holding most layer
// classes tfjs has, exported with keras_export.mjs so their Keras files can be
// compared with real ones, e.g.
//   node tools/node/dev/make_layout_zoo.mjs /tmp/zoo
//   tools/dev/keras_writer_roundtrip.py --keys /tmp/zoo/zoo_rnn.keras /work/shared/keras-real/obaiz1__btc_lstm_k3_12.keras
//   node tools/node/dev/verify_h5_in_tfjs.mjs /tmp/zoo/zoo_rnn.h5 /tmp/zoo/zoo_rnn.{input,output}.npy
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportModel, mulberry32, saveNpy } from '../keras_export.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.resolve(process.argv[2] || path.join(REPO, 'build/layout_zoo'));

function rnnZoo() {
  const sigmoid = { recurrentActivation: 'sigmoid' };   // tfjs defaults to hard_sigmoid
  return tf.sequential({ name: 'zoo_rnn', layers: [
    tf.layers.embedding({ inputDim: 20, outputDim: 6, inputLength: 7, name: 'embedding' }),
    tf.layers.conv1d({ filters: 5, kernelSize: 3, padding: 'same', name: 'conv1d' }),
    tf.layers.lstm({ units: 4, returnSequences: true, ...sigmoid, name: 'lstm' }),
    tf.layers.bidirectional({ name: 'bidirectional',
      layer: tf.layers.gru({ units: 3, returnSequences: true, ...sigmoid, name: 'gru' }) }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, name: 'dense' }), name: 'time_distributed' }),
    tf.layers.simpleRNN({ units: 3, name: 'simple_rnn' }),
    tf.layers.dropout({ rate: 0.1, name: 'dropout' }),
    tf.layers.dense({ units: 2, name: 'dense_1' }),
  ] });
}

function cnnZoo() {
  const input = tf.input({ shape: [6, 6, 3], name: 'input_1' });
  const a = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'depthwise_conv2d' }).apply(input);
  const b = tf.layers.separableConv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'separable_conv2d' }).apply(input);
  let x = tf.layers.concatenate({ name: 'concatenate' }).apply([a, b]);
  x = tf.layers.batchNormalization({ name: 'batch_normalization' }).apply(x);
  x = tf.layers.leakyReLU({ alpha: 0.2, name: 'leaky_re_lu' }).apply(x);
  x = tf.layers.zeroPadding2d({ padding: 1, name: 'zero_padding2d' }).apply(x);
  x = tf.layers.upSampling2d({ size: [2, 2], name: 'up_sampling2d' }).apply(x);
  x = tf.layers.cropping2D({ cropping: [[1, 1], [1, 1]], name: 'cropping2d' }).apply(x);
  x = tf.layers.averagePooling2d({ poolSize: 2, name: 'average_pooling2d' }).apply(x);
  x = tf.layers.conv2dTranspose({ filters: 6, kernelSize: 2, strides: 2, name: 'conv2d_transpose' }).apply(x);
  x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x);
  x = tf.layers.reshape({ targetShape: [3, 2], name: 'reshape' }).apply(x);
  x = tf.layers.permute({ dims: [2, 1], name: 'permute' }).apply(x);
  x = tf.layers.flatten({ name: 'flatten' }).apply(x);
  const y = tf.layers.dense({ units: 6, name: 'dense' }).apply(x);
  x = tf.layers.add({ name: 'add' }).apply([x, y]);
  x = tf.layers.activation({ activation: 'tanh', name: 'activation' }).apply(x);
  x = tf.layers.prelu({ name: 'p_re_lu' }).apply(x);
  x = tf.layers.softmax({ name: 'softmax' }).apply(x);
  return tf.model({ inputs: input, outputs: x, name: 'zoo_cnn' });
}

await tf.setBackend('cpu');
Math.random = mulberry32(7);   // seeds tfjs's unseeded initializers
const rand = mulberry32(8);
const inputs = {   // zoo_rnn starts with an Embedding: integer ids as float32
  zoo_rnn: [[2, 7], () => Math.floor(rand() * 20)],
  zoo_cnn: [[2, 6, 6, 3], () => 2 * rand() - 1],
};
for (const [name, model] of [['zoo_rnn', rnnZoo()], ['zoo_cnn', cnnZoo()]]) {
  const [shape, draw] = inputs[name];
  const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, draw), shape);
  await exportModel(model, OUT, name, { jsonWeights: true });
  saveNpy(path.join(OUT, `${name}.input.npy`), x);
  saveNpy(path.join(OUT, `${name}.output.npy`), model.predict(x));
  console.log(`${OUT}/${name}.{h5,keras,json,_weights.h5,input.npy,output.npy}`);
}
