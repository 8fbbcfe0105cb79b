/** State backend rules. */
import type { Rule } from '../types';
import { isTrue, text } from './attributes';

/** The state backend rules. */
export const stateRules: readonly Rule[] = [
  {
    id: 'TF001',
    mirrors: 'own',
    title: 'An S3 state backend encrypts and locks the state',
    fix: 'set encrypt: true and use_lockfile: true (or a dynamodb_table) on the S3 backend',
    resourceTypes: [],
    check(doc) {
      const backend = doc.backend();
      if (backend?.kind !== 's3') return [];
      const problems: string[] = [];
      if (!isTrue(backend.config.encrypt)) problems.push('state is stored unencrypted');
      if (!isTrue(backend.config.use_lockfile) && !text(backend.config.dynamodb_table)) problems.push('state is not locked: two applies can interleave');
      return problems.map((message) => ({ message }));
    },
  },
];
