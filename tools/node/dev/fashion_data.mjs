// Fashion-MNIST from Debian's dataset-fashion-mnist (IDX files, gzipped).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const FASHION_DIR = process.env.FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist';

export const LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
                       'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

function readIdx(file, magic) {
  const buf = zlib.gunzipSync(fs.readFileSync(file));
  if (buf.readUInt32BE(0) !== magic) throw new Error(`${file}: bad IDX magic`);
  const dims = [];
  const ndim = magic & 0xff;
  for (let i = 0; i < ndim; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + 4 + 4 * ndim) };
}

/** split: 'train' or 't10k'.  Returns { images: Uint8Array (n*784), labels: Uint8Array, n }. */
export function loadFashion(split) {
  const img = readIdx(path.join(FASHION_DIR, `${split}-images-idx3-ubyte.gz`), 0x00000803);
  const lab = readIdx(path.join(FASHION_DIR, `${split}-labels-idx1-ubyte.gz`), 0x00000801);
  if (img.dims[0] !== lab.dims[0] || img.dims[1] !== 28 || img.dims[2] !== 28) {
    throw new Error(`${split}: unexpected IDX dims ${img.dims} / ${lab.dims}`);
  }
  return { images: img.data, labels: lab.data, n: lab.dims[0] };
}
