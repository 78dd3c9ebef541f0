import type { EtcdAlarm, EtcdMember, EtcdMemberStatus } from '@hawk/core';
import { describeError } from '../util/describe-error';
import type { EtcdTransport } from '../clusters/etcd-transport';
import { SERVER_DEFAULTS } from '../defaults';
import { parseAlarms, parseGatewayJson, parseMemberList, parseStatus, type GatewayMember } from './etcd-gateway';

/** What one endpoint said in one round. */
export interface EtcdEndpointAnswer {
  readonly endpoint: string;
  readonly memberId: string | null;
  readonly status: EtcdMemberStatus | null;
  readonly members: readonly GatewayMember[] | null;
  readonly alarms: readonly EtcdAlarm[] | null;
  readonly error: string | null;
}

async function call(
  transport: EtcdTransport,
  endpoint: string,
  path: string,
  body: unknown,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<unknown> {
  const response = await transport.post(endpoint, path, body, timeoutMs, signal);
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${response.text.slice(0, 120)}`);
  return parseGatewayJson(response.text);
}

/**
 * askEndpoint reads one member's status, its member list and alarms; each endpoint is judged on its own answer. The
 * alarms are waited for at most SERVER_DEFAULTS.etcdAlarmGraceMs after the other two (null when not read: the fold
 * keeps the last read).
 */
export async function askEndpoint(
  transport: EtcdTransport,
  endpoint: string,
  timeoutMs: number,
): Promise<EtcdEndpointAnswer> {
  const alarmRead = new AbortController();
  const alarm = call(
    transport,
    endpoint,
    '/v3/maintenance/alarm',
    { action: 'GET' },
    timeoutMs,
    alarmRead.signal,
  ).catch(() => null);
  try {
    const [statusBody, listBody] = await Promise.all([
      call(transport, endpoint, '/v3/maintenance/status', {}, timeoutMs),
      call(transport, endpoint, '/v3/cluster/member/list', {}, timeoutMs),
    ]);
    const status = parseStatus(statusBody);
    const members = parseMemberList(listBody);
    if ('error' in status)
      return { endpoint, memberId: null, status: null, members: null, alarms: null, error: status.error };
    const alarmBody = await within(alarm, SERVER_DEFAULTS.etcdAlarmGraceMs);
    return {
      endpoint,
      memberId: status.memberId,
      status: status.status,
      members: 'error' in members ? null : members,
      alarms: alarmBody === null ? null : parseAlarms(alarmBody),
      error: null,
    };
  } catch (error) {
    return { endpoint, memberId: null, status: null, members: null, alarms: null, error: describeError(error) };
  } finally {
    // An alarm read still waiting on raft is given up, not left to hold a connection until its timeout.
    alarmRead.abort();
  }
}

/** within: what `promise` gives within `ms`, else null. */
async function within<T>(promise: Promise<T | null>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * foldEtcdAnswers merges one round of answers into the members list. The membership comes from
 * any member that answered, else the last one known, so a member that stopped answering is still
 * listed, as unreachable, and a quorum loss keeps its voters count.
 */
export function foldEtcdAnswers(
  previous: readonly EtcdMember[],
  answers: readonly EtcdEndpointAnswer[],
  now: number,
): EtcdMember[] {
  const membership: readonly GatewayMember[] =
    answers.find((answer) => answer.members !== null)?.members ??
    previous.map(({ id, name, peerURLs, clientURLs, isLearner }) => ({ id, name, peerURLs, clientURLs, isLearner }));
  const members = membership.map((member): EtcdMember => {
    const answer =
      answers.find((candidate) => candidate.memberId === member.id) ??
      answers.find(
        (candidate) => candidate.memberId === null && member.clientURLs.some((url) => sameUrl(url, candidate.endpoint)),
      );
    return {
      ...member,
      reachable: answer?.status != null,
      status: answer?.status ?? null,
      error: answer ? answer.error : 'no configured endpoint for this member',
      checkedAt: answer ? now : (previous.find((known) => known.id === member.id)?.checkedAt ?? null),
    };
  });
  if (members.length > 0) return members;
  // No member has ever answered: each configured endpoint stands for one, so the errors are shown.
  return answers.map((answer): EtcdMember => ({
    id: `endpoint:${answer.endpoint}`,
    name: answer.endpoint,
    peerURLs: [],
    clientURLs: [answer.endpoint],
    isLearner: false,
    reachable: false,
    status: null,
    error: answer.error,
    checkedAt: now,
  }));
}
