/**
 * Driving an explorer widget in a page (playwright): watch the page (console errors, page errors, requests leaving
 * its origin), move the radius slider and drag the target on the disk, wait for the re-decoded images, check that
 * they changed and decoded, and record the time of each update as the widget measured it.
 */
import * as assert from 'uvu/assert';
import type { ConsoleMessage, ElementHandle, Page } from 'playwright-core';

export interface PageWatch {
  errors: string[];
  offOrigin: string[];
}

/**
 * Console errors the page's own front end makes, not ours: Jupyter Notebook 6 always tries to load the ipywidgets
 * extension (nbextensions/widgets/notebook/js/extension.js), which is a 404 where python3-ipywidgets is not installed
 * (kernels-setup installs without Debian's Recommends).
 */
export function frontEndNoise(m: ConsoleMessage): boolean {
  const probe = /\/nbextensions\/widgets\/notebook\/js\/extension\.js/;
  return probe.test(m.location().url) || probe.test(m.text());
}

/** Collects errors and every request that is not to `origin` (data:, blob: and about: stay in the page). */
export function watchPage(page: Page, origin: string): PageWatch {
  const w: PageWatch = { errors: [], offOrigin: [] };
  page.on('pageerror', (e) => w.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !frontEndNoise(m)) w.errors.push(m.text());
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !/^(data|blob|about):/.test(u)) w.offOrigin.push(u);
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
const outputs = (host: Host) => images(host, 'img.hx-out');

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

/** Images matching `sel` in the host: data URLs and whether each decoded (drawn, `width` px wide, with contrast). */
export async function images(host: Host, sel: string, width = 96): Promise<{ srcs: string[]; decoded: boolean[] }> {
  return host.evaluate(
    (root, [sel, width]) => {
      const imgs = Array.from(root.querySelectorAll(sel as string)) as HTMLImageElement[];
      const decoded = imgs.map((img) => {
        if (!img.complete || img.naturalWidth !== width) return false;
        const c = document.createElement('canvas');
        c.width = 32;
        c.height = 32;
        const ctx = c.getContext('2d') as CanvasRenderingContext2D;
        ctx.drawImage(img, 0, 0, 32, 32);
        const d = ctx.getImageData(0, 0, 32, 32).data;
        let lo = 255;
        let hi = 0;
        for (let i = 0; i < d.length; i += 4) {
          lo = Math.min(lo, d[i], d[i + 1], d[i + 2]);
          hi = Math.max(hi, d[i], d[i + 1], d[i + 2]);
        }
        return hi - lo > 64;
      });
      return { srcs: imgs.map((i) => i.src), decoded };
    },
    [sel, width] as const,
  );
}

export async function waitFirstUpdate(page: Page, host: Host, timeoutMs = 180_000): Promise<void> {
  await page.waitForFunction((e) => Number((e as HTMLElement).dataset.updates ?? 0) >= 1 && (e as HTMLElement).dataset.busy === '0', host, {
    timeout: timeoutMs,
    polling: 100,
  });
  await host.scrollIntoViewIfNeeded();
}

/** One computed update: act, wait for the widget's next run to end, check decoded outputs; returns the widget's time. */
async function computed(page: Page, host: Host, change: string, act: () => Promise<void>, timeoutMs: number): Promise<UpdateRecord> {
  const n = await updates(host);
  await act();
  await waitIdleAfter(page, host, n, timeoutMs);
  const out = await images(host, 'img.hx-out');
  out.decoded.forEach((ok, i) => assert.ok(ok, `${change}: output ${i + 1} decoded (an image with contrast)`));
  const ms = await host.evaluate((e) => Number(e.dataset.lastMs));
  return { change, ms, changed: -1 };
}

export const setRange = (host: Host, sel: string, v: number) =>
  host.$eval(
    sel,
    (e, v) => {
      (e as HTMLInputElement).value = String(v);
      e.dispatchEvent(new Event('input'));
    },
    v,
  );

