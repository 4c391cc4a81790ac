#!/usr/bin/env node
// The peer side of bench/compare.py: times onnxruntime-node on one model the way `konnx bench` times
// konnx (session load, first run, then `runs` timed runs after `warmup`), and reports peak RSS.
//
//   node bench/ort_bench.mjs MODEL.onnx --input NAME=FILE.npy ... [--threads N] [--runs N] [--warmup N]
//                            [--cold]      (load + one run only, for the fresh-process measurement)
// Prints one JSON object.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { readTensorFile } from '../tools/node/npy.mjs';

// onnxruntime-node is installed in tools/node (npm ci --ignore-scripts), not next to this file.
const ort = createRequire(new URL('../tools/node/package.json', import.meta.url))('onnxruntime-node');

const args = process.argv.slice(2);
const opts = { inputs: [], threads: 1, runs: 50, warmup: 5, cold: false };
let model = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--input') {
    const v = args[++i];
    const eq = v.lastIndexOf('=');
    opts.inputs.push({ name: v.slice(0, eq), file: v.slice(eq + 1) });
  } else if (a === '--threads') opts.threads = Number(args[++i]);
  else if (a === '--runs') opts.runs = Number(args[++i]);
  else if (a === '--warmup') opts.warmup = Number(args[++i]);
  else if (a === '--cold') opts.cold = true;
  else model = a;
}
if (!model) {
  console.error('usage: node bench/ort_bench.mjs MODEL.onnx --input NAME=FILE ... [--threads N] [--runs N] [--warmup N] [--cold]');
  process.exit(64);
}

const feeds = {};
for (const { name, file } of opts.inputs) {
  const t = readTensorFile(file);
  feeds[name] = new ort.Tensor(t.dtype, t.data, t.shape);
}
const t0 = performance.now();
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: opts.threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
});
const loadMs = performance.now() - t0;
const t1 = performance.now();
await session.run(feeds);
const firstMs = performance.now() - t1;
const result = { load_ms: loadMs, first_run_ms: firstMs, threads: opts.threads };
if (!opts.cold) {
  for (let i = 0; i < opts.warmup; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < opts.runs; i++) {
    const s = performance.now();
    await session.run(feeds);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
  Object.assign(result, {
    runs: times.length,
    mean_ms: times.reduce((a, b) => a + b, 0) / times.length,
    min_ms: times[0],
    p50_ms: pct(50),
    p90_ms: pct(90),
    max_ms: times[times.length - 1],
  });
}
result.peak_rss_kb = process.resourceUsage().maxRSS;
console.log(JSON.stringify(result));
