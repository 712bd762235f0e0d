/**
 * `npm run notebook` as a newcomer runs it: scripts/notebook.mjs starts Jupyter Notebook 6 on notebooks/ and
 * prints the URL; through that URL's REST API the project's kernel ("TypeScript (hypnest)") is listed, starts,
 * and reaches the idle state (a kernel that cannot start goes dead or never idles). The server's whole process
 * group is ended in every case. Skipped only when the notebook module is missing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { KERNEL, freePort, notebookVersion } from './jupyter-server';

const root = path.join(__dirname, '..', '..');
const skip = notebookVersion() ? undefined : 'the Jupyter notebook module is not importable by /usr/bin/python3';

async function poll<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Sends one execute_request and prints the cell's output streams (exit 1 on an error reply). */
const CLIENT = `
const ws = new WebSocket(process.argv[1]);
const id = 'c' + Date.now();
const header = { msg_id: id, msg_type: 'execute_request', username: 'test', session: 's' + id, version: '5.3', date: new Date().toISOString() };
const content = { code: "import * as hn from '../build/sdk';\\ntypeof hn.viz.show", silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true };
let reply, idle = false;
ws.onopen = () => ws.send(JSON.stringify({ header, parent_header: {}, metadata: {}, content, channel: 'shell' }));
ws.onmessage = (ev) => {
  const m = JSON.parse(ev.data);
  if (m.parent_header?.msg_id !== id) return;
  if (m.msg_type === 'stream') console.log(m.content.name + ': ' + m.content.text.trim()); // tslab shows a cell's value on stdout
  if (m.msg_type === 'error') console.log('error: ' + m.content.ename + ': ' + m.content.evalue);
  if (m.msg_type === 'execute_reply') reply = m.content.status;
  if (m.msg_type === 'status' && m.content.execution_state === 'idle') idle = true;
  if (reply && idle) { ws.close(); process.exit(reply === 'ok' ? 0 : 1); } // iopub and shell arrive in any order
};
ws.onerror = (e) => { console.log('websocket error ' + (e.message ?? '')); process.exit(2); };
`;

test('npm run notebook prints a URL whose server starts the hypnest kernel', async () => {
  if (skip) return console.log(`  (skipped: ${skip})`);
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'notebook.mjs'), '--no-build', '--port', String(port)], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  try {
    const url = await poll(
      'the printed URL',
      120_000,
      async () => /notebook: open (http:\/\/127\.0\.0\.1:\d+\/\S*token=(\S+))/.exec(out) ?? undefined,
    );
    const token = url[2];
    const api = (p: string, init?: RequestInit) =>
      fetch(`http://127.0.0.1:${port}/api/${p}`, {
        ...init,
        headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      });
    const specs = (await (await api('kernelspecs')).json()) as { kernelspecs: Record<string, { spec: { display_name: string } }> };
    assert.is(specs.kernelspecs[KERNEL]?.spec.display_name, 'TypeScript (hypnest)', `kernel ${KERNEL} registered`);
    // A session of a notebook, as the page opens it (so the kernel starts in notebooks/, where '../build/sdk' resolves).
    const body = { path: '00-setup.ipynb', type: 'notebook', kernel: { name: KERNEL } };
    const session = (await (await api('sessions', { method: 'POST', body: JSON.stringify(body) })).json()) as {
      id: string;
      kernel: { id: string };
    };
    const kernel = session.kernel;
    // Run one cell through the kernel's channels (a child Node with WebSocket): it imports the SDK as the notebooks do.
    const r = spawnSync(
      process.execPath,
      ['--experimental-websocket', '-e', CLIENT, `ws://127.0.0.1:${port}/api/kernels/${kernel.id}/channels?token=${token}`],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    assert.is(
      r.status,
      0,
      `the cell ran (client exit ${r.status} ${r.signal ?? ''} ${r.error?.message ?? ''}: ${r.stdout}${r.stderr}; server log:\n${out.slice(-2000)})`,
    );
    assert.match(r.stdout, /stdout: function/, `the SDK imported in the kernel (client: ${r.stdout})`);
    await api(`sessions/${session.id}`, { method: 'DELETE' });
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
});

test.run();
