import type { Evidence } from '@hawk/core';
import { formatBytes, formatClock, formatDuration, formatMs } from './format';

/**
 * Evidence as a person reads it: "silent for 3.8 s", "renews every 2.0 s", "expires at 04:54:08".
 * Rules name their evidence by machine keys (silentMs, expiresAt); the raw key and value stay
 * available (shown on hover) so nothing is hidden behind the wording.
 */

type Unit = 'duration' | 'clock' | 'bytes' | 'seconds' | 'plain';

interface EvidenceWording {
  /** The value with its unit, already formatted, into a phrase. */
  readonly phrase: (value: string) => string;
  /** What the key is about, for a missing (null) value: "silence: unknown". */
  readonly noun: string;
  readonly unit: Unit;
}

const w = (unit: Unit, noun: string, phrase: (value: string) => string): EvidenceWording => ({ unit, noun, phrase });

/** Every evidence key core's rules write (packages/core/src/rules), worded. Unknown keys fall back to their suffix. */
export const EVIDENCE_WORDING: Readonly<Record<string, EvidenceWording>> = {
  // leader election
  holder: w('plain', 'holder', (v) => `held by ${v}`),
  holders: w('plain', 'holders', (v) => `holders ${v}`),
  silentMs: w('duration', 'silence', (v) => `silent for ${v}`),
  cadenceMs: w('duration', 'renewal cadence', (v) => `renews every ${v}`),
  expiresAt: w('clock', 'expiry', (v) => `expires at ${v}`),
  expiredAt: w('clock', 'expiry', (v) => `expired at ${v}`),
  leaseDurationSeconds: w('seconds', 'lease duration', (v) => `lease lasts ${v}`),
  renewTime: w('plain', 'renewTime', (v) => `holder wrote renewTime ${v}`),
  standbys: w('plain', 'standbys', (v) => `${v} standby${v === '1' ? '' : 's'} ready`),
  candidates: w('plain', 'candidates', (v) => `${v} candidate${v === '1' ? '' : 's'}`),
  live: w('plain', 'live candidates', (v) => `${v} live`),
  lease: w('plain', 'lease', (v) => `lease ${v}`),
  deleted: w('plain', 'deleted', (v) => (v === 'true' ? 'the Lease object is deleted' : 'the Lease object exists')),
  transitions: w('plain', 'transitions', (v) => `${v} leader change${v === '1' ? '' : 's'}`),
  windowMs: w('duration', 'window', (v) => `within ${v}`),
  source: w('plain', 'source', (v) => `from ${v}`),
  // apiservers and the front door
  instance: w('plain', 'instance', (v) => `instance ${v}`),
  instances: w('plain', 'instances', (v) => `${v} instance${v === '1' ? '' : 's'}`),
  serving: w('plain', 'serving', (v) => `${v} serving`),
  total: w('plain', 'total', (v) => `of ${v}`),
  down: w('plain', 'down', (v) => `down: ${v}`),
  failedChecks: w('plain', 'failing checks', (v) => `failing checks: ${v}`),
  httpStatus: w('plain', 'HTTP status', (v) => `HTTP ${v}`),
  error: w('plain', 'error', (v) => `error: ${v}`),
  lastOkAt: w('clock', 'last success', (v) => `last ok at ${v}`),
  server: w('plain', 'server', (v) => `server ${v}`),
  apiserverPods: w('plain', 'apiserver pods', (v) => `${v} apiserver pod${v === '1' ? '' : 's'}`),
  leaderLeases: w('plain', 'leader leases', (v) => `${v} leader lease${v === '1' ? '' : 's'}`),
  apiserversReportingEtcdOk: w('plain', 'apiservers reporting etcd ok', (v) => `${v} apiservers report etcd ok`),
  answered: w('plain', 'answered', (v) => `${v} answered`),
  // etcd
  voters: w('plain', 'voting members', (v) => `${v} voting member${v === '1' ? '' : 's'}`),
  quorum: w('plain', 'quorum', (v) => `quorum needs ${v}`),
  healthy: w('plain', 'healthy', (v) => `${v} healthy`),
  failuresTolerated: w('plain', 'failures tolerated', (v) => `tolerates ${v} failure${v === '1' ? '' : 's'}`),
  toleratesWhenHealthy: w(
    'plain',
    'failures tolerated when healthy',
    (v) => `tolerates ${v} failure${v === '1' ? '' : 's'} when all are healthy`,
  ),
  raftTerm: w('plain', 'raft term', (v) => `raft term ${v}`),
  changes: w('plain', 'leader changes', (v) => `${v} leader change${v === '1' ? '' : 's'}`),
  alarm: w('plain', 'alarm', (v) => `alarm ${v}`),
  member: w('plain', 'member', (v) => `member ${v}`),
  memberId: w('plain', 'member id', (v) => `member id ${v}`),
  dbSizeBytes: w('bytes', 'database size', (v) => `database ${v}`),
  dbSizeInUseBytes: w('bytes', 'in use', (v) => `${v} in use`),
  quotaBytes: w('bytes', 'quota', (v) => `quota ${v}`),
  // topology and hawk itself
  node: w('plain', 'node', (v) => `node ${v}`),
  nodes: w('plain', 'nodes', (v) => `${v} node${v === '1' ? '' : 's'}`),
  controlPlaneNodes: w('plain', 'control-plane nodes', (v) => `${v} control-plane node${v === '1' ? '' : 's'}`),
  zone: w('plain', 'zone', (v) => `zone ${v}`),
  ready: w('plain', 'ready', (v) => (v === 'true' ? 'node ready' : 'node not ready')),
  apiservers: w('plain', 'apiservers', (v) => `${v} apiserver${v === '1' ? '' : 's'} on it`),
  etcdMembers: w('plain', 'etcd members', (v) => `${v} etcd member${v === '1' ? '' : 's'} on it`),
  topology: w('plain', 'topology', (v) => `topology ${v}`),
  evidence: w('plain', 'seen', (v) => `seen: ${v}`),
  state: w('plain', 'state', (v) => `state ${v}`),
  lastEventAt: w('clock', 'last event', (v) => `last event at ${v}`),
  detail: w('plain', 'detail', (v) => v),
  since: w('clock', 'since', (v) => `since ${v}`),
};

