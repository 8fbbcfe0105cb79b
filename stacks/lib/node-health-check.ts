/**
 * The container health check of an image that has Node but no shell tools: the node images carry
 * neither curl nor wget, and the local base has no shell at all, so the check is a `node -e` fetch
 * in exec form (`CMD`, not `CMD-SHELL`).
 */

/** A health check as a task definition container takes it (structurally the construct's ContainerHealthCheck). */
export interface NodeHealthCheck {
  readonly command: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

/** Options of {@link nodeHealthCheck}. */
export interface NodeHealthCheckOptions {
  readonly port: number;
  /** e.g. `/health` */
  readonly path: string;
  /** Success codes as the load balancer takes them: `200`, `200,401`, `200-299`. @default '200' */
  readonly codes?: string;
  /**
   * ECS waits this long for the first healthy answer after start, and between checks; the service
   * answers about a second after start, so the task is healthy within one interval.
   * @default 10
   */
  readonly intervalSeconds?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
}

/** A JavaScript condition on `s` (a status) that holds for the codes: `200,401` → `s===200||s===401`. */
export function statusCondition(codes: string): string {
  return codes
    .split(',')
    .map((part) => {
      const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part.trim());
      if (!match) throw new Error(`statusCondition: "${part}" of "${codes}" is not a status code or range; use e.g. 200,401 or 200-299`);
      return match[2] === undefined ? `s===${match[1]}` : `(s>=${match[1]}&&s<=${match[2]})`;
    })
    .join('||');
}

/**
 * `CMD node -e <fetch of http://127.0.0.1:<port><path>>`: exit 0 on a success code, 1 on any other
 * answer, on no answer, or when the fetch outlasts the timeout less a second (node's own start-up).
 */
export function nodeHealthCheck(options: NodeHealthCheckOptions): NodeHealthCheck {
  const intervalSeconds = options.intervalSeconds ?? 10;
  const timeoutSeconds = options.timeoutSeconds ?? 5;
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new Error(`nodeHealthCheck: port ${options.port} is not a TCP port; use 1 to 65535`);
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(options.path)) throw new Error(`nodeHealthCheck: path "${options.path}" must start with "/" and hold only URL path characters, e.g. /health`);
  if (timeoutSeconds < 2) throw new Error(`nodeHealthCheck: timeoutSeconds ${timeoutSeconds} is below 2 (ECS's minimum); use e.g. 5`);
  const url = `http://127.0.0.1:${options.port}${options.path}`;
  const script =
    `fetch(${JSON.stringify(url)},{signal:AbortSignal.timeout(${(timeoutSeconds - 1) * 1000})})` +
    `.then(r=>{const s=r.status;process.exit(${statusCondition(options.codes ?? '200')}?0:1)},()=>process.exit(1))`;
  return { command: ['CMD', 'node', '-e', script], intervalSeconds, timeoutSeconds, retries: 3, startPeriodSeconds: intervalSeconds };
}
