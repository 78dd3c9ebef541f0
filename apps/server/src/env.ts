import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_CONFIG, NODE_LEASE_NAMESPACE } from '@hawk/core';
import { CLUSTER_NAME_DESCRIPTION, CLUSTER_NAME_PATTERN } from './clusters/cluster-name';
import { MAX_PROBE_INTERVAL_MS, MIN_PROBE_INTERVAL_MS, PROBE_INTERVAL_DESCRIPTION, SERVER_DEFAULTS } from './defaults';
import { parseCidrs } from './security/trusted-proxy';

/** A probe interval (ms), wherever one is read: HAWK_PROBE_INTERVAL_MS and the config file's probeIntervalMs. */
export const ProbeInterval = Type.Integer({
  minimum: MIN_PROBE_INTERVAL_MS,
  maximum: MAX_PROBE_INTERVAL_MS,
  description: PROBE_INTERVAL_DESCRIPTION,
});

/** A Kubernetes namespace name (an RFC 1123 label). */
export const NAMESPACE_PATTERN = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
const NAMESPACE = NAMESPACE_PATTERN;

/** Every variable hawk's backend reads, with its default: the one place they are declared. */
export const EnvSchema = Type.Object({
  /** TCP port of REST and socket.io. */
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4000 }),
  /** Interface to bind; loopback unless a token or trusted proxy is set (see `assertSafeBinding`). */
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  /**
   * Comma-separated origins of the web UI (scheme://host[:port]): the only cross-origin pages CORS and the
   * socket.io upgrade accept; a page served from hawk's own origin (the web's proxy) is accepted too.
   */
  HAWK_WEB_ORIGIN: Type.String({ pattern: '^https?://[^/,]+(,https?://[^/,]+)*$', default: 'http://localhost:3000' }),
  /**
   * Comma-separated host names REST and the socket accept in the Host header (a DNS-rebinding guard);
   * IP literals, localhost and the hosts of HAWK_WEB_ORIGIN always pass; `*` accepts any.
   */
  HAWK_ALLOWED_HOSTS: Type.String({ pattern: '^(\\*|[A-Za-z0-9.-]+(,[A-Za-z0-9.-]+)*)?$', default: '' }),
  /** Bearer token required on REST and the socket handshake when set. */
  HAWK_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  /**
   * Bearer token for /metrics only, so Prometheus holds no credential for the UI and API: it opens /metrics and
   * nothing else (HAWK_TOKEN opens /metrics too). Set, /metrics asks for one of them even when the UI is open.
   */
  HAWK_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  /** '1' allows binding a non-loopback interface without a token (behind a trusted proxy). */
  HAWK_ALLOW_OPEN: Type.Union([Type.Literal('0'), Type.Literal('1')], { default: '0' }),
  /**
   * redis:// URL (a password or ACL user may be in it): the leader lock of several replicas outside
   * Kubernetes. Every replica observes by itself; the lock only elects who writes shared history and
   * sends webhook notifications.
   */
  HAWK_REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /**
   * `namespace/name` of a coordination.k8s.io/v1 Lease: in a cluster, replicas elect their leader on
   * it (as kube-controller-manager does) instead of a Redis lock.
   */
  HAWK_LEADER_LEASE: Type.Optional(
    Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$' }),
  ),
  /**
   * A header an authenticating proxy sets to the user's name (e.g. oauth2-proxy's X-Auth-Request-User); needs
   * HAWK_TRUSTED_PROXY_CIDRS.
   */
  HAWK_TRUSTED_PROXY_HEADER: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" })),
  /** Comma-separated CIDRs of that proxy: the header counts only from these TCP peers. */
  HAWK_TRUSTED_PROXY_CIDRS: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Comma-separated CIDRs of hawk's web (its proxy, the only caller in the chart): from these peers the
   * X-Forwarded-For the web sets names the browser, so rate limits and socket limits count per browser rather
   * than per web pod. Unset, every limit is keyed by the TCP peer.
   */
  HAWK_WEB_PROXY_CIDRS: Type.Optional(Type.String({ minLength: 1 })),
  /** postgres:// URL of a PostgreSQL database: history shared by every replica, instead of the SQLite file. */
  HAWK_DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** SQLite history file (unless HAWK_DATABASE_URL is set). */
  HAWK_DB: Type.String({ minLength: 1, default: '.hawk/history.db' }),
  /** How long history is kept, in hours (default 7 days). */
  HAWK_HISTORY_RETENTION_HOURS: Type.Number({ exclusiveMinimum: 0, default: 168 }),
  /** Base URL of an Alertmanager: every replica POSTs findings to /api/v2/alerts, Alertmanager deduplicates. */
  HAWK_ALERTMANAGER_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** A Slack-compatible incoming webhook: the leading replica posts findings opening and resolving. */
  HAWK_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Where people open hawk (e.g. https://hawk.example.internal): alerts link the cluster's page under it. */
  HAWK_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /**
   * Where docs/runbooks is published, if not the repository on GitHub: alerts' runbook_url is <base>/<alertname>.md.
   */
  HAWK_RUNBOOK_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** This replica's name in the leader lock and metrics. */
  HAWK_REPLICA_ID: Type.String({ minLength: 1, default: `${hostname()}-${process.pid}` }),
  /** REST requests per minute per client address. */
  HAWK_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  /**
   * YAML file choosing the contexts to watch and their options (etcd, probe interval, labels, lease namespaces); see
   * cluster-config.ts.
   */
  HAWK_CONFIG: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * The name screens, the page title, REST, metrics (`cluster_name`) and alerts give the cluster hawk
   * runs in (the in-cluster context), or else the only context it watches, e.g. `prod-eu`; a cluster's
   * `name` in HAWK_CONFIG wins. Unset, the in-cluster context is named by the clusterName in kubeadm's
   * kube-system/kubeadm-config (unless kubeadm's default `kubernetes`), else HAWK_CLUSTER_NAME_FALLBACK;
   * other contexts keep their context name. The id in URLs and the metrics' `cluster` label stay as they are.
   */
  HAWK_CLUSTER_NAME: Type.Optional(
    Type.String({ pattern: CLUSTER_NAME_PATTERN, description: CLUSTER_NAME_DESCRIPTION }),
  ),
  /**
   * The in-cluster context's name when HAWK_CLUSTER_NAME is unset and kubeadm reports none; the chart sets
   * `<namespace>/<release>`; default `in-cluster`.
   */
  HAWK_CLUSTER_NAME_FALLBACK: Type.Optional(
    Type.String({ pattern: CLUSTER_NAME_PATTERN, description: CLUSTER_NAME_DESCRIPTION }),
  ),
  /** Comma-separated kubeconfig contexts to watch when HAWK_CONFIG is not set; default every context. */
  HAWK_CONTEXTS: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * How often each apiserver, the front door and etcd are probed (ms); a cluster's probeIntervalMs in HAWK_CONFIG wins.
   * Under half core's loadBalancerFailureGraceMs: the front door is probed every second interval when all is calm.
   */
  HAWK_PROBE_INTERVAL_MS: Type.Integer({ ...ProbeInterval, default: SERVER_DEFAULTS.probeIntervalMs }),
  /** Comma-separated etcd client URLs of the default cluster (the current context if watched, else the first). */
  HAWK_ETCD_ENDPOINTS: Type.Optional(Type.String({ pattern: '^\\s*https?://[^,]+(,\\s*https?://[^,]+)*$' })),
  /** PEM files for HAWK_ETCD_ENDPOINTS: the CA of the members' serving certs, and a client cert and key they accept. */
  HAWK_ETCD_CA: Type.Optional(Type.String({ minLength: 1 })),
  /** The client certificate (PEM file) hawk presents to HAWK_ETCD_ENDPOINTS. */
  HAWK_ETCD_CERT: Type.Optional(Type.String({ minLength: 1 })),
  /** The private key (PEM file) of HAWK_ETCD_CERT. */
  HAWK_ETCD_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Comma-separated namespaces whose leader-election Leases are watched besides kube-system (opt-in:
   * cert-manager, ingress controllers, operators); each needs get/list/watch on leases there.
   * kube-node-lease (node heartbeats, one per node) is refused.
   */
  HAWK_LEASE_NAMESPACES: Type.Optional(Type.String({ pattern: `^${NAMESPACE}(\\s*,\\s*${NAMESPACE})*$` })),
  /**
   * A holder's clock off from hawk's by more than this is pointed out on screens (ms); only a note, never a verdict.
   */
  HAWK_CLOCK_SKEW_NOTE_MS: Type.Integer({ minimum: 0, default: DEFAULT_CONFIG.clockSkewNoteMs }),
  /** kubeconfig files, separated by ':' as for kubectl; default ~/.kube/config, or the pod's ServiceAccount. */
  KUBECONFIG: Type.Optional(Type.String({ minLength: 1 })),
  /** Set by Kubernetes in every pod: with a mounted ServiceAccount token it means hawk runs in a cluster. */
  KUBERNETES_SERVICE_HOST: Type.Optional(Type.String({ minLength: 1 })),
  /** The backend's log level, one of pino's (Fastify's logger); `debug` adds authentications and skipped objects. */
  HAWK_LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
});

