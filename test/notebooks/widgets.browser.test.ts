/**
 * The live widgets of the executed tutorials, in their exported HTML opened from disk in headless Chromium (Debian's,
 * driven by playwright-core). Every widget a notebook shows (an `hn.explore.…` call in a code cell) is on the page, in
 * order; each is driven as in the explorer's tests (test/explore/widget-page.ts): slider and drag, the new images
 * waited for, changed and decoded. No console error, and no http(s) request: the page is a file, everything it needs
 * is inside it. Each async widget (`await hn.explore.…()`) also carries a static picture, which a reader without
 * JavaScript sees: checked with JavaScript off. Times per update go to out/tutorials/widget-times.json, screenshots to
 * out/tutorials/screenshots/widget-<notebook>-<kind>.png (and …-static.png, the picture without JavaScript).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, ElementHandle } from 'playwright-core';
import { CHROMIUM, hasChromium, launchChromium } from '../helpers/chromium';
import { KIND_OF_FUNCTION, Kind, UpdateRecord, describeTimes, driveWidget, watchPage } from '../explore/widget-page';

const root = path.join(__dirname, '..', '..');
const outDir = path.join(root, 'out', 'tutorials');
const shots = path.join(outDir, 'screenshots');
const timesFile = path.join(outDir, 'widget-times.json');

interface Shown {
  kind: Kind;
  /** Shown with `await` (the async function): carries a static picture. */
  still: boolean;
}

/** The widgets each notebook's code cells show, in order. */
function widgetsOf(file: string): Shown[] {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
  const code = nb.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
    .join('\n');
  const calls = [...code.matchAll(/(await\s+)?hn\.explore\.(\w+)\(/g)].filter((m) => m[2] in KIND_OF_FUNCTION);
  return calls.map((m) => ({ kind: KIND_OF_FUNCTION[m[2]], still: !!m[1] }));
}

const notebooks = fs
  .readdirSync(path.join(root, 'notebooks'))
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .map((f) => ({ name: f.replace(/\.ipynb$/, ''), widgets: widgetsOf(path.join(root, 'notebooks', f)) }))
  .filter((n) => n.widgets.length > 0);

const times: Record<string, UpdateRecord[]> = {};
let browser: Browser | undefined;

test.before(async () => {
  assert.ok(hasChromium(), `Chromium not found at ${CHROMIUM}: apt-get install chromium (or set HYPNEST_CHROMIUM)`);
  const missing = notebooks.filter((n) => !fs.existsSync(path.join(outDir, `${n.name}.html`))).map((n) => n.name.slice(0, 2));
  if (missing.length) {
    const r = spawnSync(process.execPath, ['scripts/tutorials.mjs', '--no-build', '--only', missing.join(',')], {
      cwd: root,
      stdio: 'inherit',
    });
    assert.is(r.status, 0, 'the tutorials must execute before their HTML can be checked');
  }
  fs.mkdirSync(shots, { recursive: true });
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
});

test('the tutorials show live widgets (02, 03, 04, 05 each at least one)', () => {
  const names = notebooks.map((n) => n.name.slice(0, 2));
  for (const nn of ['02', '03', '04', '05']) assert.ok(names.includes(nn), `notebook ${nn} shows a widget (found: ${names.join(', ')})`);
});

for (const { name, widgets } of notebooks) {
  const kinds = widgets.map((w) => w.kind);
  const url = 'file://' + path.join(outDir, `${name}.html`);

  test(`${name}: exported HTML, every widget (${kinds.join(', ')}) driven: images changed and decoded, no error, no request`, async () => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const watch = watchPage(page, 'file://');
    try {
      await page.goto(url, { timeout: 120_000 });
      const hosts = (await page.$$('.hypnest-widget-host')) as ElementHandle<HTMLElement>[];
      const onPage = await Promise.all(hosts.map((h) => h.getAttribute('data-kind')));
      assert.equal(
        onPage,
        kinds,
        `the widgets the notebook shows are on the page, in order (stale HTML? npm run tutorials -- --only ${name.slice(0, 2)})`,
      );
      for (const [i, host] of hosts.entries()) {
        const kind = kinds[i];
        const where = `${name}/${kind}`;
        const recs = await driveWidget(page, host, kind, path.join(shots, `widget-${name}-${kind}.png`));
        times[where] = recs;
        console.log(describeTimes(where, recs, os.loadavg()[0]));
        fs.writeFileSync(timesFile, JSON.stringify({ loadavg: os.loadavg(), cpus: os.cpus().length, times }, null, 2));
      }
      assert.equal(watch.errors, [], 'no console error');
      assert.equal(watch.offOrigin, [], 'no http(s) request from the file:// page');
    } finally {
      await page.close();
    }
  });

  if (widgets.some((w) => w.still)) {
    test(`${name}: without JavaScript, each async widget's static picture is shown and decoded`, async () => {
      const ctx = await browser!.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
      try {
        const page = await ctx.newPage();
        await page.goto(url, { timeout: 120_000 });
        const stills = await page.$$('.hypnest-static');
        assert.is(stills.length, widgets.filter((w) => w.still).length, 'one static picture per async widget');
        const withStill = widgets.filter((w) => w.still);
        for (const [i, still] of stills.entries()) {
          const kind = withStill[i].kind;
          await still.scrollIntoViewIfNeeded();
          assert.ok(await still.isVisible(), `${kind}: the static picture is visible`);
          const pics = await still.$$eval('img, svg', (els) =>
            els.map((e) =>
              e instanceof HTMLImageElement ? e.complete && e.naturalWidth > 0 : e.querySelectorAll('circle, polyline, path').length > 0,
            ),
          );
          assert.ok(pics.length > 0, `${kind}: the static picture holds an image`);
          pics.forEach((ok, j) => assert.ok(ok, `${kind}: picture ${j + 1} decoded (or drawn)`));
          await still.screenshot({ path: path.join(shots, `widget-${name}-${kind}-static.png`) });
        }
      } finally {
        await ctx.close();
      }
    });
  }
}

test.run();
