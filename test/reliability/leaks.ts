/**
 * expectNoLeaks: runs a call many times and asserts that no tensor survives it.
 *
 *   await expectNoLeaks('ddimSample', () => ddimSample(model, xT, schedule, { steps: 3 }));
 *   await expectNoLeaks('hyp(...).generate()', () => hyp(s).perturb({ radius: 3 }).generate(), 200);
 *
 * The call may be sync or async; whatever it returns (a tensor, an array or object of tensors, a promise of
 * those) is disposed after each call, so pass the call itself, not a wrapper that disposes. A few warm-up
 * calls come first (kernels, caches, the wasm allocator), then `reps` measured calls; it asserts that
 * tf.memory().numTensors and numBytes are back where they started and returns (and prints) a report with
 * the growth of the wasm linear memory and of the process's RSS, which are reported, not asserted
 * (the wasm heap only grows, and fragmentation can grow it without a leak).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as assert from 'uvu/assert';

export interface LeakReport {
  label: string;
  reps: number;
  backend: string;
  /** Tensors alive after the measured calls minus before (asserted 0). */
  tensorDelta: number;
  /** Bytes held by tensors after minus before (asserted 0). */
  byteDelta: number;
  /** Growth of the wasm module's linear memory over the measured calls (bytes; null on other backends). */
  wasmHeapGrowth: number | null;
  /** Wasm linear memory after the calls (bytes; null on other backends). */
  wasmHeapBytes: number | null;
  /** Growth of the process's resident set (bytes; noisy, GC-dependent). */
  rssGrowth: number;
  /** Wall-clock time per call. */
  msPerCall: number;
  /** CPU time (user + system) of this process per call: the cost on an otherwise idle machine. */
  cpuMsPerCall: number;
}

/** Size of the wasm backend's linear memory, or null when the backend is not wasm. */
export function wasmHeapBytes(): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.buffer.byteLength ?? null;
}

const reports: LeakReport[] = [];

/** Every report made in this process, in order (for a summary file). */
export function leakReports(): readonly LeakReport[] {
  return reports;
}

export function formatLeakReport(r: LeakReport): string {
  const mb = (b: number | null) => (b === null ? 'n/a' : `${(b / 2 ** 20).toFixed(2)} MiB`);
  return (
    `${r.label}: ${r.reps} calls on ${r.backend}, ${r.msPerCall.toFixed(1)} ms/call (cpu ${r.cpuMsPerCall.toFixed(1)} ms), tensors ${r.tensorDelta >= 0 ? '+' : ''}${r.tensorDelta}, ` +
    `bytes ${r.byteDelta >= 0 ? '+' : ''}${r.byteDelta}, wasm heap +${mb(r.wasmHeapGrowth)} (now ${mb(r.wasmHeapBytes)}), rss ${r.rssGrowth >= 0 ? '+' : ''}${mb(r.rssGrowth)}`
  );
}

export interface LeakOptions {
  /** Unmeasured calls first (default 3). */
  warmup?: number;
  /** Print the report line (default true). */
  print?: boolean;
}

/** See the module comment. Throws (uvu assertion) when a call leaves tensors or tensor bytes behind. */
export async function expectNoLeaks(label: string, fn: () => unknown, reps = 200, options: LeakOptions = {}): Promise<LeakReport> {
  const once = async () => {
    const out = await fn();
    tf.dispose(out as tf.TensorContainer);
  };
  for (let i = 0; i < (options.warmup ?? 3); i++) await once();
  const before = tf.memory();
  const heap0 = wasmHeapBytes();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) await once();
  const ms = (performance.now() - t0) / reps;
  const cpu = process.cpuUsage(cpu0);
  const after = tf.memory();
  const heap1 = wasmHeapBytes();
  const report: LeakReport = {
    label,
    reps,
    backend: tf.getBackend(),
    tensorDelta: after.numTensors - before.numTensors,
    byteDelta: after.numBytes - before.numBytes,
    wasmHeapGrowth: heap0 === null || heap1 === null ? null : heap1 - heap0,
    wasmHeapBytes: heap1,
    rssGrowth: process.memoryUsage().rss - rss0,
    msPerCall: ms,
    cpuMsPerCall: (cpu.user + cpu.system) / 1000 / reps,
  };
  reports.push(report);
  if (options.print ?? true) console.log(`  leaks | ${formatLeakReport(report)}`);
  assert.is(
    report.tensorDelta,
    0,
    `${label}: ${report.tensorDelta} tensors leaked over ${reps} calls (${report.tensorDelta / reps} per call)`,
  );
  assert.is(report.byteDelta, 0, `${label}: ${report.byteDelta} tensor bytes leaked over ${reps} calls`);
  return report;
}
