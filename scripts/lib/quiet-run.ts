/**
 * Runs a noisy command (cdktf, terraform, apt-get) quietly: everything it prints goes to a log file
 * under .local/logs/, and the caller gets back the one line that says why it failed. Nothing of the
 * command reaches the terminal, so no spinner frames, status bars or `<sensitive>` output lines.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where the logs of the local tooling go, relative to the project root. */
export const LOG_DIR = path.join('.local', 'logs');

/** `<root>/.local/logs/<name>.log`. */
export function logFile(root: string, name: string): string {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) throw new Error(`logFile name: "${name}" is not a plain lower-case file name; use e.g. "deploy-data"`);
  return path.join(root, LOG_DIR, `${name}.log`);
}

// CSI sequences (colours, cursor moves, line erases) and OSC sequences (titles, links).
// eslint-disable-next-line no-control-regex -- escape sequences start with ESC and may end with BEL
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** `text` without terminal escape sequences and carriage-return redraws. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(/\r(?!\n)/g, '\n');
}

const NOISE: readonly RegExp[] = [
  /^\s*$/,
  // Spinner frames (braille dots) of cdktf's status line, e.g. "⠋  Synthesizing".
  /^\s*[\u2800-\u28ff]/,
  // cdktf's deploy status bar.
  /^\s*\d+ Stacks? (deploying|done|waiting)/,
  // Terraform redacts outputs that come from sensitive values; the line carries nothing.
  /<sensitive>/,
];

/** Whether a line (escape sequences removed) is noise: blank, a spinner frame, a status bar, `<sensitive>`. */
export function isNoise(line: string): boolean {
  return NOISE.some((pattern) => pattern.test(line));
}

/** The lines of `output` worth showing a person: escape sequences removed, noise dropped. */
export function visibleLines(output: string): string[] {
  return stripAnsi(output)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => !isNoise(line));
}

/** cdktf prefixes every line of a stack's Terraform output with the stack name and padding. */
function withoutStackPrefix(line: string): string {
  return line.replace(/^[\w-]+ {2,}(?=[│╷╵])/, '').replace(/^ {2,}(?=[│╷╵])/, '');
}

const GENERIC = /non-zero exit code|failed with exit code|^Command failed|problems with the CLI configuration/i;
const MAX_REASON = 600;

/**
 * `message` completed by what follows `lines[index]`: the indented lines under a message that ends
 * with a colon (a list of problems), or the paragraph after one blank line (Terraform's diagnostic
 * detail without colours).
 */
function withContinuation(message: string, lines: readonly string[], index: number): string {
  const more: string[] = [];
  if (message.endsWith(':')) {
    for (let i = index + 1; i < lines.length && /^\s+\S/.test(lines[i]) && !/^\s+at /.test(lines[i]); i++) more.push(lines[i].trim());
    return more.length > 0 ? `${message} ${more.join('; ')}` : message;
  }
  if (lines[index + 1]?.trim() === '' && /\S/.test(lines[index + 2] ?? '') && !/^\s+at /.test(lines[index + 2])) {
    for (let i = index + 2; i < lines.length && lines[i].trim() !== ''; i++) more.push(lines[i].trim());
  }
  return more.length > 0 ? `${message}: ${more.join(' ')}` : message;
}

/**
 * The one line of `output` that says why a command failed, by priority: Terraform's first error
 * diagnostic (summary and detail joined); the first specific `SomeError: message` line (with the
 * indented lines that complete it); the first specific `ERROR:` line; apt's first `E:` line; the
 * last line that is not noise. Undefined when the output holds nothing but noise.
 */
