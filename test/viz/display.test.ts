import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { progress } from '../../sdk/core/progress';
import { ValueError } from '../../sdk/core/errors';
import {
  bundleFor,
  figureHtml,
  html,
  imageType,
  installNotebookDisplay,
  inNotebook,
  isFigure,
  isSvg,
  PLOTLY_MIME,
  plotlyJs,
  resetDisplay,
  save,
  show,
  simulateNotebook,
  toMimeBundle,
  uninstallNotebookDisplay,
} from '../../sdk/viz/display';

const INLINE_MARK = 'inlined by hypnest';
const fig = () => ({
  data: [{ type: 'scatter', x: [1, 2, 3], y: [3, 1, 2], name: 'a </script><!-- tricky' }],
  layout: { title: { text: 'T' }, height: 300 },
});
const count = (s: string, sub: string) => s.split(sub).length - 1;
const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==', 'base64');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3" fill="red"/></svg>';

type Msg = { data: Record<string, unknown>; transient: { display_id?: string }; update: boolean };
function capture(): { msgs: Msg[]; restore: () => void } {
  const msgs: Msg[] = [];
  const restore = simulateNotebook((m, update) => msgs.push({ data: m.data, transient: m.transient, update }));
  return { msgs, restore };
}

/** Runs the figure's drawing script against a fake DOM; returns what Plotly.newPlot received. */
function drawWithFakePlotly(htmlText: string): { id: string; fig: unknown } {
  const scripts = [...htmlText.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const calls: { id: string; fig: unknown }[] = [];
  const window = { Plotly: { newPlot: (el: { id: string }, f: unknown) => calls.push({ id: el.id, fig: f }) } };
  const document = { getElementById: (id: string) => (htmlText.includes(`<div id="${id}"`) ? { id } : null) };
  vm.runInNewContext(scripts[scripts.length - 1], { window, document, setTimeout });
  // Objects from the other realm: compare their JSON.
  calls[0].fig = JSON.parse(JSON.stringify(calls[0]?.fig ?? null));
  assert.is(calls.length, 1, 'newPlot called once');
  return calls[0];
}

test('isFigure / imageType / isSvg on known values', () => {
  assert.ok(isFigure(fig()));
  assert.ok(isFigure({ data: [] }));
  assert.not.ok(isFigure({ data: [1] }));
  assert.not.ok(isFigure({ layout: {} }));
  assert.not.ok(isFigure(new Uint8Array(4)));
  assert.is(imageType(PNG_1x1), 'image/png');
  assert.is(imageType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.is(imageType(Uint8Array.from([1, 2, 3, 4])), undefined);
  assert.ok(isSvg(SVG));
  assert.ok(isSvg('<?xml version="1.0"?>\n<svg></svg>'));
  assert.not.ok(isSvg('<svgx>'));
  assert.not.ok(isSvg('hello'));
});

test('figure bundle: Plotly JSON, offline HTML that draws the same figure, text summary', () => {
  const f = fig();
  const b = toMimeBundle(f);
  assert.equal(b[PLOTLY_MIME], f);
  assert.match(String(b['text/plain']), /Plotly figure "T": 1 trace \(scatter\)/);
  const h = String(b['text/html']);
  assert.not.ok(h.includes(INLINE_MARK), 'no plotly.js unless asked');
  assert.not.ok(h.includes('src="http'), 'no CDN');
  assert.is(count(h, '<script'), count(h, '</script>'), 'the trace name cannot close the script early');
  assert.is(count(h, '<div'), count(h, '</div>'));
  assert.ok(h.includes('height:300px'));
  const drawn = drawWithFakePlotly(h) as { fig: { data: unknown; layout: unknown; config: { displaylogo: boolean } } };
  assert.equal(drawn.fig.data, f.data);
  assert.equal(drawn.fig.layout, f.layout);
  assert.is(drawn.fig.config.displaylogo, false);
});

test('figureHtml with includePlotly carries the installed plotly.js exactly once', () => {
  const h = figureHtml(fig(), { includePlotly: true, id: 'p1' });
  assert.is(count(h, INLINE_MARK), 1);
  assert.ok(h.includes(plotlyJs().code));
  assert.ok(h.indexOf(INLINE_MARK) < h.indexOf('<div id="p1"'), 'plotly.js before the figure');
  assert.is(drawWithFakePlotly(h).id, 'p1');
});

test('show in a notebook: plotly.js is inlined with the first figure only', () => {
  const { msgs, restore } = capture();
  try {
    resetDisplay();
    assert.ok(inNotebook());
    show(fig());
    show(fig());
    show(PNG_1x1);
    show(SVG);
    show(html('<b>hi</b>'));
    show({ a: 1 });
  } finally {
    restore();
    resetDisplay();
  }
  assert.is(msgs.length, 6);
  const inlined = msgs.map((m) => count(String(m.data['text/html'] ?? ''), INLINE_MARK));
  assert.equal(inlined, [1, 0, 0, 0, 0, 0]);
  assert.ok(msgs.every((m) => !m.update && m.transient.display_id === undefined));
  assert.equal(Buffer.from(String(msgs[2].data['image/png']), 'base64'), PNG_1x1);
  assert.is(msgs[3].data['image/svg+xml'], SVG);
  assert.is(msgs[4].data['text/html'], '<b>hi</b>');
  assert.is(msgs[5].data['text/plain'], '{ a: 1 }');
});

test('bundleFor only inlines plotly.js for figures', () => {
  resetDisplay();
  assert.not.ok(String(bundleFor(PNG_1x1)['text/html'] ?? '').includes(INLINE_MARK));
  assert.ok(String(bundleFor(fig())['text/html']).includes(INLINE_MARK));
});

test('an object with its own toMimeBundle() (e.g. ImageBatch) is shown by that bundle; others by util.inspect', () => {
  const png = PNG_1x1.toString('base64');
  const own = { toMimeBundle: () => ({ 'image/png': png, 'text/plain': 'a grid' }) };
  assert.equal(toMimeBundle(own), { 'image/png': png, 'text/plain': 'a grid' });
  assert.equal(Object.keys(toMimeBundle({ a: 1 })), ['text/plain']);
});

test('outside a notebook: show prints the text form, installNotebookDisplay does nothing', () => {
  assert.not.ok(inNotebook(), 'this test process is not a tslab kernel');
  const written: string[] = [];
  const orig = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (written.push(String(s)), true)) as typeof process.stdout.write;
  try {
    show(fig());
  } finally {
    process.stdout.write = orig;
  }
  assert.match(written.join(''), /^<Plotly figure "T"/);
  assert.is(installNotebookDisplay(), false);
});

test('notebook progress: one display id, first a display then in-place updates, throttled', () => {
  const { msgs, restore } = capture();
  const env = process.env.HYPNEST_PROGRESS;
  delete process.env.HYPNEST_PROGRESS;
  try {
    assert.ok(installNotebookDisplay({ intervalMs: 60_000 }));
    const p = progress('train', 50);
    for (let i = 0; i < 50; i++) p.tick(1, { loss: 0.5 });
    p.done();
    p.done();
  } finally {
    uninstallNotebookDisplay();
    restore();
    if (env !== undefined) process.env.HYPNEST_PROGRESS = env;
  }
  assert.is(msgs.length, 2, 'start + done (ticks throttled away)');
  const id = msgs[0].transient.display_id;
  assert.ok(id && msgs.every((m) => m.transient.display_id === id));
  assert.equal(
    msgs.map((m) => m.update),
    [false, true],
  );
  assert.match(String(msgs[0].data['text/plain']), /^train: 0\/50 0%/);
  assert.match(String(msgs[1].data['text/plain']), /^train: 50\/50 100% done in .* loss=0\.500$/);
  assert.ok(String(msgs[1].data['text/html']).includes('width:100.0%'));
});

let dir = '';
test.before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-display-'));
});
test.after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('save: standalone HTML with plotly.js inlined once; JSON round trip; folders created', async () => {
  const f = fig();
  const file = await save(f, path.join(dir, 'sub', 'fig.html'));
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.startsWith('<!DOCTYPE html>') && text.trimEnd().endsWith('</html>'));
  assert.is(count(text, INLINE_MARK), 1);
  assert.ok(text.includes('<title>fig</title>'));
  assert.equal((drawWithFakePlotly(text).fig as { data: unknown }).data, f.data);
  const json = await save(f, path.join(dir, 'fig.json'));
  assert.equal(JSON.parse(fs.readFileSync(json, 'utf8')), f);
  assert.equal(fs.readdirSync(path.join(dir, 'sub')), ['fig.html'], 'no temp file left');
});

