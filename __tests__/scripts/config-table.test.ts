/** The configuration tables of docs/configuration.md: rendered from the variable registry, and checked against it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentDefaults } from '../../stacks/settings/config';
import { type VariableRegistry, type VariableSpec, VARIABLES } from '../../stacks/settings/variables';
import { CONFIG_DOC, renderConfiguration } from '../../scripts/docs-config';
import { BEGIN_MARKER, configDocProblems, END_MARKER, renderConfigTables, renderDefault, withGeneratedPart } from '../../scripts/lib/config-table';

const ROOT = path.resolve(__dirname, '../..');
const doc = () => fs.readFileSync(path.join(ROOT, CONFIG_DOC), 'utf8');
const EXTRA: VariableSpec = { group: 'network', description: 'a setting the docs have not heard of', values: 'true, false', defaultIn: () => ({ kind: 'value', value: 'false' }) };

describe('docs/configuration.md', () => {
  it('holds exactly the tables the code renders', () => {
    expect(configDocProblems(doc(), renderConfiguration(ROOT), CONFIG_DOC)).toEqual([]);
  });

  it('would fail, naming it, for a variable added to the code but not to the docs', () => {
    const withExtra = renderConfiguration(ROOT, { ...VARIABLES, CDKTF_EXTRA_SETTING: EXTRA });
    expect(configDocProblems(doc(), withExtra, CONFIG_DOC)).toEqual([
      'docs/configuration.md: CDKTF_EXTRA_SETTING is read by the code (stacks/settings/variables.ts) but has no row; run npm run docs:config',
    ]);
  });

  it('would fail, naming it, for a variable whose default changed in the code', () => {
    const registry = { ...VARIABLES, CDKTF_NAT_MODE: { ...VARIABLES.CDKTF_NAT_MODE, defaultIn: () => ({ kind: 'value', value: 'per-az' }) as const } };
    const expected = renderConfiguration(ROOT, registry);
    expect(configDocProblems(doc(), expected, CONFIG_DOC)).toEqual([
      expect.stringMatching(
        /^docs\/configuration\.md: the row of CDKTF_NAT_MODE differs from the code: documented .*`none` \| `single` \| `per-az`.* but the code gives .*`per-az` \| `per-az` \| `per-az`/,
      ),
    ]);
  });

  it('would fail, naming it, for a row of a variable the code no longer reads', () => {
    const { CDKTF_SPOT: _removed, ...registry } = VARIABLES;
    const expected = renderConfiguration(ROOT, registry);
    expect(configDocProblems(doc(), expected, CONFIG_DOC)).toEqual([
      'docs/configuration.md: CDKTF_SPOT has a row but the code has no such variable or setting; run npm run docs:config',
    ]);
  });
});

describe('the check', () => {
  const generated = '| variable | sets |\n| --- | --- |\n| `A` | one |\n| `B` | two |';
  const wrap = (body: string) => `# Title\n\n${BEGIN_MARKER}\n\n${body}\n\n${END_MARKER}\n\nAfter.\n`;

  it('finds nothing when the generated part is what the code renders', () => {
    expect(configDocProblems(wrap(generated), generated, 'x.md')).toEqual([]);
  });

  it('names a difference outside the rows when only headings or order differ', () => {
    expect(configDocProblems(wrap(`### Old heading\n\n${generated}`), generated, 'x.md')).toEqual([
      'x.md: the generated part differs from the code outside the rows (headings, order or spacing); run npm run docs:config',
    ]);
  });

  it('asks for the markers when a document has none', () => {
    expect(configDocProblems('# Title\n', generated, 'x.md')).toEqual([
      expect.stringMatching(/^x\.md: no generated part between the markers .*; add them and run npm run docs:config$/),
    ]);
  });
});

describe('writing the generated part', () => {
  it('replaces only what lies between the markers, and a second write changes nothing', () => {
    const first = withGeneratedPart(`# Title\n\n${BEGIN_MARKER}\nold table\n${END_MARKER}\n\nAfter.\n`, '| `A` | new |', 'x.md');
    expect([first, withGeneratedPart(first, '| `A` | new |', 'x.md')]).toEqual([`# Title\n\n${BEGIN_MARKER}\n\n| \`A\` | new |\n\n${END_MARKER}\n\nAfter.\n`, first]);
  });

  it('refuses a document without markers, naming the file and the lines to add', () => {
    expect(() => withGeneratedPart('# Title\n', 'table', 'docs/x.md')).toThrow(`docs/x.md: no generated part; put the lines\n${BEGIN_MARKER}\n${END_MARKER}`);
  });
});

describe('rendering', () => {
  const spec = (over: Partial<VariableSpec>): VariableSpec => ({ ...EXTRA, ...over });
  const local = environmentDefaults('local', ROOT);
  const render = (registry: VariableRegistry) =>
    renderConfigTables({
      registry,
      groups: { network: 'Network' },
      environments: [
        ['local', local],
        ['dev', environmentDefaults('dev', ROOT)],
      ],
      root: ROOT,
    });

  it('shows a default as code, an unset variable in words, and an ignored one with its reason', () => {
    expect([
      renderDefault({ kind: 'value', value: '8000' }),
      renderDefault({ kind: 'unset', meaning: 'HTTP only' }),
      renderDefault({ kind: 'ignored', reason: 'refused: no autoscaling' }),
    ]).toEqual(['`8000`', 'HTTP only', '– (refused: no autoscaling)']);
  });

  it('writes one row per variable under its group, with a column per environment', () => {
    expect(render({ CDKTF_X: spec({ defaultIn: (d) => ({ kind: 'value', value: d.network.natMode }) }) }).split('\n')).toEqual([
      '### Network',
      '',
      '| variable | sets | values | local | dev |',
      '| --- | --- | --- | --- | --- |',
      '| `CDKTF_X` | a setting the docs have not heard of | true, false | `none` | `single` |',
    ]);
  });

  it('marks the environments that do not read a variable, without asking for their default', () => {
    const row = render({ CDKTF_X: spec({ environments: ['local'], defaultIn: (d) => ({ kind: 'value', value: d.environment }) }) }).split('\n')[4];
    expect(row).toBe('| `CDKTF_X` | a setting the docs have not heard of | true, false | `local` | – (not read) |');
  });

  it('escapes pipes inside a cell', () => {
    expect(render({ CDKTF_X: spec({ values: 'a|b' }) })).toContain('| a\\|b |');
  });

  it('refuses a group without a title', () => {
    expect(() => render({ CDKTF_X: spec({ group: 'data' }) })).toThrow('variable groups without a title: data; add them to the groups of the table');
  });
});
