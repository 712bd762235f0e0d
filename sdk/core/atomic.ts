/**
 * Atomic file writes: write a temp file in the target's directory, fsync it, then rename it over the
 * target. rename(2) within one file system is atomic, so a reader sees either the old file or the whole
 * new one — never a half-written target, even if the writer dies mid-way (a stale `.tmp` may remain).
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';

/** The temp path used for `target`: same directory (same file system), hidden, unique per call. */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** fsync a directory so the rename itself survives a crash (best effort: not every OS allows it). */
async function syncDir(dir: string): Promise<void> {
  let h: fs.promises.FileHandle | undefined;
  try {
    h = await fs.promises.open(dir, 'r');
    await h.sync();
  } catch {
    /* directories cannot be fsynced on some platforms */
  } finally {
    await h?.close().catch(() => undefined);
  }
}

/** Writes `data` to `target` atomically (temp file + fsync + rename). Creates missing parent folders. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  await fs.promises.mkdir(dir, { recursive: true });
  const tmp = tempPathFor(path.resolve(target));
  let h: fs.promises.FileHandle | undefined;
  try {
    h = await fs.promises.open(tmp, 'wx', 0o644);
    await h.writeFile(data);
    await h.sync();
    await h.close();
    h = undefined;
    await fs.promises.rename(tmp, target);
  } catch (e) {
    await h?.close().catch(() => undefined);
    await fs.promises.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dir);
}

/** Synchronous variant of `writeFileAtomic`. */
export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(target));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = tempPathFor(path.resolve(target));
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined)
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw e;
  }
}

/** Writes `value` as JSON (2-space indent, trailing newline) atomically. */
export async function writeJsonAtomic(target: string, value: unknown, indent = 2): Promise<void> {
  await writeFileAtomic(target, JSON.stringify(value, null, indent) + '\n');
}

/** Synchronous variant of `writeJsonAtomic`. */
export function writeJsonAtomicSync(target: string, value: unknown, indent = 2): void {
  writeFileAtomicSync(target, JSON.stringify(value, null, indent) + '\n');
}
