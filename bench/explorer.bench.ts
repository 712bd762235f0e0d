/**
 * The radius explorer in the page: one radius change re-decodes its 4 outputs (ball and twin, at R and one step
 * toward the target) with the widget's defaults (6 DDIM steps from a cached inversion, guidance 2), in headless
 * Chromium on wasm (Debian's chromium), as the widget itself times it. Target: ≤ 1.5 s on this 2-core CPU.
 * The note carries the load average, since other jobs on the machine slow the page. Env: HYPNEST_BENCH_REPS (6).
 */
import * as fs from 'fs';
import * as os from 'os';
import { chromium } from 'playwright-core';
import { serveExplorer } from '../sdk/explore/site';

interface Row {
  name: string;
  ms?: number;
  note?: string;
}

const NAME = 'explorer: radius update, 4 decodes (Chromium, wasm)';
const CHROMIUM = process.env.HYPNEST_CHROMIUM ?? '/usr/bin/chromium';

export default async function bench(): Promise<Row[]> {
  if (!fs.existsSync(CHROMIUM)) return [{ name: NAME, note: `skipped: no Chromium at ${CHROMIUM}` }];
  const reps = Number(process.env.HYPNEST_BENCH_REPS ?? 6);
  const { server, url } = await serveExplorer(0);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(url + 'radius.html?backend=wasm');
    const host = await page.waitForSelector('.hypnest-widget-host');
    const idle = (n: number) =>
      page.waitForFunction(
        ([e, n]) => Number((e as HTMLElement).dataset.updates ?? 0) > (n as number) && (e as HTMLElement).dataset.busy === '0',
        [host, n] as const,
        { timeout: 300_000, polling: 50 },
      );
    await idle(0);
    const ms: number[] = [];
    for (let i = 0; i < reps; i++) {
      const n = await host.evaluate((e) => Number((e as HTMLElement).dataset.updates));
      await host.$eval(
        '.hx-radius',
        (e, R) => {
          (e as HTMLInputElement).value = String(R);
          e.dispatchEvent(new Event('input'));
        },
        6 - (i % 6) * 0.5,
      );
      await idle(n);
      ms.push(await host.evaluate((e) => Number((e as HTMLElement).dataset.lastMs)));
    }
    ms.sort((a, b) => a - b);
    const med = ms[Math.floor(ms.length / 2)];
    return [
      {
        name: NAME,
        ms: med,
        note: `median of ${reps} (${ms[0]}–${ms[ms.length - 1]} ms); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs; target ≤ 1500 ms`,
      },
    ];
  } finally {
    await browser.close();
    server.close();
  }
}
