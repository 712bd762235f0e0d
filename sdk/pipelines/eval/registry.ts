/** Named few-shot methods available to `hypnest eval fewshot --method …` (generators register theirs). */
import { ConfigError, nearest } from '../../core/errors';
import { augmentMethod, copyMethod } from '../baselines';
import { FewShotMethod, NamedMethod } from './method';

const registry = new Map<string, () => FewShotMethod>([
  ['copy', () => copyMethod],
  ['augment', () => augmentMethod()],
]);

/** Adds (or replaces) a named method factory. */
export function registerFewShotMethod(name: string, factory: () => FewShotMethod): void {
  registry.set(name, factory);
}

export function fewShotMethodNames(): string[] {
  return [...registry.keys()];
}

/** Resolves names (or passes through {name, run}) to runnable methods. */
export function resolveMethods(methods: (string | NamedMethod)[]): NamedMethod[] {
  return methods.map((m) => {
    if (typeof m !== 'string') return m;
    const factory = registry.get(m);
    if (!factory) {
      const near = nearest(m, fewShotMethodNames());
      throw new ConfigError('runFewShotEval(methods)', {
        expected: `one of ${fewShotMethodNames().join(', ')}`,
        received: JSON.stringify(m),
        hint: near ? `Did you mean '${near}'?` : 'Register it with registerFewShotMethod().',
      });
    }
    return { name: m, run: factory() };
  });
}
