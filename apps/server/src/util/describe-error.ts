/**
 * describeError gives the most telling message of an error: undici hides the errno in `cause`, and an
 * AggregateError (every address of a name refused) has an empty `message` and its reasons in `errors`.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof AggregateError && !error.message && error.errors.length > 0)
    return [...new Set(error.errors.map(describeError))].join('; ');
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const because = describeError(cause);
    if (!error.message) return because;
    if (because && !error.message.includes(because)) return `${error.message}: ${because}`;
  }
  const code = (error as { code?: string }).code;
  if (!error.message) return code ?? error.name;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
