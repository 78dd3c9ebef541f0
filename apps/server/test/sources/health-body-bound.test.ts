/**
 * A component's /healthz answer is read only up to a few KiB (issue 27 §2): a pod that answers with an endless
 * body costs hawk neither memory nor the probe's deadline. A real TLS server (openssl's self-signed certificate)
 * and hawk's real prober.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComponentHealthProber } from '../../src/probes/component-health';

describe('component /healthz body bound', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hawk-health-body-'));
  let server: Server;
  let port: number;
  let sentBytes = 0;

  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    // A failing /healthz whose body never ends: 64 KiB chunks until the client goes away.
    server = createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_request, response) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        const chunk = `[-]poststarthook/evil failed: ${'x'.repeat(64 * 1024)}\n`;
        const pump = (): void => {
          while (!response.destroyed) {
            sentBytes += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
        };
        pump();
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers within its deadline from the first few KiB of an endless body', async () => {
    const prober = createComponentHealthProber();
    const started = Date.now();
    const health = await prober.probe('127.0.0.1', port, 3000, Date.now);
    const elapsed = Date.now() - started;
    await prober.close();
    console.log(`[health body] answered in ${elapsed} ms; the server had written ${(sentBytes / 1024).toFixed(0)} KiB`);
    // An answer, not the deadline's "no answer": the body was cut, not read to its (missing) end.
    expect(health).toMatchObject({ live: false, httpStatus: 500 });
    expect(health.error).toMatch(/^HTTP 500: \[-\]poststarthook\/evil failed: x+$/);
    expect(health.error!.length).toBeLessThan(300);
    expect(elapsed).toBeLessThan(3000);
  });
});
