import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_CONFIG, type KubeadmConfigSignal } from '@hawk/core';
import { describe, expect, it } from 'vitest';
import { parseConfigFile } from '../../src/clusters/cluster-config';
import { discoveredName, nameCluster, namedByEnv } from '../../src/clusters/cluster-name';
import { resolveClusters } from '../../src/clusters/resolve-clusters';
import { loadEnv } from '../../src/env';
import { ClusterObservationFold } from '../../src/hub/observation-fold';
import { parseKubeadmConfig } from '../../src/sources/cluster-info';

// Clients are built, never dialled: the servers are loopback addresses nothing listens on.
function kubeconfig(contexts: readonly string[]): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: false }],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: contexts.map((name) => ({ name, cluster: 'c', user: 'u' })),
    currentContext: contexts[0] ?? '',
  });
  return config;
}

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hawk-names-')), 'hawk.yaml');
  writeFileSync(path, text);
  return path;
}

/** The names resolveClusters gives, by context, and whether kubeadm may still rename each. */
function names(
  contexts: readonly string[],
  env: Record<string, string>,
  file?: string,
): Record<string, [string, boolean]> {
  const targets = resolveClusters({
    kubeconfig: kubeconfig(contexts),
    env: loadEnv(env),
    ...(file ? { configFile: file } : {}),
  });
  return Object.fromEntries(targets.map((target) => [target.context, [target.name, target.nameDiscoverable]]));
}

const kubeadm = (clusterName: string | null): KubeadmConfigSignal => ({
  controlPlaneEndpoint: null,
  etcd: 'local',
  kubernetesVersion: null,
  clusterName,
});

describe('cluster names: HAWK_CONFIG > HAWK_CLUSTER_NAME > kubeadm clusterName > fallback', () => {
  const inPod = ['inClusterContext', 'prod'];

  it('1. the name in HAWK_CONFIG wins, for the in-cluster context too', () => {
    const file = configFile(
      'clusters:\n  - { context: inClusterContext, name: from-file }\n  - { context: prod, name: "Prod EU" }\n',
    );
    expect(names(inPod, { HAWK_CLUSTER_NAME: 'from-env', HAWK_CLUSTER_NAME_FALLBACK: 'hawk/hawk' }, file)).toEqual({
      inClusterContext: ['from-file', false],
      prod: ['Prod EU', false],
    });
  });

  it('2. HAWK_CLUSTER_NAME names the in-cluster context, not its kubeconfig neighbours', () => {
    expect(names(inPod, { HAWK_CLUSTER_NAME: 'prod-eu (Frankfurt)', HAWK_CLUSTER_NAME_FALLBACK: 'hawk/hawk' })).toEqual(
      {
        inClusterContext: ['prod-eu (Frankfurt)', false],
        prod: ['prod', false],
      },
    );
    // A file naming only the neighbour leaves the in-cluster context to HAWK_CLUSTER_NAME.
    const file = configFile('clusters:\n  - { context: inClusterContext }\n  - { context: prod, name: neighbour }\n');
    expect(names(inPod, { HAWK_CLUSTER_NAME: 'home' }, file)).toEqual({
      inClusterContext: ['home', false],
      prod: ['neighbour', false],
    });
  });

  it('2. outside a pod, HAWK_CLUSTER_NAME names the only context watched, and none of several', () => {
    expect(names(['kubernetes-admin@kubernetes'], { HAWK_CLUSTER_NAME: 'lab' })).toEqual({
      'kubernetes-admin@kubernetes': ['lab', false],
    });
    expect(names(['a', 'b'], { HAWK_CLUSTER_NAME: 'lab' })).toEqual({ a: ['a', false], b: ['b', false] });
    expect(namedByEnv(['a', 'inClusterContext'])).toBe('inClusterContext');
    expect(namedByEnv(['a'])).toBe('a');
    expect(namedByEnv(['a', 'b'])).toBeNull();
    expect(namedByEnv([])).toBeNull();
  });

  it('3. unnamed, the in-cluster context takes the clusterName kubeadm reports once read', () => {
    const [target] = resolveClusters({
      kubeconfig: kubeconfig(['inClusterContext']),
      env: loadEnv({ HAWK_CLUSTER_NAME_FALLBACK: 'monitoring/hawk' }),
    });
    expect(target).toMatchObject({ name: 'monitoring/hawk', nameDiscoverable: true });
    const fold = new ClusterObservationFold(
      {
        identity: { id: target!.id, context: target!.context, name: target!.name, server: target!.server, labels: {} },
        nameDiscoverable: true,
        error: null,
        etcdConfigured: false,
        etcdError: null,
      },
      DEFAULT_CONFIG,
      () => 0,
      0,
    );
    expect(fold.input().identity.name).toBe('monitoring/hawk');
    const configMap = { data: { ClusterConfiguration: 'kind: ClusterConfiguration\nclusterName: hawk-lab\n' } };
    fold.sinks.clusterInfo({ gitVersion: 'v1.36.3', apiGroups: [], kubeadmConfig: parseKubeadmConfig(configMap) });
    expect(fold.input().identity).toMatchObject({
      id: 'inclustercontext',
      context: 'inClusterContext',
      name: 'hawk-lab',
    });
  });

  it('3. a name that was given is never replaced by what kubeadm reports', () => {
    const fold = new ClusterObservationFold(
      {
        identity: { id: 'inclustercontext', context: 'inClusterContext', name: 'prod-eu', server: '', labels: {} },
        nameDiscoverable: false,
        error: null,
        etcdConfigured: false,
        etcdError: null,
      },
      DEFAULT_CONFIG,
      () => 0,
      0,
    );
    fold.sinks.clusterInfo({ gitVersion: 'v1.36.3', apiGroups: [], kubeadmConfig: kubeadm('hawk-lab') });
    expect(fold.input().identity.name).toBe('prod-eu');
  });

  it.each([
    ['a kubeadm clusterName', kubeadm('hawk-lab'), 'hawk-lab'],
    ["kubeadm's default, shared by every kubeadm cluster", kubeadm('kubernetes'), null],
    ['no clusterName in the ClusterConfiguration', kubeadm(null), null],
    ['a clusterName that is no display name', kubeadm('bad\nname'), null],
    ['not a kubeadm cluster (404)', 'absent' as const, null],
    ['kubeadm-config not readable (403)', 'forbidden' as const, null],
    ['not read yet', null, null],
  ])('3. discovery: %s', (_case, signal, expected) => {
    expect(discoveredName(signal)).toBe(expected);
  });

  it(
    '4. the fallback: HAWK_CLUSTER_NAME_FALLBACK (the chart: <namespace>/<release>), else in-cluster; never ' +
      'inClusterContext',
    () => {
      expect(names(inPod, { HAWK_CLUSTER_NAME_FALLBACK: 'monitoring/hawk' })).toEqual({
        inClusterContext: ['monitoring/hawk', true],
        prod: ['prod', false],
      });
      expect(names(['inClusterContext'], {})).toEqual({ inClusterContext: ['in-cluster', true] });
      expect(nameCluster({ context: 'gke_acme_europe-west4_prod' })).toEqual({
        name: 'gke_acme_europe-west4_prod',
        discoverable: false,
      });
    },
  );

  it('keeps the id stable whatever the name: URLs, socket rooms and the metrics label `cluster`', () => {
    const targets = resolveClusters({ kubeconfig: kubeconfig(inPod), env: loadEnv({ HAWK_CLUSTER_NAME: 'prod-eu' }) });
    expect(targets.map((target) => [target.id, target.name])).toEqual([
      ['inclustercontext', 'prod-eu'],
      ['prod', 'prod'],
    ]);
  });
});

