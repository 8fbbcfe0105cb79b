// autocannon ships no type declarations; this covers the part of its API that the API benchmark and
// the load stress suite use.
declare module 'autocannon' {
  interface AutocannonOptions {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    pipelining?: number;
    /** Seconds before a request counts as a timeout. */
    timeout?: number;
    /** Requests sent in turn on each connection. @default - GET of `url` */
    requests?: readonly { method: string; path: string }[];
  }

  /** Latency in milliseconds (autocannon's percentile keys, among others). */
  interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    total: number;
  }

  interface AutocannonResult {
    /** Seconds actually elapsed. */
    duration: number;
    latency: Histogram;
    requests: Histogram;
    /** Bytes per second. */
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    /** Responses by status code. */
    statusCodeStats: Record<string, { count: number }>;
  }

  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export = autocannon;
}
