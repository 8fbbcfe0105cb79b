/** One port of a server's security group opened to named client security groups, in both directions. */
import { Construct } from 'constructs';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';

/** A security group whose members may reach a server, e.g. the tasks of a service. */
export interface ClientSecurityGroup {
  /**
   * Short, stable label such as `wordpress-tasks`: it names the rules and keys their construct ids,
   * so renaming it replaces the rules. Lower-case letters, digits and hyphens.
   */
  readonly name: string;
  readonly securityGroupId: string;
  /**
   * Also add the matching egress rule to the client's group. Groups that restrict egress (as
   * FargateService's does: HTTPS only) need it; a group that declares inline `egress` blocks must
   * not get standalone rules, so turn it off there.
   * @default true
   */
  readonly addEgress?: boolean;
}

/** What is being opened: a TCP port of a server's group, and a word for the descriptions. */
export interface ServerPort {
  /** The server's own security group. */
  readonly securityGroupId: string;
  readonly port: number;
  /** Protocol name for the rule descriptions, e.g. `NFS` or `MySQL`. */
  readonly protocol: string;
  /** What the server is, for the rule descriptions, e.g. `EFS wordpress-dev`. */
  readonly serverName: string;
}

const CLIENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Why a client label is unusable, or undefined. */
export function clientNameProblem(name: string, taken: ReadonlySet<string>): string | undefined {
  if (!CLIENT_NAME.test(name)) return `client name "${name}" is not a label; use lower-case letters, digits and hyphens, e.g. wordpress-tasks`;
  if (taken.has(name)) return `client name "${name}" is used twice; give each client security group its own name`;
  return undefined;
}

/**
 * Admits `client` to `server.port` (ingress on the server's group referencing the client's group)
 * and, unless told otherwise, lets the client's group send to it (egress referencing the server's group).
 */
export function allowClient(scope: Construct, server: ServerPort, client: ClientSecurityGroup): void {
  new VpcSecurityGroupIngressRule(scope, `from-${client.name}`, {
    securityGroupId: server.securityGroupId,
    description: `${server.protocol} (${server.port}) from ${client.name}`,
    ipProtocol: 'tcp',
    fromPort: server.port,
    toPort: server.port,
    referencedSecurityGroupId: client.securityGroupId,
  });
  if (client.addEgress ?? true) {
    new VpcSecurityGroupEgressRule(scope, `${client.name}-out`, {
      securityGroupId: client.securityGroupId,
      description: `${server.protocol} (${server.port}) from ${client.name} to ${server.serverName}`,
      ipProtocol: 'tcp',
      fromPort: server.port,
      toPort: server.port,
      referencedSecurityGroupId: server.securityGroupId,
    });
  }
}
