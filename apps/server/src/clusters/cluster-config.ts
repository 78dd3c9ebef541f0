import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const etcdSchema = z.strictObject({
  /** Client URLs of every member, e.g. https://10.0.0.11:2379; one client each, no failover between them. */
  endpoints: z.array(z.url({ protocol: /^https?$/ })).min(1),
  /** Paths to PEM files: the CA that signed the members' serving certs, and a client cert/key they accept. */
  ca: z.string().min(1).optional(),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
});

const clusterSchema = z.strictObject({
  /** kubeconfig context to watch. */
  context: z.string().min(1),
  /** Labels shown with the cluster, e.g. environment: prod. */
  labels: z.record(z.string(), z.string()).default({}),
  /** Probe interval for this cluster's apiservers and etcd (ms). */
  probeIntervalMs: z.number().int().min(200).max(600_000).optional(),
  etcd: etcdSchema.optional(),
});

/** The optional YAML file named by HAWK_CONFIG: which contexts to watch and their per-cluster options. */
export const hawkConfigFileSchema = z.strictObject({
  /** Default probe interval for every cluster (ms). */
  probeIntervalMs: z.number().int().min(200).max(600_000).optional(),
  clusters: z.array(clusterSchema).min(1),
});

export type HawkConfigFile = z.infer<typeof hawkConfigFileSchema>;
export type ClusterConfigEntry = z.infer<typeof clusterSchema>;
export type EtcdConfigEntry = z.infer<typeof etcdSchema>;

/** formatPath renders a zod issue path as "clusters[1].etcd.endpoints[0]". */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out === '' ? String(part) : `${out}.${String(part)}`), '');
}

/** parseConfigFile validates the file's content; the error names the bad field so start-up fails clearly. */
export function parseConfigFile(text: string, source: string): { config: HawkConfigFile } | { error: string } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { error: `${source}: not valid YAML: ${(error as Error).message}` };
  }
  const result = hawkConfigFileSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`);
    return { error: `${source}: ${issues.join('; ')}` };
  }
  const contexts = result.data.clusters.map((cluster) => cluster.context);
  const duplicate = contexts.find((context, index) => contexts.indexOf(context) !== index);
  if (duplicate !== undefined) return { error: `${source}: clusters[${contexts.lastIndexOf(duplicate)}].context: "${duplicate}" is listed twice` };
  return { config: result.data };
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
