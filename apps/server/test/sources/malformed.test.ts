import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, type Lab } from '@hawk/lab';
import { finding, startLabHub, steady, type LabHub } from '@hawk/testkit/lab-hub';

const LEASES = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases';
const PREFIX = 'hawk-test-malformed-';
const now = () => new Date().toISOString().replace('Z', '000Z');
const about = (name: string) => (subject: string | null) => subject === `kube-system/${PREFIX}${name}`;

// Scenario 16: leases no leader elector would write: shown as such, and nothing crashes.
describe('malformed objects', () => {
  let lab: Lab;
  let h: LabHub;
  const errors: string[] = [];

  async function remove(name: string) {
    const response = await lab.kube().raw(`${LEASES}/${PREFIX}${name}`, { method: 'DELETE' });
    if (response.status !== 200 && response.status !== 404)
      throw new Error(`delete ${name}: HTTP ${response.status} ${response.body}`);
  }

  beforeAll(async () => {
    lab = await ensureLab();
    await lab.fault.heal();
    for (const name of ['no-holder', 'no-renew-time', 'zero-duration']) await remove(name);
    const print = (level: string) => (object: object, message: string) =>
      console.log(`[hub ${level}] ${message} ${JSON.stringify(object)}`);
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: print('warn'),
      error: (object: object, message: string) => (errors.push(message), print('error')(object, message)),
    };
    h = await startLabHub({ lab, logger });
    await h.until('steady state', steady, 60_000);
  });
  afterAll(async () => {
    await h?.stop();
    if (lab) for (const name of ['no-holder', 'no-renew-time', 'zero-duration']) await remove(name);
  });

  it('scenario 16: a lease with no holder, one with no renew time, one with zero duration', async () => {
    const create = async (name: string, spec: object) => {
      const response = await lab.kube().raw(LEASES, {
        method: 'POST',
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: `${PREFIX}${name}`, namespace: 'kube-system' },
          spec,
        },
      });
      return response;
    };
    const faultAt = Date.now();
    expect((await create('no-holder', { leaseDurationSeconds: 15 })).status).toBe(201);
    expect((await create('no-renew-time', { holderIdentity: 'cp-9_ghost', leaseDurationSeconds: 15 })).status).toBe(
      201,
    );
    // The API validates leaseDurationSeconds > 0 on create; if it refuses, a zero duration cannot reach hawk from here.
    const zero = await create('zero-duration', {
      holderIdentity: 'cp-9_ghost',
      renewTime: now(),
      leaseDurationSeconds: 0,
    });
    const zeroServed = zero.status === 201;
    console.log(
      `[scenario 16] the API ${zeroServed ? 'accepted' : `refused (HTTP ${zero.status})`} a lease with ` +
        'leaseDurationSeconds 0',
    );

    const seenAt = await h.until(
      'malformed leases shown as such',
      (s) =>
        finding(s, 'LeaderElectionNoHolder', about('no-holder')) !== undefined &&
        finding(s, 'LeaderElectionMalformed', about('no-renew-time')) !== undefined &&
        (!zeroServed || finding(s, 'LeaderElectionMalformed', about('zero-duration')) !== undefined),
    );
    h.measure('16 (malformed leases created → shown as no-holder / malformed)', faultAt, seenAt);
    const state = h.state();
    const view = (name: string) => state.leases.find((l) => l.name === `${PREFIX}${name}`);
    expect(view('no-holder')?.status).toBe('no-holder');
    expect(view('no-renew-time')?.status).toBe('malformed');
    expect(finding(state, 'LeaderElectionMalformed', about('no-renew-time'))?.title).toBe(
      `${PREFIX}no-renew-time is malformed: no renew time`,
    );
    if (zeroServed) expect(view('zero-duration')?.status).toBe('malformed');
    // The real leases are judged as before.
    expect(state.leases.find((l) => l.name === 'kube-controller-manager')?.status).toBe('held');
    expect(state.leases.find((l) => l.name === 'kube-scheduler')?.status).toBe('held');

    // Still judging: a renewal of a real lease keeps arriving after the malformed ones.
    const ticking = state.observedAt;
    await h.until('state still moving', (s) => s.observedAt > ticking + 2000, 10_000);

    for (const name of ['no-holder', 'no-renew-time', 'zero-duration']) await remove(name);
    const goneAt = await h.until(
      'malformed leases gone with their findings',
      (s) => !s.leases.some((l) => l.name.startsWith(PREFIX)) && !s.findings.some((f) => f.subject?.includes(PREFIX)),
      30_000,
    );
    h.measure('16 (malformed leases deleted → gone from hawk)', faultAt, goneAt);
    expect(errors).toEqual([]);
  });
});
