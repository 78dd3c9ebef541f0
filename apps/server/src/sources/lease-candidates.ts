import type { KubeClient } from '../clusters/kube-client';
import { field, list, nameOf, text, type Mapped } from './raw';
import { SERVER_DEFAULTS } from '../defaults';

/** API versions that serve LeaseCandidate, newest first (coordinated leader election). */
export const LEASE_CANDIDATE_VERSIONS = ['v1', 'v1beta1', 'v1alpha2'] as const;

export interface LeaseCandidateObservation {
  readonly name: string;
  /** The leader lease this candidate runs for, e.g. kube-controller-manager. */
  readonly leaseName: string;
  /** The candidate's own renewTime, compared only with its previous value. */
  readonly renewTime: string | null;
  readonly binaryVersion: string | null;
  readonly emulationVersion: string | null;
}

export function mapLeaseCandidate(raw: unknown): Mapped<LeaseCandidateObservation> {
  const name = nameOf(raw);
  if (name === null) return { error: 'lease candidate has no metadata.name' };
  const leaseName = text(field(raw, 'spec', 'leaseName'));
  if (leaseName === null) return { error: `lease candidate ${name} has no spec.leaseName` };
  const renew = field(raw, 'spec', 'renewTime');
  return {
    key: name,
    value: {
      name,
      leaseName,
      renewTime: renew instanceof Date ? renew.toISOString() : text(renew),
      binaryVersion: text(field(raw, 'spec', 'binaryVersion')),
      emulationVersion: text(field(raw, 'spec', 'emulationVersion')),
    },
  };
}

/** candidateIdentity strips the "<lease>-" prefix the components give their LeaseCandidate objects. */
export function candidateIdentity(candidate: LeaseCandidateObservation): string {
  return candidate.name.startsWith(`${candidate.leaseName}-`)
    ? candidate.name.slice(candidate.leaseName.length + 1)
    : candidate.name;
}

/** pickServedVersion reads an API group's discovery document: the first version listing leasecandidates. */
export function pickServedVersion(groupVersions: Readonly<Record<string, unknown>>): string | null {
  for (const version of LEASE_CANDIDATE_VERSIONS) {
    const resources = field(groupVersions[version], 'resources');
    if (Array.isArray(resources) && resources.some((resource) => field(resource, 'name') === 'leasecandidates'))
      return version;
  }
  return null;
}

/** discoverLeaseCandidates asks the API which coordination.k8s.io version serves LeaseCandidates, if any. */
export async function discoverLeaseCandidates(client: KubeClient, signal: AbortSignal): Promise<string | null> {
  const group = await client.open('/apis/coordination.k8s.io', {
    signal,
    headersTimeoutMs: SERVER_DEFAULTS.discoveryTimeoutMs,
  });
  const groupText = await group.body.text();
  if (group.status !== 200) throw new Error(`discovery /apis/coordination.k8s.io: HTTP ${group.status}`);
  const served = new Set(
    list(field(JSON.parse(groupText), 'versions')).map((version) => text(field(version, 'version'))),
  );
  const documents: Record<string, unknown> = {};
  for (const version of LEASE_CANDIDATE_VERSIONS) {
    if (!served.has(version)) continue;
    const response = await client.open(`/apis/coordination.k8s.io/${version}`, {
      signal,
      headersTimeoutMs: SERVER_DEFAULTS.discoveryTimeoutMs,
    });
    const body = await response.body.text();
    if (response.status === 200) documents[version] = JSON.parse(body);
  }
  return pickServedVersion(documents);
}
