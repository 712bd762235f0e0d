/**
 * `hypnest doctor`: what this machine gives the SDK — the chosen backend and why the others were
 * skipped, versions, whether Jupyter and the project's tslab kernel are set up, whether the data is there.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ready } from '../core/backend';
import { packageRoot } from '../core/paths';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
}

function version(pkg: string): string {
  try {
    return JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [packageRoot()] }), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function jupyterCheck(): DoctorCheck {
  const py = '/usr/bin/python3';
  if (!fs.existsSync(py))
    return { name: 'jupyter', ok: false, detail: `${py} missing: run \`npm run kernel\` (installs Debian's jupyter packages)` };
  const r = spawnSync(py, ['-c', 'import nbconvert, jupyter_client, notebook; print(nbconvert.__version__)'], { encoding: 'utf8' });
  return r.status === 0
    ? { name: 'jupyter', ok: true, detail: `nbconvert ${r.stdout.trim()} (Debian, ${py})` }
    : { name: 'jupyter', ok: false, detail: 'nbconvert/jupyter_client/notebook not importable by /usr/bin/python3: run `npm run kernel`' };
}

function kernelCheck(): DoctorCheck {
  const spec = path.join(packageRoot(), '.jupyter-local', 'share', 'jupyter', 'kernels');
  const found = fs.existsSync(spec) ? fs.readdirSync(spec) : [];
  return found.length
    ? { name: 'kernel', ok: true, detail: `registered under ${spec}: ${found.join(', ')}` }
    : { name: 'kernel', ok: false, detail: `not registered (expected under ${spec}): run \`npm run kernel\`` };
}

function dataCheck(): DoctorCheck[] {
  const dir = process.env.HYPNEST_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';
  const files = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
  const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
  const embedded = path.join(packageRoot(), 'assets', 'data');
  return [
    missing.length
      ? {
          name: 'fashion-mnist',
          ok: false,
          detail: `missing in ${dir}: ${missing.join(', ')} — apt-get install dataset-fashion-mnist (the embedded subset is used meanwhile)`,
        }
      : { name: 'fashion-mnist', ok: true, detail: dir },
    { name: 'embedded subset', ok: fs.existsSync(embedded), detail: embedded },
  ];
}

export async function doctor(): Promise<{ checks: DoctorCheck[]; ok: boolean }> {
  const checks: DoctorCheck[] = [];
  try {
    const r = await ready();
    const skipped = r.skipped.map((s) => `\n      skipped ${s.backend}: ${s.reason}`).join('');
    const kernels = r.native
      ? r.native.available
        ? ` + native kernels: ${r.native.detail}`
        : ` (wasm kernels; native kernels unavailable: ${r.native.detail})`
      : '';
    checks.push({ name: 'backend', ok: true, detail: `${r.chosen}${kernels} (${r.source})${skipped}` });
  } catch (e) {
    checks.push({ name: 'backend', ok: false, detail: (e as Error).message });
  }
  checks.push({
    name: 'versions',
    ok: true,
    detail: `hypnest ${JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version}, node ${process.version}, tfjs-core ${version('@tensorflow/tfjs-core')}, tfjs-backend-wasm ${version('@tensorflow/tfjs-backend-wasm')}, tslab ${version('tslab')}, sharp ${version('sharp')}`,
  });
  checks.push(jupyterCheck(), kernelCheck(), ...dataCheck());
  return { checks, ok: checks.every((c) => c.ok) };
}

export function formatDoctor(checks: DoctorCheck[]): string {
  return checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(16)} ${c.detail}`).join('\n');
}
