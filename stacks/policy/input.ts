/**
 * The document the policy rules read from a stack, resolved as synth resolves it. Apart from the
 * engine, so that checking parsed JSON (the rules' tests, the scripts) loads no cdktf.
 */
import { DefaultTokenResolver, StringConcat, TerraformBackend, TerraformDataSource, TerraformResource, Tokenization } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import type { TfAttributes, TfJson } from '../lib/tf-json';
import { RULES } from './rules';
import type { Rule } from './types';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * The document the rules need from a stack: the backend plus every resource and data source of a
 * type some rule reads, resolved exactly as synth resolves them. Other types (the thousands of
 * seeded table items) are skipped without being resolved, which keeps the check cheap.
 * Call it after the app has prepared its stacks (as a stack validation does).
 */
export function policyInput(stack: TerraformStack, rules: readonly Rule[] = RULES): TfJson {
  const resourceTypes = new Set(rules.flatMap((r) => r.resourceTypes));
  const dataTypes = new Set(rules.flatMap((r) => r.dataTypes ?? []));
  const json: { resource: Record<string, Record<string, TfAttributes>>; data: Record<string, Record<string, TfAttributes>>; terraform: Record<string, unknown> } = {
    resource: {},
    data: {},
    terraform: {},
  };
  const resolve = (element: { toTerraform(): unknown }) => Tokenization.resolve(element.toTerraform(), { scope: stack, resolver: RESOLVER, preparing: false }) as TfJson;

  for (const construct of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(construct) || TerraformDataSource.isTerraformDataSource(construct)) {
      const mode = TerraformResource.isTerraformResource(construct) ? 'resource' : 'data';
      const wanted = mode === 'resource' ? resourceTypes : dataTypes;
      if (!wanted.has(construct.terraformResourceType)) continue;
      const fragment = resolve(construct)[mode] ?? {};
      for (const [type, byId] of Object.entries(fragment)) json[mode][type] = { ...json[mode][type], ...byId };
    } else if (TerraformBackend.isBackend(construct)) {
      json.terraform.backend = resolve(construct).terraform?.backend;
    }
  }
  return json;
}
