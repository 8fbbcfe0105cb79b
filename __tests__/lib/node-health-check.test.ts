import { nodeHealthCheck, statusCondition } from '../../stacks/lib/node-health-check';

/** The condition as a function of a status, evaluated the way `node -e` would. */
const accepts = (codes: string) => new Function('s', `return ${statusCondition(codes)};`) as (status: number) => boolean;

describe('statusCondition', () => {
  it('accepts exactly one code', () => {
    expect([200, 201, 503].map(accepts('200'))).toEqual([true, false, false]);
  });

  it('accepts each code of a list', () => {
    expect([200, 401, 403].map(accepts('200,401'))).toEqual([true, true, false]);
  });

  it('accepts a range including its ends', () => {
    expect([199, 200, 250, 299, 300].map(accepts('200-299'))).toEqual([false, true, true, true, false]);
  });

  it('refuses text that is not a code or range, naming it', () => {
    expect(() => statusCondition('200,ok')).toThrow('"ok" of "200,ok" is not a status code or range');
  });
});

describe('nodeHealthCheck', () => {
  it('runs node directly (exec form), so the image needs no shell', () => {
    expect(nodeHealthCheck({ port: 8080, path: '/health' }).command.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
  });

  it('fetches the path on loopback at the port', () => {
    expect(nodeHealthCheck({ port: 8080, path: '/health' }).command[3]).toContain('fetch("http://127.0.0.1:8080/health"');
  });

  it('gives up a second before the check times out', () => {
    expect(nodeHealthCheck({ port: 8080, path: '/health', timeoutSeconds: 5 }).command[3]).toContain('AbortSignal.timeout(4000)');
  });

  it('checks every 10 s and ignores failures of the first interval by default', () => {
    const check = nodeHealthCheck({ port: 8080, path: '/health' });
    expect([check.intervalSeconds, check.timeoutSeconds, check.retries, check.startPeriodSeconds]).toEqual([10, 5, 3, 10]);
  });

  it('is a script node can parse', () => {
    expect(() => new Function(nodeHealthCheck({ port: 8080, path: '/health', codes: '200-299,401' }).command[3])).not.toThrow();
  });

  it.each([
    [{ port: 0, path: '/health' }, 'port 0 is not a TCP port'],
    [{ port: 8080, path: 'health' }, 'path "health" must start with "/"'],
    [{ port: 8080, path: '/a"b' }, 'path "/a"b" must start with "/" and hold only URL path characters'],
    [{ port: 8080, path: '/health', timeoutSeconds: 1 }, 'timeoutSeconds 1 is below 2'],
  ])('refuses %j', (options, message) => {
    expect(() => nodeHealthCheck(options)).toThrow(message);
  });
});
