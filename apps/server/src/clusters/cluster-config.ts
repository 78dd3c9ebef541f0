import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Type, type Static } from '@sinclair/typebox';
import { Value, type ValueError } from '@sinclair/typebox/value';
import { NODE_LEASE_NAMESPACE } from '@hawk/core';
import { NAMESPACE_PATTERN, ProbeInterval } from '../env';
import { CLUSTER_NAME_DESCRIPTION, CLUSTER_NAME_PATTERN } from './cluster-name';

/** Namespaces whose leader-election Leases are watched besides kube-system; kube-node-lease is refused. */
const LeaseNamespaces = Type.Array(
  Type.String({
    pattern: `^(?!${NODE_LEASE_NAMESPACE}$)${NAMESPACE_PATTERN}$`,
    description: `a namespace name other than ${NODE_LEASE_NAMESPACE} (node heartbeats, not leader elections)`,
  }),
  { uniqueItems: true },
);

const EtcdSchema = Type.Object(
  {
    /** Client URLs of every member, e.g. https://10.0.0.11:2379; one client each, no failover between them. */
    endpoints: Type.Array(
      Type.String({
        pattern: '^https?://[^\\s/]+(/\\S*)?$',
        description: 'an http(s) URL such as https://10.0.0.11:2379',
      }),
      { minItems: 1 },
    ),
    /** Paths to PEM files: the CA that signed the members' serving certs, and a client cert/key they accept. */
    ca: Type.Optional(Type.String({ minLength: 1 })),
    cert: Type.Optional(Type.String({ minLength: 1 })),
    key: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

const ClusterSchema = Type.Object(
  {
    /** kubeconfig context to watch. */
    context: Type.String({ minLength: 1 }),
    /**
     * The name screens, metrics (`cluster_name`) and alerts give the cluster, e.g. "prod-eu"; default the context (see
     * cluster-name.ts).
     */
    name: Type.Optional(Type.String({ pattern: CLUSTER_NAME_PATTERN, description: CLUSTER_NAME_DESCRIPTION })),
    /** Labels shown with the cluster, e.g. environment: prod. */
    labels: Type.Record(Type.String(), Type.String(), { default: {} }),
    /** Probe interval for this cluster's apiservers and etcd (ms). */
    probeIntervalMs: Type.Optional(ProbeInterval),
    etcd: Type.Optional(EtcdSchema),
    /** This cluster's lease namespaces, instead of the file's or HAWK_LEASE_NAMESPACES. */
    leaseNamespaces: Type.Optional(LeaseNamespaces),
  },
  { additionalProperties: false },
);

/** The optional YAML file named by HAWK_CONFIG: which contexts to watch and their per-cluster options. */
export const HawkConfigFileSchema = Type.Object(
  {
    /** Default probe interval for every cluster (ms). */
    probeIntervalMs: Type.Optional(ProbeInterval),
    /** Lease namespaces of every cluster that sets none, instead of HAWK_LEASE_NAMESPACES. */
    leaseNamespaces: Type.Optional(LeaseNamespaces),
    clusters: Type.Array(ClusterSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type HawkConfigFile = Static<typeof HawkConfigFileSchema>;
export type ClusterConfigEntry = Static<typeof ClusterSchema>;
export type EtcdConfigEntry = Static<typeof EtcdSchema>;

/** Problems listed per file at most: the first few say what to fix. */
const ERRORS_SHOWN = 5;

/** formatPath renders a JSON pointer as "clusters[1].etcd.endpoints[0]". */
function formatPath(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out === '' ? part : `${out}.${part}`), '');
}

/** A pattern means little to an operator: a field that describes itself says what it wants. */
function describe(error: ValueError): string {
  return typeof error.schema.description === 'string'
    ? `must be ${error.schema.description} (got ${JSON.stringify(error.value)})`
    : error.message;
}

/** parseConfigFile validates the file's content; the error names the bad field so start-up fails clearly. */
export function parseConfigFile(text: string, source: string): { config: HawkConfigFile } | { error: string } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { error: `${source}: not valid YAML: ${(error as Error).message}` };
  }
  const withDefaults = Value.Default(HawkConfigFileSchema, Value.Clone(raw ?? {}));
  const issues = [
    ...new Set(
      [...Value.Errors(HawkConfigFileSchema, withDefaults)].map(
        (error) => `${formatPath(error.path) || '(root)'}: ${describe(error)}`,
      ),
    ),
  ];
  if (issues.length > 0) return { error: `${source}: ${issues.slice(0, ERRORS_SHOWN).join('; ')}` };
  const config = withDefaults as HawkConfigFile;
  const contexts = config.clusters.map((cluster) => cluster.context);
  const duplicate = contexts.find((context, index) => contexts.indexOf(context) !== index);
  if (duplicate !== undefined)
    return { error: `${source}: clusters[${contexts.lastIndexOf(duplicate)}].context: "${duplicate}" is listed twice` };
  // Two clusters shown under one name would be told apart by nothing on the wall or in a page.
  const names = config.clusters.map((cluster) => cluster.name);
  const twice = names.findIndex((name, index) => name !== undefined && names.indexOf(name) !== index);
  if (twice !== -1) return { error: `${source}: clusters[${twice}].name: "${names[twice]}" names two clusters` };
  return { config };
}

/** loadConfigFile reads and validates HAWK_CONFIG, throwing: a bad config file must stop start-up. */
export function loadConfigFile(path: string): HawkConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`HAWK_CONFIG ${path}: cannot read: ${(error as Error).message}`);
  }
  const result = parseConfigFile(text, `HAWK_CONFIG ${path}`);
  if ('error' in result) throw new Error(result.error);
  return result.config;
}
