import { elbLogDeliveryPrincipal, ELB_LOG_DELIVERY_SERVICE } from '../../stacks/lib/elb-log-delivery';

describe('elbLogDeliveryPrincipal', () => {
  it('is the regional Elastic Load Balancing account in a region opened before August 2022', () => {
    expect(elbLogDeliveryPrincipal('eu-west-1')).toEqual({ AWS: 'arn:aws:iam::156460612806:root' });
  });

  it('is the log-delivery service principal in a newer region', () => {
    expect(elbLogDeliveryPrincipal('ap-southeast-5')).toEqual({ Service: ELB_LOG_DELIVERY_SERVICE });
  });

  it('names the GovCloud partition there', () => {
    expect(elbLogDeliveryPrincipal('us-gov-west-1')).toEqual({ AWS: 'arn:aws-us-gov:iam::048591011584:root' });
  });
});
