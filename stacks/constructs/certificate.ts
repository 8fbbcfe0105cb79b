/** An ACM certificate for one name, validated by DNS records in a Route 53 zone the stack controls. */
import { Construct } from 'constructs';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { dnsNameProblem } from '../lib/dns-rules';

/** Props of {@link DnsValidatedCertificate}. */
export interface DnsValidatedCertificateProps {
  /** e.g. `shop.example.com`. */
  readonly domainName: string;
  /** The public hosted zone holding `domainName`. */
  readonly zoneId: string;
}

/** A certificate whose ARN is usable only once it is issued: listeners wait for the validation. */
export class DnsValidatedCertificate extends Construct {
  /** The ARN, read from the validation so that a listener using it waits until it is issued. */
  readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const problem = dnsNameProblem(props.domainName);
    if (problem) throw new Error(`DnsValidatedCertificate: domainName ${problem}`);
    const certificate = new AcmCertificate(this, 'certificate', {
      domainName: props.domainName,
      validationMethod: 'DNS',
      // A renewed or re-requested certificate exists before the old one is released by listeners.
      lifecycle: { createBeforeDestroy: true },
    });
    // One name, one validation record; its name and value are known only after the request.
    const option = certificate.domainValidationOptions.get(0);
    const record = new Route53Record(this, 'validation', {
      zoneId: props.zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      // A re-requested certificate for the same name reuses the same record name.
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, 'validated', {
      certificateArn: certificate.arn,
      validationRecordFqdns: [record.fqdn],
    });
    this.certificateArn = validation.certificateArn;
  }
}
