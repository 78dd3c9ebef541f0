import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/util/describe-error';
import { hostPort } from '../../src/util/host-port';

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('describeError', () => {
  it("names the refused address of a real fetch, which says only 'fetch failed' itself", async () => {
    const port = await closedPort();
    const error = await fetch(`http://127.0.0.1:${port}/`).catch((caught: unknown) => caught);
    expect(describeError(error)).toBe(`fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('describes an AggregateError (every address of a name refused) by its reasons, not its empty message', () => {
    const refused = (host: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${hostPort(host, 6443)}`), { code: 'ECONNREFUSED' });
    const error = Object.assign(new AggregateError([refused('127.0.0.1'), refused('::1')]), { code: 'ECONNREFUSED' });
    expect(describeError(error)).toBe('connect ECONNREFUSED 127.0.0.1:6443; connect ECONNREFUSED [::1]:6443');
  });

  it('falls back to the code or the name when there is no message at all', () => {
    expect(describeError(Object.assign(new Error(''), { code: 'ETIMEDOUT' }))).toBe('ETIMEDOUT');
    expect(describeError(new TypeError(''))).toBe('TypeError');
    expect(describeError('plain')).toBe('plain');
  });
});
