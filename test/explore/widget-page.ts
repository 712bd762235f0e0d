/**
 * Driving an explorer widget in a page (playwright): watch the page (console errors, page errors, requests leaving
 * its origin), move the radius slider and drag the target on the disk, wait for the re-decoded images, check that
 * they changed and decoded, and record the time of each update as the widget measured it.
 */
import * as assert from 'uvu/assert';
import type { ElementHandle, Page } from 'playwright-core';

export interface PageWatch {
  errors: string[];
  offOrigin: string[];
}

/** Collects errors and every request that is not to `origin` (data: and blob: stay in the page). */
export function watchPage(page: Page, origin: string): PageWatch {
  const w: PageWatch = { errors: [], offOrigin: [] };
  page.on('pageerror', (e) => w.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) w.offOrigin.push(u);
  });
  return w;
}

export interface UpdateRecord {
  change: string;
  ms: number;
  changed: number;
}

type Host = ElementHandle<HTMLElement>;

const updates = (host: Host) => host.evaluate((e) => Number(e.dataset.updates ?? 0));

async function waitIdleAfter(page: Page, host: Host, n: number, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    ([e, n]) => Number((e as HTMLElement).dataset.updates ?? 0) > (n as number) && (e as HTMLElement).dataset.busy === '0',
    [host, n] as const,
    { timeout: timeoutMs, polling: 50 },
  );
}

/** The outputs' data URLs and whether each decoded (96 px wide, not one flat colour). */
async function outputs(host: Host): Promise<{ srcs: string[]; decoded: boolean[] }> {
  return host.evaluate((root) => {
    const imgs = Array.from(root.querySelectorAll('img.hx-out')) as HTMLImageElement[];
    const decoded = imgs.map((img) => {
      if (!img.complete || img.naturalWidth !== 96) return false;
      const c = document.createElement('canvas');
      c.width = 32;
      c.height = 32;
      const ctx = c.getContext('2d') as CanvasRenderingContext2D;
      ctx.drawImage(img, 0, 0, 32, 32);
      const d = ctx.getImageData(0, 0, 32, 32).data;
      let lo = 255;
      let hi = 0;
      for (let i = 0; i < d.length; i += 4) {
        lo = Math.min(lo, d[i]);
        hi = Math.max(hi, d[i]);
      }
      return hi - lo > 64;
    });
    return { srcs: imgs.map((i) => i.src), decoded };
  });
}

async function step(page: Page, host: Host, change: string, act: () => Promise<void>, timeoutMs: number): Promise<UpdateRecord> {
  const before = await outputs(host);
  const n = await updates(host);
  await act();
  await waitIdleAfter(page, host, n, timeoutMs);
  const after = await outputs(host);
  assert.is(after.srcs.length, 4, `${change}: four output images`);
  after.decoded.forEach((ok, i) => assert.ok(ok, `${change}: output ${i + 1} decoded (an image with contrast)`));
  const changed = after.srcs.filter((s, i) => s !== before.srcs[i]).length;
  // outputs 2 and 4 are the steps toward the target: they move with both R and the target
  assert.ok(
    after.srcs[1] !== before.srcs[1] && after.srcs[3] !== before.srcs[3],
    `${change}: the ball's and the twin's edited images changed`,
  );
  const ms = await host.evaluate((e) => Number(e.dataset.lastMs));
  return { change, ms, changed };
}

/** Slider to each radius, then two drags of the target; returns one record per update. */
export async function exerciseRadius(page: Page, host: Host, timeoutMs = 120_000): Promise<UpdateRecord[]> {
  await page.waitForFunction((e) => Number((e as HTMLElement).dataset.updates ?? 0) >= 1 && (e as HTMLElement).dataset.busy === '0', host, {
    timeout: timeoutMs,
    polling: 100,
  });
  await host.scrollIntoViewIfNeeded();
  const out: UpdateRecord[] = [];
  for (const R of [4.5, 3.0, 6.0]) {
    out.push(
      await step(
        page,
        host,
        `slider R = ${R}`,
        () =>
          host.$eval(
            '.hx-radius',
            (e, R) => {
              (e as HTMLInputElement).value = String(R);
              e.dispatchEvent(new Event('input'));
            },
            R,
          ),
        timeoutMs,
      ),
    );
  }
  for (const turn of [Math.PI / 2, -Math.PI / 3]) {
    out.push(
      await step(
        page,
        host,
        `drag target by ${turn.toFixed(2)} rad`,
        async () => {
          const disk = await host.$('.hx-disk-ball');
          const target = await host.$('.hx-disk-ball .hx-target');
          const d = (await disk!.boundingBox())!;
          const t = (await target!.boundingBox())!;
          const cx = d.x + d.width / 2;
          const cy = d.y + d.height / 2;
          const x0 = t.x + t.width / 2;
          const y0 = t.y + t.height / 2;
          const a = Math.atan2(y0 - cy, x0 - cx) + turn;
          const r = 0.7 * (d.width / 2);
          await page.mouse.move(x0, y0);
          await page.mouse.down();
          await page.mouse.move((x0 + cx + r * Math.cos(a)) / 2, (y0 + cy + r * Math.sin(a)) / 2, { steps: 3 });
          await page.mouse.move(cx + r * Math.cos(a), cy + r * Math.sin(a), { steps: 3 });
          await page.mouse.up();
        },
        timeoutMs,
      ),
    );
  }
  return out;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
