/** The slice of pino's (and so Fastify's) logger hawk's parts use: object first, then message. */
export interface Logger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
  child?(bindings: Record<string, unknown>): Logger;
}

const noop = () => undefined;

export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** childLogger binds the cluster id when the logger supports it, else prefixes nothing. */
export function childLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  return logger.child ? logger.child(bindings) : logger;
}
