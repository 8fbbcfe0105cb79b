/**
 * jest `globalSetup` of the integration project: `npm test` prepares the machine it runs on
 * (scripts/prepare-machine.ts): the provider mirror link and the CLI config file for the
 * real-Terraform tests, and Chromium when the browser tests are among the tests to run. A step that
 * cannot be done stops the run with one line: what is missing and the command that fixes it.
 */
import * as path from 'node:path';
import { StepFailure } from './lib/quiet-run';
import { prepareMachineLine, type PrepareOptions } from './prepare-machine';

/** The test file that drives Chromium, relative to the project root. */
export const BROWSER_TEST = path.join('__tests__', 'service', 'browser.int.test.ts');

/** The part of jest's global config this setup reads (the path patterns of the command line). */
export interface SelectedPaths {
  readonly testPathPatterns?: { toExecutor(options: { rootDir: string }): { isMatch(file: string): boolean } };
}

/** Whether jest's path patterns select the browser test (no patterns select every file). */
export function selectsBrowserTest(globalConfig: SelectedPaths, rootDir: string): boolean {
  if (globalConfig.testPathPatterns === undefined) return true;
  return globalConfig.testPathPatterns.toExecutor({ rootDir }).isMatch(path.join(rootDir, BROWSER_TEST));
}

/**
 * Prepares the machine for `tests` (e.g. `the integration tests`) of `command` (e.g. `npm test`),
 * printing what changed under that label; a step that cannot be done exits with its reason and fix,
 * without a stack trace.
 */
export async function prepareForTests(command: string, tests: string, options: PrepareOptions): Promise<void> {
  try {
    const prepared = await prepareMachineLine(options);
    if (prepared !== undefined) process.stderr.write(`[${command}] ${prepared}\n`);
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    // jest would print a stack trace under it; the reason and the fix are the whole story.
    process.stderr.write(`\n[${command}] cannot run ${tests}: ${error.message}\n`);
    process.exit(1);
  }
}

export default async function globalSetup(globalConfig: SelectedPaths, projectConfig: { readonly rootDir: string }): Promise<void> {
  await prepareForTests('npm test', 'the integration tests', {
    root: projectConfig.rootDir,
    purpose: 'test',
    needsBrowser: selectsBrowserTest(globalConfig, projectConfig.rootDir),
  });
}
