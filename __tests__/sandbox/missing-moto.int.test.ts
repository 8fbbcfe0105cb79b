/** `npm run sandbox` on a machine without moto: one line with the install command, no stack trace, nothing deployed. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

test('npm run sandbox without moto_server exits 1 with pip install "moto[server]" and no stack trace', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'missing-moto-'));
  try {
    // Port 9 (discard) has no moto on it; MOTO_SERVER names a binary that does not exist.
    const result = spawnSync(process.execPath, ['-r', path.join(ROOT, 'scripts', 'register-ts.js'), path.join(ROOT, 'scripts', 'sandbox.ts'), 'up'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, MOTO_SERVER: path.join(work, 'no-such-moto_server'), MOTO_PORT: '9', CDKTF_STATE_DIR: path.join(work, 'state') },
    });
    expect([result.status, result.stderr.includes('pip install "moto[server]"'), /^\s+at /m.test(result.stderr), fs.existsSync(path.join(work, 'state'))]).toEqual([
      1,
      true,
      false,
      false,
    ]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
