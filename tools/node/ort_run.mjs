#!/usr/bin/env node
// Run an ONNX model through onnxruntime-node (the peer runtime konnx is
// compared against) and dump every output as .npy.
//
//   node tools/node/ort_run.mjs MODEL.onnx --input NAME=FILE [--input ...]
//        --output-dir DIR [--threads N] [--opt-level all|basic|disabled]
//        [--repeat N] [--json]
//
// FILE is a .npy (v1/v2, little-endian, C order) or an ONNX TensorProto .pb.
// `--input FILE` without NAME= uses the TensorProto's name (for .pb) or else
// the model's inputs in order.  Outputs go to DIR/<sanitized name>.npy where
// characters outside [A-Za-z0-9._-] become '_'.  A summary (output names,
// files, shapes, dtypes, session load ms, run ms) is printed as text, or as a
// single JSON object on stdout with --json.  Exit code 0 on success, 2 on
// usage errors, 1 on any other failure.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { readTensorFile, writeNpy, SUPPORTED_DTYPES } from './npy.mjs';

const USAGE = `usage: node tools/node/ort_run.mjs MODEL.onnx --input NAME=FILE [--input NAME=FILE ...]
       --output-dir DIR [--threads N] [--opt-level all|basic|disabled] [--repeat N] [--json]`;

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { inputs: [], threads: 0, optLevel: 'all', repeat: 1, json: false };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    // Accept both "--flag value" and "--flag=value".
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = () => {
      if (eq > 0) return a.slice(eq + 1);
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      return argv[++i];
    };
    const int = (v, min) => {
      if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} expects an integer >= ${min}, got '${v}'`);
      return Number(v);
    };
    switch (flag) {
      case '--input': {
        const v = value();
        // NAME=FILE; names may themselves contain '=' rarely, so split on the
        // last '=' only when the remainder looks like a tensor file.
        const m = /^(.*)=([^=]+\.(?:npy|pb))$/i.exec(v);
        opts.inputs.push(m ? { name: m[1], file: m[2] } : { name: null, file: v });
        break;
      }
      case '--output-dir': opts.outputDir = value(); break;
      case '--threads': opts.threads = int(value(), 0); break;
      case '--repeat': opts.repeat = int(value(), 1); break;
      case '--opt-level': {
        const v = value();
        if (!['all', 'basic', 'disabled'].includes(v)) throw new UsageError(`--opt-level must be all, basic or disabled, got '${v}'`);
        opts.optLevel = v;
        break;
      }
      case '--json': opts.json = true; break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        positional.push(a);
    }
  }
  if (positional.length !== 1) throw new UsageError('expected exactly one MODEL.onnx');
  if (!opts.outputDir) throw new UsageError('--output-dir is required');
  if (opts.inputs.length === 0) throw new UsageError('at least one --input is required');
  opts.model = positional[0];
  return opts;
}

function sanitizeName(name) {
  const s = name.replace(/[^A-Za-z0-9._-]/g, '_');
  // Never produce '', '.' or '..' as a file name.
  return /^\.*$/.test(s) ? `_${s}` : s;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));

  const sessionOptions = { graphOptimizationLevel: opts.optLevel };
  if (opts.threads > 0) {
    sessionOptions.intraOpNumThreads = opts.threads;
    sessionOptions.interOpNumThreads = 1;
  }
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(opts.model, sessionOptions);
  const loadMs = performance.now() - t0;

  // Bind inputs: explicit NAME=, else the .pb's own name, else positional.
  const feeds = {};
  let nextPositional = 0;
  for (const { name, file } of opts.inputs) {
    const t = readTensorFile(file);
    let inName = name ?? (t.name && session.inputNames.includes(t.name) ? t.name : null);
    if (inName === null) {
      while (nextPositional < session.inputNames.length && session.inputNames[nextPositional] in feeds) nextPositional++;
      if (nextPositional >= session.inputNames.length) throw new Error(`no model input left for ${file}`);
      inName = session.inputNames[nextPositional++];
    }
    if (!session.inputNames.includes(inName)) {
      throw new Error(`model has no input '${inName}' (inputs: ${session.inputNames.join(', ')})`);
    }
    if (inName in feeds) throw new Error(`input '${inName}' given twice`);
    feeds[inName] = new ort.Tensor(t.dtype, t.data, t.shape);
  }
  const missing = session.inputNames.filter((n) => !(n in feeds));
  if (missing.length) throw new Error(`missing model input(s): ${missing.join(', ')}`);

  // The first run includes lazy initialisation; with --repeat N we also
  // report the median of all N runs.
  const runMs = [];
  let results;
  for (let i = 0; i < opts.repeat; i++) {
    const t1 = performance.now();
    results = await session.run(feeds);
    runMs.push(performance.now() - t1);
  }

  mkdirSync(opts.outputDir, { recursive: true });
  const used = new Set();
  const outputs = [];
  for (const name of session.outputNames) {
    const t = results[name];
    if (!SUPPORTED_DTYPES.includes(t.type)) {
      throw new Error(`output '${name}' has dtype ${t.type}; supported: ${SUPPORTED_DTYPES.join(', ')}`);
    }
    // Distinct names can sanitize to the same file name; keep them apart.
    let base = sanitizeName(name);
    for (let k = 1; used.has(base); k++) base = `${sanitizeName(name)}_${k}`;
    used.add(base);
    const file = join(opts.outputDir, `${base}.npy`);
    const data = t.type === 'bool' ? Uint8Array.from(t.data, (v) => (v ? 1 : 0)) : t.data;
    writeNpy(file, { dtype: t.type, shape: t.dims.map(Number), data });
    outputs.push({ name, file, shape: t.dims.map(Number), dtype: t.type });
  }

  const summary = {
    model: opts.model,
    ort_version: ort.env.versions?.node ?? null,
    threads: opts.threads || null,
    opt_level: opts.optLevel,
    inputs: Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, { shape: t.dims.map(Number), dtype: t.type }])),
    outputs,
    load_ms: +loadMs.toFixed(3),
    run_ms: +runMs[0].toFixed(3),
    ...(opts.repeat > 1 ? { repeat: opts.repeat, run_ms_median: +median(runMs).toFixed(3) } : {}),
  };
  if (opts.json) {
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log(`model   ${opts.model}`);
    console.log(`load    ${summary.load_ms.toFixed(1)} ms, run ${summary.run_ms.toFixed(1)} ms` +
      (opts.repeat > 1 ? ` (median of ${opts.repeat}: ${summary.run_ms_median.toFixed(1)} ms)` : ''));
    for (const o of outputs) console.log(`output  ${o.name}  ${o.dtype}[${o.shape.join(', ')}]  -> ${o.file}`);
  }
}

main().catch((e) => {
  if (e instanceof UsageError) {
    console.error(`error: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  console.error(`error: ${e.message ?? e}`);
  process.exit(1);
});
