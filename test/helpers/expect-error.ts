import * as assert from 'uvu/assert';

/** Awaits fn and asserts it rejects with an instance of `type` whose message contains every one of `parts`. */
export async function rejectsTyped(fn: () => Promise<unknown>, type: Function, ...parts: string[]): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, type, String(e));
    for (const p of parts) assert.ok((e as Error).message.includes(p), `"${(e as Error).message}" should contain "${p}"`);
    return;
  }
  assert.unreachable('expected a rejection');
}

/** Calls fn and asserts it throws an instance of `type` whose message contains every one of `parts`. */
export function throwsTyped(fn: () => unknown, type: Function, ...parts: string[]): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, String(e));
    for (const p of parts) assert.ok((e as Error).message.includes(p), `"${(e as Error).message}" should contain "${p}"`);
    return;
  }
  assert.unreachable('expected a throw');
}
