import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '@hawk/core';
import { parseConfigFile } from '../../src/clusters/cluster-config';
import { loadKubeContexts, resolveClusters } from '../../src/clusters/resolve-clusters';
import { MAX_PROBE_INTERVAL_MS, SERVER_DEFAULTS } from '../../src/defaults';
import { loadEnv } from '../../src/env';

// Builds clients only; nothing here dials the (loopback) server.
function kubeconfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: false }],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: [
      { name: 'prod', cluster: 'c', user: 'u' },
      { name: 'missing-cluster', cluster: 'nowhere', user: 'u' },
    ],
    currentContext: 'prod',
  });
  return config;
}

describe('resolveClusters', () => {
  it('takes the probe interval from HAWK_PROBE_INTERVAL_MS (the Helm chart sets it), else the default', () => {
    expect(
      resolveClusters({ kubeconfig: kubeconfig(), contexts: ['prod'], env: loadEnv({}) })[0]?.probeIntervalMs,
    ).toBe(SERVER_DEFAULTS.probeIntervalMs);
    expect(
      resolveClusters({
        kubeconfig: kubeconfig(),
        contexts: ['prod'],
        env: loadEnv({ HAWK_PROBE_INTERVAL_MS: '3000' }),
      })[0]?.probeIntervalMs,
    ).toBe(3000);
    expect(
      resolveClusters({
        kubeconfig: kubeconfig(),
        contexts: ['prod'],
        probeIntervalMs: 700,
        env: loadEnv({ HAWK_PROBE_INTERVAL_MS: '3000' }),
      })[0]?.probeIntervalMs,
    ).toBe(700);
  });

  it("refuses an interval too slow for core's load balancer grace, in env and config file alike, saying why", () => {
    // The front door is asked every second interval in calm mode: two intervals must stay under the grace.
    expect(MAX_PROBE_INTERVAL_MS).toBe(3499);
    expect(2 * MAX_PROBE_INTERVAL_MS).toBeLessThan(DEFAULT_CONFIG.loadBalancerFailureGraceMs);
    expect(loadEnv({ HAWK_PROBE_INTERVAL_MS: String(MAX_PROBE_INTERVAL_MS) }).HAWK_PROBE_INTERVAL_MS).toBe(3499);
    const why = /must be an integer from 200 to 3499 ms: .*loadBalancerFailureGraceMs \(7000 ms\) \(got "?3500"?\)/;
    expect(() => loadEnv({ HAWK_PROBE_INTERVAL_MS: '3500' })).toThrow(why);
    for (const text of [
      'probeIntervalMs: 3500\nclusters: [{ context: prod }]',
      'clusters: [{ context: prod, probeIntervalMs: 3500 }]',
    ]) {
      const parsed = parseConfigFile(text, 'hawk.yaml');
      expect('error' in parsed ? parsed.error : 'accepted').toMatch(why);
    }
    expect(parseConfigFile('probeIntervalMs: 3499\nclusters: [{ context: prod }]', 'hawk.yaml')).toEqual({
      config: { probeIntervalMs: 3499, clusters: [{ context: 'prod', labels: {} }] },
    });
    // The chart refuses the same at install time, in seconds (its template sends them as integer ms).
    const chartSchema = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../../deploy/helm/hawk/values.schema.json'), 'utf8'),
    ) as { properties: { probeIntervalSeconds: { maximum: number } } };
    expect(Math.trunc(chartSchema.properties.probeIntervalSeconds.maximum * 1000)).toBe(MAX_PROBE_INTERVAL_MS);
  });

  it.each(['50', '1.5', 'fast', '9999999'])('refuses HAWK_PROBE_INTERVAL_MS=%s, naming the variable', (value) => {
    expect(() => loadEnv({ HAWK_PROBE_INTERVAL_MS: value })).toThrow(
      /invalid environment variable HAWK_PROBE_INTERVAL_MS/,
    );
  });

  it('watches leases in HAWK_LEASE_NAMESPACES besides kube-system, which is never listed twice', () => {
    expect(
      resolveClusters({ kubeconfig: kubeconfig(), contexts: ['prod'], env: loadEnv({}) })[0]?.leaseNamespaces,
    ).toEqual([]);
    expect(
      resolveClusters({
        kubeconfig: kubeconfig(),
        contexts: ['prod'],
        env: loadEnv({ HAWK_LEASE_NAMESPACES: 'cert-manager,kube-system,cert-manager' }),
      })[0]?.leaseNamespaces,
    ).toEqual(['cert-manager']);
  });

  it("turns a context the kubeconfig lacks into that cluster's own error", () => {
    const [prod, ghost] = resolveClusters({ kubeconfig: kubeconfig(), contexts: ['prod', 'ghost'], env: loadEnv({}) });
    expect(prod?.error).toBeNull();
    expect(ghost?.error).toContain('"ghost" is not in the kubeconfig');
  });
});

describe('loadKubeConfig in a pod', () => {
  it("watches the pod's own cluster besides the KUBECONFIG's neighbours (the chart's extraKubeconfigSecret)", () => {
    const root = mkdtempSync(join(tmpdir(), 'hawk-sa-'));
    const serviceAccount = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(serviceAccount, { recursive: true });
    writeFileSync(join(serviceAccount, 'token'), 'not-a-real-token');
    writeFileSync(join(serviceAccount, 'ca.crt'), '');
    const neighbours = join(root, 'neighbours.yaml');
    writeFileSync(neighbours, kubeconfig().exportConfig());
    const saved = {
      KUBECONFIG: process.env.KUBECONFIG,
      KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST,
      KUBERNETES_SERVICE_PORT: process.env.KUBERNETES_SERVICE_PORT,
    };
    // The library reads these from process.env itself.
    Object.assign(process.env, {
      KUBECONFIG: neighbours,
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: '6443',
    });
    try {
      const inPod = loadKubeContexts(loadEnv(process.env), root);
      expect(inPod.contexts.map((context) => [context.name, context.source])).toEqual([
        ['prod', neighbours],
        ['missing-cluster', neighbours],
        ['inClusterContext', 'in-cluster'],
      ]);
      expect(inPod.current).toBe('prod');
      expect(inPod.contexts[2]?.kubeConfig.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
      const outsidePod = loadKubeContexts(loadEnv({ KUBECONFIG: neighbours }), root);
      expect(outsidePod.contexts.map((context) => context.name)).not.toContain('inClusterContext');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
