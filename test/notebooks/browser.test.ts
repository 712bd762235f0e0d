/**
 * The executed tutorials, exported to HTML, opened in headless Chromium (Debian's `chromium`, driven by
 * playwright-core): no console errors, every Plotly figure rendered with the expected number of points,
 * every image decoded. Screenshots are written to out/tutorials/screenshots/ as test artifacts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/chromium';

const root = path.join(__dirname, '..', '..');
const outDir = path.join(root, 'out', 'tutorials');
const shots = path.join(outDir, 'screenshots');
const notebooks = fs
  .readdirSync(path.join(root, 'notebooks'))
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .map((f) => f.replace(/\.ipynb$/, ''));
let browser: Browser;

/** Points Plotly should draw for a figure: markers of every trace with a marker mode. */
function expectedPoints(fig: { data: { mode?: string; x?: unknown[]; type?: string }[] }): number {
  return fig.data
    .filter((t) => (t.type ?? 'scatter') === 'scatter' && (t.mode ?? '').includes('markers'))
    .reduce((n, t) => n + (t.x?.length ?? 0), 0);
}

test.before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install chromium (or set HYPNEST_CHROMIUM)`);
  const missing = notebooks.filter((n) => !fs.existsSync(path.join(outDir, `${n}.html`)));
  if (missing.length) {
    const r = spawnSync(process.execPath, ['scripts/tutorials.mjs', '--no-build'], { cwd: root, stdio: 'inherit' });
    assert.is(r.status, 0, 'the tutorials must execute before their HTML can be checked');
  }
  fs.mkdirSync(shots, { recursive: true });
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
});

for (const name of notebooks) {
  test(`${name}: HTML renders in Chromium with no errors, figures drawn, images decoded`, async () => {
    const nb = JSON.parse(fs.readFileSync(path.join(outDir, `${name}.ipynb`), 'utf8'));
    const figs = nb.cells.flatMap((c: { outputs?: { data?: Record<string, unknown> }[] }) =>
      (c.outputs ?? []).map((o) => o.data?.['application/vnd.plotly.v1+json']).filter(Boolean),
    );
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto('file://' + path.join(outDir, `${name}.html`));
    await page.waitForFunction((n) => document.querySelectorAll('.hypnest-plot .main-svg').length >= n, figs.length, { timeout: 20_000 });
    const drawn = await page.$$eval('.hypnest-plot', (els) => els.map((el) => el.querySelectorAll('.scatterlayer .point').length));
    assert.is(drawn.length, figs.length, 'one plot per Plotly output');
    figs.forEach((fig: Parameters<typeof expectedPoints>[0], i: number) =>
      assert.is(drawn[i], expectedPoints(fig), `points drawn in figure ${i + 1}`),
    );
    const images = await page.$$eval('img', (els) =>
      els.map((el) => ({
        ok: (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
        src: (el as HTMLImageElement).src.slice(0, 40),
      })),
    );
    for (const im of images.filter((i) => i.src.startsWith('data:image'))) assert.ok(im.ok, `image ${im.src}… decoded`);
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
    await page.close();
    assert.equal(errors, [], 'no console errors');
  });
}

test.run();
