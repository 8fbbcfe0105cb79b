/**
 * jest `globalSetup` of the integration project: `npm test` prepares the machine it runs on
 * (scripts/prepare-machine.ts): the provider mirror link and the CLI config file for the
 * real-Terraform tests, and Chromium when the browser tests are among the tests to run. A step that
 * cannot be done stops the run with one line: what is missing and the command that fixes it.
 */
import * as path from 'node:path';
import { StepFailure } from './lib/quiet-run';
import { describeChanges, prepareMachine } from './prepare-machine';

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

export default async function globalSetup(globalConfig: SelectedPaths, projectConfig: { readonly rootDir: string }): Promise<void> {
  try {
    const steps = await prepareMachine({ root: projectConfig.rootDir, purpose: 'test', needsBrowser: selectsBrowserTest(globalConfig, projectConfig.rootDir) });
    for (const change of describeChanges(steps)) process.stderr.write(`[npm test] ${change}\n`);
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    // jest would print a stack trace under it; the reason and the fix are the whole story.
    process.stderr.write(`\n[npm test] cannot run the integration tests: ${error.message}\n`);
    process.exit(1);
  }
}
