// Export a tfjs-layers model as real Keras files, plus .npy helpers.
//
// tfjs can only save its own format, so we dump what Keras needs (topology
// JSON + weights in `layer.weights` order) and let tools/keras_writer.py
// (run with the project's .venv) lay the Keras files out.
//
//   import { exportModel, saveNpy } from './keras_export.mjs';
//   await exportModel(model, 'build/fixtures/x', 'mlp');   // mlp.h5, mlp.keras
//   saveNpy('build/fixtures/x/mlp.input.npy', xTensor);
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const KERAS_WRITER = path.join(TOOLS_DIR, 'keras_writer.py');
export const PYTHON = process.env.KONNX_PYTHON || path.join(TOOLS_DIR, '..', '.venv', 'bin', 'python');

// Shapes from the layer's first call (Keras 3 build_config / tensor specs
// want them); null where tfjs has none.
function callShapes(layer) {
  const node = layer.inboundNodes[0];
  if (!node) return { input_shape: null, output_shape: null };
  const one = (s) => (Array.isArray(s) && s.length === 1 && Array.isArray(s[0]) ? s[0] : s);
  const json = (s) => (s === undefined ? null : JSON.parse(JSON.stringify(s)));
  return { input_shape: json(one(node.inputShapes)), output_shape: json(one(node.outputShapes)) };
}

function typedBytes(values) {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * Write <name>.topology.json, <name>.weights.bin and <name>.weights.json to
 * outDir, then run keras_writer.py to produce <name>.h5 (tf.keras 2 full
 * model) and <name>.keras (Keras 3).  Options:
 *   jsonWeights: also write <name>.json + <name>_weights.h5 (to_json + save_weights)
 *   writerArgs: extra CLI flags for keras_writer.py (e.g. ['--keras-no-name'])
 * Returns the paths written.
 */
export async function exportModel(model, outDir, name, opts = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, name);
  const topology = model.toJSON(null, false);
  fs.writeFileSync(`${base}.topology.json`, JSON.stringify(topology, null, 1));

  // One blob, weights in exactly the order tfjs lists them per layer.
  const chunks = [];
  const weights = [];
  let offset = 0;
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const values = await w.read().data();
      if (!(values instanceof Float32Array || values instanceof Int32Array)) {
        throw new Error(`keras_export: unsupported dtype of ${w.name}`);
      }
      const bytes = typedBytes(values);
      // originalName has no uniquifying suffix (tfjs appends _1 on clashes).
      weights.push({ layer: layer.name, name: w.originalName, shape: w.shape,
                     dtype: w.dtype, offset, nbytes: bytes.length });
      chunks.push(bytes);
      offset += bytes.length;
    }
  }
  const layers = model.layers.map((l) => ({ name: l.name, class_name: l.getClassName(), ...callShapes(l) }));
  fs.writeFileSync(`${base}.weights.bin`, Buffer.concat(chunks));
  fs.writeFileSync(`${base}.weights.json`, JSON.stringify(
    { format: 'konnx-tfjs-weights-1', byte_order: 'little', bin: `${name}.weights.bin`,
      weights, layers }, null, 1));

  const out = { topology: `${base}.topology.json`, h5: `${base}.h5`, keras: `${base}.keras` };
  const args = [KERAS_WRITER, '--topology', out.topology, '--weights', `${base}.weights.json`,
                '--h5', out.h5, '--keras', out.keras];
  if (opts.jsonWeights) {
    out.json = `${base}.json`;
    out.weightsH5 = `${base}_weights.h5`;
    args.push('--json', out.json, '--weights-h5', out.weightsH5);
  }
  args.push(...(opts.writerArgs || []));
  execFileSync(PYTHON, args, { stdio: 'inherit' });
  return out;
}

const NPY_DESCR = { float32: '<f4', int32: '<i4', int64: '<i8', bool: '|b1' };

function descrOf(values) {
  if (values instanceof Float32Array) return '<f4';
  if (values instanceof Int32Array) return '<i4';
  if (values instanceof BigInt64Array) return '<i8';
  if (values instanceof Uint8Array) return '|u1';
  throw new Error('saveNpy: use Float32Array, Int32Array, BigInt64Array or Uint8Array');
}

/**
 * Write an .npy (format 1.0, C order).  `data` is a tf.Tensor (shape and
 * dtype taken from it; `shape` ignored) or a typed array with `shape`.
 */
export function saveNpy(file, data, shape) {
  let values;
  if (data && typeof data.dataSync === 'function') {
    shape = data.shape;
    values = data.dataSync();
    if (data.dtype === 'bool') values = Uint8Array.from(values);
    if (!NPY_DESCR[data.dtype]) throw new Error(`saveNpy: tensor dtype ${data.dtype}`);
  } else {
    values = data;
    if (!shape) shape = [values.length];
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) {
    throw new Error(`saveNpy: shape [${shape}] needs ${count} values, got ${values.length}`);
  }
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descrOf(values)}', 'fortran_order': False, 'shape': ${tuple}, }`;
  // Pad with spaces so the data starts on a 64-byte boundary, as numpy does.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93]).copy(pre, 0);
  pre.write('NUMPY', 1, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), typedBytes(values)]));
}

const NPY_ARRAYS = { '<f4': [Float32Array, 'float32'], '<i4': [Int32Array, 'int32'] };

/** Read a C-order .npy (<f4 or <i4) written by saveNpy or numpy into a tf.Tensor. */
export function loadNpy(tf, file) {
  const b = fs.readFileSync(file);
  const headerLen = b[6] === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = (b[6] === 1 ? 10 : 12) + headerLen;
  const header = b.toString('latin1', start - headerLen, start);
  const descr = header.match(/'descr':\s*'([^']+)'/)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(',').filter((s) => s.trim()).map(Number);
  if (!NPY_ARRAYS[descr]) throw new Error(`${file}: dtype ${descr} unsupported`);
  const [Ctor, dtype] = NPY_ARRAYS[descr];
  const data = new Ctor(b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length));
  return tf.tensor(data, shape, dtype);
}

/** Pick the wasm backend (single-threaded, SIMD) with its .wasm files from node_modules. */
export async function useWasmBackend(tf) {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = path.join(path.dirname(fileURLToPath(import.meta.url)),
                         'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  wasm.setWasmPaths(dist);
  wasm.setThreadsCount?.(1);
  await tf.setBackend('wasm');
  await tf.ready();
  return tf.getBackend();
}

/** Small seeded PRNG (mulberry32) for reproducible shuffles and inputs. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
