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
import type { Browser, BrowserContext, ElementHandle, Page } from 'playwright-core';
import { CHROMIUM, hasChromium, launchChromium, launchChromiumContext } from '../helpers/chromium';
import { serveExplorer } from '../../sdk/explore/site';
import { KERNEL, NotebookServer, PYTHON, notebookVersion, startNotebookServer } from '../notebooks/jupyter-server';
import { runAllCells, waitForKernel } from '../notebooks/live-page';
import { KINDS, Kind, UpdateRecord, describeTimes, driveWidget, watchPage } from './widget-page';

const root = path.join(__dirname, '..', '..');
const out = path.join(root, 'out', 'explorer-test');
const jupyterPath = path.join(root, '.jupyter-local', 'share', 'jupyter');
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
    cells: [
      cell("import * as hn from '../build/sdk';\nhn.viz.installNotebookDisplay();"),
      cell('hn.show(hn.explore.radiusExplorer());'),
      // the cells handed to notebooks 03, 05 and 02 (public entry point only)
      cell('hn.show(await hn.explore.geodesicWalk());'),
      cell('hn.show(await hn.explore.nestedLevels());'),
      cell('hn.show(await hn.explore.ddimScrubber());'),
    ],
  };
  const file = path.join(dir, 'notebooks', 'explorer.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb));
  return { dir, file };
}

function report(where: string, recs: UpdateRecord[]): void {
  times[where] = recs;
  console.log(describeTimes(where, recs, os.loadavg()[0]));
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'times.json'), JSON.stringify({ loadavg: os.loadavg(), cpus: os.cpus().length, times }, null, 2));
}

type Host = ElementHandle<HTMLElement>;

/** Every widget on the page (in order), driven, screenshotted and checked. */
async function checkWidgets(page: Page, where: string, watch: ReturnType<typeof watchPage>, kinds: readonly Kind[]): Promise<void> {
  await page.waitForSelector('.hypnest-widget-host', { timeout: 120_000 });
  for (const kind of kinds) {
    const host = (await page.$(`.hypnest-widget-host[data-kind="${kind}"]`)) as unknown as Host;
    assert.ok(host, `a ${kind} widget on the page`);
    report(`${where}/${kind}`, await driveWidget(page, host, kind, path.join(out, `${kind}-${where}.png`)));
  }
  assert.equal(watch.errors, [], 'no console error');
  assert.equal(watch.offOrigin, [], "no request leaves the page's origin");
}

let browser: Browser | undefined;
test.before(async () => {
  assert.ok(hasChromium(), `Chromium not found at ${CHROMIUM}: apt-get install chromium (or set HYPNEST_CHROMIUM)`);
  assert.ok(fs.existsSync(path.join(root, 'build', 'browser', 'hypnest-explorer.js')), 'build/browser/hypnest-explorer.js (npm run build)');
  fs.mkdirSync(out, { recursive: true });
  browser = await launchChromium();
});
test.after(async () => {
  await browser?.close();
});

for (const kind of KINDS) {
  test(`standalone site (hypnest explore): ${kind}`, async () => {
    const { server, url } = await serveExplorer(0);
    try {
      const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
      const watch = watchPage(page, url.replace(/\/$/, ''));
      await page.goto(url);
      await page.click(`a[href="${kind}.html"]`);
      await checkWidgets(page, 'site', watch, [kind]);
      await page.screenshot({ path: path.join(out, `site-${kind}.png`), fullPage: true });
      await page.close();
    } finally {
      server.close();
    }
  });
}

test('exported notebook HTML (no server): every widget', async () => {
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
    for (const i of [1, 2, 3, 4]) {
      const htmlOut = executed.cells[i].outputs.find((o: { data?: Record<string, string> }) => o.data?.['text/html']);
      assert.ok(htmlOut, `widget cell ${i} has an HTML output`);
      if (i > 1)
        assert.match(htmlOut.data['text/html'], /class="hypnest-static"><(svg|img)/, `widget cell ${i} carries its static picture`);
    }
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const watch = watchPage(page, 'file://');
    await page.goto('file://' + html);
    await checkWidgets(page, 'exported-html', watch, KINDS);
    await page.screenshot({ path: path.join(out, 'exported-html.png'), fullPage: true });
    await page.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const nbVersion = notebookVersion();
test(`live Jupyter Notebook ${nbVersion ?? '(missing)'}: every widget`, async () => {
  assert.ok(nbVersion?.startsWith('6.'), `the live test drives Notebook 6 (found ${nbVersion}); apt-get install jupyter-notebook`);
  const { dir } = stageWidgetNotebook();
  let server: NotebookServer | undefined;
  let ctx: BrowserContext | undefined;
  try {
    server = await startNotebookServer({ rootDir: dir, jupyterPath });
    ctx = await launchChromiumContext(fs.mkdtempSync(path.join(dir, 'chromium-')));
    const page = await ctx.newPage();
    const watch = watchPage(page, server.base);
    await page.goto(server.notebookUrl('notebooks/explorer.ipynb'), { waitUntil: 'load' });
    assert.is(await waitForKernel(page), 'tslab');
    await runAllCells(page, 600_000);
    await checkWidgets(page, 'live-notebook', watch, KINDS);
    await page.screenshot({ path: path.join(out, 'live-notebook.png') });
  } finally {
    await ctx?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