describe('cluster names are validated where they are given', () => {
  it.each([
    'prod-eu',
    'Prod EU (Frankfurt)',
    'monitoring/hawk',
    'kubernetes-admin@hawk-lab',
    'ä-cluster',
    'x'.repeat(128),
  ])('accepts HAWK_CLUSTER_NAME=%j', (name) => {
    expect(loadEnv({ HAWK_CLUSTER_NAME: name }).HAWK_CLUSTER_NAME).toBe(name);
  });

  it.each([' prod', 'prod ', 'line\nbreak', 'tab\there', 'x'.repeat(129)])(
    'refuses HAWK_CLUSTER_NAME=%j, naming the variable',
    (name) => {
      expect(() => loadEnv({ HAWK_CLUSTER_NAME: name })).toThrow(/invalid environment variable HAWK_CLUSTER_NAME/);
      expect(() => loadEnv({ HAWK_CLUSTER_NAME_FALLBACK: name })).toThrow(
        /invalid environment variable HAWK_CLUSTER_NAME_FALLBACK/,
      );
    },
  );

  it('refuses a bad name in HAWK_CONFIG, and one name given to two clusters', () => {
    expect(parseConfigFile('clusters:\n  - { context: a, name: " a" }\n', 'x.yaml')).toEqual({
      error:
        'x.yaml: clusters[0].name: must be a display name of 1-128 characters, without control characters or ' +
        'surrounding spaces (got " a")',
    });
    expect(
      parseConfigFile('clusters:\n  - { context: a, name: prod }\n  - { context: b, name: prod }\n', 'x.yaml'),
    ).toEqual({ error: 'x.yaml: clusters[1].name: "prod" names two clusters' });
    expect(parseConfigFile('clusters:\n  - { context: a }\n  - { context: b }\n', 'x.yaml')).toHaveProperty('config');
  });
});
