/**
 * How the AWS provider reaches an emulator (the embedded DynamoDB of `local`, the sandbox's moto):
 * through a profile of an AWS shared config file whose `endpoint_url` every service uses, rather
 * than through the provider's `endpoints` block. Both send the provider's calls to the emulator, but
 * with the block in its configuration each provider process that Terraform starts spends about 2 s
 * of CPU more (measured on hashicorp/aws 5.100.0: 0.6 s against 2.8 s for a validate, with one
 * endpoint or none set in the block), and Terraform starts three per plan and four per apply. The
 * profile sends every service there, so no call can reach AWS by accident either.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The profile the provider names; it exists only in the file {@link writeEmulatorProfile} writes. */
export const EMULATOR_PROFILE = 'emulator';

/** The shared config file that points every service of {@link EMULATOR_PROFILE} at `url`. */
export function emulatorProfileText(url: string): string {
  return [
    '# Written by the cdktf app: every AWS call of a provider that names this profile goes to the emulator.',
    `[profile ${EMULATOR_PROFILE}]`,
    `endpoint_url = ${url}`,
    '',
  ].join('\n');
}

/**
 * The one URL every endpoint points at, or undefined when they point at several (a profile has one
 * `endpoint_url`; such endpoints stay in the provider's block) or there are none (AWS itself).
 */
export function singleEndpointUrl(endpoints: Readonly<Record<string, string>>): string | undefined {
  const urls = [...new Set(Object.values(endpoints))];
  return urls.length === 1 ? urls[0] : undefined;
}

/** Where the profile for `url` is kept under the cache directory: named by its content, so that two URLs never share a file. */
export function emulatorProfilePath(url: string, cacheDir: string): string {
  const hash = createHash('sha256').update(emulatorProfileText(url)).digest('hex').slice(0, 16);
  return path.join(cacheDir, 'cdktf-fargate-dynamodb', `emulator-${hash}.ini`);
}

/**
 * The user's cache directory: XDG_CACHE_HOME, else ~/.cache; always absolute (Terraform reads the
 * file from the stack's folder), so a relative XDG_CACHE_HOME is ignored, as the XDG spec says, and
 * an empty HOME falls back to the temporary directory.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && path.isAbsolute(xdg)) return xdg;
  return path.join(path.isAbsolute(home) ? home : os.tmpdir(), '.cache');
}

/**
 * Writes the profile for `url` under the user's cache directory (unless it is there as written) and
 * returns its absolute path. Outside the stack's folder because `npm start` deploys the data stack
 * from a cdk.tf.json it synthesized elsewhere, and outside the project because tests synthesize
 * stacks for projects that do not exist; an absolute path works from any folder.
 */
export function writeEmulatorProfile(url: string, cacheDir = userCacheDir()): string {
  const file = emulatorProfilePath(url, cacheDir);
  const text = emulatorProfileText(url);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  }
  return file;
}
