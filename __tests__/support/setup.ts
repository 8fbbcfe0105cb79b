import { Testing } from 'cdktf';
import { runInThisContext } from 'node:vm';

// Adds cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, toPlanSuccessfully, ...).
Testing.setupJest();

// cdktf records where each of its tokens was created by reading a new stack trace (a plain object,
// not an Error). Under jest every trace read goes through source maps, which made that recording a
// large share of a synthesis's CPU. Those traces only decorate cdktf's own error messages, so they
// are formatted without source maps; real errors keep their mapped traces.
// Jest installs its source-mapping formatter on the Error of the realm its runner lives in, not on
// the test file's own Error, so that is where the mapped formatter is read from (at each call,
// since jest re-installs it per file).
const runnerError = runInThisContext('Error') as ErrorConstructor;
Error.prepareStackTrace = (target: Error, frames: NodeJS.CallSite[]) => {
  const mappedPrepare = runnerError.prepareStackTrace;
  return target instanceof Error && mappedPrepare !== undefined ? mappedPrepare(target, frames) : plainTrace(frames);
};

/** A trace as V8 writes it without source maps (the first line, which cdktf drops, carries no message). */
function plainTrace(frames: readonly NodeJS.CallSite[]): string {
  return ['Error', ...frames.map((frame) => `    at ${String(frame)}`)].join('\n');
}
