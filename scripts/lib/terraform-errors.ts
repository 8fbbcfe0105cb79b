/**
 * Terraform's own error blocks in a failed command's output. A plan prints resource names such as
 * `…-system-errors`, so filtering lines for "error" quotes the plan and loses the real cause; the
 * blocks Terraform writes start with `Error:` (boxed by `│` in diagnostics) and run to the box's end.
 */
export function terraformErrors(output: string, maxLines = 40): string[] {
  // eslint-disable-next-line no-control-regex -- ANSI colour codes are control characters by definition
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const blocks: string[][] = [];
  let current: string[] | undefined;
  let boxed = false;
  for (const raw of lines) {
    // cdktf prefixes every Terraform line with the stack name (`service  │ Error: …`).
    const line = raw.replace(/^\S+\s{2,}(?=[│╷╵]|Error:)/u, '').trimEnd();
    const body = line.replace(/^[│╷╵]\s?/u, '');
    if (/^Error: /.test(body)) {
      current = [body];
      boxed = line.startsWith('│');
      blocks.push(current);
    } else if (current !== undefined) {
      // A boxed block ends at its corner. An unboxed one (cdktf without a terminal) goes on through
      // blank lines while its lines are indented: a summary's detail (the API's error) comes after
      // a blank line, below the resource it concerns.
      const ends = boxed ? line.startsWith('╵') || (line === '' && !raw.includes('│')) : line !== '' && !/^\s/.test(line);
      if (ends) current = undefined;
      else if (body !== '') current.push(`  ${body.trim()}`);
    }
  }
  const seen = new Set<string>();
  const unique = blocks.filter((b) => {
    const key = b.join('\n');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.flat().slice(0, maxLines);
}
