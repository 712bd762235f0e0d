/**
 * A training run's output folder, claimed before any work starts:
 *   - never the shipped assets/ (the fluent API loads its checkpoints from there) unless asked explicitly
 *     (`--overwrite-shipped`); the check follows symlinks, so a link into assets/ is refused too;
 *   - created and checked for writability (the lock file is the probe: writing it fails where a checkpoint would);
 *   - locked: `<dir>/.hypnest.lock` holds the writer's pid, start time and command. A second writer is refused with
 *     them; a lock left by a process that is no longer running is taken over with a notice.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckpointError, ConfigError } from './errors';
import { packageRoot } from './paths';

export const LOCK_FILE = '.hypnest.lock';

interface LockInfo {
  pid: number;
  started: string;
  host: string;
  command: string;
}

export interface OutputFolder {
  readonly dir: string;
  /** Removes the lock (idempotent; also done when the process exits). */
  release(): void;
}

export interface ClaimOptions {
  /** Allow a folder inside the shipped assets/ (the `--overwrite-shipped` flag). */
  overwriteShipped?: boolean;
  /** How the folder was given (for messages), e.g. 'train hypdae --out'. */
  flag?: string;
  /** Where notices go (a stale lock taken over). */
  log?: (line: string) => void;
}

/** The real path of `p` (or of its nearest existing ancestor, with the rest appended). */
function realish(p: string): string {
  const abs = path.resolve(p);
  let head = abs;
  const tail: string[] = [];
  while (!fs.existsSync(head) && path.dirname(head) !== head) {
    tail.unshift(path.basename(head));
    head = path.dirname(head);
  }
  try {
    return path.join(fs.realpathSync(head), ...tail);
  } catch {
    return abs;
  }
}

/** True when `dir` is the shipped assets folder or inside it. */
export function insideShippedAssets(dir: string): boolean {
  const assets = realish(path.join(packageRoot(), 'assets'));
  const rel = path.relative(assets, realish(dir));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    return Number.isInteger(j.pid) ? j : undefined;
  } catch {
    return undefined;
  }
}

/** Claims `dir` for one writer (see the file comment); throws ConfigError (shipped assets) or CheckpointError (locked, not writable). */
export function claimOutputFolder(dir: string, o: ClaimOptions = {}): OutputFolder {
  const flag = o.flag ?? '--out';
  if (!o.overwriteShipped && insideShippedAssets(dir)) {
    throw new ConfigError(flag, {
      expected: 'an output folder outside the shipped assets/ (the fluent API loads its checkpoints from there)',
      received: JSON.stringify(dir),
      hint: 'Leave --out at its default (runs/…) or choose another folder; pass --overwrite-shipped to replace the shipped checkpoints on purpose.',
    });
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CheckpointError(flag, {
      expected: 'a folder that can be created',
      received: `${JSON.stringify(dir)} (${err.code ?? err.message})`,
      hint:
        err.code === 'ENOTDIR' || err.code === 'EEXIST'
          ? 'A part of the path is a file, not a folder: choose another folder.'
          : 'Choose a folder you can write to.',
    });
  }
  if (!fs.statSync(dir).isDirectory())
    throw new CheckpointError(flag, {
      expected: 'a folder',
      received: `${JSON.stringify(dir)}, which is a file`,
      hint: 'Choose another folder.',
    });
  const file = path.join(dir, LOCK_FILE);
  const mine: LockInfo = {
    pid: process.pid,
    started: new Date().toISOString(),
    host: os.hostname(),
    command: process.argv.slice(1).join(' ').slice(0, 300),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine) + '\n', { flag: 'wx' });
      break;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'EEXIST') {
        throw new CheckpointError(flag, {
          expected: 'a writable folder',
          received: `${JSON.stringify(dir)} (${err.code ?? err.message} writing ${LOCK_FILE})`,
          hint: 'Choose a folder you can write to (checkpoints would fail the same way).',
        });
      }
      const held = readLock(file);
      const stale = !held || (held.host === os.hostname() && !alive(held.pid));
      if (!stale || attempt > 0) {
        throw new CheckpointError(flag, {
          expected: 'an output folder no other training is writing to',
          received: `${JSON.stringify(dir)}, locked by pid ${held?.pid} (started ${held?.started}${held && held.host !== os.hostname() ? ` on ${held.host}` : ''}: ${held?.command})`,
          hint: `Wait for that run to finish, stop it, or choose another --out. If no such run exists, delete ${path.join(dir, LOCK_FILE)}.`,
        });
      }
      o.log?.(
        `notice: taking over the lock of ${dir} from pid ${held ? `${held.pid} (started ${held.started})` : '? (unreadable lock file)'}, which is no longer running`,
      );
      fs.rmSync(file, { force: true });
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { dir, release };
}
