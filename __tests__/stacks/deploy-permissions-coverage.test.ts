/**
 * The CI deploy role can deploy what the app synthesizes: every resource and data-source type of
 * every stack it deploys, in every configuration of the app matrix, has an entry in the map of
 * deploy actions, and the role's policies grant every action of the map.
 */
import { DEPLOY_ACTIONS, deployActions, type DeployedType } from '../../stacks/lib/deploy-actions';
import { TfDocument } from '../../stacks/lib/tf-json';
import { APP_MATRIX, synthMatrixEntry, typesOf } from '../support/app-matrix';

/** Every type the role deploys (the bootstrap stack is applied by a person), with where it was seen. */
const deployed = new Map<string, string>();
let roleActions: string[] = [];
let policySizes: number[] = [];

beforeAll(() => {
  for (const name of Object.keys(APP_MATRIX)) {
    const stacks = synthMatrixEntry(name);
    for (const [id, json] of Object.entries(stacks)) {
      if (id === 'bootstrap') continue;
      for (const type of typesOf(json)) if (!deployed.has(type)) deployed.set(type, `${name}/${id}`);
    }
    if (stacks.bootstrap && new TfDocument(stacks.bootstrap).resources('aws_iam_role').length > 0) {
      const policies = new TfDocument(stacks.bootstrap).resources('aws_iam_policy').map((p) => String(p.props.policy));
      policySizes = policies.map((p) => p.length);
      roleActions = policies.flatMap((p) =>
        (JSON.parse(p) as { Statement: { Effect: string; Action: string[] }[] }).Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action),
      );
    }
  }
}, 120_000);

describe('the deploy actions', () => {
  it('have an entry for every type the matrix synthesizes', () => {
    const missing = [...deployed].filter(([type]) => !(type in DEPLOY_ACTIONS)).map(([type, where]) => `${type} (${where})`);
    expect(missing).toEqual([]);
  });

  it('list no type the app never synthesizes', () => {
    expect(Object.keys(DEPLOY_ACTIONS).filter((type) => !deployed.has(type))).toEqual([]);
  });

  it('are every one granted to the CI role of the matrix', () => {
    expect(roleActions.length).toBeGreaterThan(0);
    expect(deployActions([...deployed.keys()] as DeployedType[]).filter((a) => !roleActions.includes(a))).toEqual([]);
  });

  it("fit each managed policy within IAM's 6,144 characters", () => {
    expect(policySizes.length).toBeGreaterThan(1);
    expect(policySizes.filter((size) => size > 6_144)).toEqual([]);
  });
});
