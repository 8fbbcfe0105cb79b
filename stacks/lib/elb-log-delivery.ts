/**
 * Who writes a load balancer's access logs into S3 in a region: the regional Elastic Load
 * Balancing account in regions opened before August 2022, the log-delivery service principal in
 * the newer ones. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */

/** The Elastic Load Balancing account of each older region. */
const ELB_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-southeast-3': '589379963580',
  'ap-south-1': '718504428378',
  'ap-northeast-3': '383597477331',
  'ap-northeast-2': '600734575887',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-northeast-1': '582318560864',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-south-1': '635631232127',
  'eu-west-3': '009996457667',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
  'us-gov-west-1': '048591011584',
  'us-gov-east-1': '190560391635',
};

/** The service principal of regions opened since August 2022 (and accepted in the older ones only through it). */
export const ELB_LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';

/** The principal a bucket policy lets write access logs in `region`. */
export type LogDeliveryPrincipal = { readonly AWS: string } | { readonly Service: string };

/** The regional ELB account's root (`arn:aws:iam::156460612806:root` in eu-west-1), or the service principal. */
export function elbLogDeliveryPrincipal(region: string): LogDeliveryPrincipal {
  const account = ELB_ACCOUNTS[region];
  if (account === undefined) return { Service: ELB_LOG_DELIVERY_SERVICE };
  const partition = region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return { AWS: `arn:${partition}:iam::${account}:root` };
}
