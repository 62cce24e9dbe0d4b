export { createLogger, type CreateLoggerParams, type LogLevel } from './logger.js';
export type { ClosableLogger, LogFields, Logger } from './logger-contract.js';
export { SecretRedactor, redacted } from './redact.js';
export { consoleLineLength, consoleLines } from './console-lines.js';
export { lastLines, readFileEnd } from '../util/text-tail.js';
