/** ./help, the list of everyday commands, stays current with the scripts of package.json. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** npm runs these without `run`. */
const LIFECYCLE = new Set(['start', 'test', 'stop', 'restart']);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The scripts `text` never mentions as a command (`npm run <name>`, or `npm <name>` for npm's own). */
function unmentionedScripts(names: readonly string[], text: string): string[] {
  return names.filter((name) => {
    const command = LIFECYCLE.has(name) ? `npm (run )?${escape(name)}` : `npm run ${escape(name)}`;
    // Followed by a space or the end of the line, so `npm run sandbox:destroy` does not count for `sandbox`.
    return !new RegExp(`(^|\\s)${command}(?=\\s|$)`, 'm').test(text);
  });
}

describe('./help', () => {
  const output = spawnSync('sh', [path.join(ROOT, 'help')], { encoding: 'utf8' });

  it('runs and prints the commands', () => {
    expect([output.status, output.stdout.split('\n')[0]]).toEqual([0, expect.stringContaining('Everyday commands')]);
  });

  it('mentions every script of package.json', () => {
    expect(unmentionedScripts(scripts, output.stdout)).toEqual([]);
  });
});

describe('finding an unmentioned script', () => {
  it('names a script that only appears as the prefix of another', () => {
    expect(unmentionedScripts(['sandbox', 'sandbox:destroy'], '  npm run sandbox:destroy   tear down\n')).toEqual(['sandbox']);
  });

  it('accepts npm start and npm test without run', () => {
    expect(unmentionedScripts(['start', 'test', 'bench'], '  npm start   run it\n  npm test    test it\n')).toEqual(['bench']);
  });
});
