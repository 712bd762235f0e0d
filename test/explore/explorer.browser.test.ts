/**
 * The explorer's widgets in headless Chromium (Debian's, driven by playwright-core), in the three places they run:
 * the standalone site (served on 127.0.0.1), a notebook executed with the tslab kernel and exported to HTML (opened
 * from disk, no server), and a live Jupyter Notebook 6 server. In each: drag the slider and the target, wait for the
 * re-decoded images, assert they changed and decoded, no console error, no request leaving the page's origin; the
 * time per update is printed and written to out/explorer-test/times.json; screenshots go to out/explorer-test/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { serveExplorer } from '../../sdk/explore/site';
import { KERNEL, NotebookServer, PYTHON, notebookVersion, startNotebookServer } from '../notebooks/jupyter-server';
import { runAllCells, waitForKernel } from '../notebooks/live-page';
import { UpdateRecord, exerciseRadius, median, watchPage } from './widget-page';

const root = path.join(__dirname, '..', '..');
const out = path.join(root, 'out', 'explorer-test');
const CHROMIUM = process.env.HYPNEST_CHROMIUM ?? '/usr/bin/chromium';
const jupyterPath = path.join(root, '.jupyter-local', 'share', 'jupyter');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const times: Record<string, UpdateRecord[]> = {};

/** A notebook that shows the widget, next to symlinks to build/ and node_modules/ (as the tutorials import them). */
function stageWidgetNotebook(): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-explorer-'));
  fs.mkdirSync(path.join(dir, 'notebooks'));
  for (const link of ['build', 'node_modules']) fs.symlinkSync(path.join(root, link), path.join(dir, link), 'dir');
  const cell = (src: string) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: src });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: KERNEL, display_name: 'TypeScript (hypnest)', language: 'typescript' } },
    cells: [cell("import * as hn from '../build/sdk';\nhn.viz.installNotebookDisplay();"), cell('hn.show(hn.explore.radiusExplorer());')],
  };
  const file = path.join(dir, 'notebooks', 'explorer.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb));
  return { dir, file };
}

function report(where: string, recs: UpdateRecord[]): void {
  times[where] = recs;
  const radius = recs.filter((r) => r.change.startsWith('slider')).map((r) => r.ms);
  console.log(
    `  ${where}: ms per update ${recs.map((r) => `${r.change}: ${r.ms}`).join(', ')}; median radius update ${median(radius)} ms (load average ${os.loadavg()[0].toFixed(1)})`,
  );
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'times.json'), JSON.stringify({ loadavg: os.loadavg(), cpus: os.cpus().length, times }, null, 2));
}

async function checkWidget(page: Page, where: string, watch: ReturnType<typeof watchPage>): Promise<void> {
  const host = await page.waitForSelector('.hypnest-widget-host', { timeout: 120_000 });
  const recs = await exerciseRadius(page, host as never);
  await host.screenshot({ path: path.join(out, `radius-${where}.png`) });
  const status = await host.$eval('.hx-status', (e) => e.textContent ?? '');
  assert.match(status, /backend (wasm|webgl|webgpu)/, 'the widget says which backend it uses');
  assert.match(status, /ms per update/, 'and the time per update');
  assert.match(status, /cached DDIM inversion/, 'and that the inversion is cached');
  report(where, recs);
  assert.equal(watch.errors, [], 'no console error');
  assert.equal(watch.offOrigin, [], "no request leaves the page's origin");
}

let browser: Browser | undefined;
test.before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install chromium (or set HYPNEST_CHROMIUM)`);
  assert.ok(fs.existsSync(path.join(root, 'build', 'browser', 'hypnest-explorer.js')), 'build/browser/hypnest-explorer.js (npm run build)');
  fs.mkdirSync(out, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
test.after(async () => {
  await browser?.close();
});

test('standalone site (hypnest explore): radius explorer', async () => {
  const { server, url } = await serveExplorer(0);
  try {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const watch = watchPage(page, url.replace(/\/$/, ''));
    await page.goto(url);
    await page.click('a[href="radius.html"]');
    await checkWidget(page, 'site', watch);
    await page.screenshot({ path: path.join(out, 'site-radius.png'), fullPage: true });
    await page.close();
  } finally {
    server.close();
  }
});

test('exported notebook HTML (no server): radius explorer', async () => {
  if (!fs.existsSync(path.join(jupyterPath, 'kernels', KERNEL, 'kernel.json'))) {
    const r = spawnSync('bash', [path.join(root, 'kernels-setup', 'setup.sh')], { encoding: 'utf8' });
    assert.is(r.status, 0, `kernels-setup/setup.sh failed:\n${r.stdout}${r.stderr}`);
  }
  const { dir, file } = stageWidgetNotebook();
  try {
    const html = path.join(out, 'explorer-notebook.html');
    const r = spawnSync(
      PYTHON,
      [
        path.join(root, 'kernels-setup', 'execute.py'),
        file,
        path.join(dir, 'executed.ipynb'),
        html,
        path.join(dir, 'result.json'),
        '--kernel',
        KERNEL,
      ],
      { env: { ...process.env, JUPYTER_PATH: jupyterPath }, encoding: 'utf8', timeout: 600_000 },
    );
    assert.is(r.status, 0, `executing the widget notebook failed:\n${r.stdout}${r.stderr}`);
    const executed = JSON.parse(fs.readFileSync(path.join(dir, 'executed.ipynb'), 'utf8'));
    const htmlOut = executed.cells[1].outputs.find((o: { data?: Record<string, string> }) => o.data?.['text/html']);
    assert.ok(htmlOut, 'the widget cell has an HTML output');
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const watch = watchPage(page, 'file://');
    await page.goto('file://' + html);
    await checkWidget(page, 'exported-html', watch);
    await page.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const nbVersion = notebookVersion();
test(`live Jupyter Notebook ${nbVersion ?? '(missing)'}: radius explorer`, async () => {
  assert.ok(nbVersion?.startsWith('6.'), `the live test drives Notebook 6 (found ${nbVersion}); apt-get install jupyter-notebook`);
  const { dir } = stageWidgetNotebook();
  let server: NotebookServer | undefined;
  let ctx: BrowserContext | undefined;
  try {
    server = await startNotebookServer({ rootDir: dir, jupyterPath });
    ctx = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(dir, 'chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 1000 },
      args: ARGS,
    });
    const page = await ctx.newPage();
    const watch = watchPage(page, server.base);
    await page.goto(server.notebookUrl('notebooks/explorer.ipynb'), { waitUntil: 'load' });
    assert.is(await waitForKernel(page), 'tslab');
    await runAllCells(page, 300_000);
    await checkWidget(page, 'live-notebook', watch);
    await page.screenshot({ path: path.join(out, 'live-notebook.png') });
  } finally {
    await ctx?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
