/** The slice of pino's (and so Fastify's) logger the hub uses: object first, then message. */
export interface HubLogger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
  child?(bindings: Record<string, unknown>): HubLogger;
}

const noop = () => undefined;

export const silentLogger: HubLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** childLogger binds the cluster id when the logger supports it, else prefixes nothing. */
export function childLogger(logger: HubLogger, bindings: Record<string, unknown>): HubLogger {
  return logger.child ? logger.child(bindings) : logger;
}
