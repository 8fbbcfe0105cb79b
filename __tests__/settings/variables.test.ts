/** The variable registry: loadConfig reads through it and nothing else, and its defaults are the real ones. */
import * as path from 'node:path';
import { environmentDefaults, loadConfig } from '../../stacks/settings/config';
import { ENVIRONMENT_NAMES } from '../../stacks/settings/environments';
import { type VariableName, variableReader, VARIABLES, variablesOf } from '../../stacks/settings/variables';
import { recordingEnv } from '../support/config';
import { CERTIFICATE_VARIABLES } from '../support/certificates';

const ROOT = path.resolve(__dirname, '../..');
const NAMES = Object.keys(VARIABLES) as VariableName[];
/** prod requires HTTPS on its internet-facing load balancers. */
const certificatesIn = (environment: string) => (environment === 'prod' ? CERTIFICATE_VARIABLES : {});

/** Configurations that, between them, take every branch that reads a variable. */
const SCENARIOS: ReadonlyArray<Record<string, string>> = [
  ...ENVIRONMENT_NAMES.map((name) => ({ CDKTF_ENV: name, ...certificatesIn(name) })),
  { CDKTF_ENV: 'prod', CDKTF_STATE_BUCKET: 'acme-tf-state', ...CERTIFICATE_VARIABLES },
  { CDKTF_ENV: 'dev', CDKTF_SERVICES_FILE: 'docs/examples/three-services.json' },
];

/** Every variable name loadConfig reads in the scenarios. */
function namesRead(): Set<string> {
  const all = new Set<string>();
  for (const vars of SCENARIOS) {
    const { env, read } = recordingEnv(vars);
    loadConfig(env, ROOT);
    read.forEach((name) => all.add(name));
  }
  return all;
}

describe('reading variables', () => {
  it('loadConfig reads no variable that the registry lacks', () => {
    expect([...namesRead()].filter((name) => !(name in VARIABLES))).toEqual([]);
  });

  it('loadConfig reads every variable of the registry in some configuration', () => {
    const read = namesRead();
    expect(NAMES.filter((name) => !read.has(name))).toEqual([]);
  });

  it('a name outside the registry is refused by the compiler and, at run time, with the fix', () => {
    const reader = variableReader(VARIABLES, { CDKTF_NOT_A_SETTING: 'x' }, 'dev');
    // @ts-expect-error: the reader takes registered names only (typecheck fails if it accepted this one).
    expect(() => reader.text('CDKTF_NOT_A_SETTING')).toThrow(
      'CDKTF_NOT_A_SETTING is not a registered variable; add it to the variables of its settings group (stacks/settings/*.ts)',
    );
  });

  it('a variable bound to some environments reads as unset in the others', () => {
    const env = { DYNAMODB_PORT: '9000', MOTO_PORT: '5001' };
    expect([
      variableReader(VARIABLES, env, 'local').raw('DYNAMODB_PORT'),
      variableReader(VARIABLES, env, 'dev').raw('DYNAMODB_PORT'),
      variableReader(VARIABLES, env, 'local').raw('MOTO_PORT'),
      variableReader(VARIABLES, env, 'sandbox').raw('MOTO_PORT'),
    ]).toEqual(['9000', undefined, undefined, '5001']);
  });

  it('so DYNAMODB_PORT changes the endpoint of local and of no other environment', () => {
    expect([loadConfig({ CDKTF_ENV: 'local', DYNAMODB_PORT: '9000' }, ROOT).aws.endpoints, loadConfig({ CDKTF_ENV: 'dev', DYNAMODB_PORT: '9000' }, ROOT).aws.endpoints]).toEqual([
      { dynamodb: 'http://127.0.0.1:9000' },
      {},
    ]);
  });

  it('an environment-bound variable cannot be read before the environment is known', () => {
    expect(() => variableReader(VARIABLES, {}).raw('MOTO_PORT')).toThrow('MOTO_PORT is read only in sandbox');
  });

  it('text trims and treats blank as unset; raw keeps the value as set', () => {
    const reader = variableReader(VARIABLES, { CDKTF_REGION: '  eu-west-2 ', CDKTF_PROJECT: '   ', CDKTF_AZS: '' }, 'dev');
    expect([reader.text('CDKTF_REGION'), reader.text('CDKTF_PROJECT'), reader.raw('CDKTF_AZS'), reader.raw('CDKTF_VPC_CIDR')]).toEqual(['eu-west-2', undefined, '', undefined]);
  });

  it('the variables of the default service are the ones a services file refuses', () => {
    const refused = variablesOf(VARIABLES, 'default service').filter((name) => {
      try {
        loadConfig({ CDKTF_ENV: 'dev', CDKTF_SERVICES_FILE: 'docs/examples/three-services.json', [name]: 'x' }, ROOT);
        return false;
      } catch (error) {
        return String(error).includes(`${name}: sets the default service, which CDKTF_SERVICES_FILE`);
      }
    });
    expect(refused).toEqual(variablesOf(VARIABLES, 'default service'));
  });
});

describe('the defaults of the registry', () => {
  /**
   * Setting a variable to its documented default must change nothing. The private zone is the one
   * exception: unset, the stack names it (naming.ts privateZoneName, which the registry calls too);
   * set, the name is recorded in the settings, so the two configurations differ only there.
   */
  const cases = ENVIRONMENT_NAMES.flatMap((environment) =>
    NAMES.flatMap((name) => {
      const spec = VARIABLES[name];
      const bound = spec.environments !== undefined && !spec.environments.includes(environment);
      const shown = bound ? undefined : spec.defaultIn(environmentDefaults(environment, ROOT), ROOT);
      return shown?.kind === 'value' ? [[environment, name, shown.value] as const] : [];
    }),
  );

  it('cover every environment, and give a value in more than two thirds of the (variable, environment) pairs', () => {
    expect([new Set(cases.map(([environment]) => environment)).size, cases.length > (NAMES.length * ENVIRONMENT_NAMES.length * 2) / 3]).toEqual([ENVIRONMENT_NAMES.length, true]);
  });

  it.each(cases)('%s: %s=%s is the configuration without it', (environment, name, value) => {
    const withDefault = loadConfig({ CDKTF_ENV: environment, ...certificatesIn(environment), [name]: value }, ROOT);
    const without = loadConfig({ CDKTF_ENV: environment, ...certificatesIn(environment) }, ROOT);
    if (name === 'CDKTF_PRIVATE_ZONE') {
      expect(withDefault.service.dns.privateZoneName).toBe(value);
      expect({ ...withDefault, service: { ...withDefault.service, dns: {} } }).toEqual(without);
    } else {
      expect(withDefault).toEqual(without);
    }
  });

  it('follow the environment defaults they are derived from', () => {
    const dev = environmentDefaults('dev', ROOT);
    const changed = { ...dev, network: { ...dev.network, natMode: 'per-az' as const }, data: { ...dev.data, directory: path.join(ROOT, 'seed') } };
    expect([VARIABLES.CDKTF_NAT_MODE.defaultIn(changed, ROOT), VARIABLES.CDKTF_DATA_DIR.defaultIn(changed, ROOT)]).toEqual([
      { kind: 'value', value: 'per-az' },
      { kind: 'value', value: 'seed' },
    ]);
  });
});