const changedIdx = (a: string[], b: string[]) => a.map((s, i) => (s !== b[i] ? i : -1)).filter((i) => i >= 0);

/** Geodesic walk: t to 0.2 and 0.9 (only the image at t changes), then another B (B's end and the image at t change). */
export async function exerciseGeodesic(page: Page, host: Host, timeoutMs = 180_000): Promise<UpdateRecord[]> {
  await waitFirstUpdate(page, host, timeoutMs);
  const recs: UpdateRecord[] = [];
  for (const t of [0.2, 0.9]) {
    const before = await images(host, 'img.hx-out');
    const p0 = await host.$eval('.hx-point', (e) => `${e.getAttribute('cx')},${e.getAttribute('cy')}`);
    const r = await computed(page, host, `slider t = ${t}`, () => setRange(host, '.hx-t', t), timeoutMs);
    const after = await images(host, 'img.hx-out');
    assert.equal(changedIdx(before.srcs, after.srcs), [1], `t = ${t}: the image at t changed, the ends stayed`);
    const p1 = await host.$eval('.hx-point', (e) => `${e.getAttribute('cx')},${e.getAttribute('cy')}`);
    assert.not.equal(p1, p0, `t = ${t}: the point moved on the disk`);
    recs.push({ ...r, changed: 1 });
  }
  const before = await images(host, 'img.hx-out');
  const r = await computed(
    page,
    host,
    'pick another B',
    () => host.$eval('.hx-pick-b img:nth-of-type(5)', (e) => (e as HTMLElement).click()),
    timeoutMs,
  );
  const after = await images(host, 'img.hx-out');
  assert.equal(changedIdx(before.srcs, after.srcs), [1, 2], 'new B: the image at t and B (t = 1) changed, A stayed');
  recs.push({ ...r, change: 'pick another B (inversion + 3 decodes)', changed: 2 });
  return recs;
}

/** Heat-map sources per level column (level 1 … L−1). */
const heatByLevel = (host: Host) =>
  host.$$eval('.hx-level', (cols) =>
    cols.map((c) => Array.from(c.querySelectorAll('img.hx-heat')).map((i) => (i as HTMLImageElement).src)),
  );

/** Nested: guidance of level 3, σ² of level 2, re-draw level 4: coarser heat maps stay, that level's and finer ones change. */
export async function exerciseNested(page: Page, host: Host, timeoutMs = 300_000): Promise<UpdateRecord[]> {
  await waitFirstUpdate(page, host, timeoutMs);
  const heats = await images(host, 'img.hx-heat');
  heats.decoded.forEach((ok, i) => assert.ok(ok, `heat map ${i + 1} drawn`));
  const recs: UpdateRecord[] = [];
  const acts: [string, number, () => Promise<void>][] = [
    ['guidance of level 3 = 2.5', 3, () => setRange(host, '.hx-level-3 .hx-guidance', 2.5)],
    ['σ² of level 2 = 0.25', 2, () => setRange(host, '.hx-level-2 .hx-sigma', 0.25)],
    ['re-draw level 4', 4, () => host.$eval('.hx-level-4 .hx-redraw', (e) => (e as HTMLElement).click())],
  ];
  for (const [change, level, act] of acts) {
    const before = await heatByLevel(host);
    const px = await images(host, 'img.hx-out');
    const r = await computed(page, host, change, act, timeoutMs);
    const after = await heatByLevel(host);
    const px2 = await images(host, 'img.hx-out');
    for (let l = 1; l < after.length; l++) {
      const same = after[l - 1].every((s, i) => s === before[l - 1][i]);
      if (l < level) assert.ok(same, `${change}: level ${l}'s latents stay`);
      else assert.ok(!same, `${change}: level ${l}'s latents changed`);
    }
    assert.ok(changedIdx(px.srcs, px2.srcs).length > 0, `${change}: the images changed`);
    assert.is(await host.evaluate((e) => e.dataset.from), String(level), `${change}: re-ran from level ${level}`);
    recs.push(r);
  }
  return recs;
}

