import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROBE_INTERVAL_MS, resolveClusters } from '../../src/clusters/resolve-clusters';

// Builds clients only; nothing here dials the (loopback) server.
function kubeconfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: false }],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: [{ name: 'prod', cluster: 'c', user: 'u' }, { name: 'missing-cluster', cluster: 'nowhere', user: 'u' }],
    currentContext: 'prod',
  });
  return config;
}

describe('resolveClusters', () => {
  it('takes the probe interval from HAWK_PROBE_INTERVAL_MS (the Helm chart sets it), else the default', () => {
    expect(resolveClusters({ kubeconfig: kubeconfig(), contexts: ['prod'], env: {} })[0]?.probeIntervalMs).toBe(DEFAULT_PROBE_INTERVAL_MS);
    expect(resolveClusters({ kubeconfig: kubeconfig(), contexts: ['prod'], env: { HAWK_PROBE_INTERVAL_MS: '5000' } })[0]?.probeIntervalMs).toBe(5000);
    expect(resolveClusters({ kubeconfig: kubeconfig(), contexts: ['prod'], probeIntervalMs: 700, env: { HAWK_PROBE_INTERVAL_MS: '5000' } })[0]?.probeIntervalMs).toBe(700);
  });

  it.each(['50', '1.5', 'fast', '9999999'])('refuses HAWK_PROBE_INTERVAL_MS=%s, naming the variable', (value) => {
    expect(() => resolveClusters({ kubeconfig: kubeconfig(), contexts: ['prod'], env: { HAWK_PROBE_INTERVAL_MS: value } })).toThrow(/HAWK_PROBE_INTERVAL_MS/);
  });

  it('turns a context the kubeconfig lacks into that cluster\'s own error', () => {
    const [prod, ghost] = resolveClusters({ kubeconfig: kubeconfig(), contexts: ['prod', 'ghost'], env: {} });
    expect(prod?.error).toBeNull();
    expect(ghost?.error).toContain('"ghost" is not in the kubeconfig');
  });
});
