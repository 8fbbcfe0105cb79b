/**
 * The role a GitHub Actions workflow deploys with: GitHub's OIDC provider in the account, and a
 * role that only tokens of one repository, on one branch or in one deployment environment, may
 * assume. No long-lived keys exist; its permissions come as statements, split into managed
 * policies that each stay under IAM's size limit.
 */
import { Construct } from 'constructs';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { type PolicyStatement, policyDocument } from '../lib/iam';

/** The issuer of GitHub Actions' OIDC tokens. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** A managed policy may hold 6,144 characters; a margin leaves room for what tokens resolve to. */
const POLICY_BUDGET = 5_000;

/** Props of {@link CiDeployRole}. */
export interface CiDeployRoleProps {
  /** The role's name (and its policies' prefix). */
  readonly roleName: string;
  /** `<owner>/<repo>` on GitHub. */
  readonly repository: string;
  /** The branch whose workflows may assume the role; ignored when `environment` is set. */
  readonly branch: string;
  /**
   * The GitHub deployment environment whose jobs may assume the role.
   * @default - the branch decides
   */
  readonly environment?: string;
  /** What the role may do. */
  readonly statements: readonly PolicyStatement[];
}

/** The `sub` claim the role trusts: `repo:<owner>/<repo>:ref:refs/heads/<branch>` or `repo:<owner>/<repo>:environment:<name>`. */
export function githubSubject(repository: string, branch: string, environment?: string): string {
  return environment !== undefined ? `repo:${repository}:environment:${environment}` : `repo:${repository}:ref:refs/heads/${branch}`;
}

/** Statements grouped greedily so that each group's policy JSON stays under the budget. */
export function splitStatements(statements: readonly PolicyStatement[], budget = POLICY_BUDGET): PolicyStatement[][] {
  const groups: PolicyStatement[][] = [];
  for (const statement of statements) {
    const last = groups[groups.length - 1];
    if (last && policyDocument([...last, statement]).length <= budget) last.push(statement);
    else groups.push([statement]);
  }
  return groups;
}

/** GitHub's OIDC provider and the deploy role that trusts one repository through it. */
export class CiDeployRole extends Construct {
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: CiDeployRoleProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(props.repository)) {
      throw new Error(`CiDeployRole ${id}: repository "${props.repository}" is not <owner>/<repo>; name one repository, e.g. acme/bookmarks, without wildcards`);
    }
    if (props.statements.length === 0) throw new Error(`CiDeployRole ${id}: statements is empty; give the role what a deploy needs`);

    // IAM trusts GitHub's certificate chain itself; no thumbprint needs pinning.
    const provider = new IamOpenidConnectProvider(this, 'github', { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: ['sts.amazonaws.com'] });
    const role = new IamRole(this, 'role', {
      name: props.roleName,
      maxSessionDuration: 3600,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'GitHubActions',
            Effect: 'Allow',
            Principal: { Federated: provider.arn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
                [`${GITHUB_OIDC_HOST}:sub`]: githubSubject(props.repository, props.branch, props.environment),
              },
            },
          },
        ],
      }),
    });
    this.roleArn = role.arn;
    splitStatements(props.statements).forEach((group, index) => {
      const policy = new IamPolicy(this, `policy-${index + 1}`, { name: `${props.roleName}-${index + 1}`, policy: policyDocument(group) });
      new IamRolePolicyAttachment(this, `attach-${index + 1}`, { role: role.name, policyArn: policy.arn });
    });
  }
}
