import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ValidateBinaryVersion } from 'cdktf/lib/validations/validate-binary-version';

/** A version command that notes each run in `runs` and prints `version`. */
function countingCommand(runs: string, version: string): string {
  return `sh -c 'echo run >> ${runs}; echo "fake ${version}"'`;
}

describe('the binary-versions setup file', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'binary-versions-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const runsOf = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

  it('runs a version command once and answers later checks of the same constraint from that run', () => {
    const runs = path.join(work, 'same');
    const command = countingCommand(runs, '1.11.4');
    const answers = [1, 2, 3].map(() => new ValidateBinaryVersion('fake', '>=1.4', command).validate());
    expect({ answers, runs: runsOf(runs) }).toEqual({ answers: [[], [], []], runs: 1 });
  });

  it("still fails a check whose constraint the version does not meet, with cdktf's message, every time", () => {
    const runs = path.join(work, 'old');
    const command = countingCommand(runs, '1.3.0');
    const answers = [1, 2].map(() => new ValidateBinaryVersion('fake', '>=1.4', command, 'Upgrade it.').validate());
    expect(answers).toEqual([
      ['fake version 1.3.0 is lower than the required version >=1.4 for this construct. Upgrade it.'],
      ['fake version 1.3.0 is lower than the required version >=1.4 for this construct. Upgrade it.'],
    ]);
  });

  it('asks again for another constraint', () => {
    const runs = path.join(work, 'two');
    const command = countingCommand(runs, '1.4.2');
    const answers = ['>=1.4', '>=1.5'].map((constraint) => new ValidateBinaryVersion('fake', constraint, command).validate());
    expect({ passed: answers.map((a) => a.length === 0), runs: runsOf(runs) }).toEqual({ passed: [true, false], runs: 2 });
  });
});
