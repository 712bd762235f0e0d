/**
 * A throw-away Jupyter Notebook server (Debian's classic notebook 6.x on /usr/bin/python3) for the live
 * notebook tests: a temp copy of notebooks/ laid out so that `import ... from '../build/sdk'` still resolves,
 * a random free port on 127.0.0.1, a random token, no browser, Jupyter config/runtime dirs inside the temp
 * folder (the user's ~/.jupyter is not read), and the project's kernel via JUPYTER_PATH.
 * `stop()` shuts the kernels down, then ends the server's whole process group (server + kernels);
 * it is also registered for process exit, so a crashed test run leaves nothing behind.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const PYTHON = '/usr/bin/python3';
export const KERNEL = 'hypnest-tslab';

/** The classic notebook's version ('6.4.12'), or undefined when `import notebook` fails. */
export function notebookVersion(python = PYTHON): string | undefined {
  if (!fs.existsSync(python)) return undefined;
  const r = spawnSync(python, ['-c', 'import notebook; print(notebook.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** A TCP port that was free a moment ago (the server is started with port_retries=0, so a race fails loudly). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * <tmp>/notebooks: copies of the repo's notebooks (so nothing there is ever saved over);
 * <tmp>/build and <tmp>/node_modules: symlinks to the repo's, so '../build/sdk' and bare imports resolve.
 * (Node and TypeScript follow the symlinks to their real paths, so the SDK still finds assets/.)
 */
export function stageNotebooks(root: string, names?: string[]): { dir: string; notebooks: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-live-'));
  const notebooks = path.join(dir, 'notebooks');
  fs.mkdirSync(notebooks);
  for (const f of fs.readdirSync(path.join(root, 'notebooks'))) {
    if (f.endsWith('.ipynb') && (!names || names.some((n) => f.startsWith(n))))
      fs.copyFileSync(path.join(root, 'notebooks', f), path.join(notebooks, f));
  }
  for (const link of ['build', 'node_modules']) fs.symlinkSync(path.join(root, link), path.join(dir, link), 'dir');
  return { dir, notebooks };
}

export interface NotebookServer {
  port: number;
  token: string;
  /** http://127.0.0.1:PORT */
  base: string;
  /** The URL of a notebook (path relative to the server's root), token included. */
  notebookUrl(relPath: string): string;
  /** What the server printed so far (for failure messages). */
  log(): string;
  /** Shuts down every running kernel (a closed page leaves its kernel running). */
  shutdownKernels(): Promise<void>;
  /** Shuts kernels down and ends the server (idempotent). */
  stop(): Promise<void>;
}

const exitHandlers = new Set<() => void>();
process.on('exit', () => exitHandlers.forEach((h) => h()));

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the server and the kernels it started (detached: own group)
  } catch {
    /* already gone */
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, failed: () => string | undefined): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const why = failed();
    if (why) throw new Error(`${what}: ${why}`);
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: no answer within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Starts `python3 -m notebook` serving `rootDir`; resolves once GET /api/kernelspecs answers and lists
 * the project's kernel. `env` is added to the server's environment (and so to the kernels').
 */
export async function startNotebookServer(o: {
  rootDir: string;
  jupyterPath: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}): Promise<NotebookServer> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const base = `http://127.0.0.1:${port}`;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-jupyter-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: o.jupyterPath,
    JUPYTER_CONFIG_DIR: path.join(home, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(home, 'runtime'),
    JUPYTER_DATA_DIR: path.join(home, 'data'),
    ...o.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const child = spawn(
    PYTHON,
    [
      '-m',
      'notebook',
      '--no-browser',
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--NotebookApp.port_retries=0',
      `--NotebookApp.token=${token}`,
      `--NotebookApp.notebook_dir=${o.rootDir}`,
      '--NotebookApp.open_browser=False',
      ...(process.getuid?.() === 0 ? ['--allow-root'] : []), // containers and CI often run as root
    ],
    { cwd: o.rootDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  let spawnError: Error | undefined;
  child.on('error', (e) => {
    spawnError = e;
  });
  const onExit = () => killGroup(child, 'SIGKILL');
  exitHandlers.add(onExit);

  const shutdownKernels = async () => {
    const kernels = (await (await fetch(`${base}/api/kernels?token=${token}`)).json()) as { id: string }[];
    await Promise.all(kernels.map((k) => fetch(`${base}/api/kernels/${k.id}?token=${token}`, { method: 'DELETE' })));
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Ask for a clean kernel shutdown first; the server's SIGTERM handler does the same for any left.
    await shutdownKernels().catch(() => undefined); // the server may already be down
    killGroup(child, 'SIGTERM');
    const t0 = Date.now();
    while (child.exitCode === null && child.signalCode === null && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100));
    killGroup(child, 'SIGKILL'); // whatever did not go (kernels included)
    exitHandlers.delete(onExit);
    fs.rmSync(home, { recursive: true, force: true });
  };

  try {
    const specs = await waitFor(
      `Jupyter server on ${base}`,
      async () => {
        const r = await fetch(`${base}/api/kernelspecs?token=${token}`);
        return r.ok ? ((await r.json()) as { kernelspecs: Record<string, unknown> }) : undefined;
      },
      o.timeoutMs ?? 60_000,
      () => spawnError?.message ?? (child.exitCode !== null ? `exited with status ${child.exitCode}:\n${output.slice(-2000)}` : undefined),
    );
    if (!(KERNEL in specs.kernelspecs)) {
      throw new Error(
        `the server does not list kernel ${KERNEL} (JUPYTER_PATH=${o.jupyterPath}; it has ${Object.keys(specs.kernelspecs).join(', ')}): run kernels-setup/setup.sh`,
      );
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    port,
    token,
    base,
    notebookUrl: (rel) => `${base}/notebooks/${rel.split('/').map(encodeURIComponent).join('/')}?token=${token}`,
    log: () => output,
    shutdownKernels,
    stop,
  };
}
