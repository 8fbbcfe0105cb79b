/** A content hash of a Docker build context that honours its `.dockerignore`, as `docker build` does. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One parsed `.dockerignore` line. */
export interface IgnoreRule {
  readonly pattern: string;
  /** A `!pattern` line: re-includes what earlier lines excluded. */
  readonly negated: boolean;
  readonly regex: RegExp;
}

/** Parses `.dockerignore` text: comments and blank lines dropped, paths cleaned like Docker's `filepath.Clean`. */
export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => {
      const negated = line.startsWith('!');
      const pattern = cleanPattern(negated ? line.slice(1).trim() : line);
      return pattern === '' ? [] : [{ pattern, negated, regex: patternToRegExp(pattern) }];
    });
}

/**
 * Whether Docker leaves `relativePath` (slash-separated) out of the context. As in moby's
 * patternmatcher, a rule applies to a path when it matches the path or one of its parent
 * directories, and the last rule that applies wins.
 */
export function isIgnored(relativePath: string, rules: readonly IgnoreRule[]): boolean {
  const segments = relativePath.split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = !rule.negated;
  }
  return ignored;
}

/** The files a build sends, and their hash. */
export interface ContextDigest {
  /** Hex SHA-256 over the sorted relative paths and contents of the sent files, and any `extra` inputs. */
  readonly hash: string;
  /** Relative, slash-separated paths of the files that went into the hash, sorted. */
  readonly files: readonly string[];
}

/**
 * Hashes the files of `directory` that `docker build` would send. The Dockerfile and `.dockerignore`
 * always count, as Docker always reads them. `extra` folds in other build inputs (e.g. the target
 * platform), so that a different build never reuses an immutable tag.
 */
export function hashBuildContext(directory: string, options: { dockerfile?: string; extra?: readonly string[] } = {}): ContextDigest {
  const dockerfile = options.dockerfile ?? 'Dockerfile';
  const ignorePath = path.join(directory, '.dockerignore');
  const rules = fs.existsSync(ignorePath) ? parseDockerignore(fs.readFileSync(ignorePath, 'utf8')) : [];
  const always = new Set([toSlash(path.normalize(dockerfile)), '.dockerignore']);
  const files = listFiles(directory)
    .filter((file) => always.has(file) || !isIgnored(file, rules))
    .sort();

  const hash = createHash('sha256');
  for (const extra of options.extra ?? []) hash.update(`extra\0${extra}\0`);
  for (const file of files) {
    // Path and content are both length-delimited so that no two different contexts hash alike.
    const content = fs.readFileSync(path.join(directory, file));
    hash.update(`file\0${file}\0${content.length}\0`).update(content);
  }
  return { hash: hash.digest('hex'), files };
}

function listFiles(root: string, relative = ''): string[] {
  return fs.readdirSync(path.join(root, relative), { withFileTypes: true }).flatMap((entry) => {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) return listFiles(root, child);
    return entry.isFile() || entry.isSymbolicLink() ? [child] : [];
  });
}

function toSlash(p: string): string {
  return p.split(path.sep).join('/');
}

/** Docker cleans each pattern: no leading `/` or `./`, no trailing `/`, no `//`. */
function cleanPattern(raw: string): string {
  const cleaned = path.posix.normalize(raw.replace(/\\/g, '/'));
  return cleaned.replace(/^\/+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

/** Go `filepath.Match` syntax plus Docker's `**` (any number of directories). */
function patternToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` matches everything below.
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) {
        out += '\\[';
      } else {
        const body = pattern.slice(i + 1, end).replace(/^\^/, '!');
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += escapeRegExp(pattern[++i]);
    } else {
      out += escapeRegExp(c);
    }
  }
  return new RegExp(`^${out}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
