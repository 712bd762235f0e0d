/**
 * The tutorials in a live Jupyter front end, as a user runs them: Debian's classic Notebook server (6.x)
 * serving a temp copy of notebooks/, the notebook opened in headless Chromium, Cell → Run All through the
 * Jupyter JS API, then: no error output in any cell, every cell executed, every Plotly figure drawn with
 * its points, and each progress display (training loops) one output that changed while its loop ran.
 * A notebook that shows explorer widgets (02: the DDIM scrubber) also has each one driven in the live page
 * (test/explore/widget-page.ts: images changed and decoded, no console error, no request off the server's origin).
 * Screenshots go to out/tutorials/screenshots/live-*.png. The server (and its kernels) is ended in every
 * case. Skipped only when /usr/bin/chromium or the notebook module is missing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, BrowserContext, ElementHandle, Page } from 'playwright-core';
import { KERNEL, NotebookServer, notebookVersion, stageNotebooks, startNotebookServer } from './jupyter-server';
import { LiveCell, ProgressSample, codeCells, runAllCells, screenshotNotebook, waitForKernel } from './live-page';
import { Kind, describeTimes, driveWidget, frontEndNoise, watchPage } from '../explore/widget-page';

const root = path.join(__dirname, '..', '..');
const shots = path.join(root, 'out', 'tutorials', 'screenshots');
const CHROMIUM = process.env.HYPNEST_CHROMIUM ?? '/usr/bin/chromium';
const jupyterPath = path.join(root, '.jupyter-local', 'share', 'jupyter');
const PLOTLY = 'application/vnd.plotly.v1+json';
/** Notebooks run live (each also runs in the headless tutorials runner; this adds the real front end). */
// 02 is the quickest notebook with a widget (the DDIM scrubber); the explorer test drives all four widgets live.
const LIVE = ['01-hyperbolic-geometry', '02-diffusion-and-inversion', '06-train-your-own'].filter((n) =>
  fs.existsSync(path.join(root, 'notebooks', `${n}.ipynb`)),
);
/** Notebooks whose loops run long enough to be seen mid-run (02's DDIM loops end within one 0.5 s sample). */
const SLOW_LOOPS = new Set(['06-train-your-own']);

const version = notebookVersion();
const skip = !fs.existsSync(CHROMIUM)
  ? `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set HYPNEST_CHROMIUM)`
  : !version
    ? 'the Jupyter notebook module is not importable by /usr/bin/python3 (apt-get install jupyter-notebook)'
    : undefined;

type Figure = { data: { mode?: string; x?: unknown[]; type?: string }[] };
/** Points Plotly draws for a figure: the markers of every scatter trace with a marker mode. */
function expectedPoints(fig: Figure): number {
  return fig.data
    .filter((t) => (t.type ?? 'scatter') === 'scatter' && (t.mode ?? '').includes('markers'))
    .reduce((n, t) => n + (t.x?.length ?? 0), 0);
}

