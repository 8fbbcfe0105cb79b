/**
 * The unit layer's global setup: one directory for the run's fixture files
 * (`__tests__/support/service-fixtures.ts`), named to the workers by UNIT_FIXTURE_ROOT; the global
 * teardown removes it. The layer's runner shares modules between the files of a worker, so no test
 * file's afterAll can own it, and its worker threads are stopped without an exit event.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default function globalSetup(): void {
  process.env.UNIT_FIXTURE_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-fixtures-'));
}
