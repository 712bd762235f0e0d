import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, DataError } from '../../sdk/core/errors';
import { Rng } from '../../sdk/core/rng';
import { classFolderName, drawGlyphStyle, glyphManifest, installedFamilies, makeGlyphData, renderGlyph } from '../../sdk/data/glyphs';
import { loadImageFolder } from '../../sdk/data/image-folder';
import { rejectsTyped } from '../helpers/expect-error';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-glyphs-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const small = { seen: 'AB', unseen: 'Q', perSeenClass: 3, perUnseenClass: 2 };
const hasFonts = installedFamilies().length > 0;

test('class folder names are unique and safe', () => {
  assert.equal(['A', 'a', '7', 'ß'].map(classFolderName), ['A', 'a_lower', '7', 'u00df']);
});

test('settings are validated: disjoint classes, counts, seed', () => {
  assert.throws(
    () => glyphManifest({ seen: 'AB', unseen: 'B', families: ['x'] }),
    (e: unknown) => e instanceof ConfigError && /disjoint/.test((e as Error).message),
  );
  assert.throws(
    () => glyphManifest({ seen: 'AA', families: ['x'] }),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => glyphManifest({ perSeenClass: 0, families: ['x'] }),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => glyphManifest({ seed: 2 ** 32, families: ['x'] }),
    (e: unknown) => e instanceof ConfigError,
  );
  assert.throws(
    () => glyphManifest({ families: [] }),
    (e: unknown) => e instanceof DataError && /apt-get install/.test((e as Error).message),
  );
  assert.throws(
    () => glyphManifest({ colour: 1 } as never),
    (e: unknown) => e instanceof ConfigError,
  );
  const m = glyphManifest({ families: ['x'] });
  assert.is(m.seen.length, 18);
  assert.is(m.unseen, 'JLQSXZ');
});

test('a glyph has ink inside the image; a character with no ink renders blank', async () => {
  if (!hasFonts) return console.log('  (skipped: no font family installed)');
  const fam = installedFamilies()[0];
  const st = { ...drawGlyphStyle([fam], new Rng(1)), angle: 0, dx: 0, dy: 0 };
  const a = await renderGlyph('A', st, 28);
  assert.ok(a.mean > 10 && a.mean < 200, `mean ${a.mean}`);
  const blank = await renderGlyph(' ', st, 28); // no ink: the trimmed render is empty
  assert.ok(blank.mean < 2, `mean ${blank.mean}`);
});

test('makeGlyphData writes seen/unseen class folders, the same bytes for the same seed, readable as an image folder', async () => {
  if (!hasFonts) return console.log('  (skipped: no font family installed)');
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  const m = await makeGlyphData(a, small);
  await makeGlyphData(b, small);
  assert.equal(fs.readdirSync(path.join(a, 'seen')), ['A', 'B']);
  assert.equal(fs.readdirSync(path.join(a, 'unseen', 'Q')).length, 2);
  for (const f of ['seen/A/00000.png', 'seen/B/00002.png', 'unseen/Q/00001.png']) {
    assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f);
  }
  assert.equal(JSON.parse(fs.readFileSync(path.join(a, 'glyphs.json'), 'utf8')), m);
  const ds = await loadImageFolder(path.join(a, 'seen'), { size: 28 });
  assert.equal(ds.classNames, ['A', 'B']);
  assert.is(ds.n, 6);
});

test('makeGlyphData refuses a folder holding other files', async () => {
  const other = path.join(dir, 'other');
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'notes.txt'), 'mine');
  await rejectsTyped(() => makeGlyphData(other, { ...small, families: ['DejaVu Sans'] }), DataError, 'new --out folder');
  assert.is(fs.readFileSync(path.join(other, 'notes.txt'), 'utf8'), 'mine');
});

test.run();
