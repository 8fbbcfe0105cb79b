import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { runInThisContext } from 'node:vm';

// Adds cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, toPlanSuccessfully, ...),
// what Testing.setupJest does. Imported from their own module: cdktf's index costs each test file a
// quarter of a second to load, and most files never synthesize anything.
setupJest();

// cdktf records where each of its tokens was created by capturing a stack trace on a plain object
// (not an Error), with no limit on its depth. Those traces only decorate cdktf's own error messages,
// yet under jest they were the largest share of a synthesis's CPU: a hundred and more frames each,
// every one mapped through source maps. So a trace captured on a plain object keeps its innermost
// frames (cdktf's own few, then the code that made the token), formatted without source maps; real errors
// keep their full, mapped traces.
const TOKEN_TRACE_FRAMES = 10;

const captureStackTrace = Error.captureStackTrace.bind(Error);
Error.captureStackTrace = (target: object, constructorOpt?: Parameters<ErrorConstructor['captureStackTrace']>[1]): void => {
  if (target instanceof Error) return captureStackTrace(target, constructorOpt);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.min(limit, TOKEN_TRACE_FRAMES);
  try {
    captureStackTrace(target, constructorOpt);
  } finally {
    Error.stackTraceLimit = limit;
  }
};

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
