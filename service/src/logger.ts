/** Structured JSON logging with pino: one line per event, on stdout for CloudWatch / awslogs. */
import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

/** Creates the process logger; `destination` lets tests capture lines. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'catalog-service' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Defence in depth: request logs never include headers, but a debug log of a request might.
    redact: ['req.headers.authorization', 'headers.authorization'],
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