test('save: PNG bytes as is, SVG as is, SVG rasterised to PNG', async () => {
  assert.equal(fs.readFileSync(await save(PNG_1x1, path.join(dir, 'a.png'))), PNG_1x1);
  assert.is(fs.readFileSync(await save(SVG, path.join(dir, 'a.svg')), 'utf8'), SVG);
  const raster = fs.readFileSync(await save(SVG, path.join(dir, 'b.png')));
  assert.is(imageType(raster), 'image/png');
  assert.is(raster.readUInt32BE(16), 4, 'PNG width from the SVG');
});

test('save: errors name the file and leave an existing file untouched', async () => {
  const target = path.join(dir, 'keep.png');
  fs.writeFileSync(target, PNG_1x1);
  for (const [x, file, re] of [
    [fig(), target, /needs a browser/],
    [fig(), path.join(dir, 'x.gif'), /ending in \.html, \.json, \.svg, \.png/],
    ['hello', path.join(dir, 'x.svg'), /SVG string/],
    [{ a: 1 }, path.join(dir, 'x.json'), /Only Plotly figures/],
  ] as const) {
    try {
      await save(x, file);
      assert.unreachable(`save(${file}) should throw`);
    } catch (e) {
      assert.instance(e, ValueError);
      assert.match((e as Error).message, re);
      assert.ok((e as Error).message.includes(path.basename(file)));
    }
  }
  assert.equal(fs.readFileSync(target), PNG_1x1);
  assert.not.ok(fs.readdirSync(dir).some((f) => f.endsWith('.tmp')));
});

test.run();
