/**
 * The shape of one deployment's configuration, composed of the settings groups, and the error of
 * a bad one. No group imports it, so the groups and config.ts (which builds it) form no circle.
 */
import type { AlarmSettings } from './alarms';
import type { AwsAccessSettings } from './aws';
import type { DataSettings } from './data';
import type { EnvironmentName } from './environments';
import type { NetworkSettings } from './network';
import type { ServiceStackSettings } from './service';
import type { BackendSettings, BootstrapSettings } from './state';
import type { WordPressSettings } from './wordpress';

export type { AlarmSettings } from './alarms';
export type { AwsAccessSettings } from './aws';
export type { DataSettings } from './data';
export { INTERFACE_ENDPOINTS, NAT_MODES, type InterfaceEndpointName, type NatMode, type NetworkSettings } from './network';
export type { BackendSettings, BootstrapSettings, CiSettings } from './state';

/** Everything the stacks need to know about one deployment. */
export interface AppConfig {
  /** Short lower-case prefix of every physical name. */
  readonly project: string;
  readonly environment: EnvironmentName;
  readonly region: string;
  readonly network: NetworkSettings;
  readonly backend: BackendSettings;
  /** The bootstrap stack: the state bucket, its key and the CI deploy role (stacks/settings/state.ts). */
  readonly bootstrap: BootstrapSettings;
  /** Applied to every taggable resource through the provider's `default_tags`. */
  readonly tags: Readonly<Record<string, string>>;
  readonly aws: AwsAccessSettings;
  readonly data: DataSettings;
  /** The ECS services, their images, load balancers and DNS names (stacks/settings/service.ts). */
  readonly service: ServiceStackSettings;
  /** The opt-in `wordpress` stack (stacks/settings/wordpress.ts). */
  readonly wordpress: WordPressSettings;
  /** CloudWatch alarms, rollback on them, the notification topic and the dashboards (stacks/settings/alarms.ts). */
  readonly alarms: AlarmSettings;
  /**
   * A deliberate teardown (`CDKTF_TEARDOWN=true`): every protection against destroy is off, and
   * the policy rules that only guard against a destroy step aside. Deploy with it, then destroy.
   * @default false
   */
  readonly teardown?: boolean;
}

/** A setting that failed validation; synth stops and prints every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}