/** Never echoed in errors or logs: a token, or a URL that may carry a password. */
const SECRET_VARIABLES = new Set([
  'HAWK_TOKEN',
  'HAWK_METRICS_TOKEN',
  'HAWK_REDIS_URL',
  'HAWK_DATABASE_URL',
  'HAWK_WEBHOOK_URL',
]);

export type HawkEnv = Static<typeof EnvSchema>;

export class EnvError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`invalid environment variable ${variable}: ${detail}`);
    this.name = 'EnvError';
  }
}

/**
 * loadEnv validates the environment against EnvSchema and fills defaults. Throws an EnvError naming
 * the first bad variable, so a typo fails at boot rather than as odd behaviour later.
 */
export function loadEnv(raw: NodeJS.ProcessEnv = process.env): HawkEnv {
  const known = Object.keys(EnvSchema.properties);
  // Empty strings count as unset: `HAWK_TOKEN= pnpm start` must not demand a 16-character token.
  const picked = Object.fromEntries(
    known.filter((key) => raw[key] !== undefined && raw[key] !== '').map((key) => [key, raw[key]]),
  );
  const withDefaults = Value.Default(EnvSchema, picked);
  const converted = Value.Convert(EnvSchema, withDefaults);
  const firstError = Value.Errors(EnvSchema, converted).First();
  if (firstError) {
    const variable = firstError.path.replace(/^\//, '') || 'environment';
    const shown = SECRET_VARIABLES.has(variable) ? '(value hidden)' : `(got ${JSON.stringify(raw[variable] ?? null)})`;
    // A variable whose schema says what it wants is refused in those words, as the config file's fields are.
    const wanted = firstError.schema.description;
    throw new EnvError(variable, `${typeof wanted === 'string' ? `must be ${wanted}` : firstError.message} ${shown}`);
  }
  const env = converted as HawkEnv;
  assertTrustedProxy(env);
  if (env.HAWK_WEB_PROXY_CIDRS !== undefined) {
    try {
      parseCidrs(env.HAWK_WEB_PROXY_CIDRS);
    } catch (error) {
      throw new EnvError('HAWK_WEB_PROXY_CIDRS', (error as Error).message);
    }
  }
  if (commaList(env.HAWK_LEASE_NAMESPACES).includes(NODE_LEASE_NAMESPACE)) {
    throw new EnvError(
      'HAWK_LEASE_NAMESPACES',
      `${NODE_LEASE_NAMESPACE} holds node heartbeats, not leader elections: remove it`,
    );
  }
  return env;
}

/** commaList splits a comma-separated variable into its trimmed, non-empty items ([] when unset). */
export function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The header alone would trust anyone who sets it: it needs the proxy's addresses, which must parse. */
function assertTrustedProxy(env: HawkEnv): void {
  if (env.HAWK_TRUSTED_PROXY_HEADER === undefined) return;
  if (env.HAWK_TRUSTED_PROXY_CIDRS === undefined)
    throw new EnvError(
      'HAWK_TRUSTED_PROXY_CIDRS',
      'required when HAWK_TRUSTED_PROXY_HEADER is set: the addresses of the proxy that sets it',
    );
  try {
    parseCidrs(env.HAWK_TRUSTED_PROXY_CIDRS);
  } catch (error) {
    throw new EnvError('HAWK_TRUSTED_PROXY_CIDRS', (error as Error).message);
  }
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Refuses to serve cluster data on a reachable interface without a token, unless explicitly allowed. */
export function assertSafeBinding(
  env: Pick<HawkEnv, 'HOST' | 'HAWK_TOKEN' | 'HAWK_ALLOW_OPEN' | 'HAWK_TRUSTED_PROXY_HEADER'>,
): void {
  if (
    isLoopback(env.HOST) ||
    env.HAWK_TOKEN !== undefined ||
    env.HAWK_TRUSTED_PROXY_HEADER !== undefined ||
    env.HAWK_ALLOW_OPEN === '1'
  )
    return;
  throw new EnvError(
    'HOST',
    `binding ${env.HOST} without HAWK_TOKEN would expose cluster data; set HAWK_TOKEN or ` +
      'HAWK_TRUSTED_PROXY_HEADER (with HAWK_TRUSTED_PROXY_CIDRS), or HAWK_ALLOW_OPEN=1 behind a proxy that ' +
      'authenticates',
  );
}
