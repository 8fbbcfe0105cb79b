/** ECR rules: scanning, immutable tags, lifecycle, deletion. */
import type { Rule } from '../types';
import { block } from '../../lib/tf-json';
import { inProd, isTrue, perResource, unlessTeardown } from './attributes';

const REPOSITORY = ['aws_ecr_repository'];

/** The ECR rules. */
export const ecrRules: readonly Rule[] = [
  perResource({
    id: 'ECR001',
    mirrors: 'checkov CKV_AWS_163; tfsec aws-ecr-enable-image-scans',
    title: 'ECR repositories scan images on push',
    fix: 'set imageScanningConfiguration: { scanOnPush: true } on the repository',
    resourceTypes: REPOSITORY,
    test: (r) => (isTrue(block(r.props.image_scanning_configuration)?.scan_on_push) ? undefined : 'images are not scanned on push'),
  }),
  perResource({
    id: 'ECR002',
    mirrors: 'checkov CKV_AWS_51; tfsec aws-ecr-enforce-immutable-repository',
    title: 'ECR repositories have immutable tags',
    fix: "set imageTagMutability: 'IMMUTABLE' and tag images by content (digest or hash)",
    resourceTypes: REPOSITORY,
    test: (r) => (String(r.props.image_tag_mutability ?? 'MUTABLE').startsWith('IMMUTABLE') ? undefined : 'tags are mutable: a pushed tag can be silently replaced'),
  }),
  perResource({
    id: 'ECR003',
    mirrors: 'AWS Config ecr-private-lifecycle-policy-configured; Control Tower CT.ECR.PR.1',
    title: 'ECR repositories have a lifecycle policy',
    fix: 'add an aws_ecr_lifecycle_policy whose repository is this repository (ContainerImage keepImages)',
    resourceTypes: REPOSITORY,
    alsoReads: ['aws_ecr_lifecycle_policy'],
    test: (r, doc) => {
      const covered = doc.resources('aws_ecr_lifecycle_policy').some((p) => {
        const target = p.props.repository;
        return doc.referenced(target)?.address === r.address || (typeof target === 'string' && target === r.props.name);
      });
      return covered ? undefined : 'no lifecycle policy: old images pile up and keep their storage cost and vulnerabilities';
    },
  }),
  perResource({
    id: 'ECR004',
    mirrors: 'own',
    title: 'ECR repositories in prod cannot be deleted while they hold images',
    fix: 'leave forceDelete unset (false) in prod',
    resourceTypes: REPOSITORY,
    appliesTo: unlessTeardown(inProd),
    test: (r) => (isTrue(r.props.force_delete) ? 'force_delete lets a destroy remove every image of the running service' : undefined),
  }),
];
