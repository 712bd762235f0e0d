/** A tiny trained nested model (L = 3), trained once per machine into the temp folder and shared by tests. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ready } from '../../../sdk/core/backend';
import '../../../sdk/core/grad';
import { runNestedTraining } from '../../../sdk/models/nested/train-main';

export const FIXTURE_ROOT = path.join(os.tmpdir(), 'hypnest-test-nested-v4');

export async function tinyNested(levels = 3, markov = false, classes = false): Promise<string> {
  await ready();
  const file = path.join(FIXTURE_ROOT, `L${levels}${markov ? '-markov' : ''}${classes ? '-cond' : ''}`, 'nested');
  if (!fs.existsSync(file + '.json')) {
    process.env.HYPNEST_PROGRESS = process.env.HYPNEST_PROGRESS ?? '0';
    const r = await runNestedTraining({ levels, markov, classes, tiny: true, out: FIXTURE_ROOT });
    if (!r.complete) throw new Error('tiny nested training did not complete');
  }
  return file;
}
