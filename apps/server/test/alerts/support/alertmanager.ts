import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hawk/testkit/free-port';

/** What a receiver was POSTed, in order, with when it arrived. */
export interface ReceivedRequest {
  readonly path: string;
  readonly at: number;
  readonly body: unknown;
}

/** A local HTTP receiver standing in for Slack and for Alertmanager's webhook receiver: it records every POST. */
export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createHttpServer(async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // kept as text
    }
    requests.push({ path: request.url ?? '', at: Date.now(), body });
    response.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One alert as Alertmanager's v2 API lists it. */
export interface AlertmanagerAlert {
  readonly labels: Record<string, string>;
  readonly status: { readonly state: string };
  readonly startsAt: string;
  readonly endsAt: string;
}

export interface RunningAlertmanager {
  readonly url: string;
  readonly port: number;
  alerts(): Promise<AlertmanagerAlert[]>;
  stop(): Promise<void>;
}

/**
 * Debian's prometheus-alertmanager on a free loopback port, alone (no cluster gossip), notifying
 * `webhookUrl` of every group quickly (group_wait 1 s) with resolves, so a test sees what a pager would.
 */
export async function startAlertmanager(webhookUrl: string, port?: number): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'hawk-alertmanager-'));
  // A given port: the same Alertmanager address coming back after an outage.
  port ??= await freePort();
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    [
      'route:',
      '  receiver: hook',
      '  group_by: [alertname, cluster, finding_id]',
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${webhookUrl}`,
      '        send_resolved: true',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const spawnFailed = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(
          `prometheus-alertmanager could not be started (${error.message}): run scripts/setup.sh, which ` +
            "installs Debian's prometheus-alertmanager",
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`prometheus-alertmanager exited (${code}):\n${output.slice(-2_000)}`)),
    );
  });
  const url = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = await fetch(`${url}/-/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline)
        throw new Error(`prometheus-alertmanager not ready on ${url} within 20 s:\n${output.slice(-2_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  await Promise.race([ready, spawnFailed]);
  spawnFailed.catch(() => undefined);
  return {
    url,
    port,
    alerts: async () =>
      (await (
        await fetch(`${url}/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true`)
      ).json()) as AlertmanagerAlert[],
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
