/** Route 53: a private hosted zone on a VPC, and alias records that name load balancers. */
import { Construct } from 'constructs';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { dnsNameProblem } from '../lib/dns-rules';

/** What an alias record can point at; `LoadBalancer` satisfies it. */
export interface AliasTarget {
  readonly dnsName: string;
  /** The hosted zone of the target's own DNS name (not the zone the record lives in). */
  readonly zoneId: string;
}

/** Props of {@link PrivateHostedZone}. */
export interface PrivateHostedZoneProps {
  /** e.g. `dev.bookmarks.internal`; answered only inside the VPC. */
  readonly zoneName: string;
  readonly vpcId: string;
  /** @default - `Private names of <zoneName>` */
  readonly comment?: string;
}

/** A private hosted zone attached to one VPC, to which aliases are added by method. */
export class PrivateHostedZone extends Construct {
  readonly zoneId: string;
  readonly zoneName: string;

  constructor(scope: Construct, id: string, props: PrivateHostedZoneProps) {
    super(scope, id);
    const problem = dnsNameProblem(props.zoneName);
    if (problem) throw new Error(`PrivateHostedZone: zoneName ${problem}`);
    const zone = new Route53Zone(this, 'hosted-zone', {
      name: props.zoneName,
      comment: props.comment ?? `Private names of ${props.zoneName}`,
      // A vpc block makes the zone private: it resolves only inside that VPC.
      vpc: [{ vpcId: props.vpcId }],
    });
    this.zoneId = zone.zoneId;
    this.zoneName = props.zoneName;
  }

  /** `<label>.<zone>` as an alias of the target; returns the full name. */
  addAlias(label: string, target: AliasTarget): string {
    const name = `${label}.${this.zoneName}`;
    new AliasRecord(this, label, { zoneId: this.zoneId, name, target });
    return name;
  }
}

/** Props of {@link AliasRecord}. */
export interface AliasRecordProps {
  /** The hosted zone the record is created in. */
  readonly zoneId: string;
  /** Full record name, e.g. `api.example.com`. */
  readonly name: string;
  readonly target: AliasTarget;
}

/** An A alias record: no TTL of its own, follows the target's addresses, free of query charges. */
export class AliasRecord extends Construct {
  readonly fqdn: string;

  constructor(scope: Construct, id: string, props: AliasRecordProps) {
    super(scope, id);
    const problem = dnsNameProblem(props.name);
    if (problem) throw new Error(`AliasRecord: name ${problem}`);
    const record = new Route53Record(this, 'record', {
      zoneId: props.zoneId,
      name: props.name,
      type: 'A',
      alias: { name: props.target.dnsName, zoneId: props.target.zoneId, evaluateTargetHealth: true },
    });
    this.fqdn = record.fqdn;
  }
}