/** Distinct progress texts seen mid-loop ("label k/N (p%)" with 0 < k < N), over all samples. */
function inProgress(samples: ProgressSample[]): Set<string> {
  const seen = new Set<string>();
  for (const s of samples) {
    for (const t of s.texts) {
      const m = /^(.*?) (\d+)\/(\d+) \(/.exec(t);
      if (m && Number(m[2]) > 0 && Number(m[2]) < Number(m[3])) seen.add(`${m[1]} ${m[2]}/${m[3]}`);
    }
  }
  return seen;
}

function ensurePrerequisites(): void {
  if (!fs.existsSync(path.join(jupyterPath, 'kernels', KERNEL, 'kernel.json'))) {
    const r = spawnSync('bash', [path.join(root, 'kernels-setup', 'setup.sh')], { encoding: 'utf8' });
    assert.is(r.status, 0, `kernels-setup/setup.sh failed:\n${r.stdout}${r.stderr}`);
  }
  if (!fs.existsSync(path.join(root, 'build', 'sdk', 'index.js'))) {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.is(r.status, 0, `the notebooks import build/sdk; npm run build failed:\n${r.stdout}`);
  }
}

function describeError(cells: LiveCell[]): string {
  return cells
    .flatMap((c) =>
      c.outputs
        .filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'))
        .map(
          (o) =>
            `cell ${c.index} [${c.prompt}] ${o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : `stderr: ${String(o.text).slice(0, 300)}`}\n  | ${c.source.split('\n').slice(0, 3).join('\n  | ')}`,
        ),
    )
    .join('\n');
}

if (skip) {
  console.log(`live notebook test skipped: ${skip}`);
  test.skip(`live Jupyter notebook (${skip})`, () => undefined);
} else {
  let server: NotebookServer | undefined;
  let browser: BrowserContext | undefined;
  let staged: { dir: string; notebooks: string } | undefined;
  let profile: string | undefined;

  // Set up inside the first test, not in test.before: uvu does not print an error thrown by a hook.
  let setup: Promise<void> | undefined;
  const start = () =>
    (setup ??= (async () => {
      assert.match(version!, /^6\./, `the live test drives the classic Notebook 6 UI (Jupyter.notebook); found notebook ${version}`);
      ensurePrerequisites();
      fs.mkdirSync(shots, { recursive: true });
      staged = stageNotebooks(root);
      // HYPNEST_PROGRESS=0 (set by scripts/test.mjs for terminal runs) would hide the notebook progress displays.
      server = await startNotebookServer({ rootDir: staged.dir, jupyterPath, env: { HYPNEST_PROGRESS: undefined } });
      profile = fs.mkdtempSync(path.join(staged.dir, 'chromium-'));
      // A fresh profile (--user-data-dir) in the temp folder: playwright takes it as launchPersistentContext's first argument.
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1200, height: 900 },
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
    })());

  test.after(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.stop();
      if (staged) fs.rmSync(staged.dir, { recursive: true, force: true });
    }
  });

  for (const name of LIVE) {
    test(`${name}: Run All in a live Jupyter Notebook ${version}: no errors, every cell ran, figures drawn, progress in place`, async () => {
      await start();
      const page: Page = await browser!.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      const watch = watchPage(page, server!.base);
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        // The front end's MathJax asks for a font at about:blank in a notebook with math, before any cell runs; it
        // also probes for the ipywidgets extension (frontEndNoise).
        if (
          m.type() === 'error' &&
          m.location().url !== 'about:blank' &&
          !/^Access to font at 'about:blank'/.test(m.text()) &&
          !frontEndNoise(m)
        )
          consoleErrors.push(m.text());
      });
      try {
        await page.goto(server!.notebookUrl(`notebooks/${name}.ipynb`), { waitUntil: 'load' });
        const impl = await waitForKernel(page);
        assert.is(impl, 'tslab', "the notebook runs in the project's tslab kernel");
        await page.screenshot({ path: path.join(shots, `live-${name}-opened.png`) });
        const run = await runAllCells(page, 900_000);
        const cells = await codeCells(page);
        const figs = cells.flatMap((c) => c.outputs.map((o) => o.data?.[PLOTLY] as Figure | undefined).filter((f): f is Figure => !!f));
        await page
          .waitForFunction((n) => document.querySelectorAll('.hypnest-plot .main-svg').length >= n, figs.length, { timeout: 30_000 })
          .catch(() => undefined); // the counts below say what is missing
        await screenshotNotebook(page, path.join(shots, `live-${name}.png`));
        const firstPlot = await page.$('.hypnest-plot');
        if (firstPlot) {
          await firstPlot.scrollIntoViewIfNeeded();
          await firstPlot.screenshot({ path: path.join(shots, `live-${name}-figure-1.png`) });
        }
        const bars = cells.flatMap((c) => c.outputs.filter((o) => String(o.data?.['text/html'] ?? '').includes('hypnest-progress')));
        const midway = inProgress(run.progress);
        console.log(
          `  ${name}: ${cells.length} code cells, ${figs.length} figures, ${bars.length} progress displays (${midway.size} distinct mid-run states seen), run all in ${run.seconds.toFixed(1)}s`,
        );

        assert.is(describeError(cells), '', 'no error (or stderr) output in any cell');
        cells.forEach((c) => assert.type(c.prompt, 'number', `cell ${c.index} executed (prompt ${c.prompt})`));
        assert.ok(figs.length > 0, 'the notebook shows Plotly figures');
        const drawn = await page.$$eval('.hypnest-plot', (els) =>
          els.map((el) => ({ svg: el.querySelectorAll('.main-svg').length, points: el.querySelectorAll('.scatterlayer .point').length })),
        );
        assert.is(drawn.length, figs.length, 'one plot per Plotly output');
        figs.forEach((fig, i) => {
          assert.ok(drawn[i].svg > 0, `figure ${i + 1} rendered (svg.main-svg)`);
          assert.is(drawn[i].points, expectedPoints(fig), `points drawn in figure ${i + 1}`);
        });
        if (bars.length) {
          // Updated in place: one output per loop however many updates were sent, and states between 0 and
          // the total were on screen while the loop ran (not only the final one).
          const final = run.progress[run.progress.length - 1].texts;
          assert.is(final.length, bars.length, 'one progress display per loop (updates replace, not append)');
          if (SLOW_LOOPS.has(name))
            assert.ok(
              midway.size >= 2,
              `progress displays changed while running (mid-run states seen: ${[...midway].join(' | ') || 'none'})`,
            );
        }
        assert.equal(pageErrors, [], 'no uncaught errors in the page');
        const hosts = (await page.$$('.hypnest-widget-host')) as ElementHandle<HTMLElement>[];
        for (const host of hosts) {
          const kind = (await host.getAttribute('data-kind')) as Kind;
          const recs = await driveWidget(page, host, kind, path.join(shots, `live-${name}-${kind}.png`));
          console.log(describeTimes(`live ${name}/${kind}`, recs, os.loadavg()[0]));
        }
        if (hosts.length) {
          assert.equal(consoleErrors, [], "no console error on a page with widgets (but the front end's MathJax font probe)");
          assert.equal(watch.offOrigin, [], "no request leaves the notebook server's origin");
        }
      } finally {
        await page.close();
        await server!.shutdownKernels().catch(() => undefined); // the next notebook gets the CPU to itself
      }
    });
  }
}

test.run();
