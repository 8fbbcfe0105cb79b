import { Testing } from 'cdktf';
import { DnsValidatedCertificate } from '../../stacks/constructs/certificate';
import { AliasRecord, PrivateHostedZone } from '../../stacks/constructs/dns';
import { byPath, parse, ref } from '../support/synth';
import { dnsNameProblem } from '../../stacks/lib/dns-rules';

const TARGET = { dnsName: 'internal-x.eu-west-1.elb.amazonaws.com', zoneId: 'Z32O12XQLNTSW2' };

describe('PrivateHostedZone', () => {
  const json = parse(
    Testing.synthScope((scope) => {
      const zone = new PrivateHostedZone(scope, 'names', { zoneName: 'dev.bookmarks.internal', vpcId: 'vpc-1' });
      zone.addAlias('internal', TARGET);
    }),
  );

  it('is attached to the VPC, which makes it private', () => {
    expect(byPath(json, 'names/hosted-zone').props).toMatchObject({ name: 'dev.bookmarks.internal', vpc: [{ vpc_id: 'vpc-1' }] });
  });

  it('holds <label>.<zone> as an alias of the load balancer, following its health', () => {
    expect(byPath(json, 'names/internal/record').props).toEqual(
      expect.objectContaining({
        zone_id: ref(byPath(json, 'names/hosted-zone'), 'zone_id'),
        name: 'internal.dev.bookmarks.internal',
        type: 'A',
        alias: { name: TARGET.dnsName, zone_id: TARGET.zoneId, evaluate_target_health: true },
      }),
    );
  });

  it('refuses a zone name that is no DNS name', () => {
    expect(() => Testing.synthScope((scope) => new PrivateHostedZone(scope, 'z', { zoneName: 'Svc_Local', vpcId: 'vpc-1' }))).toThrow(
      'PrivateHostedZone: zoneName "Svc_Local" is not a DNS name',
    );
  });
});

describe('AliasRecord', () => {
  it('has no TTL of its own', () => {
    const json = parse(Testing.synthScope((scope) => new AliasRecord(scope, 'public', { zoneId: 'Z1', name: 'shop.example.com', target: TARGET })));
    expect(byPath(json, 'public/record').props.ttl).toBeUndefined();
  });
});

describe('dnsNameProblem', () => {
  it.each(['svc.local', 'internal.dev.bookmarks.internal', 'shop.example.com.'])('accepts %s', (name) => {
    expect(dnsNameProblem(name)).toBeUndefined();
  });

  it.each(['local', '-a.b', 'a..b', 'UPPER.case'])('refuses %s', (name) => {
    expect(dnsNameProblem(name)).toContain('is not a DNS name');
  });
});

describe('DnsValidatedCertificate', () => {
  const json = parse(Testing.synthScope((scope) => new DnsValidatedCertificate(scope, 'cert', { domainName: 'shop.example.com', zoneId: 'Z0123' })));

  it('requests a DNS-validated certificate, replaced create-before-destroy', () => {
    expect(byPath(json, 'cert/certificate').props).toMatchObject({ domain_name: 'shop.example.com', validation_method: 'DNS', lifecycle: { create_before_destroy: true } });
  });

  it('writes the validation record into the given zone, overwriting a record of a re-requested certificate', () => {
    const cert = byPath(json, 'cert/certificate');
    expect(byPath(json, 'cert/validation').props).toMatchObject({
      zone_id: 'Z0123',
      name: `\${tolist(${cert.type}.${cert.logicalId}.domain_validation_options).0.resource_record_name}`,
      allow_overwrite: true,
    });
  });

  it('waits for the validation of exactly that record', () => {
    const record = byPath(json, 'cert/validation');
    expect(byPath(json, 'cert/validated').props).toMatchObject({
      certificate_arn: ref(byPath(json, 'cert/certificate'), 'arn'),
      validation_record_fqdns: [ref(record, 'fqdn')],
    });
  });
});
