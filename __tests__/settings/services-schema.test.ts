/** The services file's JSON Schema: generated from the reader's schema, and what editors check every example against. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { renderServicesSchema, SERVICES_SCHEMA } from '../../scripts/docs-config';
import { serviceDefaults } from '../../stacks/settings/service';
import { parseServicesDocument } from '../../stacks/settings/services-file';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLES = path.join(ROOT, 'docs', 'examples');
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, SERVICES_SCHEMA), 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const BASE = serviceDefaults('dev', ROOT).services[0];

/** The README's abridged services example (the JSON block of its "Several services" section). */
function readmeExample(): unknown {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```json\n(\{\s*"services"[\s\S]*?)\n```/.exec(readme);
  if (!block) throw new Error('README.md has no ```json block with "services"');
  return JSON.parse(block[1]);
}

describe('the services file JSON Schema', () => {
  it('is the one the code generates (npm run docs:config writes it)', () => {
    expect(fs.readFileSync(path.join(ROOT, SERVICES_SCHEMA), 'utf8')).toBe(renderServicesSchema());
  });

  it.each(fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')))('accepts docs/examples/%s, which names it in "$schema"', (file) => {
    const document = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as { $schema?: string };
    expect([validate(document) ? [] : validate.errors, path.resolve(EXAMPLES, document.$schema ?? '')]).toEqual([[], path.join(ROOT, SERVICES_SCHEMA)]);
  });

  it("accepts the README's abridged example", () => {
    expect(validate(readmeExample()) ? [] : validate.errors).toEqual([]);
  });

  it.each([
    ['an unknown field', { services: [{ name: 'a', image: 'build', containerPort: 80, port: 1 }] }],
    ['a port given as text', { services: [{ name: 'a', image: 'build', containerPort: '80' }] }],
    ['a service without an image', { services: [{ name: 'a', containerPort: 80 }] }],
    ['an image that is no image source', { services: [{ name: 'a', image: 'nginx', containerPort: 80 }] }],
    ['an unknown capacity provider', { services: [{ name: 'a', image: 'build', containerPort: 80, capacityProviderStrategy: [{ provider: 'EC2', weight: 1 }] }] }],
  ])('refuses %s, as the reader does', (_what, document) => {
    expect([validate(document), parseServicesDocument(document, 'f.json', BASE, ROOT).problems.length > 0]).toEqual([false, true]);
  });
});
