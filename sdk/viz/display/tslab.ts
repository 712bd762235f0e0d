/**
 * The link to a running tslab kernel. tslab's public `display` sends one MIME type per message, so we
 * use the function behind it (`lastWriteDisplayData` of tslab/dist/jupyter.js), which sends a whole
 * Jupyter `display_data` / `update_display_data` message: several MIME types, and display ids for
 * outputs that update in place. Detection only looks into require.cache — it never loads tslab (whose
 * public module pulls in a TypeScript compiler) outside a kernel.
 */
import type { MimeBundle } from './mime';

interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
type WriteDisplayData = (msg: DisplayMessage, update: boolean) => void;
interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

let override: { write: WriteDisplayData | undefined } | undefined;

let found: TslabJupyterModule | undefined;

/** The tslab jupyter module of the kernel this process is, if it is one (remembered once found). */
function kernelModule(): TslabJupyterModule | undefined {
  if (found) return found;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const exp = mod.exports as Partial<TslabJupyterModule> | undefined;
    if (exp && 'lastWriteDisplayData' in exp) return (found = exp as TslabJupyterModule);
  }
  return undefined;
}

/** The writer of the current cell's outputs, or undefined outside a tslab kernel. */
export function displayWriter(): WriteDisplayData | undefined {
  if (override) return override.write;
  return kernelModule()?.lastWriteDisplayData ?? undefined;
}

/** True when running inside a tslab kernel (a notebook). */
export function inNotebook(): boolean {
  if (override) return override.write !== undefined;
  return kernelModule() !== undefined;
}

/** Sends a bundle; with `displayId`, `update` replaces the output shown earlier under that id. */
export function sendDisplay(data: MimeBundle, opts: { displayId?: string; update?: boolean } = {}): boolean {
  const write = displayWriter();
  if (!write) return false;
  write({ data, metadata: {}, transient: opts.displayId ? { display_id: opts.displayId } : {} }, opts.update ?? false);
  return true;
}

/**
 * For tests: pretend to be inside a kernel whose outputs go to `write`, or (undefined) outside one.
 * Returns a function that restores real detection.
 */
export function simulateNotebook(write: WriteDisplayData | undefined): () => void {
  override = { write };
  return () => {
    override = undefined;
  };
}
