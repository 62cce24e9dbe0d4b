export { createLogger, type CreateLoggerParams, type LogLevel } from './logger.js';
export { SecretRedactor, redacted } from './redact.js';
export { consoleLineLength, consoleLines } from './console-lines.js';
