/**
 * The `npm run data:local` path end to end: `cdktf deploy data` (via deployDataLocal) in a scratch
 * copy of the project against dynalite, then the stack's own folder lists the tables and items and
 * a second plan is clean.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deployDataLocal } from '../../scripts/deploy-data-local';
import { startDynalite, type TestDynalite } from '../support/dynalite';
import { plan, requireTerraform, terraform } from '../../scripts/lib/terraform';

jest.setTimeout(240_000);

const ROOT = path.join(__dirname, '..', '..');
// Copied: what the deploy writes next to (build output resolves its root from scripts/) or edits.
const COPIED = new Set(['data', 'scripts']);
const SKIPPED = new Set(['.git', '.build', '.local', 'cdktf.out', 'state', 'coverage', 'test-output']);

let dynamo: TestDynalite;
let project: string;

beforeAll(async () => {
  requireTerraform();
  dynamo = await startDynalite();
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-data-'));
  for (const entry of fs.readdirSync(ROOT)) {
    if (SKIPPED.has(entry)) continue;
    if (COPIED.has(entry)) fs.cpSync(path.join(ROOT, entry), path.join(project, entry), { recursive: true });
    else fs.symlinkSync(path.join(ROOT, entry), path.join(project, entry));
  }
  await deployDataLocal({ endpoint: dynamo.endpoint, cwd: project, stdio: 'ignore' });
});

afterAll(async () => {
  await dynamo?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

describe('deployDataLocal', () => {
  test('keeps state under state/local of the project', () => {
    expect(fs.existsSync(path.join(project, 'state', 'local', 'data.tfstate'))).toBe(true);
  });

  test('terraform state list in the stack folder lists the tables and items', () => {
    const state = terraform(path.join(project, 'cdktf.out', 'stacks', 'data'), ['state', 'list'])
      .stdout.trim()
      .split('\n');
    expect([state.filter((a) => a.startsWith('aws_dynamodb_table.')).length, state.filter((a) => a.startsWith('aws_dynamodb_table_item.')).length]).toEqual([3, 114]);
  });

  test('a plan after the deploy shows no changes', () => {
    expect(plan(path.join(project, 'cdktf.out', 'stacks', 'data'))).toEqual([]);
  });
});
