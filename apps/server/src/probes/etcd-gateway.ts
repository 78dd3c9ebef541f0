import type { EtcdAlarm, EtcdMember, EtcdMemberStatus } from '@hawk/core';

/**
 * Pure readers of the etcd v3 JSON gateway's answers. Member IDs and the leader ID are uint64:
 * the gateway sends them as strings and they stay strings; should a number ever arrive, its source
 * text is kept rather than a rounded double.
 */
export function parseGatewayJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined ? context.source : value,
  );
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** uint64 as a decimal string; "0" and absent mean none. */
function id(value: unknown): string | null {
  const text =
    typeof value === 'string' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : null;
  return text !== null && /^\d+$/.test(text) && text !== '0' ? text : null;
}

function numeric(value: unknown): number | null {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** What the member list says of a member: the model's member before hawk reads its status. */
export type GatewayMember = Pick<EtcdMember, 'id' | 'name' | 'peerURLs' | 'clientURLs' | 'isLearner'>;

/** `POST /v3/cluster/member/list` → members; a member not yet started has no name and no client URLs. */
export function parseMemberList(body: unknown): GatewayMember[] | { error: string } {
  const members = record(body).members;
  if (!Array.isArray(members)) return { error: 'member list: no members field' };
  return members.flatMap((raw): GatewayMember[] => {
    const member = record(raw);
    const memberId = id(member.ID);
    if (memberId === null) return [];
    return [
      {
        id: memberId,
        name: typeof member.name === 'string' ? member.name : '',
        peerURLs: strings(member.peerURLs),
        clientURLs: strings(member.clientURLs),
        isLearner: member.isLearner === true,
      },
    ];
  });
}

/** `POST /v3/maintenance/status` → which member answered and its status; the gateway omits zero values. */
export function parseStatus(body: unknown): { memberId: string; status: EtcdMemberStatus } | { error: string } {
  const object = record(body);
  const memberId = id(record(object.header).member_id);
  if (memberId === null) return { error: 'status: no header.member_id' };
  return {
    memberId,
    status: {
      leaderId: id(object.leader) ?? '',
      raftTerm: String(object.raftTerm ?? record(object.header).raft_term ?? '0'),
      raftIndex: String(object.raftIndex ?? '0'),
      dbSizeBytes: numeric(object.dbSize) ?? 0,
      dbSizeInUseBytes: numeric(object.dbSizeInUse),
      version: typeof object.version === 'string' ? object.version : '',
      isLearner: object.isLearner === true,
      errors: strings(object.errors),
    },
  };
}

/** `POST /v3/maintenance/alarm` with action GET → active alarms. */
export function parseAlarms(body: unknown): EtcdAlarm[] {
  const alarms = record(body).alarms;
  if (!Array.isArray(alarms)) return [];
  return alarms.flatMap((raw): EtcdAlarm[] => {
    const alarm = record(raw);
    const memberId = id(alarm.memberID);
    const kind = alarm.alarm;
    if (memberId === null || kind === undefined || kind === 'NONE' || kind === 0) return [];
    return [{ memberId, alarm: kind === 1 ? 'NOSPACE' : kind === 2 ? 'CORRUPT' : String(kind) }];
  });
}
