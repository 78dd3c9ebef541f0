/**
 * Cluster data hawk does not control, bounded (issue 27 §2), on the lab: a Lease whose holderIdentity is 1 MB and
 * 1,500 Leases in an opted-in namespace. hawk keeps 256 characters of the holder, no labels, at most
 * MAX_LEASES_PER_NAMESPACE Leases of that namespace, and a warning and a finding name the namespace and how many it
 * dropped.
 * Run under `flock /tmp/hawk-lab.lock`; it writes only in a namespace of its own (and deletes it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinationV1Api, CoreV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import type { ClusterState } from '@hawk/core';
import { ensureLab, type Lab } from '@hawk/lab';
import { loadEnv } from '../../src/env';
import { createClusterHub, type SourcesHub } from '../../src/hub/index';
import { MAX_FIELD_LENGTH } from '../../src/sources/raw';
import { MAX_LEASES_PER_NAMESPACE } from '../../src/sources/registry';

const NAMESPACE = `hawk-bounds-${Date.now().toString(36)}`;
const LEASES = 1500;
const HUGE = 'huge-holder';
const HUGE_HOLDER = 'x'.repeat(1024 * 1024);

let lab: Lab;
let admin: KubeConfig;
let hub: SourcesHub | undefined;
const warnings: { object: Record<string, unknown>; message: string }[] = [];

async function until(what: string, predicate: (state: ClusterState) => boolean, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = hub!.list()[0]!;
    if (predicate(state)) return state;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; ${ours(state).length} leases of ${NAMESPACE} kept`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
const ours = (state: ClusterState) => state.leases.filter((lease) => lease.namespace === NAMESPACE);

describe('size bounds on cluster data, on the lab', () => {
  beforeAll(async () => {
    lab = await ensureLab();
    admin = new KubeConfig();
    admin.loadFromFile(lab.kubeconfigPath);
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
    const leases = admin.makeApiClient(CoordinationV1Api);
    const create = (name: string, holderIdentity: string, labels?: Record<string, string>) =>
      leases.createNamespacedLease({
        namespace: NAMESPACE,
        body: {
          metadata: { name, namespace: NAMESPACE, ...(labels ? { labels } : {}) },
          spec: { holderIdentity, leaseDurationSeconds: 3600, renewTime: new V1MicroTime(Date.now()) },
        },
      });
    // The huge one first, so it is among those kept (a list returns names in order; 'huge' sorts before 'l').
    await create(HUGE, HUGE_HOLDER, Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`label-${i}`, 'v'])));
    const started = Date.now();
    for (let next = 0; next < LEASES;) {
      const batch = Array.from({ length: Math.min(25, LEASES - next) }, (_, i) =>
        create(`lease-${String(next + i).padStart(5, '0')}`, `holder-${next + i}`),
      );
      await Promise.all(batch);
      next += batch.length;
    }
    console.log(`[bounds] created ${LEASES} leases and one with a 1 MB holder in ${Date.now() - started} ms`);
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (object: object, message: string) => warnings.push({ object: object as Record<string, unknown>, message }),
      error: () => undefined,
    };
    hub = createClusterHub({
      env: loadEnv({ ...lab.env(), HAWK_CONFIG: '', HAWK_CONTEXTS: '', HAWK_LEASE_NAMESPACES: NAMESPACE }),
      kubeconfig: admin,
      probeIntervalMs: 1000,
      logger,
    });
    await hub.start();
  }, 600_000);

  afterAll(async () => {
    await hub?.stop();
    await admin
      ?.makeApiClient(CoreV1Api)
      .deleteNamespace({ name: NAMESPACE })
      .catch(() => undefined);
  });

  it('keeps 256 characters of a 1 MB holder, no labels, at most the cap per namespace, names the drop', async () => {
    const state = await until('the namespace listed', (current) => ours(current).length > 0);
    const kept = ours(state);
    const huge = kept.find((lease) => lease.name === HUGE);
    expect(huge, 'the huge lease is shown').toBeDefined();
    expect(huge!.record?.holderIdentity?.length).toBe(MAX_FIELD_LENGTH);
    expect(huge!.record?.holderIdentity?.endsWith('…')).toBe(true);
    expect(huge!.record?.labels).toBeUndefined();
    expect(kept.length).toBeLessThanOrEqual(MAX_LEASES_PER_NAMESPACE);
    const dropped = warnings.find((warning) => String(warning.object.path ?? '').includes(NAMESPACE));
    expect(dropped, `a warning names ${NAMESPACE}; warnings: ${JSON.stringify(warnings)}`).toBeDefined();
    expect(dropped!.object).toMatchObject({
      kept: MAX_LEASES_PER_NAMESPACE,
      dropped: LEASES + 1 - MAX_LEASES_PER_NAMESPACE,
    });
    // And on the page: a finding says what hawk left out, so no one mistakes the namespace for fully watched.
    const withFinding = await until('HawkObjectsDropped naming the namespace', (current) =>
      current.findings.some((f) => f.ruleId === 'HawkObjectsDropped' && f.subject?.includes(NAMESPACE)),
    );
    const left = withFinding.findings.find((f) => f.ruleId === 'HawkObjectsDropped')!;
    expect(left.evidence).toMatchObject({
      source: 'leases',
      kept: MAX_LEASES_PER_NAMESPACE,
      dropped: LEASES + 1 - MAX_LEASES_PER_NAMESPACE,
    });
    expect(left.title).toContain(`namespaces/${NAMESPACE}/leases`);
    const bytes = JSON.stringify(state).length;
    const rss = process.memoryUsage().rss;
    console.log(
      `[bounds] kept ${kept.length} of ${LEASES + 1} leases; whole state ${(bytes / 1024).toFixed(0)} KiB; ` +
        `test process RSS ${(rss / 1024 / 1024).toFixed(0)} MiB; warning: ${dropped!.message}`,
    );
    // The state holds no trace of the megabyte: every push and history row of it stays far below it.
    expect(bytes).toBeLessThan(160 * 1024);
  });
});
