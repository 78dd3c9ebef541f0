import {
  DEFAULT_CONFIG,
  evaluateCluster,
  nodeOfIdentity,
  setLeaseCandidates,
  type ClusterInput,
  type ClusterState,
  type HawkConfig,
  type LeaseCandidate,
} from '@hawk/core';
import { aCluster } from '@hawk/core/testing';
import fc from 'fast-check';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { EtcdPanel } from './etcd-panel';
import { LeasesPanel } from './leases-panel';

/**
 * The screen and the findings read one judgement: over random candidate sets and DB sizes, what the panels render
 * (as the server renders them) is what core published, and agrees with the finding core raised from it.
 */

/** Hundreds of judgements and renders are CPU-bound: on a loaded 2-core machine they take seconds, not a failure. */
const PROPERTY_TIMEOUT_MS = 60_000;

const cluster = aCluster().withApiServers(3).withLease('kube-controller-manager').withEtcd(3).withNodes(3);
const INPUT = cluster.build();
const LEASE_KEY = Object.keys(INPUT.leases)[0]!;
const NOW = cluster.now;

/** Hosts as identities and pods carry them; `cp_4` has an underscore, null is a node not known yet. */
const HOSTS = ['cp-1', 'cp-2', 'cp-3', 'cp_4', null] as const;
const LIVENESS = [true, false, null, undefined] as const;

interface CandidateSet {
  readonly source: LeaseCandidate['source'];
  readonly candidates: readonly LeaseCandidate[];
  readonly holder: string | null;
}

const candidateSetArb: fc.Arbitrary<CandidateSet> = fc
  .record({
    source: fc.constantFrom('lease-candidate' as const, 'pod' as const),
    entries: fc.array(fc.record({ host: fc.constantFrom(...HOSTS), live: fc.constantFrom(...LIVENESS) }), {
      maxLength: 6,
    }),
    // The holder: nobody, one of the candidates, or a process on some host that is not among them.
    holder: fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.record({ kind: fc.constant('candidate' as const), index: fc.nat() }),
      fc.record({ kind: fc.constant('elsewhere' as const), host: fc.constantFrom('cp-1', 'cp_4', 'ip-10-0-0-9') }),
    ),
  })
  .map(({ source, entries, holder }) => {
    const candidates = entries.map(({ host, live }, index): LeaseCandidate => {
      // LeaseCandidates carry the identity the process writes as holder; pods are named after the pod.
      const identity =
        source === 'lease-candidate'
          ? `${host ?? 'scheduler'}${host ? '_' : '-'}${index}`
          : `kube-controller-manager-${index}`;
      const node = source === 'lease-candidate' ? nodeOfIdentity(identity) : host;
      return { identity, node, source, observedRenewAt: null, ...(live === undefined ? {} : { live }) };
    });
    const holderIdentity =
      holder.kind === 'none'
        ? null
        : holder.kind === 'candidate' && candidates.length > 0
          ? source === 'lease-candidate'
            ? candidates[holder.index % candidates.length]!.identity
            : `${candidates[holder.index % candidates.length]!.node ?? 'cp-9'}_holder`
          : `${holder.kind === 'elsewhere' ? holder.host : 'cp-1'}_holder`;
    return { source, candidates, holder: holderIdentity };
  });

function judge({ source, candidates, holder }: CandidateSet): ClusterState {
  const track = INPUT.leases[LEASE_KEY]!;
  const withHolder = { ...track, record: { ...track.record!, holderIdentity: holder } };
  const input: ClusterInput = { ...INPUT, leases: { [LEASE_KEY]: setLeaseCandidates(withHolder, candidates, source) } };
  return evaluateCluster(input, null, DEFAULT_CONFIG, NOW).state;
}

const parse = (html: string) => new DOMParser().parseFromString(html, 'text/html');

describe('standbys: the lease card shows what core judged, and the finding agrees', () => {
  it(
    'over random candidate sets',
    () => {
      fc.assert(
        fc.property(candidateSetArb, (set) => {
          const state = judge(set);
          const lease = state.leases[0]!;
          const card = parse(renderToStaticMarkup(<LeasesPanel leases={state.leases} watch={state.sources.leases} />));
          const chips = [...card.querySelectorAll('[data-testid="standby"]')];
          const shown = chips.map((chip) => chip.getAttribute('title'));

          // The screen lists core's standbys, each by its node (else its identity), and counts them.
          expect(shown).toEqual(lease.standbys.map((standby) => standby.identity));
          expect(chips.map((chip) => chip.textContent)).toEqual(
            lease.standbys.map((standby) => standby.node ?? standby.identity),
          );
          expect(card.querySelector('[data-testid="standbys"] .label')?.textContent).toBe(
            `standbys (${shown.length}):`,
          );

          // What a standby is: a candidate, not the holder, not known dead.
          for (const identity of shown) {
            const candidate = set.candidates.find((c) => c.identity === identity);
            expect(candidate, `${identity} is a candidate`).toBeDefined();
            expect(identity).not.toBe(set.holder);
            expect(candidate!.live).not.toBe(false);
          }

          // The finding fires exactly when the screen shows no one to take over (with no holder: one or none to lead).
          const finding = state.findings.find((f) => f.ruleId === 'LeaderElectionSingleCandidate');
          const noStandby = set.holder === null ? shown.length <= 1 : shown.length === 0;
          expect(finding !== undefined).toBe(set.candidates.length > 0 && noStandby);
          if (finding) expect(finding.evidence.standbys).toBe(shown.length);
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

const TONE: Readonly<Record<string, string>> = { ok: 'ok', warning: 'warn', critical: 'bad' };

describe('etcd DB: the bar shows the severity core judged with the configured ratios, the finding agrees', () => {
  const configArb = fc
    .tuple(fc.integer({ min: 10, max: 90 }), fc.integer({ min: 1, max: 10 }))
    .map(([warn, gap]): HawkConfig => ({
      ...DEFAULT_CONFIG,
      etcdDbWarnRatio: warn / 100,
      etcdDbCriticalRatio: Math.min(1, (warn + gap) / 100),
    }));

  it(
    'over random DB sizes and ratios',
    () => {
      fc.assert(
        fc.property(
          configArb,
          fc.array(fc.double({ min: 0, max: 1.1, noNaN: true }), { minLength: 3, maxLength: 3 }),
          (config, ratios) => {
            const members = INPUT.etcd.members.map((member, index) => ({
              ...member,
              status: { ...member.status!, dbSizeBytes: Math.round(ratios[index]! * INPUT.etcd.quotaBytes) },
            }));
            const state = evaluateCluster({ ...INPUT, etcd: { ...INPUT.etcd, members } }, null, config, NOW).state;
            const panel = parse(renderToStaticMarkup(<EtcdPanel etcd={state.etcd} />));
            const bars = [...panel.querySelectorAll('[data-testid="etcd-db"]')];

            expect(bars.map((bar) => bar.getAttribute('data-severity'))).toEqual(
              state.etcd.dbUse.map((use) => use.severity),
            );
            for (const [index, member] of state.etcd.members.entries()) {
              // What the eye sees is the colour: the finding's severity, or none, picks it.
              const finding = state.findings.find((f) => f.ruleId === 'EtcdDbNearQuota' && f.subject === member.name);
              expect(
                bars[index]!.classList.contains(`tone-${TONE[finding?.severity ?? 'ok']}`),
                `${member.name}: ${bars[index]!.className}`,
              ).toBe(true);
            }
          },
        ),
        { numRuns: 200 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
