// Minimal tensor file I/O for konnx test tooling, no npm dependencies.
//
//   readNpy(path) / parseNpy(bytes)      -> { dtype, shape, data }
//   writeNpy(path, tensor) / encodeNpy(tensor) -> Uint8Array
//   readTensorProto(path) / parseTensorProto(bytes) -> { name, dtype, shape, data }
//   readTensorFile(path)                 -> dispatch on .npy / .pb
//
// A tensor is { dtype, shape: number[], data: TypedArray } with dtype one of
// float32 float64 int32 int64 uint8 int8 bool, i.e. exactly the strings that
// onnxruntime's Tensor uses.  int64 data is a BigInt64Array and bool data a
// Uint8Array of 0/1 (also what onnxruntime expects).
//
// .npy: format v1.0/v2.0 (v3.0 read too), little-endian, C order only.
// .pb : ONNX TensorProto decoded straight from the protobuf wire format.

import { readFileSync, writeFileSync } from 'node:fs';

// dtype -> [TypedArray ctor, bytes per element, npy descr]
const DTYPES = {
  float32: [Float32Array, 4, '<f4'],
  float64: [Float64Array, 8, '<f8'],
  int32: [Int32Array, 4, '<i4'],
  int64: [BigInt64Array, 8, '<i8'],
  uint8: [Uint8Array, 1, '|u1'],
  int8: [Int8Array, 1, '|i1'],
  bool: [Uint8Array, 1, '|b1'],
};

// npy descr -> dtype; '<' and '|' are equivalent for 1-byte types, and
// '=' means native order, which is little-endian on every host we run on.
const DESCR = {};
for (const [dt, [, size, descr]] of Object.entries(DTYPES)) {
  const code = descr.slice(1);
  for (const order of size === 1 ? ['|', '<', '=', '>'] : ['<', '=']) DESCR[order + code] = dt;
}

export const SUPPORTED_DTYPES = Object.keys(DTYPES);

function numel(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

// Copy `count` elements of `dtype` starting at byte `offset` into a fresh,
// properly aligned typed array (a Buffer view may be misaligned).
function typedFromBytes(dtype, bytes, offset, count, what) {
  const [Ctor, size] = DTYPES[dtype];
  const nbytes = count * size;
  if (offset + nbytes > bytes.length) {
    throw new Error(`${what}: truncated data: need ${nbytes} bytes at offset ${offset}, have ${bytes.length - offset}`);
  }
  const copy = new Uint8Array(nbytes);
  copy.set(bytes.subarray(offset, offset + nbytes));
  return new Ctor(copy.buffer, 0, count);
}

function checkTensor(t) {
  if (!(t.dtype in DTYPES)) throw new Error(`unsupported dtype '${t.dtype}'`);
  const n = numel(t.shape);
  if (t.data.length !== n) throw new Error(`data has ${t.data.length} elements, shape [${t.shape}] needs ${n}`);
}

// ---------------------------------------------------------------- .npy ----

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes, what = '<buffer>') {
  bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  for (let i = 0; i < 6; i++) {
    if (bytes[i] !== NPY_MAGIC[i]) throw new Error(`${what}: not a .npy file (bad magic)`);
  }
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen, headerStart;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLen = dv.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new Error(`${what}: unsupported .npy version ${major}.${bytes[7]}`);
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1')
    .decode(bytes.subarray(headerStart, headerStart + headerLen));

  // The header is a Python dict literal, e.g.
  //   {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw new Error(`${what}: malformed .npy header: ${header.trim()}`);
  if (fortran[1] === 'True') {
    throw new Error(`${what}: Fortran-order .npy arrays are not supported (save with np.ascontiguousarray)`);
  }
  const dtype = DESCR[descr[1]];
  if (!dtype) {
    throw new Error(`${what}: unsupported .npy dtype '${descr[1]}' (supported: ${SUPPORTED_DTYPES.join(', ')}, little-endian)`);
  }
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s.length)
    .map((s) => {
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(v) || v < 0) throw new Error(`${what}: bad shape entry '${s}'`);
      return v;
    });
  const data = typedFromBytes(dtype, bytes, headerStart + headerLen, numel(shape), what);
  return { dtype, shape, data };
}

export function readNpy(path) {
  return parseNpy(readFileSync(path), path);
}

