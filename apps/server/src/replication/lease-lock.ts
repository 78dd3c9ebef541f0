/**
 * lease-lock.ts is a LeaderLock on a coordination.k8s.io/v1 Lease in hawk's own namespace, for
 * replicas running in a cluster: the same lock kube-controller-manager and kube-scheduler take, so
 * hawk applies to itself what it checks in others.
 *
 * Clock skew. The Lease carries the holder's acquireTime and renewTime, written from the holder's
 * clock; this lock never judges expiry from them. Like client-go's leaderelection, each replica
 * remembers when it OBSERVED the record's bytes last change, stamped from its own (injected) clock,
 * and treats the record as expired once leaseDuration has passed since then with no change seen. A
 * replica whose clock runs ahead or behind the holder's therefore waits the same time; what matters
 * is only that the replicas' clocks advance at about the same rate over one lease duration. The cost
 * is that a newcomer waits a full lease duration before taking a record it has just seen, even one
 * that was already stale.
 *
 * Writes are optimistic: a replace carries the resourceVersion read, so of two replicas racing for a
 * vacant or expired Lease the apiserver lets one win and answers the other 409 Conflict. A missing
 * Lease is created; 409 AlreadyExists on create is the same lost race.
 *
 * RBAC: get, create and update on leases (coordination.k8s.io) in the Lease's namespace.
 */
import {
  CoordinationV1Api,
  type KubeConfig,
  type V1Lease,
  type V1LeaseSpec,
  V1MicroTime,
} from '@kubernetes/client-node';
import type { LeaderLock, LeaderRecord } from './leader-lock';
import type { Takeover } from './leadership';

/** Where the Lease lives: HAWK_LEADER_LEASE, `namespace/name`. */
export interface LeaseRef {
  readonly namespace: string;
  readonly name: string;
}

export interface LeaseLockConfig extends LeaseRef {
  /** Injected clock (epoch ms, default Date.now), to allow for less flaky testing. */
  readonly now?: () => number;
}

/** The calls the lock makes; CoordinationV1Api satisfies it, a test may fake it. */
export type LeaseApi = Pick<
  CoordinationV1Api,
  'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'
>;

const LEASE_REF = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/;

/** parseLeaseRef reads `namespace/name`; null when it is not two DNS names around one slash. */
export function parseLeaseRef(value: string): LeaseRef | null {
  const match = LEASE_REF.exec(value);
  return match ? { namespace: match[1]!, name: match[3]! } : null;
}

/** A Lease's MicroTime arrives as a string (the client does not revive it) or as a Date. */
function epochMs(value: Date | string | undefined): number | null {
  if (value === undefined || value === null) return null;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** leaseToRecord reads the neutral record out of a Lease; absent fields read as vacant and zero. */
export function leaseToRecord(lease: V1Lease): LeaderRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationMs: (spec.leaseDurationSeconds ?? 0) * 1_000,
    acquireTime: epochMs(spec.acquireTime),
    renewTime: epochMs(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

/** recordToLeaseSpec writes the record as a Lease spec; the duration is rounded up to whole seconds. */
export function recordToLeaseSpec(record: LeaderRecord): V1LeaseSpec {
  return {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: Math.max(1, Math.ceil(record.leaseDurationMs / 1_000)),
    ...(record.acquireTime === null ? {} : { acquireTime: new V1MicroTime(record.acquireTime) }),
    ...(record.renewTime === null ? {} : { renewTime: new V1MicroTime(record.renewTime) }),
    leaseTransitions: record.leaseTransitions,
  };
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** createLeaseLockFromKubeConfig builds the lock with the kubeconfig's (or the pod's) credentials. */
export function createLeaseLockFromKubeConfig(kubeconfig: KubeConfig, config: LeaseLockConfig): LeaderLock {
  return createLeaseLock(kubeconfig.makeApiClient(CoordinationV1Api), config);
}

/** createLeaseLock takes and renews leadership by writing the Lease at config.namespace/config.name. */
export function createLeaseLock(api: LeaseApi, config: LeaseLockConfig): LeaderLock {
  const { namespace, name } = config;
  const now = config.now ?? Date.now;
  // The record as last read or written, its bytes, and when (our clock) those bytes last changed.
  let observed: { record: LeaderRecord; bytes: string; at: number } | undefined;

  const observe = (lease: V1Lease): LeaderRecord => {
    const record = leaseToRecord(lease);
    const bytes = JSON.stringify(record);
    if (observed?.bytes !== bytes) observed = { record, bytes, at: now() };
    return record;
  };

  const read = async (): Promise<V1Lease | null> => {
    try {
      return await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  };

  /** Writes `record` over `current` (or creates it); false when another writer got there first. */
  const write = async (current: V1Lease | null, record: LeaderRecord): Promise<boolean> => {
    try {
      const spec = recordToLeaseSpec(record);
      const written = current
        ? await api.replaceNamespacedLease({ name, namespace, body: { ...current, spec } })
        : await api.createNamespacedLease({
            namespace,
            body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec },
          });
      observe(written);
      return true;
    } catch (error) {
      // 409: Conflict on replace (our resourceVersion is stale), AlreadyExists on create.
      if (statusOf(error) === 409) return false;
      throw error;
    }
  };

  const acquireOrRenew = async (identity: string, ttlMs: number, renewOnly: boolean): Promise<Takeover | false> => {
    // 1. Read the Lease; create it when there is none.
    const current = await read();
    const at = now();
    if (!current) {
      if (renewOnly) return false;
      return (
        (await write(null, {
          holderIdentity: identity,
          leaseDurationMs: ttlMs,
          acquireTime: at,
          renewTime: at,
          leaseTransitions: 0,
        })) && 'vacant'
      );
    }
    // 2. Stamp, from our clock, when its bytes last changed.
    const record = observe(current);
    const mine = record.holderIdentity === identity;
    if (renewOnly && !mine) return false;
    // 3. Another holder's record stands until leaseDuration has passed since we saw it change.
    if (!mine && record.holderIdentity !== '' && observed!.at + record.leaseDurationMs > at) return false;
    // 4. Write ourselves in; acquireTime and leaseTransitions change only when the holder does.
    // Taken from a named holder, the record expired under it; an empty holder released it.
    const takeover: Takeover = mine || record.holderIdentity === '' ? 'vacant' : 'expired';
    const written = await write(current, {
      holderIdentity: identity,
      leaseDurationMs: ttlMs,
      acquireTime: mine ? record.acquireTime : at,
      renewTime: at,
      leaseTransitions: mine ? record.leaseTransitions : record.leaseTransitions + 1,
    });
    return written && takeover;
  };

  return {
    tryAcquire: (identity, ttlMs) => acquireOrRenew(identity, ttlMs, false),
    renew: async (identity, ttlMs) => (await acquireOrRenew(identity, ttlMs, true)) !== false,
    async release(identity) {
      const current = await read();
      if (!current) return;
      const record = observe(current);
      if (record.holderIdentity !== identity) return;
      // As client-go: an empty holder with a one-second lease, which any replica may take at once.
      const at = now();
      await write(current, {
        holderIdentity: '',
        leaseDurationMs: 1_000,
        acquireTime: at,
        renewTime: at,
        leaseTransitions: record.leaseTransitions,
      });
    },
    async holder() {
      if (!observed) {
        const current = await read();
        if (current) observe(current);
      }
      return observed?.record.holderIdentity || null;
    },
  };
}
