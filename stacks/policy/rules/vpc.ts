/** VPC rules: no implicit public IPs, a DynamoDB gateway endpoint, a closed default security group, flow logs in prod. */
import type { Rule } from '../types';
import { blocks } from '../../lib/tf-json';
import { inProd, isTrue, perResource } from './attributes';

/** The VPC rules. */
export const vpcRules: readonly Rule[] = [
  perResource({
    id: 'VPC001',
    mirrors: 'checkov CKV_AWS_130; Security Hub EC2.15',
    title: 'Subnets do not give instances public IPs on launch',
    fix: 'set mapPublicIpOnLaunch: false; a resource that needs a public IP asks for it explicitly',
    resourceTypes: ['aws_subnet'],
    test: (s) => (isTrue(s.props.map_public_ip_on_launch) ? 'every instance launched here gets a public IP' : undefined),
  }),
  perResource({
    id: 'VPC002',
    mirrors: 'own',
    title: 'Every VPC has a DynamoDB gateway endpoint',
    fix: "add an aws_vpc_endpoint for com.amazonaws.<region>.dynamodb of type Gateway (Network gatewayEndpoints includes 'dynamodb')",
    resourceTypes: ['aws_vpc'],
    alsoReads: ['aws_vpc_endpoint'],
    test: (vpc, doc) => {
      const found = doc
        .resources('aws_vpc_endpoint')
        .some(
          (e) =>
            doc.referenced(e.props.vpc_id)?.address === vpc.address &&
            String(e.props.service_name ?? '').endsWith('.dynamodb') &&
            String(e.props.vpc_endpoint_type ?? 'Gateway') === 'Gateway',
        );
      return found ? undefined : 'no DynamoDB gateway endpoint: table traffic goes through NAT (billed) or fails';
    },
  }),
  {
    id: 'VPC003',
    mirrors: 'checkov CKV2_AWS_12; Security Hub EC2.2',
    title: "Every VPC's default security group is adopted and has no rules",
    fix: 'declare an aws_default_security_group for the VPC with no ingress or egress',
    resourceTypes: ['aws_vpc', 'aws_default_security_group'],
    check(doc) {
      const defaults = doc.resources('aws_default_security_group');
      const adopted = new Set(defaults.map((g) => doc.referenced(g.props.vpc_id)?.address));
      const unadopted = doc
        .resources('aws_vpc')
        .filter((vpc) => !adopted.has(vpc.address))
        .map((element) => ({ element, message: 'the default security group keeps its allow-all rules' }));
      const withRules = defaults
        .filter((g) => blocks(g.props.ingress).length > 0 || blocks(g.props.egress).length > 0)
        .map((element) => ({ element, message: 'the default security group has rules; anything launched without a group gets them' }));
      return [...unadopted, ...withRules];
    },
  },
  perResource({
    id: 'VPC004',
    mirrors: 'checkov CKV2_AWS_11; Security Hub EC2.6',
    title: 'Every VPC in prod records its traffic in flow logs',
    fix: 'set CDKTF_FLOW_LOG_DAYS (config network.flowLogRetentionDays) to a retention period; Network then adds the flow log, its log group and role',
    resourceTypes: ['aws_vpc'],
    alsoReads: ['aws_flow_log'],
    appliesTo: inProd,
    test: (vpc, doc) =>
      doc.resources('aws_flow_log').some((f) => doc.referenced(f.props.vpc_id)?.address === vpc.address)
        ? undefined
        : 'no flow log: there is no record of who talked to what when an incident needs one',
  }),
];
