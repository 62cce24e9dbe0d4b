/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   winston's typings declare its transports in a way this rule misreads; they are real instances. */
import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import { ConfigError, messageOf } from '../errors/index.js';
import type { ClosableLogger, LogFields } from './logger-contract.js';
import { SecretRedactor } from './redact.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface CreateLoggerParams {
  /** The lowest level written. Default `info`. */
  readonly level?: LogLevel;
  /**
   * Also write to this file, appended to. It is made 0600, whether created or already
   * there: a debug log names hosts, addresses and users. Throws when it cannot be.
   */
  readonly file?: string;
  /** Write to stderr; default true. The CLI turns this off when it paints a live display. */
  readonly console?: boolean;
  /** One JSON object per line instead of text. */
  readonly json?: boolean;
  /** Shared with the code that handles secrets, so it can register them. */
  readonly redactor?: SecretRedactor;
  /** Extra writable streams (tests, embedding applications). */
  readonly streams?: readonly NodeJS.WritableStream[];
  /**
   * Called when writing the log file fails (a full disk). Default: ignored, so that a
   * log that stops working never takes the program down with it.
   */
  readonly onError?: (error: Error) => void;
}

/**
 * The logger for the library and the CLI: winston with redaction applied before any
 * transport sees a record, so no transport, present or future, can receive a secret;
 * given out as envboot's own `Logger` (winston's type stays out of envboot's API).
 *
 * @example
 * const redactor = new SecretRedactor();
 * const logger = createLogger({ level: 'debug', file: '/tmp/envboot.log', redactor });
 * redactor.add(userDataBody);
 * logger.debug('starting instance', { zone, userData: userDataBody }); // body never written
 * await logger.close();
 */
export function createLogger(params: CreateLoggerParams = {}): ClosableLogger {
  const redactor = params.redactor ?? new SecretRedactor();
  const redact = winston.format((info) => {
    for (const key of Object.keys(info)) {
      if (key === 'level') continue;
      info[key] = redactor.redactField(key, info[key]);
    }
    return info;
  });
  const output = params.json === true ? winston.format.json() : textFormat();
  const format = winston.format.combine(
    winston.format.errors({ stack: true }),
    winston.format.splat(),
    redact(),
    winston.format.timestamp(),
    output,
  );
  const transports: winston.transport[] = [];
  if (params.console !== false) {
    transports.push(new winston.transports.Stream({ stream: process.stderr }));
  }
  if (params.file !== undefined) {
    makePrivate(params.file);
    transports.push(new winston.transports.File({ filename: params.file, options: { flags: 'a', mode: 0o600 } }));
  }
  for (const stream of params.streams ?? []) transports.push(new winston.transports.Stream({ stream }));
  const logger = winston.createLogger({ level: params.level ?? 'info', format, transports });
  logger.on('error', (error: Error) => params.onError?.(error));
  return adapt(logger);
}

/** winston's logger as envboot's: fields go in as winston's metadata; nothing is written once closing began. */
function adapt(logger: winston.Logger): ClosableLogger {
  let closing: Promise<void> | undefined;
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields): void => {
    if (closing !== undefined) return;
    if (fields === undefined) logger.log(level, message);
    else logger.log(level, message, fields);
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        timer.unref();
        logger.once('finish', () => {
          clearTimeout(timer);
          resolve();
        });
        logger.end();
      });
      return closing;
    },
  };
}

/**
 * Creates `file` 0600 (and its missing folders 0700, as winston would create them), or
 * makes an existing regular file 0600: the mode `open` gives applies only to a file it
 * creates. Synchronous so that no record is written before.
 */
function makePrivate(file: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fd = openSync(file, 'a', 0o600);
    try {
      // A terminal or pipe named as the log (/dev/stderr) keeps its mode: it is not ours to change.
      if (fstatSync(fd).isFile()) fchmodSync(fd, 0o600);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new ConfigError(`cannot make the log file ${file} private (mode 0600): ${messageOf(error)}; log to a file this user owns`, { cause: error });
  }
}

function textFormat(): winston.Logform.Format {
  return winston.format.printf((info) => {
    const { level, message, timestamp, ...meta } = info;
    const rest = Object.keys(meta).length === 0 ? '' : ` ${JSON.stringify(meta)}`;
    return `${String(timestamp)} ${level} ${String(message)}${rest}`;
  });
}
