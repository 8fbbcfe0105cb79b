/** Helpers for tests of the configuration model. */
import { ConfigError } from '../../stacks/settings/config';

/** The problems of a configuration that must fail to build, or a failed test if it builds. */
export function configProblems(build: () => unknown): readonly string[] {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** Variables that remember which names were read from them (by loadConfig, say). */
export function recordingEnv(vars: Readonly<Record<string, string>>): { readonly env: NodeJS.ProcessEnv; readonly read: ReadonlySet<string> } {
  const read = new Set<string>();
  const env = new Proxy({ ...vars } as NodeJS.ProcessEnv, {
    get: (target, key) => {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key);
    },
  });
  return { env, read };
}
