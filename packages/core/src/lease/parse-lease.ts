import type { LeaseRecord } from '../model/lease';

/**
 * parseLease reads the leader-election fields of a raw Lease as @kubernetes/client-node returns it
 * (plain JSON, where MicroTime fields may already be Date objects). A lease missing its holder,
 * renew time or duration still parses, with nulls: judging it malformed is the status's job, and a
 * broken object must be shown, not dropped. Only something that cannot be keyed is an error.
 */
export function parseLease(obj: unknown): LeaseRecord | { error: string } {
  if (!isObject(obj)) return { error: 'lease is not an object' };
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  const spec = isObject(obj.spec) ? obj.spec : {};
  const name = nonEmptyString(metadata.name);
  if (name === null) return { error: 'lease has no metadata.name' };
  const labels = stringRecord(metadata.labels);
  return {
    namespace: nonEmptyString(metadata.namespace) ?? 'default',
    name,
    holderIdentity: nonEmptyString(spec.holderIdentity),
    acquireTime: timestamp(spec.acquireTime),
    renewTime: timestamp(spec.renewTime),
    leaseDurationSeconds: finiteNumber(spec.leaseDurationSeconds),
    leaseTransitions: finiteNumber(spec.leaseTransitions),
    resourceVersion: nonEmptyString(metadata.resourceVersion) ?? '',
    strategy: nonEmptyString(spec.strategy),
    ...(labels ? { labels } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function finiteNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** MicroTime as an RFC 3339 string; client-node hands out Date objects, which lose the microseconds. */
function timestamp(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return null;
  return value;
}

function stringRecord(value: unknown): Record<string, string> | null {
  if (!isObject(value)) return null;
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
