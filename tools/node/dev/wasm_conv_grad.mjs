// tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so Conv2D
// layers cannot be trained on it.  Register one (NHWC, no dilation) made of
// a JS im2col and a wasm matMul.
import * as tf from '@tensorflow/tfjs';

function conv2DBackpropFilter({ inputs, backend, attrs }) {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter (js): dataFormat ${dataFormat} unsupported`);
  }
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad,
                                                 dimRoundingMode, false, 'channelsLast');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels,
          filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  // Transposed im2col in JS, then one [K, N] x [N, outChannels] product on
  // wasm (its transposeA path is slow); product rows are (kh, kw, ci), i.e.
  // exactly the HWIO filter layout.
  const xv = backend.readSync(x.dataId);
  const n = batchSize * outHeight * outWidth;
  const k = filterHeight * filterWidth * inChannels;
  const cols = new Float32Array(k * n);   // zero = padding
  let r = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, r++) {
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const src = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const row = (kh * filterWidth + kw) * inChannels;
            for (let ci = 0; ci < inChannels; ci++) cols[(row + ci) * n + r] = xv[src + ci];
          }
        }
      }
    }
  }
  const dw = tf.tidy(() => {
    const dy2 = tf.reshape(tf.tensor(backend.readSync(dy.dataId), dy.shape, 'float32'), [n, outChannels]);
    return tf.matMul(tf.tensor2d(cols, [k, n]), dy2).dataSync();
  });
  const out = backend.makeOutput(filterShape, 'float32');
  backend.typedArrayFromHeap(out).set(dw);
  return out;
}

// The wasm Conv2DBackpropInput is a naive loop; for stride 1 and no
// dilation the input gradient is a plain conv of the padded dy with the
// flipped, in/out-swapped filter, which runs on wasm's fast Conv2D.
let origBackpropInput = null;

function conv2DBackpropInput(args) {
  const { inputs: { dy, filter }, attrs, backend } = args;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const st = Array.isArray(strides) ? strides : [strides, strides];
  if (st[0] !== 1 || st[1] !== 1 || (dataFormat !== 'NHWC' && dataFormat !== 'channelsLast')) {
    return origBackpropInput(args);
  }
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, 1, 1, pad,
                                                 dimRoundingMode, false, 'channelsLast');
  const [fh, fw] = filter.shape;
  const p = info.padInfo;
  const dx = tf.tidy(() => {
    const dyT = tf.tensor(backend.readSync(dy.dataId), dy.shape, 'float32');
    const w = tf.tensor(backend.readSync(filter.dataId), filter.shape, 'float32');
    const wFlip = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
    const padded = tf.pad(dyT, [[0, 0], [fh - 1 - p.top, fh - 1 - p.bottom],
                                [fw - 1 - p.left, fw - 1 - p.right], [0, 0]]);
    return tf.conv2d(padded, wFlip, 1, 'valid').dataSync();
  });
  const out = backend.makeOutput(inputShape, 'float32');
  backend.typedArrayFromHeap(out).set(dx);
  return out;
}

export function registerWasmConvGrad() {
  if (!origBackpropInput) {
    origBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc;
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm',
                        kernelFunc: conv2DBackpropInput });
  }
  const have = tf.getKernelsForBackend('wasm').some((k) => k.kernelName === 'Conv2DBackpropFilter');
  if (!have) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm',
                        kernelFunc: conv2DBackpropFilter });
  }
}
