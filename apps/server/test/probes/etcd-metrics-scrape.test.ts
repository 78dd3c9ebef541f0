import { describe, expect, it } from 'vitest';
import { histogramQuantile, judgeEtcdDegradation, DEFAULT_CONFIG } from '@hawk/core';
import type { EtcdTransport } from '../../src/clusters/etcd-transport';
import { etcdMetricsSample, parseMetricSeries, scrapeEtcdMetrics } from '../../src/probes/etcd-metrics-scrape';

/**
 * etcd 3.6.8's own /metrics (a single member run here after 20 puts), cut to the families hawk reads and a few it
 * does not; the peer round-trip block, which a single member lacks, is in the same format as a 3-member one's.
 */
const ETCD_METRICS = [
  '# HELP grpc_server_handled_total Total number of RPCs completed on the server, regardless of success or failure.',
  '# TYPE grpc_server_handled_total counter',
  'grpc_server_handled_total{grpc_code="OK",grpc_method="Put",grpc_service="etcdserverpb.KV",grpc_type="unary"} 20',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="0.001"} 1',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="0.002"} 9',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="0.004"} 11',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="0.008"} 16',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="0.016"} 21',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="0.032"} 22',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="0.064"} 22',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="0.128"} 22',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="0.256"} 22',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="0.512"} 22',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="1.024"} 22',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="2.048"} 22',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="4.096"} 22',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="8.192"} 22',
  'etcd_disk_backend_commit_duration_seconds_bucket{le="+Inf"} 22',
  'etcd_disk_backend_commit_duration_seconds_sum 0.12615953100000002',
  'etcd_disk_backend_commit_duration_seconds_count 22',
  '# HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called by WAL.',
  '# TYPE etcd_disk_wal_fsync_duration_seconds histogram',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 15',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.002"} 19',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.004"} 22',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.008"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.016"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.032"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.064"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.128"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.256"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.512"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="1.024"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="2.048"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="4.096"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="8.192"} 27',
  'etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf"} 27',
  'etcd_disk_wal_fsync_duration_seconds_sum 0.05554995999999998',
  'etcd_disk_wal_fsync_duration_seconds_count 27',
  'etcd_server_heartbeat_send_failures_total 0',
  'etcd_server_leader_changes_seen_total 1',
  'etcd_server_slow_apply_total 0',
  '# HELP etcd_network_peer_round_trip_time_seconds Round-Trip-Time histogram between peers',
  '# TYPE etcd_network_peer_round_trip_time_seconds histogram',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.0001"} 0',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.0002"} 0',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.0004"} 3',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.0008"} 40',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.0016"} 57',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.0032"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.0064"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.0128"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.0256"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.0512"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.1024"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.2048"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.4096"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="0.8192"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="1.6384"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="3.2768"} 60',
  'etcd_network_peer_round_trip_time_seconds_bucket{To="8e9e05c52164694d",le="+Inf"} 60',
  'etcd_network_peer_round_trip_time_seconds_sum{To="8e9e05c52164694d"} 0.0431',
  'etcd_network_peer_round_trip_time_seconds_count{To="8e9e05c52164694d"} 60',
  'etcd_debugging_mvcc_keys_total 1',
  'etcd_server_id{server_id="8e9e05c52164694d"} 1',
].join('\n');

describe('etcd /metrics scrape', () => {
  it("reads etcd's histograms and counters as cumulative data, peers by decimal member id", () => {
    const sample = etcdMetricsSample(ETCD_METRICS, 1_000);
    expect(sample.at).toBe(1_000);
    expect(sample.walFsync?.count).toBe(27);
    expect(sample.walFsync?.buckets).toHaveLength(15);
    expect(sample.walFsync?.buckets.at(-1)).toEqual({ le: Infinity, count: 27 });
    expect(sample.walFsync?.buckets[0]).toEqual({ le: 0.001, count: 15 });
    expect(sample.backendCommit?.count).toBe(22);
    expect(sample.heartbeatSendFailures).toBe(0);
    expect(sample.slowApplies).toBe(0);
    expect(sample.leaderChangesSeen).toBe(1);
    // 0x8e9e05c52164694d, beyond 2^53: converted exactly, never through a double.
    expect(Object.keys(sample.peerRoundTrip)).toEqual(['10276657743932975437']);
    expect(histogramQuantile(0.99, sample.peerRoundTrip['10276657743932975437']!.buckets)).toBeCloseTo(0.00288, 5);
  });

  it('families a member does not export are null, never zero', () => {
    const sample = etcdMetricsSample('etcd_server_leader_changes_seen_total 3\n', 0);
    expect(sample).toMatchObject({
      walFsync: null,
      backendCommit: null,
      heartbeatSendFailures: null,
      slowApplies: null,
    });
    expect(sample.leaderChangesSeen).toBe(3);
  });

  it('labels with escapes, timestamps and malformed lines: each series on its own', () => {
    const series = parseMetricSeries(
      [
        'x_total{a="q\\"uote",b="back\\\\slash"} 4 1700000000000',
        'x_total{a="unclosed} 5',
        'x_total NaNish',
        'x_total 7',
        'y_total 9',
      ].join('\n'),
      ['x_'],
    );
    expect(series).toEqual([
      { name: 'x_total', labels: { a: 'q"uote', b: 'back\\slash' }, value: 4 },
      { name: 'x_total', labels: {}, value: 7 },
    ]);
  });

  it('scrapes of a quiet member judge healthy; the same with slow fsyncs added warn', () => {
    const read = etcdMetricsSample(ETCD_METRICS, 0);
    // The member's history before the window (its baseline): a thousand more fast fsyncs than the fixture's 27.
    const base = {
      ...read,
      walFsync: {
        buckets: read.walFsync!.buckets.map((b) => ({ le: b.le, count: b.count + (b.le >= 0.002 ? 1_000 : 0) })),
        count: read.walFsync!.count + 1_000,
        sum: read.walFsync!.sum + 2,
      },
    };
    const later = (slow: number, at: number) => {
      const more = 300;
      const walFsync = {
        buckets: base.walFsync!.buckets.map((b) => ({
          le: b.le,
          count: b.count + (b.le >= 0.002 ? more - slow : 0) + (b.le >= 0.05 ? slow : 0),
        })),
        count: base.walFsync!.count + more,
        sum: base.walFsync!.sum,
      };
      return { ...base, at, walFsync };
    };
    const quiet = [base, later(0, 30_000), later(0, 60_000)];
    expect(judgeEtcdDegradation('1', quiet, DEFAULT_CONFIG)?.signals).toEqual([]);
    const slow = [base, later(5, 30_000), later(10, 60_000)];
    expect(judgeEtcdDegradation('1', slow, DEFAULT_CONFIG)?.signals).toEqual([
      expect.stringMatching(/^WAL fsync p99 \d+(\.\d)? ms/),
    ]);
  });

  it('a member that cannot be reached says why, also when the error has no message of its own', async () => {
    // What node's connect gives when every address of a name refuses: an AggregateError whose message is empty.
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
    const transport = {
      get: () => Promise.reject(new AggregateError([refused('10.0.0.11:2379'), refused('[fd00::11]:2379')], '')),
    } as unknown as EtcdTransport;
    expect(await scrapeEtcdMetrics(transport, 'https://etcd-1:2379', 1_000, () => 0)).toEqual({
      endpoint: 'https://etcd-1:2379',
      error: 'connect ECONNREFUSED 10.0.0.11:2379; connect ECONNREFUSED [fd00::11]:2379',
    });
  });
});
