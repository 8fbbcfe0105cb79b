/** Small readers of nginx configuration, php.ini and Dockerfiles, for tests of image contexts without Docker. */

/** One nginx directive: `name args...;` or `name args... { children }`. */
export interface NginxDirective {
  readonly name: string;
  readonly args: readonly string[];
  readonly children?: readonly NginxDirective[];
}

/** Splits nginx configuration into words and the punctuation `{`, `}`, `;`; comments dropped, quotes kept as one word. */
function nginxTokens(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '{' || c === '}' || c === ';') {
      tokens.push(c);
      i++;
    } else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end === -1) throw new Error(`nginx config: unterminated quote at offset ${i}`);
      tokens.push(text.slice(i + 1, end));
      i = end + 1;
    } else {
      let word = '';
      while (i < text.length && !/[\s{};]/.test(text[i])) word += text[i++];
      tokens.push(word);
    }
  }
  return tokens;
}

/** Parses nginx configuration into directives; throws on unbalanced braces or a missing `;`. */
export function parseNginx(text: string): NginxDirective[] {
  const tokens = nginxTokens(text);
  let pos = 0;
  const block = (nested: boolean): NginxDirective[] => {
    const directives: NginxDirective[] = [];
    while (pos < tokens.length) {
      if (tokens[pos] === '}') {
        if (!nested) throw new Error('nginx config: "}" without "{"');
        pos++;
        return directives;
      }
      const words: string[] = [];
      while (pos < tokens.length && !['{', '}', ';'].includes(tokens[pos])) words.push(tokens[pos++]);
      const end = tokens[pos++];
      if (end === ';') directives.push({ name: words[0], args: words.slice(1) });
      else if (end === '{') directives.push({ name: words[0], args: words.slice(1), children: block(true) });
      else throw new Error(`nginx config: directive "${words.join(' ')}" has no ";"`);
    }
    if (nested) throw new Error('nginx config: "{" without "}"');
    return directives;
  };
  return block(false);
}

/** The directives named `name` directly inside `directives`. */
export function directives(within: readonly NginxDirective[], name: string): NginxDirective[] {
  return within.filter((d) => d.name === name);
}

/** The one directive `name` (with `args`, when given) inside `within`, or a failure naming what exists. */
export function directive(within: readonly NginxDirective[], name: string, args?: readonly string[]): NginxDirective {
  const found = directives(within, name).filter((d) => args === undefined || d.args.join(' ') === args.join(' '));
  if (found.length !== 1) {
    throw new Error(`expected one "${name}${args ? ` ${args.join(' ')}` : ''}", found ${found.length}: ${within.map((d) => `${d.name} ${d.args.join(' ')}`).join('; ')}`);
  }
  return found[0];
}

/** `key = value` lines of a php.ini file; `;` comments and sections dropped. */
export function parsePhpIni(text: string): Record<string, string> {
  const settings: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('[')) return;
    const match = /^([A-Za-z0-9_.]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) throw new Error(`php.ini line ${index + 1}: "${line}" is not key = value`);
    settings[match[1]] = match[2];
  });
  return settings;
}

/** Bytes of a PHP (`64M`) or nginx (`64m`) size: K, M and G are powers of 1024. */
export function byteSize(size: string): number {
  const match = /^(\d+)([kKmMgG]?)$/.exec(size.trim());
  if (!match) throw new Error(`"${size}" is not a size such as 64M`);
  const power = { '': 0, k: 1, m: 2, g: 3 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * 1024 ** power;
}

/** Seconds of an nginx time (`600s`, `10m`, `600`). */
export function nginxSeconds(time: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(time.trim());
  if (!match) throw new Error(`"${time}" is not an nginx time such as 600s`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}

/** One Dockerfile instruction: upper-cased keyword and the rest of its (continued) line. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

/** The instructions of a Dockerfile; comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): DockerInstruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}