export function encodeNpy(tensor) {
  checkTensor(tensor);
  const [, , descr] = DTYPES[tensor.dtype];
  const shapeStr = tensor.shape.length === 1 ? `(${tensor.shape[0]},)` : `(${tensor.shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // Pad with spaces so that magic + version + length + header (ending in
  // '\n') is a multiple of 64 bytes, as numpy does; use v2.0 only if needed.
  let major = 1;
  let pre = 10;
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  if (total - pre > 0xffff) {
    major = 2;
    pre = 12;
    total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  }
  dict = dict.padEnd(total - pre - 1, ' ') + '\n';
  const data = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const out = new Uint8Array(total + data.length);
  out.set(NPY_MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, dict.length, true);
  else dv.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[pre + i] = dict.charCodeAt(i);
  out.set(data, total);
  return out;
}

export function writeNpy(path, tensor) {
  writeFileSync(path, encodeNpy(tensor));
}

// ------------------------------------------------ ONNX TensorProto (.pb) ----

// TensorProto.DataType values we support.
const ONNX_DTYPES = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };
const ONNX_DTYPE_NAMES = {
  0: 'UNDEFINED', 4: 'UINT16', 5: 'INT16', 8: 'STRING', 10: 'FLOAT16', 12: 'UINT32',
  13: 'UINT64', 14: 'COMPLEX64', 15: 'COMPLEX128', 16: 'BFLOAT16',
};

class WireReader {
  constructor(bytes, what) {
    this.b = bytes;
    this.pos = 0;
    this.what = what;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  eof() { return this.pos >= this.b.length; }

  need(n) {
    if (this.pos + n > this.b.length) throw new Error(`${this.what}: truncated protobuf`);
  }

  // Varints are read as BigInt: int64 values (and negative int32 values,
  // which protobuf sign-extends to 64 bits) need all 64 bits.
  varint() {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      this.need(1);
      const byte = this.b[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
      shift += 7n;
      if (shift > 63n) throw new Error(`${this.what}: varint too long`);
    }
    return BigInt.asIntN(64, result);
  }

  smallVarint() {
    const v = this.varint();
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${this.what}: value out of range`);
    return Number(v);
  }

  bytes() {
    const n = this.smallVarint();
    this.need(n);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(wire) {
    if (wire === 0) this.varint();
    else if (wire === 1) { this.need(8); this.pos += 8; }
    else if (wire === 2) this.bytes();
    else if (wire === 5) { this.need(4); this.pos += 4; }
    else throw new Error(`${this.what}: unsupported protobuf wire type ${wire}`);
  }
}

// Repeated scalar fields may be packed (wire type 2) or not; accept both.
function readRepeated(r, wire, kind, sink) {
  const one = (rr) => {
    if (kind === 'varint') return rr.varint();
    if (kind === 'f32') { rr.need(4); const v = rr.dv.getFloat32(rr.pos, true); rr.pos += 4; return v; }
    rr.need(8); const v = rr.dv.getFloat64(rr.pos, true); rr.pos += 8; return v; // f64
  };
  if (wire === 2) {
    const sub = new WireReader(r.bytes(), r.what);
    while (!sub.eof()) sink.push(one(sub));
  } else {
    sink.push(one(r));
  }
}

export function parseTensorProto(bytes, what = '<buffer>') {
  bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const r = new WireReader(bytes, what);
  const dims = [];
  const floatData = [];
  const int32Data = [];
  const int64Data = [];
  const doubleData = [];
  let dataType = 0;
  let name = '';
  let raw = null;
  let dataLocation = 0;
  let hasSegment = false;
  while (!r.eof()) {
    const key = r.smallVarint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    switch (field) {
      case 1: readRepeated(r, wire, 'varint', dims); break;
      case 2: dataType = Number(r.varint()); break;
      case 3: hasSegment = true; r.skip(wire); break;
      case 4: readRepeated(r, wire, 'f32', floatData); break;
      case 5: readRepeated(r, wire, 'varint', int32Data); break;
      case 7: readRepeated(r, wire, 'varint', int64Data); break;
      case 8: name = new TextDecoder().decode(r.bytes()); break;
      case 9: raw = r.bytes(); break;
      case 10: readRepeated(r, wire, 'f64', doubleData); break;
      case 14: dataLocation = Number(r.varint()); break;
      default: r.skip(wire); // string_data, uint64_data, doc_string, external_data, ...
    }
  }
  if (hasSegment) throw new Error(`${what}: segmented TensorProto is not supported`);
  if (dataLocation === 1) throw new Error(`${what}: TensorProto '${name}' uses external data, not supported`);
  const dtype = ONNX_DTYPES[dataType];
  if (!dtype) {
    const dn = ONNX_DTYPE_NAMES[dataType] ?? String(dataType);
    throw new Error(`${what}: unsupported TensorProto data_type ${dn} (supported: ${SUPPORTED_DTYPES.join(', ')})`);
  }
  const shape = dims.map((d) => {
    if (d < 0n) throw new Error(`${what}: negative dim ${d}`);
    return Number(d);
  });
  const n = numel(shape);
  const [Ctor] = DTYPES[dtype];
  let data;
  if (raw !== null) {
    data = typedFromBytes(dtype, raw, 0, n, what);
    if (raw.length !== data.byteLength) {
      throw new Error(`${what}: raw_data has ${raw.length} bytes, expected ${data.byteLength}`);
    }
  } else {
    // Typed repeated fields: which one depends on the data type (onnx.proto3).
    let src;
    if (dtype === 'float32') src = floatData;
    else if (dtype === 'float64') src = doubleData;
    else if (dtype === 'int64') src = int64Data;
    else src = int32Data; // int32, int8, uint8, bool are all stored in int32_data
    if (src.length !== n) {
      throw new Error(`${what}: TensorProto '${name}' has ${src.length} values, shape [${shape}] needs ${n}`);
    }
    data = new Ctor(n);
    for (let i = 0; i < n; i++) {
      const v = src[i];
      data[i] = dtype === 'int64' ? v : (dtype === 'bool' ? (v ? 1 : 0) : Number(v));
    }
  }
  return { name, dtype, shape, data };
}

export function readTensorProto(path) {
  return parseTensorProto(readFileSync(path), path);
}

export function readTensorFile(path) {
  if (/\.npy$/i.test(path)) return readNpy(path);
  if (/\.pb$/i.test(path)) return readTensorProto(path);
  throw new Error(`${path}: expected a .npy or .pb file`);
}
