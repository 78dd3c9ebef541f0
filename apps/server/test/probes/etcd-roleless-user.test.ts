/**
 * What a role-less etcd user may call (issue 27 §7), proved on a real etcd: the lab's binary, run standalone on
 * loopback with auth on (the shared lab's etcd is left alone: turning auth on there would lock out its apiservers).
 * hawk's probe asks three things: status (leader, raft term, DB size), the member list and the alarm list. This test
 * is the evidence behind docs/install.md's "etcd access, and its risk": a user with no role reads the member list and
 * alarms but not status, reads no key, and may still raise and clear alarms, as may a caller with no credentials.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryDir } from '@hawk/lab';
import { freePort } from '@hawk/testkit/free-port';
import { parseAlarms, parseGatewayJson, parseMemberList, parseStatus } from '../../src/probes/etcd-gateway';

let etcd: ChildProcess | undefined;
let url = '';
let dataDir = '';
let output = '';

/** One gRPC-gateway call, as hawk's probe makes it (POST JSON), with an auth token or none. */
async function call(path: string, body: unknown, token?: string) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: parseGatewayJson(text) as Record<string, unknown> };
}

async function must(path: string, body: unknown, token?: string) {
  const answer = await call(path, body, token);
  if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status} ${answer.text}`);
  return answer.body;
}

const denied = (answer: { status: number; text: string }) =>
  answer.status !== 200 && /permission denied|user name is empty|invalid auth token/.test(answer.text);
const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('a role-less etcd user, on a real etcd with auth on', () => {
  let hawkToken = '';
  let memberID = '';

  beforeAll(async () => {
    const [client, peer] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${client}`;
    dataDir = mkdtempSync(join(tmpdir(), 'hawk-etcd-auth-'));
    etcd = spawn(
      join(binaryDir(), 'etcd'),
      [
        '--name=solo',
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
        `--listen-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-cluster=solo=http://127.0.0.1:${peer}`,
        '--log-level=error',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    etcd.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    etcd.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (etcd.exitCode !== null) throw new Error(`etcd exited (${etcd.exitCode}): ${output}`);
      const ready = await fetch(`${url}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`etcd at ${url} not healthy within 30 s: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Auth on, as an operator would set it: root with the root role, and hawk with no role at all.
    await must('/v3/auth/role/add', { name: 'root' });
    await must('/v3/auth/user/add', { name: 'root', password: 'root-secret' });
    await must('/v3/auth/user/grant', { user: 'root', role: 'root' });
    await must('/v3/auth/user/add', { name: 'hawk', password: 'hawk-secret' });
    await must('/v3/auth/enable', {});
    const root = String((await must('/v3/auth/authenticate', { name: 'root', password: 'root-secret' })).token);
    await must('/v3/kv/put', { key: base64('/registry/secrets/kube-system/x'), value: base64('secret') }, root);
    hawkToken = String((await must('/v3/auth/authenticate', { name: 'hawk', password: 'hawk-secret' })).token);
    const members = parseMemberList(await must('/v3/cluster/member/list', {}, root));
    if ('error' in members) throw new Error(members.error);
    memberID = members[0]!.id;
  }, 60_000);

  afterAll(() => {
    etcd?.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads the member list and the alarms, as hawk parses them', async () => {
    const members = parseMemberList((await call('/v3/cluster/member/list', {}, hawkToken)).body);
    expect(members).toEqual([expect.objectContaining({ id: memberID, name: 'solo', clientURLs: [url] })]);
    const alarms = await call('/v3/maintenance/alarm', { action: 'GET' }, hawkToken);
    expect(alarms.status).toBe(200);
    expect(parseAlarms(alarms.body)).toEqual([]);
  });

  it('is refused status (leader, raft term, DB size: they need the root role) and every key', async () => {
    const status = await call('/v3/maintenance/status', {}, hawkToken);
    expect(denied(status), `status answered: HTTP ${status.status} ${status.text}`).toBe(true);
    expect(parseStatus(status.body)).toHaveProperty('error');
    const secret = await call('/v3/kv/range', { key: base64('/registry/secrets/kube-system/x') }, hawkToken);
    expect(denied(secret), `range answered: HTTP ${secret.status} ${secret.text}`).toBe(true);
  });

  it('may still raise and clear NOSPACE, and so may a caller with no credentials: no etcd credential is harmless', async () => {
    for (const token of [hawkToken, undefined]) {
      const who = token ? 'the role-less user' : 'no credentials';
      const raised = await call('/v3/maintenance/alarm', { action: 'ACTIVATE', memberID, alarm: 'NOSPACE' }, token);
      expect(raised.status, `${who} raising NOSPACE: ${raised.text}`).toBe(200);
      const listed = parseAlarms((await call('/v3/maintenance/alarm', { action: 'GET' }, token)).body);
      expect(listed.map((alarm) => alarm.alarm)).toEqual(['NOSPACE']);
      const cleared = await call('/v3/maintenance/alarm', { action: 'DEACTIVATE', memberID, alarm: 'NOSPACE' }, token);
      expect(cleared.status, `${who} clearing NOSPACE: ${cleared.text}`).toBe(200);
      expect(parseAlarms((await call('/v3/maintenance/alarm', { action: 'GET' }, token)).body)).toEqual([]);
    }
    // Without credentials the member list answers too; status and keys do not.
    expect(parseMemberList((await call('/v3/cluster/member/list', {})).body)).not.toHaveProperty('error');
    expect(denied(await call('/v3/maintenance/status', {}))).toBe(true);
  });
});
