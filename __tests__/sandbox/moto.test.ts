/** A missing moto server ends in the command that installs it, never in a stack trace. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureMoto, MOTO_INSTALL_COMMAND, motoServerProblem, startMoto } from '../../scripts/moto';

const enoent = () => ({ error: Object.assign(new Error('spawnSync moto_server ENOENT'), { code: 'ENOENT' }), status: null });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'moto-test-'));
const logFile = () => path.join(work, 'moto.log');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('motoServerProblem', () => {
  it('names pip install "moto[server]" when moto_server is not on PATH', () => {
    expect(motoServerProblem('moto_server', enoent)).toContain(`  ${MOTO_INSTALL_COMMAND}\n`);
  });

  it('says which binary failed and why', () => {
    expect(motoServerProblem('/opt/moto/bin/moto_server', enoent)).toMatch(/^No moto server found \("\/opt\/moto\/bin\/moto_server --help": ENOENT\)/);
  });

  it('treats a binary that exits non-zero (a pyenv shim without moto) as missing', () => {
    expect(motoServerProblem('moto_server', () => ({ status: 127 }))).toMatch(/exit code 127[\s\S]*pip install "moto\[server\]"/);
  });

  it('accepts a binary whose --help succeeds', () => {
    expect(motoServerProblem('moto_server', () => ({ status: 0 }))).toBeUndefined();
  });
});

describe('starting moto without moto_server', () => {
  // Port 9 (discard) has no moto on it, so ensureMoto must try to start one.
  it('startMoto rejects with the install command as the whole message', async () => {
    await expect(startMoto({ port: 9, logFile: logFile(), binary: 'moto_server', lookup: enoent })).rejects.toThrow(new Error(motoServerProblem('moto_server', enoent)));
  });

  it('ensureMoto rejects the same way when nothing answers on the port', async () => {
    await expect(ensureMoto({ port: 9, logFile: logFile(), binary: 'moto_server', lookup: enoent })).rejects.toThrow(MOTO_INSTALL_COMMAND);
  });
});
