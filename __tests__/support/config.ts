/** Helpers for tests of the configuration model. */
import { ConfigError } from '../../stacks/config';

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