export function failureReason(output: string): string | undefined {
  const lines = stripAnsi(output)
    .split('\n')
    .map((line) => withoutStackPrefix(line.trimEnd()));
  const clip = (text: string): string => (text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text);

  // Terraform: "│ Error: <summary>", a "│" line, then the detail paragraph up to the next "│" line.
  const diagnostic = lines.findIndex((line) => /^│ Error: /.test(line));
  if (diagnostic >= 0) {
    const summary = lines[diagnostic].replace(/^│ Error: /, '').trim();
    const detail: string[] = [];
    let i = diagnostic + 1;
    while (i < lines.length && /^│\s*$/.test(lines[i])) i++;
    for (; i < lines.length && /^│ ./.test(lines[i]); i++) detail.push(lines[i].replace(/^│ /, '').trim());
    return clip(detail.length > 0 ? `${summary}: ${detail.join(' ')}` : summary);
  }

  // Node and plain Terraform errors ("TypeError: …", also after a log level such as "fatal: " or
  // cdktf's stack prefix), then cdktf's "ERROR:" and logger lines, then apt's "E: …".
  for (const pattern of [/^\s*(?:[\w-]+ {2,}|[\w-]+: )?\w*Error: (.+)$/, /^\s*(?:\[[^\]]*\] \[ERROR\] [\w-]+ - |ERROR:\s*)(.+)$/, /^(E: .+)$/]) {
    for (let i = 0; i < lines.length; i++) {
      const message = pattern.exec(lines[i])?.[1]?.trim();
      if (message !== undefined && message !== '' && !GENERIC.test(message)) return clip(withContinuation(message, lines, i));
    }
  }

  const last = lines
    .filter((line) => !isNoise(line))
    .pop()
    ?.trim();
  return last === undefined ? undefined : clip(last);
}

/** Options of {@link quietRun}. */
export interface QuietRunOptions {
  readonly cwd: string;
  /** The command's whole output is appended here; the folder is created when missing. */
  readonly logFile: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Aborting sends SIGTERM to the command. */
  readonly signal?: AbortSignal;
}

/** How a quiet run ended. */
export interface QuietRunResult {
  /** Exit code 0. */
  readonly ok: boolean;
  readonly code: number | null;
  /** Wall time from spawn to exit, in milliseconds. */
  readonly ms: number;
  /** Everything the command printed (stdout and stderr in arrival order), escape sequences removed. */
  readonly output: string;
  /** Why it failed, in one line (see {@link failureReason}); undefined when it succeeded. */
  readonly reason?: string;
  readonly logFile: string;
}

/**
 * Runs `command args` with its output going only to `options.logFile` (a header line first, the
 * exit status last). Never rejects for a failing command: look at `ok` and `reason`.
 */
export async function quietRun(command: string, args: readonly string[], options: QuietRunOptions): Promise<QuietRunResult> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  const write = (text: string): void => void fs.writeSync(log, text);
  write(`\n=== ${new Date().toISOString()} $ ${[command, ...args].join(' ')}   (in ${options.cwd})\n`);
  const started = performance.now();
  let output = '';
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(command, [...args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}),
      });
      const collect = (chunk: Buffer): void => {
        const text = stripAnsi(chunk.toString('utf8'));
        output += text;
        write(text);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.once('error', (error: NodeJS.ErrnoException) => {
        const text = error.name === 'AbortError' ? 'stopped\n' : `could not run ${command}: ${error.code ?? error.message}\n`;
        output += text;
        write(text);
        resolve(error.name === 'AbortError' ? null : -1);
      });
      child.once('close', (exitCode) => resolve(exitCode));
    });
    const ms = performance.now() - started;
    write(`=== exit ${code ?? 'by signal'} after ${(ms / 1000).toFixed(1)} s\n`);
    const ok = code === 0;
    const reason = ok ? undefined : (failureReason(output) ?? `${path.basename(command)} exited with code ${code ?? 'by signal'} and printed nothing`);
    return { ok, code, ms, output, logFile: options.logFile, ...(reason === undefined ? {} : { reason }) };
  } finally {
    fs.closeSync(log);
  }
}

/** A step that failed: `reason` is the one line that says why, `logFile` holds the whole story. */
export class StepFailure extends Error {
  constructor(
    readonly reason: string,
    readonly logFile?: string,
  ) {
    super(logFile === undefined ? reason : `${reason}\n  full log: ${logFile}`);
    this.name = 'StepFailure';
  }
}

/** {@link quietRun}, throwing a {@link StepFailure} when the command fails. */
export async function quietRunOrThrow(command: string, args: readonly string[], options: QuietRunOptions): Promise<QuietRunResult> {
  const result = await quietRun(command, args, options);
  if (!result.ok) throw new StepFailure(result.reason ?? 'failed', result.logFile);
  return result;
}
