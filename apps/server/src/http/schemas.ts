import { Type, type Static, type TSchema } from '@sinclair/typebox';

// Response schemas double as a filter: Fastify serializes only the properties listed, so a field
// added to the state by mistake (a credential, a client) never reaches a response. Deep parts of the
// state are plain observations and pass as they are; identity and findings are spelled out.

/** Arrays typed readonly, as the core's model declares them. */
export const List = <T extends TSchema>(items: T) => Type.Unsafe<readonly Static<T>[]>(Type.Array(items));
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Labels = Type.Record(Type.String(), Type.String());

/** `id` is stable (URLs, metrics' `cluster`); `name` is what people call the cluster (metrics' `cluster_name`). */
export const ClusterIdentitySchema = Type.Object({
  id: Type.String(),
  context: Type.String(),
  name: Type.String(),
  server: Type.String(),
  labels: Labels,
});

export const FindingSchema = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  severity: Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('info')]),
  kind: Type.Union([Type.Literal('current'), Type.Literal('expected')]),
  expectedAt: Type.Optional(Type.Number()),
  component: Type.String(),
  subject: Nullable(Type.String()),
  title: Type.String(),
  evidence: Type.Record(Type.String(), Nullable(Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
  since: Type.Number(),
  remediation: Type.String(),
  commands: List(Type.String()),
  causedBy: Nullable(Type.String()),
});

export const ClusterStateSchema = Type.Object({
  modelVersion: Type.Integer(),
  identity: ClusterIdentitySchema,
  reachability: Type.Unknown(),
  observedAt: Type.Number(),
  verdict: Type.String(),
  sources: Type.Unknown(),
  apiServers: Type.Unknown(),
  leases: List(Type.Unknown()),
  etcd: Type.Unknown(),
  nodes: List(Type.Unknown()),
  pods: List(Type.Unknown()),
  controlPlaneHidden: Type.Boolean(),
  distribution: Type.Optional(Type.Unknown()),
  certificates: Type.Optional(List(Type.Unknown())),
  findings: List(FindingSchema),
  failureImpacts: List(Type.Unknown()),
});

export const ClusterSummarySchema = Type.Object({
  id: Type.String(),
  context: Type.String(),
  name: Type.String(),
  verdict: Type.String(),
  worstFinding: Nullable(FindingSchema),
  findingCounts: Type.Object({ critical: Type.Integer(), warning: Type.Integer(), info: Type.Integer() }),
  expectedCount: Type.Optional(Type.Integer()),
  soonestExpected: Type.Optional(Nullable(FindingSchema)),
  observedAt: Type.Number(),
  labels: Labels,
});

/** Timeline events are a union by `kind`; the kind-specific fields ride along as recorded. */
export const TimelineEventSchema = Type.Object(
  { kind: Type.String(), clusterId: Type.String(), at: Type.Number() },
  { additionalProperties: true },
);

export const ErrorSchema = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });

/** A point in time as epoch milliseconds or an ISO 8601 date. */
export const TimeParam = Type.String({
  pattern: '^(\\d{1,15}|\\d{4}-\\d{2}-\\d{2}.*)$',
  description: 'epoch milliseconds or ISO 8601',
});

export const ClusterParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 253 }) });

/** Parses a TimeParam; NaN when the date part does not parse. */
export function parseTime(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

const IncidentFindingSchema = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  severity: Type.String(),
  component: Type.String(),
  subject: Nullable(Type.String()),
  title: Type.String(),
  causedBy: Nullable(Type.String()),
  openedAt: Type.Number(),
  resolvedAt: Nullable(Type.Number()),
  reopened: Type.Integer(),
});

/** An incident as core derived it from the timeline, with its Markdown summary once it ended. */
export const IncidentSchema = Type.Object({
  n: Type.Number({ description: 'the incident number: when it opened (epoch ms)' }),
  openedAt: Type.Number(),
  endedAt: Nullable(Type.Number()),
  recoveryMs: Nullable(Type.Number()),
  title: Type.String(),
  findings: List(IncidentFindingSchema),
  transitions: List(
    Type.Object({
      lease: Type.String(),
      from: Nullable(Type.String()),
      to: Nullable(Type.String()),
      at: Type.Number(),
      leaderlessMs: Nullable(Type.Number()),
      handover: Type.Optional(Type.String()),
    }),
  ),
  etcdLeaderChanges: List(
    Type.Object({ at: Type.Number(), from: Nullable(Type.String()), to: Nullable(Type.String()) }),
  ),
  summary: Nullable(Type.String({ description: 'Markdown, once the incident ended' })),
});
