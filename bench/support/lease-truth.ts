/**
 * The lab's ground truth about leader election, read around hawk: every Lease straight from each
 * etcd member (a serializable read, which a lone member still answers without quorum), the same
 * Leases from each apiserver instance directly (bypassing the LB), and which control-plane
 * processes are alive or frozen. The replica chaos run snapshots it whenever a finding opens, so a
 * finding can be checked against what the cluster really held at that instant.
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Lab } from '@hawk/lab';

/** The Lease fields leader election writes, as stored. */
export interface StoredLease {
  readonly key: string;
  readonly modRevision: number;
  readonly holderIdentity: string | null;
  readonly renewTime: string | null;
  readonly acquireTime: string | null;
  readonly leaseDurationSeconds: number | null;
  readonly leaseTransitions: number | null;
}

/** A change of one Lease in etcd, as first seen by the poller (this machine's clock). */
export interface LeaseChange extends StoredLease {
  readonly seenAt: number;
}

export interface LabTruth {
  readonly takenAt: number;
  /** Per etcd member: the watched Leases it holds, or why it did not answer. */
  readonly etcd: readonly {
    readonly member: string;
    readonly leases?: readonly StoredLease[];
    readonly error?: string;
  }[];
  /**
   * Per apiserver instance, read directly: a consistent GET (needs etcd quorum) and a watch-cache GET
   * (resourceVersion=0).
   */
  readonly apiservers: readonly {
    readonly index: number;
    readonly consistent: Record<string, unknown>;
    readonly watchCache: Record<string, unknown>;
  }[];
  readonly processes: readonly { readonly id: string; readonly state: string }[];
  /** The watched Leases' holder changes in etcd over the 60 s before the snapshot, and each one's latest record. */
  readonly recentChanges: readonly LeaseChange[];
}

// ── protobuf, just enough for a stored coordination.k8s.io/v1 Lease ───────────────

type Field = Buffer | bigint;

function varint(buf: Buffer, at: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[at++]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, at];
    shift += 7n;
  }
}

function fields(buf: Buffer): Map<number, Field> {
  const out = new Map<number, Field>();
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = varint(buf, at);
    at = next;
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [value, after] = varint(buf, at);
      out.set(number, value);
      at = after;
    } else if (wire === 2) {
      const [length, after] = varint(buf, at);
      out.set(number, buf.subarray(after, after + Number(length)));
      at = after + Number(length);
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`protobuf wire type ${wire}`);
  }
  return out;
}

function microTime(field: Field | undefined): string | null {
  if (!Buffer.isBuffer(field)) return null;
  const time = fields(field);
  const seconds = Number(time.get(1) ?? 0n);
  const nanos = Number(time.get(2) ?? 0n);
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}

