/**
 * Driving a notebook open in the classic Jupyter Notebook (6.x) front end through its JavaScript API
 * (`Jupyter.notebook`), from playwright: wait for the kernel, run all cells, wait until every cell has
 * finished, read back the outputs, and screenshot the whole notebook (the classic UI scrolls inside #site,
 * so a full-page screenshot needs a viewport as tall as the notebook).
 */
import type { Page } from 'playwright-core';

/** One output as the front end holds it (nbformat JSON). */
export interface LiveOutput {
  output_type: string;
  name?: string;
  text?: string;
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
}
export interface LiveCell {
  index: number;
  prompt: number | string | null;
  source: string;
  outputs: LiveOutput[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the page's Jupyter global is untyped */

/** Resolves once the notebook is loaded and its kernel answered kernel_info. */
export async function waitForKernel(page: Page, timeoutMs = 120_000): Promise<string> {
  await page.waitForFunction(
    () => {
      const nb = (window as any).Jupyter?.notebook;
      return !!(
        nb &&
        nb._fully_loaded &&
        nb.kernel &&
        nb.kernel.is_connected() &&
        nb.kernel.info_reply?.protocol_version &&
        !nb.kernel_busy
      );
    },
    undefined,
    { timeout: timeoutMs, polling: 250 },
  );
  return page.evaluate(() => String((window as any).Jupyter.notebook.kernel.info_reply.implementation ?? 'unknown'));
}

/** What the progress displays (sdk/viz progress-display: `.hypnest-progress`) showed at one moment. */
export interface ProgressSample {
  ms: number;
  texts: string[];
}

/**
 * Cell → Run All (`execute_all_cells`), then waits until no cell is running and the kernel is idle,
 * sampling the text of every progress display on the page every `sampleMs` meanwhile.
 */
export async function runAllCells(page: Page, timeoutMs: number, sampleMs = 500): Promise<{ seconds: number; progress: ProgressSample[] }> {
  const t0 = Date.now();
  const progress: ProgressSample[] = [];
  await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());
  for (;;) {
    const now = await page.evaluate(() => {
      const nb = (window as any).Jupyter.notebook;
      // execute_cells marks every code cell "running" synchronously; the execute_reply (ok, error or abort) clears it.
      const done = nb.get_cells().every((c: any) => !c.element.hasClass('running')) && !nb.kernel_busy;
      return { done, texts: Array.from(document.querySelectorAll('.hypnest-progress')).map((e) => (e.textContent ?? '').trim()) };
    });
    progress.push({ ms: Date.now() - t0, texts: now.texts });
    if (now.done) break;
    if (Date.now() - t0 > timeoutMs) throw new Error(`Run All did not finish within ${timeoutMs / 1000}s`);
    await page.waitForTimeout(sampleMs);
  }
  return { seconds: (Date.now() - t0) / 1000, progress };
}

/** The code cells with their prompt numbers and outputs as the front end holds them. */
export function codeCells(page: Page): Promise<LiveCell[]> {
  return page.evaluate(() =>
    (window as any).Jupyter.notebook
      .get_cells()
      .map((c: any, index: number) => ({ c, index }))
      .filter(({ c }: any) => c.cell_type === 'code')
      .map(({ c, index }: any) => ({
        index,
        prompt: c.input_prompt_number ?? null,
        source: c.get_text(),
        outputs: JSON.parse(JSON.stringify(c.output_area.outputs)),
      })),
  );
}

/** Screenshot of the notebook at full length (viewport grown to the notebook's height, then restored). */
export async function screenshotNotebook(page: Page, file: string, maxHeight = 20_000): Promise<void> {
  const before = page.viewportSize() ?? { width: 1200, height: 900 };
  const height = await page.evaluate(() => {
    const header = document.getElementById('header')?.offsetHeight ?? 0;
    const nb = document.getElementById('notebook')?.scrollHeight ?? 0;
    return header + nb + 20;
  });
  await page.setViewportSize({ width: before.width, height: Math.min(Math.max(height, before.height), maxHeight) });
  await page.waitForTimeout(300); // the classic UI re-lays out #site on resize
  await page.screenshot({ path: file });
  await page.setViewportSize(before);
}
