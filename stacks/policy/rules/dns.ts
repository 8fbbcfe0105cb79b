/** Route 53 rules: internal names stay in private zones. */
import type { Rule } from '../types';
import { block, blocks } from '../../lib/tf-json';
import { LB } from './load-balancer';

/** The Route 53 rules. */
export const dnsRules: readonly Rule[] = [
  {
    id: 'DNS001',
    mirrors: 'own',
    title: 'Alias records of internal load balancers live in private hosted zones',
    fix: 'put the record in a zone with a vpc block (PrivateHostedZone); a public zone tells the internet the internal names and addresses',
    resourceTypes: ['aws_route53_record', 'aws_route53_zone', ...LB],
    check(doc) {
      return doc.resources('aws_route53_record').flatMap((record) => {
        const target = doc.referenced(block(record.props.alias)?.name);
        if (!target || !LB.includes(target.type) || !(target.props.internal === true || target.props.internal === 'true')) return [];
        const zone = doc.referenced(record.props.zone_id);
        if (zone?.type === 'aws_route53_zone' && blocks(zone.props.vpc).length > 0) return [];
        const where = zone ? `the public zone ${zone.address}` : `the zone ${String(record.props.zone_id)}, which is not a private zone of this stack`;
        return [{ element: record, message: `names the internal load balancer ${target.address} in ${where}` }];
      });
    },
  },
];
