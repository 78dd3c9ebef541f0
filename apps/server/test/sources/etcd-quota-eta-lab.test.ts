import { afterAll, describe, expect, it } from 'vitest';
import { ensureLab } from '@hawk/lab';
import { finding, startLabHub, type LabHub } from '@hawk/testkit/lab-hub';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const PREFIX = 'hawk-quota-eta-';
/** Under the 1 MiB object limit; random, so etcd's DB cannot share pages between them. */
const payload = () => Array.from({ length: 700 }, () => Math.random().toString(36).slice(2).padEnd(1024, 'x')).join('');

// Issue 28 §4: a real writer grows the lab's etcd; hawk projects NOSPACE from the growth it observed, and lets go
// once the growth stops. The windows are shortened by config (the defaults fit over 30 min, from 5 min of reads).
describe('etcd quota ETA on the lab', () => {
  let h: LabHub | undefined;
  const written: string[] = [];

  afterAll(async () => {
    await h?.stop();
    const lab = await ensureLab();
    for (const name of written) await lab.kube().raw(`${CONFIGMAPS}/${name}`, { method: 'DELETE' });
  }, 120_000);

  it('a writer filling etcd: NOSPACE projected while it writes, the warning gone once it stops', async () => {
    h = await startLabHub({ config: { etcdDbTrendWindowMs: 90_000, etcdDbTrendMinSpanMs: 30_000 } });
    await h.until('etcd read with DB sizes', (s) => s.etcd.dbUse.length === 3, 60_000);
    const quiet = h.state();
    expect(quiet.findings.filter((f) => f.ruleId === 'EtcdQuotaExhaustionPredicted')).toEqual([]);

    const lab = h.lab;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing && i < 400; i++) {
        const name = `${PREFIX}${Date.now()}-${i}`;
        const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { blob: payload() } };
        const response = await lab.kube().raw(CONFIGMAPS, { method: 'POST', body });
        if (response.status === 201) written.push(name);
      }
    })();
    const startedAt = Date.now();
    let seenAt: number;
    try {
      seenAt = await h.until(
        'EtcdQuotaExhaustionPredicted while the writer fills etcd',
        (s) => finding(s, 'EtcdQuotaExhaustionPredicted') !== undefined,
        180_000,
      );
    } finally {
      writing = false;
      await writer;
    }
    const predicted = finding(h.state(), 'EtcdQuotaExhaustionPredicted')!;
    console.log(`[quota eta] ${predicted.title} (${seenAt - startedAt} ms after the writer started)`);
    expect(predicted.title).toMatch(/^etcd cp-\d DB grows \d+ MiB\/h: NOSPACE in .+ at this rate$/);
    expect(Number(predicted.evidence.growthBytesPerHour)).toBeGreaterThan(16 * 1024 ** 2);
    expect(Date.parse(String(predicted.evidence.projectedFullAt))).toBeGreaterThan(Date.now());
    expect(h.state().verdict).toBe('ha-ok');

    const stoppedAt = Date.now();
    const clearedAt = await h.until(
      'the warning gone once the DB stops growing',
      (s) => finding(s, 'EtcdQuotaExhaustionPredicted') === undefined,
      240_000,
    );
    console.log(`[quota eta] cleared ${clearedAt - stoppedAt} ms after the writer stopped (window 90 s)`);
  });
});