/** "someThingMs" → "some thing". */
function words(key: string): string {
  return key
    .replace(/(Ms|At|Bytes|Seconds)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function unitOf(key: string): Unit {
  if (/Ms$/.test(key)) return 'duration';
  if (/At$/.test(key)) return 'clock';
  if (/Bytes$/.test(key)) return 'bytes';
  if (/Seconds$/.test(key)) return 'seconds';
  return 'plain';
}

/** A duration in the precision that matters at its size: "3.8 s" under a minute, "10 min 00 s" above. */
export function formatSpan(ms: number): string {
  return Math.abs(ms) < 60_000 ? formatMs(ms) : formatDuration(ms);
}

function formatValue(unit: Unit, value: string | number | boolean): string {
  if (typeof value !== 'number') return String(value);
  switch (unit) {
    case 'duration':
      return formatSpan(value);
    // Epoch ms only: a small number under an *At key is not a moment.
    case 'clock':
      return value > 1e12 ? formatClock(value) : String(value);
    case 'bytes':
      return formatBytes(value);
    case 'seconds':
      return `${value} s`;
    case 'plain':
      return String(value);
  }
}

export interface EvidenceLine {
  /** The machine key, as the API and history carry it. */
  readonly key: string;
  /** The sentence a person reads. */
  readonly text: string;
  /** key = raw value, for the hover title. */
  readonly raw: string;
}

/** describeEvidence words one evidence entry; a null value reads "<noun>: unknown". */
export function describeEvidence(key: string, value: string | number | boolean | null): EvidenceLine {
  const wording = Object.hasOwn(EVIDENCE_WORDING, key) ? EVIDENCE_WORDING[key]! : null;
  const raw = `${key} = ${value === null ? 'null' : String(value)}`;
  const noun = wording?.noun ?? words(key);
  if (value === null) return { key, text: `${noun}: unknown`, raw };
  const formatted = formatValue(wording?.unit ?? unitOf(key), value);
  return { key, text: wording ? wording.phrase(formatted) : `${noun}: ${formatted}`, raw };
}

/** Every entry of a finding's evidence, worded, in the rule's order. */
export function describeEvidenceList(evidence: Evidence): readonly EvidenceLine[] {
  return Object.entries(evidence).map(([key, value]) => describeEvidence(key, value));
}
