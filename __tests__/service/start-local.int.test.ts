/** `npm start` without a usable Terraform stops at once and says what to install and why. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

jest.setTimeout(30_000);

const ROOT = path.resolve(__dirname, '..', '..');

test('without a terraform binary, npm start exits 1 within seconds naming the version to install', async () => {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/start-local.ts'], {
    cwd: ROOT,
    // An unused port: if the check were missing, the script would go on to start DynamoDB here.
    env: { ...process.env, TERRAFORM_BINARY_NAME: '/nonexistent/terraform', DYNAMODB_PORT: '1', PORT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  expect({ code, fast: Date.now() - started < 15_000, mentionsVersion: stderr.includes('Terraform 1.11.x'), saysWhy: stderr.includes('deploys the `data` stack') }).toEqual({
    code: 1,
    fast: true,
    mentionsVersion: true,
    saysWhy: true,
  });
});
