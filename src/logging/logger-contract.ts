/**
 * A log record's fields: names and values, written as JSON. Secrets among them are
 * redacted by `createLogger`'s logger (by field name and by value), so pass a secret as a
 * field rather than in the message.
 */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * What envboot's library and providers log to (`OpenEnvironParams.logger`, the ec2
 * provider's calls): four levels, each a message with optional fields. Any object with
 * these methods will do: `createLogger`'s, winston's or pino's logger behind a few lines,
 * `console`, or a test's recorder. Logging must never throw.
 *
 * @example
 * const logger: Logger = { debug: () => undefined, info: console.info, warn: console.warn, error: console.error };
 * const environ = await ec2Provider.open({ environment, config, dataDir, logger });
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that writes to files or streams: `close` ends it once everything logged is written. */
export interface ClosableLogger extends Logger {
  /**
   * Ends the log and resolves once its files and streams have every record (after a
   * second at most: a stuck file never holds the program up). Records logged after it
   * are dropped.
   */
  close(): Promise<void>;
}