/** Decodes a Lease as the apiserver stores it: `k8s\0` + runtime.Unknown{raw: Lease} (protobuf), or JSON. */
export function decodeStoredLease(key: string, modRevision: number, value: Buffer): StoredLease {
  if (value[0] === 0x7b) {
    const spec = (JSON.parse(value.toString('utf8')) as { spec?: Record<string, unknown> }).spec ?? {};
    return {
      key,
      modRevision,
      holderIdentity: (spec.holderIdentity as string) || null,
      renewTime: (spec.renewTime as string) ?? null,
      acquireTime: (spec.acquireTime as string) ?? null,
      leaseDurationSeconds: (spec.leaseDurationSeconds as number) ?? null,
      leaseTransitions: (spec.leaseTransitions as number) ?? null,
    };
  }
  if (value.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error(`${key}: neither protobuf nor JSON`);
  const raw = fields(value.subarray(4)).get(2);
  const lease = Buffer.isBuffer(raw) ? fields(raw) : new Map<number, Field>();
  const specField = lease.get(2);
  const spec = Buffer.isBuffer(specField) ? fields(specField) : new Map<number, Field>();
  const holder = spec.get(1);
  return {
    key,
    modRevision,
    // An empty string is what a release writes: no holder.
    holderIdentity: Buffer.isBuffer(holder) && holder.length > 0 ? holder.toString('utf8') : null,
    leaseDurationSeconds: spec.has(2) ? Number(spec.get(2)) : null,
    acquireTime: microTime(spec.get(3)),
    renewTime: microTime(spec.get(4)),
    leaseTransitions: spec.has(5) ? Number(spec.get(5)) : null,
  };
}

// ── reads ──────────────────────────────────

function etcdRange(
  lab: Lab,
  endpoint: string,
  prefix: string,
  timeoutMs: number,
): Promise<{ kvs?: { key: string; value: string; mod_revision: string }[] }> {
  const url = new URL(endpoint);
  const tls = lab.etcdClientTls;
  const body = JSON.stringify({
    key: Buffer.from(prefix).toString('base64'),
    range_end: Buffer.from(
      prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1),
    ).toString('base64'),
    // Serializable: the member's own committed state, answered without quorum (a linearizable read would fail exactly
    // when it matters).
    serializable: true,
  });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: '/v3/kv/range',
        method: 'POST',
        ca: readFileSync(tls.ca),
        cert: readFileSync(tls.cert),
        key: readFileSync(tls.key),
        agent: false,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The watched Leases as each etcd member holds them. */
async function leasesInEtcd(lab: Lab, watched: readonly string[]): Promise<LabTruth['etcd']> {
  return Promise.all(
    lab.etcdEndpoints.map(async (endpoint) => {
      const member = new URL(endpoint).hostname;
      try {
        const answer = await etcdRange(lab, endpoint, '/registry/leases/', 1000);
        const leases = (answer.kvs ?? [])
          .map((kv) => ({ key: Buffer.from(kv.key, 'base64').toString('utf8').replace('/registry/leases/', ''), kv }))
          .filter(({ key }) => watched.includes(key))
          .map(({ key, kv }) => decodeStoredLease(key, Number(kv.mod_revision), Buffer.from(kv.value, 'base64')));
        return { member, leases };
      } catch (error) {
        return { member, error: (error as Error).message };
      }
    }),
  );
}

async function apiserverRead(lab: Lab, index: number, path: string): Promise<Record<string, unknown>> {
  try {
    const res = await lab.apiserver(index).raw(path, { timeoutMs: 1500 });
    if (res.status !== 200) return { status: res.status, error: res.body.slice(0, 160) };
    const lease = JSON.parse(res.body) as {
      metadata: { resourceVersion?: string };
      spec: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
    };
    return {
      status: 200,
      holderIdentity: lease.spec.holderIdentity || null,
      renewTime: lease.spec.renewTime ?? null,
      leaseDurationSeconds: lease.spec.leaseDurationSeconds ?? null,
      resourceVersion: lease.metadata.resourceVersion ?? null,
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const leasePath = (key: string) => {
  const [namespace, name] = key.split('/');
  return `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${name}`;
};

/**
 * Of the changes since `since`: each Lease's first and latest, and every one that changed its holder (renewals left
 * out).
 */
export function holderChanges(changes: readonly LeaseChange[], since: number): LeaseChange[] {
  const previous = new Map<string, LeaseChange>();
  const kept: LeaseChange[] = [];
  const latest = new Map<string, LeaseChange>();
  for (const change of changes) {
    const before = previous.get(change.key);
    previous.set(change.key, change);
    if (change.seenAt < since) continue;
    latest.set(change.key, change);
    if (!before || before.seenAt < since || before.holderIdentity !== change.holderIdentity) kept.push(change);
  }
  for (const change of latest.values()) if (!kept.includes(change)) kept.push(change);
  return kept.sort((a, b) => a.seenAt - b.seenAt);
}

/**
 * Polls etcd every `intervalMs` for changes of the watched Leases (so a release that another
 * candidate overwrites within a second is still on record), and takes full snapshots on demand.
 * `watched` are `<namespace>/<name>` keys.
 */
export function recordLeaseTruth(lab: Lab, watched: readonly string[], intervalMs = 500) {
  const changes: LeaseChange[] = [];
  // Polls no member answered: the record has a hole there, which a verdict must say.
  const unread: number[] = [];
  const latest = new Map<string, number>();
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      const started = Date.now();
      const members = await leasesInEtcd(lab, watched);
      if (members.every((member) => member.error !== undefined)) unread.push(started);
      for (const member of members)
        for (const lease of member.leases ?? []) {
          if ((latest.get(lease.key) ?? -1) >= lease.modRevision) continue;
          latest.set(lease.key, lease.modRevision);
          changes.push({ ...lease, seenAt: started });
        }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - started))));
    }
  };
  const polling = poll();
  let pending: { at: number; truth: Promise<LabTruth> } | null = null;

  const take = async (): Promise<LabTruth> => {
    const takenAt = Date.now();
    const apiserverIndexes = lab.topology.components.filter((c) => c.kind === 'kube-apiserver').map((c) => c.index);
    const [etcd, apiservers, processes] = await Promise.all([
      leasesInEtcd(lab, watched),
      Promise.all(
        apiserverIndexes.map(async (index) => {
          const reads = await Promise.all(
            watched.map(
              async (key) =>
                [
                  key,
                  await apiserverRead(lab, index, leasePath(key)),
                  await apiserverRead(lab, index, `${leasePath(key)}?resourceVersion=0`),
                ] as const,
            ),
          );
          return {
            index,
            consistent: Object.fromEntries(reads.map(([key, read]) => [key, read])),
            watchCache: Object.fromEntries(reads.map(([key, , cached]) => [key, cached])),
          };
        }),
      ),
      lab.processes(),
    ]);
    return {
      takenAt,
      etcd,
      apiservers,
      processes: processes.filter((p) => p.kind !== 'haproxy').map((p) => ({ id: p.id, state: p.state })),
      recentChanges: holderChanges(changes, takenAt - 60_000),
    };
  };

  return {
    /** The truth now; findings opening within 300 ms of each other share one snapshot. */
    snapshot(): Promise<LabTruth> {
      if (pending && Date.now() - pending.at < 300) return pending.truth;
      pending = { at: Date.now(), truth: take() };
      return pending.truth;
    },
    changes: () => changes,
    unread: (): readonly number[] => unread,
    async stop() {
      stopped = true;
      await polling;
    },
  };
}
