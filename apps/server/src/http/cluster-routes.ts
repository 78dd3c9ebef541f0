import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { incidentsOf, summarizeCluster, summarizeIncident, type Incident } from '@hawk/core';
import {
  ClusterParams,
  List,
  ClusterStateSchema,
  ClusterSummarySchema,
  ErrorSchema,
  FindingSchema,
  IncidentSchema,
  parseTime,
  TimelineEventSchema,
  TimeParam,
} from './schemas';
import { SERVER_DEFAULTS } from '../defaults';
import type { HistoryRepository } from '../history/history-repository';

type HawkApp = Parameters<FastifyPluginAsyncTypebox>[0];

/** REST over the clusters: what the socket pushes, plus history (timeline and replay) and incidents. */
export const clusterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  liveRoutes(app);
  historyRoutes(app);
  incidentRoutes(app);
};

const notFound = (id: string) => ({
  statusCode: 404,
  error: 'Not Found',
  message: `no cluster with id ${JSON.stringify(id)}`,
});
const badRequest = (message: string) => ({ statusCode: 400, error: 'Bad Request', message });

/** What the socket pushes, asked once: every cluster's summary, one cluster's state, its findings. */
function liveRoutes(app: HawkApp): void {
  const { states } = app.hawk;

  app.get(
    '/api/clusters',
    {
      schema: {
        summary: 'Every watched cluster, one summary each',
        tags: ['clusters'],
        response: { 200: Type.Object({ clusters: List(ClusterSummarySchema) }) },
      },
    },
    async () => ({ clusters: states.list().map((entry) => summarizeCluster(entry.state)) }),
  );

  app.get(
    '/api/clusters/:id',
    {
      schema: {
        summary: "One cluster's full judged state, with the version the socket would send",
        tags: ['clusters'],
        params: ClusterParams,
        response: {
          200: Type.Object({ clusterId: Type.String(), version: Type.Integer(), state: ClusterStateSchema }),
          404: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const snapshot = states.snapshot(request.params.id);
      return snapshot ?? reply.code(404).send(notFound(request.params.id));
    },
  );

  app.get(
    '/api/clusters/:id/findings',
    {
      schema: {
        summary: "One cluster's open findings, critical first",
        tags: ['clusters'],
        params: ClusterParams,
        response: { 200: Type.Object({ clusterId: Type.String(), findings: List(FindingSchema) }), 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const snapshot = states.snapshot(request.params.id);
      return snapshot
        ? { clusterId: snapshot.clusterId, findings: snapshot.state.findings }
        : reply.code(404).send(notFound(request.params.id));
    },
  );
}

/** The stored timeline, and a past state replayed from history. */
function historyRoutes(app: HawkApp): void {
  const { history } = app.hawk;

  app.get(
    '/api/clusters/:id/timeline',
    {
      schema: {
        summary: 'Transitions, findings opened and resolved, probe failures, in a time range (default: the last 24 h)',
        tags: ['history'],
        params: ClusterParams,
        querystring: Type.Object({
          from: Type.Optional(TimeParam),
          to: Type.Optional(TimeParam),
          limit: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 10_000, default: SERVER_DEFAULTS.historyTimelineLimit }),
          ),
        }),
        response: {
          200: Type.Object({
            clusterId: Type.String(),
            from: Type.Number(),
            to: Type.Number(),
            events: List(TimelineEventSchema),
          }),
          400: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const to = request.query.to === undefined ? Date.now() : parseTime(request.query.to);
      const from =
        request.query.from === undefined ? to - SERVER_DEFAULTS.timelineWindowMs : parseTime(request.query.from);
      if (Number.isNaN(from) || Number.isNaN(to) || from > to)
        return reply.code(400).send(badRequest('from and to must be times with from ≤ to'));
      const events = await history.timeline(request.params.id, from, to, request.query.limit);
      return { clusterId: request.params.id, from, to, events };
    },
  );

  app.get(
    '/api/clusters/:id/state-at',
    {
      schema: {
        summary: 'Replay: the full state of the cluster as it was at time t, from history',
        tags: ['history'],
        params: ClusterParams,
        querystring: Type.Object({ t: TimeParam }),
        response: {
          200: Type.Object({ clusterId: Type.String(), t: Type.Number(), state: ClusterStateSchema }),
          400: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const t = parseTime(request.query.t);
      if (Number.isNaN(t)) return reply.code(400).send(badRequest('t must be epoch milliseconds or an ISO 8601 date'));
      const state = await history.stateAt(request.params.id, t);
      if (!state)
        return reply.code(404).send({
          statusCode: 404,
          error: 'Not Found',
          message:
            `no state of ${JSON.stringify(request.params.id)} ` + `recorded at or before ${new Date(t).toISOString()}`,
        });
      // States recorded before clusters had names (model version 1) are shown under their context.
      const identity = {
        ...state.identity,
        name: (state.identity.name as string | undefined) ?? state.identity.context,
      };
      return { clusterId: request.params.id, t, state: { ...state, identity } };
    },
  );
}

/** The incidents core derives from the stored timeline, so they survive whatever the timeline survives. */
async function incidentsIn(history: HistoryRepository, clusterId: string, window: { from?: string; to?: string }) {
  const to = window.to === undefined ? Date.now() : parseTime(window.to);
  const from = window.from === undefined ? to - SERVER_DEFAULTS.incidentWindowMs : parseTime(window.from);
  if (Number.isNaN(from) || Number.isNaN(to) || from > to) return null;
  const events = await history.timeline(clusterId, from, to, SERVER_DEFAULTS.incidentEventsLimit);
  return {
    from,
    to,
    incidents: incidentsOf(events),
    truncated: events.length >= SERVER_DEFAULTS.incidentEventsLimit,
  };
}

const shown = (incident: Incident, clusterName: string) => ({
  ...incident,
  title: incident.findings[0]?.title ?? '',
  summary: incident.endedAt === null ? null : summarizeIncident(incident, clusterName),
});

const IncidentWindow = Type.Object({ from: Type.Optional(TimeParam), to: Type.Optional(TimeParam) });

/** Incidents in a window with their summaries, and one ended incident's summary as Markdown. */
function incidentRoutes(app: HawkApp): void {
  const { states, history } = app.hawk;
  const nameOf = (id: string) => states.snapshot(id)?.state.identity.name ?? id;

  app.get(
    '/api/clusters/:id/incidents',
    {
      schema: {
        summary: 'Incidents derived from the timeline (default: the last 7 days), oldest first, with their summaries',
        tags: ['history'],
        params: ClusterParams,
        querystring: IncidentWindow,
        response: {
          200: Type.Object({
            clusterId: Type.String(),
            from: Type.Number(),
            to: Type.Number(),
            truncated: Type.Boolean(),
            incidents: List(IncidentSchema),
          }),
          400: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const found = await incidentsIn(history, request.params.id, request.query);
      if (!found) return reply.code(400).send(badRequest('from and to must be times with from ≤ to'));
      const name = nameOf(request.params.id);
      return { clusterId: request.params.id, ...found, incidents: found.incidents.map((i) => shown(i, name)) };
    },
  );

  app.get(
    '/api/clusters/:id/incidents/:n/summary',
    {
      schema: {
        summary: "One ended incident's summary, Markdown (n: the incident's number from /incidents)",
        tags: ['history'],
        params: Type.Object({ ...ClusterParams.properties, n: Type.Integer({ minimum: 0 }) }),
        querystring: IncidentWindow,
        response: { 200: Type.String(), 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { id, n } = request.params;
      const found = await incidentsIn(history, id, request.query);
      if (!found) return reply.code(400).send(badRequest('from and to must be times with from ≤ to'));
      const incident = found.incidents.find((i) => i.n === n);
      if (!incident)
        return reply
          .code(404)
          .send({ statusCode: 404, error: 'Not Found', message: `no incident ${n} in ${id}'s history` });
      if (incident.endedAt === null)
        return reply.code(409).send({
          statusCode: 409,
          error: 'Conflict',
          message: `incident ${n} has not ended: its summary is written then`,
        });
      return reply.type('text/markdown; charset=utf-8').send(summarizeIncident(incident, nameOf(id)));
    },
  );
}
