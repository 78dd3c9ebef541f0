import { describe, expect, it } from 'vitest';
import { componentLiveness, containerStartKey, type ComponentLivenessInput } from './component-liveness';

const refused = { live: false, httpStatus: null, error: 'connect ECONNREFUSED 10.0.0.12:10257' } as const;
const healthy = { live: true, httpStatus: 200, error: null } as const;
const base: ComponentLivenessInput = {
  unprobeable: null,
  probe: null,
  answeredSinceStart: false,
  podReady: null,
  nodeReady: true,
};

describe('componentLiveness', () => {
  it.each<[string, Partial<ComponentLivenessInput>, boolean | null, string]>([
    // kubeadm's default: the mirror pod's command says 127.0.0.1, so hawk never probes; the kubelet judges.
    [
      'kubeadm --bind-address=127.0.0.1, pod Ready',
      { unprobeable: '--bind-address=127.0.0.1: health endpoint only reachable on the node', podReady: true },
      true,
      'kubelet-readiness',
    ],
    [
      'kubeadm --bind-address=127.0.0.1, pod not Ready',
      { unprobeable: '--bind-address=127.0.0.1', podReady: false },
      false,
      'kubelet-readiness',
    ],
    [
      'kubeadm --bind-address=127.0.0.1, no readiness known',
      { unprobeable: '--bind-address=127.0.0.1' },
      null,
      'not-observable',
    ],
    [
      'loopback-bound, node not ready: the kubelet report is stale',
      { unprobeable: '--bind-address=127.0.0.1', podReady: true, nodeReady: false },
      null,
      'not-observable',
    ],
    // The false alarm: refused from the start while the kubelet says Ready is a port out of reach, not a death.
    ['refused from the start, pod Ready', { probe: refused, podReady: true }, true, 'kubelet-readiness'],
    ['refused from the start, readiness unknown', { probe: refused }, null, 'not-observable'],
    ['refused from the start, pod not Ready', { probe: refused, podReady: false }, false, 'kubelet-readiness'],
    // Once it has answered in this container's life, the endpoint is believed: a refusal then is the process gone.
    [
      'answered before, refused now, mirror pod still Ready',
      { probe: refused, answeredSinceStart: true, podReady: true },
      false,
      'health-endpoint',
    ],
    [
      'answered before, times out now',
      { probe: { live: false, httpStatus: null, error: 'no answer within 1000 ms' }, answeredSinceStart: true },
      false,
      'health-endpoint',
    ],
    ['answers 200', { probe: healthy, answeredSinceStart: true, podReady: true }, true, 'health-endpoint'],
    [
      'answers 500 while the pod says Ready',
      {
        probe: { live: false, httpStatus: 500, error: 'HTTP 500: [-]leaderElection failed' },
        answeredSinceStart: true,
        podReady: true,
      },
      false,
      'health-endpoint',
    ],
    [
      'answers 403: up, not readable',
      { probe: { live: null, httpStatus: 403, error: 'HTTP 403' }, answeredSinceStart: true },
      null,
      'health-endpoint',
    ],
    ['not probed yet, pod Ready', { podReady: true }, true, 'kubelet-readiness'],
  ])('%s', (_name, overrides, live, basis) => {
    const judged = componentLiveness({ ...base, ...overrides });
    expect(judged.live).toBe(live);
    expect(judged.basis).toBe(basis);
    expect(judged.note.length).toBeGreaterThan(0);
  });

  it('never says down for a port it could never reach', () => {
    for (const podReady of [true, null]) {
      for (const nodeReady of [true, false, null]) {
        expect(
          componentLiveness({
            unprobeable: '--bind-address=127.0.0.1',
            probe: null,
            answeredSinceStart: false,
            podReady,
            nodeReady,
          }).live,
        ).not.toBe(false);
        expect(
          componentLiveness({ unprobeable: null, probe: refused, answeredSinceStart: false, podReady, nodeReady }).live,
        ).not.toBe(false);
      }
    }
  });

  it('says why in words an SRE reads', () => {
    expect(
      componentLiveness({
        ...base,
        unprobeable: '--bind-address=127.0.0.1: health endpoint only reachable on the node',
      }).note,
    ).toBe('--bind-address=127.0.0.1: health endpoint only reachable on the node: not observable from here');
  });

  it('a restart is a new container life', () => {
    expect(containerStartKey('2026-12-02T04:00:00Z', 0)).not.toBe(containerStartKey('2026-12-02T04:05:00Z', 1));
    expect(containerStartKey(null, null)).toBe('?#?');
  });
});
