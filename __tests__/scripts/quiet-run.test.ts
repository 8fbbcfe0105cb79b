/** The pure parts of scripts/lib/quiet-run.ts: what counts as noise, and the one line that says why. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { failureReason, isNoise, logFile, stripAnsi, visibleLines } from '../../scripts/lib/quiet-run';

const fixture = (name: string): string => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

describe('failureReason', () => {
  test('an offline terraform init gives the diagnostic summary with its whole detail on one line', () => {
    // Given what cdktf deploy printed when the registry could not be reached
    const reason = failureReason(fixture('cdktf-deploy-init-offline.log'));
    // Then the reason is Terraform's error, not the CLI-configuration warnings around it
    expect(reason).toBe(
      'Failed to query available provider packages: Could not retrieve the list of available versions for provider hashicorp/aws: ' +
        'could not connect to registry.terraform.io: failed to request discovery document: ' +
        'Get "https://registry.terraform.io/.well-known/terraform.json": dial tcp: lookup registry.terraform.io on 10.255.255.53:53: no such host',
    );
  });

  test("without colours (no box), the diagnostic after cdktf's stack prefix still gives summary and detail", () => {
    expect(failureReason(fixture('cdktf-deploy-mirror-refused-no-color.log'))).toBe(
      'Failed to query available provider packages: Could not retrieve the list of available versions for provider hashicorp/aws: ' +
        'failed to query provider mirror https://127.0.0.1:1/providers/ for registry.terraform.io/hashicorp/aws: the request failed after 2 attempts, ' +
        'please try again later: Get "https://127.0.0.1:1/providers/registry.terraform.io/hashicorp/aws/index.json": dial tcp 127.0.0.1:1: connect: connection refused',
    );
  });

  test('an app that throws during synth gives its error message and the problems listed under it', () => {
    expect(failureReason(fixture('cdktf-deploy-bad-seed.log'))).toBe(
      'Seed data has 2 problems; nothing was synthesized: data/category.csv:1: missing column "description"; data/category.csv:1: missing column "sortOrder"',
    );
  });

  test('generic wrapper lines ("non-zero exit code") give way to the specific error after them', () => {
    const output = 'Error:         non-zero exit code 1\nCommand output on stderr:\n    TypeError: stack.addOutput is not a function\n        at main (x.js:1:1)\n';
    expect(failureReason(output)).toBe('stack.addOutput is not a function');
  });

  test('an error after a log level ("fatal: Error: …") gives its message', () => {
    const output = '(node:1) Warning: NodeVersionSupportWarning: upgrade\nfatal: Error: listen EADDRINUSE: address already in use :::8080\n    at Server.setupListenHandle\n';
    expect(failureReason(output)).toBe('listen EADDRINUSE: address already in use :::8080');
  });

  test('a diagnostic without detail is its summary alone', () => {
    expect(failureReason('data  ╷\ndata  │ Error: Unsupported argument\ndata  ╵\n')).toBe('Unsupported argument');
  });

  test('apt-get failures give the first E: line when nothing says Error', () => {
    const output = 'Reading package lists...\nE: Unable to locate package chromium\nE: Sub-process returned an error code\nDone\n';
    expect(failureReason(output)).toBe('E: Unable to locate package chromium');
  });

  test('output of nothing but noise has no reason', () => {
    expect(failureReason('\u001b[2K⠋  Synthesizing\n\n')).toBeUndefined();
  });

  test('a very long reason is clipped to 600 characters', () => {
    expect(failureReason(`Error: ${'x'.repeat(1000)}`)?.length).toBe(600);
  });
});

describe('noise', () => {
  test('spinner frames, the deploy status bar, <sensitive> outputs and blank lines are noise', () => {
    const lines = ['⠙  Deploying', '1 Stack deploying     0 Stacks done     0 Stacks waiting', 'data  category_table_name = <sensitive>', '   '];
    expect(lines.filter(isNoise)).toEqual(lines);
  });

  test('a Terraform summary line is not noise', () => {
    expect(isNoise('data  Apply complete! Resources: 117 added, 0 changed, 0 destroyed.')).toBe(false);
  });

  test('visibleLines drops escape sequences and noise and keeps the rest in order', () => {
    const output = '\u001b[32m⠋  Synthesizing\u001b[0m\r⠙  Synthesizing\ndata  Apply complete!\u001b[0m\ndata  x = <sensitive>\nDone\n';
    expect(visibleLines(output)).toEqual(['data  Apply complete!', 'Done']);
  });

  test('stripAnsi removes colours and turns carriage-return redraws into lines', () => {
    expect(stripAnsi('\u001b[1;31mred\u001b[0m\rnext')).toBe('red\nnext');
  });
});

describe('logFile', () => {
  test('puts a named log under .local/logs of the root', () => {
    expect(logFile('/p', 'deploy-data')).toBe(path.join('/p', '.local', 'logs', 'deploy-data.log'));
  });

  test('rejects a name that is a path, naming the fix', () => {
    expect(() => logFile('/p', '../x')).toThrow('logFile name: "../x" is not a plain lower-case file name; use e.g. "deploy-data"');
  });
});