/** DDIM scrubber: scrub to steps 4 and 10 (stored frames change), then new noise (the generation changes, the inversion stays). */
export async function exerciseScrubber(page: Page, host: Host, timeoutMs = 180_000): Promise<UpdateRecord[]> {
  await waitFirstUpdate(page, host, timeoutMs);
  const recs: UpdateRecord[] = [];
  for (const k of [4, 10]) {
    const before = await images(host, 'img.hx-out');
    const t0 = Date.now();
    await setRange(host, '.hx-step', k);
    await page.waitForFunction(([e, k]) => (e as HTMLElement).dataset.frame === String(k), [host, k] as const, { timeout: timeoutMs });
    const after = await images(host, 'img.hx-out');
    after.decoded.forEach((ok, i) => assert.ok(ok, `step ${k}: output ${i + 1} decoded`));
    assert.equal(changedIdx(before.srcs, after.srcs), [0, 1, 2, 3], `step ${k}: all four frames changed`);
    recs.push({ change: `scrub to step ${k} (stored frames)`, ms: Date.now() - t0, changed: 4 });
  }
  const before = await images(host, 'img.hx-out');
  const r = await computed(page, host, 'new noise', () => host.$eval('.hx-new-noise', (e) => (e as HTMLElement).click()), timeoutMs);
  const after = await images(host, 'img.hx-out');
  assert.equal(changedIdx(before.srcs, after.srcs), [0, 1], 'new noise: the generation changed, the inversion stayed');
  recs.push({ ...r, change: 'new noise (generation + inversion computed)', changed: 2 });
  return recs;
}

export const KINDS = ['radius', 'geodesic', 'nested', 'ddim'] as const;
export type Kind = (typeof KINDS)[number];

/** The widget functions of hn.explore that notebooks call, by the kind of widget they show. */
export const KIND_OF_FUNCTION: Record<string, Kind> = {
  radiusExplorer: 'radius',
  geodesicWalk: 'geodesic',
  nestedLevels: 'nested',
  ddimScrubber: 'ddim',
};

const EXERCISE: Record<Kind, (p: Page, h: Host) => Promise<UpdateRecord[]>> = {
  radius: exerciseRadius,
  geodesic: exerciseGeodesic,
  nested: exerciseNested,
  ddim: exerciseScrubber,
};

/** What each widget's status line says one update computes. */
const SAYS: Record<Kind, RegExp> = {
  radius: /cached DDIM inversion/,
  geodesic: /cached DDIM inversions of A and B/,
  nested: /coarser ones held/,
  ddim: /one generation .* and one inversion/,
};

/**
 * Drives one widget (its kind's exercise), screenshots it to `shot`, then checks its status line (backend, time per
 * update, what an update computes) and that its static picture, if it has one, is hidden once it runs.
 */
export async function driveWidget(page: Page, host: Host, kind: Kind, shot: string): Promise<UpdateRecord[]> {
  const recs = await EXERCISE[kind](page, host);
  await host.screenshot({ path: shot });
  const status = await host.$eval('.hx-status', (e) => e.textContent ?? '');
  assert.match(status, /backend (wasm|webgl|webgpu)/, `${kind}: the widget says which backend it uses`);
  assert.match(status, /ms per update/, `${kind}: and the time per update`);
  assert.match(status, SAYS[kind], `${kind}: and what one update computes`);
  const still = await page.$(`#${await host.evaluate((e) => e.id)}-static`);
  if (still) assert.is(await still.isVisible(), false, `${kind}: the static picture is hidden once the widget runs`);
  return recs;
}

/** One line per widget: the time of each update and the median of the control updates (slider, drag, button). */
export function describeTimes(where: string, recs: UpdateRecord[], loadavg: number): string {
  const controls = recs.filter((r) => !/^(pick|scrub)/.test(r.change)).map((r) => r.ms);
  return `  ${where}: ms per update ${recs.map((r) => `${r.change}: ${r.ms}`).join(', ')}; median of the control updates ${median(controls)} ms (load average ${loadavg.toFixed(1)})`;
}
