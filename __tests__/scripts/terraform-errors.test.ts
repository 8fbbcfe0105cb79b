import { terraformErrors } from '../../scripts/lib/terraform-errors';

describe('terraformErrors', () => {
  test('quotes the boxed Error block of a cdktf-prefixed output, not plan lines that mention errors', () => {
    const output = [
      'service  # aws_cloudwatch_metric_alarm.table-system-errors will be created',
      'service  + alarm_name = "bookmarks-dev-categories-system-errors"',
      'service  ╷',
      'service  │ Error: creating ECS Service (bookmarks-dev-api): InvalidParameterException: bad subnet',
      'service  │ ',
      'service  │   with aws_ecs_service.api,',
      'service  │   on cdk.tf.json line 812, in resource.aws_ecs_service.api:',
      'service  ╵',
      'service  Plan: 3 to add',
    ].join('\n');
    expect(terraformErrors(output)).toEqual([
      'Error: creating ECS Service (bookmarks-dev-api): InvalidParameterException: bad subnet',
      '  with aws_ecs_service.api,',
      '  on cdk.tf.json line 812, in resource.aws_ecs_service.api:',
    ]);
  });

  test('keeps every distinct block once, in order, and quotes unboxed errors', () => {
    const block = (msg: string) => ['╷', `│ Error: ${msg}`, '│ ', '╵'];
    const output = [...block('first'), ...block('second'), ...block('first'), 'Error: unboxed one', ''].join('\n');
    expect(terraformErrors(output)).toEqual(['Error: first', 'Error: second', 'Error: unboxed one']);
  });

  test("keeps an unboxed block's detail after its blank lines, up to the next unindented line", () => {
    const output = [
      'service  Error: creating VPC Security Group Rule',
      '',
      '           with aws_vpc_security_group_ingress_rule.tasks_from-alb_ABC (tasks/from-alb),',
      '           on cdk.tf.json line 901, in resource.aws_vpc_security_group_ingress_rule.tasks_from-alb_ABC (tasks/from-alb):',
      '',
      '         operation error EC2: AuthorizeSecurityGroupIngress, https response error StatusCode: 400, api error InvalidPermission.Duplicate: the rule already exists',
      '',
      '',
      '1 Stack deploying     0 Stacks done     0 Stacks waiting',
      'Invoking Terraform CLI failed with exit code 1',
    ].join('\n');
    expect(terraformErrors(output)).toEqual([
      'Error: creating VPC Security Group Rule',
      '  with aws_vpc_security_group_ingress_rule.tasks_from-alb_ABC (tasks/from-alb),',
      '  on cdk.tf.json line 901, in resource.aws_vpc_security_group_ingress_rule.tasks_from-alb_ABC (tasks/from-alb):',
      '  operation error EC2: AuthorizeSecurityGroupIngress, https response error StatusCode: 400, api error InvalidPermission.Duplicate: the rule already exists',
    ]);
  });

  test('returns nothing when Terraform wrote no error block', () => {
    expect(terraformErrors('service  Plan: 1 to add\nservice  error count: 0\n')).toEqual([]);
  });
});
