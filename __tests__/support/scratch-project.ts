/** A scratch copy of the project and the environment of a new user's shell, for tests that run our commands as a person would. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * A new temporary directory named `<prefix>…` holding `copied` (what the commands resolve their root
 * from or write into) and links to `linked` (what they only read, such as node_modules).
 */
export function scratchProject(prefix: string, copied: readonly string[], linked: readonly string[]): string {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const entry of copied) fs.cpSync(path.join(ROOT, entry), path.join(project, entry), { recursive: true });
  for (const entry of linked) fs.symlinkSync(path.join(ROOT, entry), path.join(project, entry));
  return project;
}

/** This process's environment without our settings and the test runner's variables: what a new shell has. */
export function newUserEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CDKTF_|BASIC_AUTH_|JEST_|TF_|MOTO_|DYNAMODB_PORT$|PORT$|npm_)/.test(name)));
}
