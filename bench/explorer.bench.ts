/**
 * The explorer's widgets in the page, in headless Chromium on wasm (Debian's chromium), as each widget times itself
 * (data-last-ms: the computation and drawing of one update):
 *   radius    one radius change re-decodes 4 outputs (6 DDIM steps from a cached inversion, guidance 2); target ≤ 1.5 s
 *   geodesic  one t change decodes the image at t (6 DDIM steps from slerp of the cached inversions)
 *   nested    one guidance change at level 1 (all 5 levels re-run) and at level 5 (pixels only), 4 samples, 10 + 10 steps
 *   ddim      one new noise: a 10-step generation and a 10-step inversion, every frame kept
 * The note carries the load average, since other jobs on the machine slow the page. Env: HYPNEST_BENCH_REPS (6).
 */
import * as os from 'os';
import type { ElementHandle, Page } from 'playwright-core';
import { serveExplorer } from '../sdk/explore/site';
import { CHROMIUM, hasChromium, launchChromium } from '../test/helpers/chromium';
import { setRange } from '../test/explore/widget-page';

interface Row {
  name: string;
  ms?: number;
  note?: string;
}

type Host = ElementHandle<HTMLElement>;

interface Case {
  page: string;
  name: string;
  target?: number;
  /** Makes the i-th change. */
  act: (host: Host, i: number) => Promise<unknown>;
}

const CASES: Case[] = [
  { page: 'radius', name: 'radius update, 4 decodes', target: 1500, act: (h, i) => setRange(h, '.hx-radius', 6 - (i % 6) * 0.5) },
  { page: 'geodesic', name: 'geodesic walk, t change (1 decode)', act: (h, i) => setRange(h, '.hx-t', 0.1 + (i % 9) * 0.1) },
  {
    page: 'nested',
    name: 'nested L5, guidance at level 1 (5 levels, 4 samples)',
    act: (h, i) => setRange(h, '.hx-level-1 .hx-guidance', 1.2 + (i % 5) * 0.2),
  },
  {
    page: 'nested',
    name: 'nested L5, guidance at level 5 (pixels, 4 samples)',
    act: (h, i) => setRange(h, '.hx-level-5 .hx-guidance', 1.2 + (i % 5) * 0.2),
  },
  {
    page: 'ddim',
    name: 'DDIM scrubber, new noise (generation + inversion)',
    act: (h) => h.$eval('.hx-new-noise', (e) => (e as HTMLElement).click()),
  },
];

async function timeCase(page: Page, c: Case, reps: number): Promise<number[]> {
  const host = (await page.waitForSelector('.hypnest-widget-host', { state: 'attached', timeout: 300_000 })) as unknown as Host;
  const idle = (n: number) =>
    page.waitForFunction(
      ([e, n]) => Number((e as HTMLElement).dataset.updates ?? 0) > (n as number) && (e as HTMLElement).dataset.busy === '0',
      [host, n] as const,
      { timeout: 300_000, polling: 50 },
    );
  console.error(`  ${c.page}: waiting for the first update`);
  await idle(0);
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const n = await host.evaluate((e) => Number(e.dataset.updates));
    await c.act(host, i);
    await idle(n);
    ms.push(await host.evaluate((e) => Number(e.dataset.lastMs)));
  }
  return ms.sort((a, b) => a - b);
}

export default async function bench(): Promise<Row[]> {
  if (!hasChromium())
    return CASES.map((c) => ({ name: `explorer: ${c.name} (Chromium, wasm)`, note: `skipped: no Chromium at ${CHROMIUM}` }));
  const reps = Number(process.env.HYPNEST_BENCH_REPS ?? 6);
  const { server, url } = await serveExplorer(0);
  const browser = await launchChromium();
  const rows: Row[] = [];
  try {
    for (const c of CASES) {
      const page = await browser.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') console.error(`  ${c.page}: ${m.text()}`);
      });
      await page.goto(`${url}${c.page}.html?backend=wasm`);
      const ms = await timeCase(page, c, reps);
      await page.close();
      const med = ms[Math.floor(ms.length / 2)];
      rows.push({
        name: `explorer: ${c.name} (Chromium, wasm)`,
        ms: med,
        note: `median of ${reps} (${ms[0]}–${ms[ms.length - 1]} ms); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs${c.target ? `; target ≤ ${c.target} ms` : ''}`,
      });
    }
    return rows;
  } finally {
    await browser.close();
    server.close();
  }
}
