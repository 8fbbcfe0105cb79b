/** What a synthesized stack shows of its settings, and when it no longer matches the configuration. */
import { configSettings, settingsMismatch, stackSettings } from '../../scripts/lib/synth-settings';

const TAGS = { Project: 'bookmarks', Environment: 'dev', ManagedBy: 'cdktf' };

describe('stackSettings', () => {
  test('reads the region, the default tags and the folder of a local state file', () => {
    const stack = { provider: { aws: [{ region: 'eu-west-1', default_tags: [{ tags: TAGS }] }] }, terraform: { backend: { local: { path: '/p/state/dev/data.tfstate' } } } };
    expect(stackSettings(stack)).toEqual({ region: 'eu-west-1', tags: TAGS, state: '/p/state/dev' });
  });

  test('reads an S3 backend as its bucket and the key up to the stack file', () => {
    const stack = { provider: { aws: [{ region: 'eu-west-1' }] }, terraform: { backend: { s3: { bucket: 'b', key: 'bookmarks/prod/data.tfstate', region: 'eu-west-1' } } } };
    expect(stackSettings(stack).state).toBe('s3://b/bookmarks/prod');
  });

  test('a stack without tags or backend shows none', () => {
    expect(stackSettings({})).toEqual({ region: undefined, tags: {}, state: undefined });
  });
});

describe('configSettings', () => {
  test('an S3 backend keeps each environment under its own key prefix', () => {
    const backend = { kind: 's3', bucket: 'b', region: 'eu-west-1', keyPrefix: 'bookmarks' } as const;
    expect(configSettings({ region: 'eu-west-1', tags: TAGS, backend, environment: 'prod' }).state).toBe('s3://b/bookmarks/prod');
  });
});

describe('settingsMismatch', () => {
  const wanted = { region: 'eu-west-1', tags: TAGS, state: '/p/state/dev' };
  const stack = (tags: Record<string, string>) => ({
    provider: { aws: [{ region: 'eu-west-1', default_tags: [{ tags }] }] },
    terraform: { backend: { local: { path: '/p/state/dev/x.tfstate' } } },
  });

  test('stacks made with the wanted settings match, whatever the order of their tags', () => {
    expect(settingsMismatch({ network: stack({ ManagedBy: 'cdktf', Environment: 'dev', Project: 'bookmarks' }) }, wanted)).toBeUndefined();
  });

  test('names the first stack, in id order, whose tags differ, with both sets', () => {
    const other = stack({ ...TAGS, Project: 'shop' });
    expect(settingsMismatch({ service: other, data: other, network: stack(TAGS) }, wanted)).toBe(
      'stack data: default tags Environment=dev, ManagedBy=cdktf, Project=shop, the settings say Environment=dev, ManagedBy=cdktf, Project=bookmarks',
    );
  });

  test('a stack without tags differs from settings that have some', () => {
    expect(settingsMismatch({ network: stack({}) }, wanted)).toBe('stack network: default tags none, the settings say Environment=dev, ManagedBy=cdktf, Project=bookmarks');
  });
});
