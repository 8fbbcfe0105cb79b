/** Certificates for tests that synthesize prod, whose internet-facing load balancers must serve HTTPS. */
import type { ConfigOverrides } from '../../stacks/settings/config';
import type { ServiceSettings } from '../../stacks/settings/service';

/** An ACM certificate ARN of the test region; nothing ever looks it up. */
export const TEST_CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0d8f2a7e-1b2c-4d5e-8f90-123456789abc';

/** The variables that give the default service and WordPress a certificate. */
export const CERTIFICATE_VARIABLES: Readonly<Record<string, string>> = {
  CDKTF_CERTIFICATE_ARN: TEST_CERTIFICATE_ARN,
  CDKTF_WORDPRESS_CERTIFICATE_ARN: TEST_CERTIFICATE_ARN,
};

/** An external service on HTTPS: port 80 moves to 443 (it only redirects then). */
export function withCertificate(service: ServiceSettings): ServiceSettings {
  if (!service.external || service.external.certificateArn !== undefined) return service;
  return { ...service, external: { port: service.external.port === 80 ? 443 : service.external.port, certificateArn: TEST_CERTIFICATE_ARN } };
}

/**
 * The overrides with a certificate for every internet-facing listener they leave without one: the
 * default service (unless it is internal only), each service of a given list, and WordPress.
 */
export function withCertificates(overrides: ConfigOverrides = {}): ConfigOverrides {
  const service = overrides.service ?? {};
  const external = service.defaultService?.external;
  const wordpress = { certificateArn: TEST_CERTIFICATE_ARN, ...overrides.wordpress };
  // A public name brings its own DNS-validated certificate, and refuses another beside it.
  if (service.dns?.publicZoneId !== undefined) return { ...overrides, wordpress };
  return {
    ...overrides,
    service: {
      ...service,
      ...(service.services ? { services: service.services.map(withCertificate) } : {}),
      defaultService: { ...service.defaultService, external: external === null ? null : (external ?? { port: 443, certificateArn: TEST_CERTIFICATE_ARN }) },
    },
    wordpress,
  };
}

/** `withCertificates` in prod, which requires HTTPS; the overrides as they are elsewhere. */
export function forEnvironment(env: string, overrides: ConfigOverrides = {}): ConfigOverrides {
  return env === 'prod' ? withCertificates(overrides) : overrides;
}
