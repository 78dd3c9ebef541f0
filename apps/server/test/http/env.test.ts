import { describe, expect, it } from 'vitest';
import { assertSafeBinding, EnvError, loadEnv } from '../../src/env';

describe('environment', () => {
  it('fills defaults', () => {
    expect(loadEnv({})).toMatchObject({
      PORT: 4000,
      HOST: '127.0.0.1',
      HAWK_WEB_ORIGIN: 'http://localhost:3000',
      HAWK_DB: '.hawk/history.db',
      HAWK_ALLOW_OPEN: '0',
      HAWK_PROBE_INTERVAL_MS: 2000,
      HAWK_CLOCK_SKEW_NOTE_MS: 10_000,
    });
    expect(loadEnv({ HAWK_CLOCK_SKEW_NOTE_MS: '60000' }).HAWK_CLOCK_SKEW_NOTE_MS).toBe(60_000);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ HAWK_WEB_ORIGIN: 'localhost:3000' }, 'HAWK_WEB_ORIGIN'],
    [{ HAWK_REDIS_URL: 'http://redis' }, 'HAWK_REDIS_URL'],
    [{ HAWK_ALLOW_OPEN: 'yes' }, 'HAWK_ALLOW_OPEN'],
    [{ HAWK_PROBE_INTERVAL_MS: '50' }, 'HAWK_PROBE_INTERVAL_MS'],
    [{ HAWK_CLOCK_SKEW_NOTE_MS: '10s' }, 'HAWK_CLOCK_SKEW_NOTE_MS'],
    [{ HAWK_ETCD_ENDPOINTS: '10.0.0.11:2379' }, 'HAWK_ETCD_ENDPOINTS'],
  ])('names the bad variable: %j', (raw, variable) => {
    expect(() => loadEnv(raw)).toThrow(new RegExp(`invalid environment variable ${variable}:`));
  });

  it('reads lease namespaces as a list and refuses node heartbeats', () => {
    expect(loadEnv({ HAWK_LEASE_NAMESPACES: 'cert-manager, ingress-nginx' }).HAWK_LEASE_NAMESPACES).toBe(
      'cert-manager, ingress-nginx',
    );
    expect(() => loadEnv({ HAWK_LEASE_NAMESPACES: 'cert-manager,kube-node-lease' })).toThrow(
      /invalid environment variable HAWK_LEASE_NAMESPACES: kube-node-lease holds node heartbeats/,
    );
    expect(() => loadEnv({ HAWK_LEASE_NAMESPACES: 'Cert_Manager' })).toThrow(
      /invalid environment variable HAWK_LEASE_NAMESPACES:/,
    );
  });

  it('never echoes a secret in its error', () => {
    expect(() => loadEnv({ HAWK_TOKEN: 'short-secret' })).toThrow(/HAWK_TOKEN: .*value hidden/);
    expect(() => loadEnv({ HAWK_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('refuses to serve a reachable interface without a token unless told to', () => {
    expect(() => assertSafeBinding(loadEnv({ HOST: '0.0.0.0' }))).toThrow(EnvError);
    expect(() => assertSafeBinding(loadEnv({ HOST: '0.0.0.0' }))).toThrow(/HOST/);
    expect(() => assertSafeBinding(loadEnv({ HOST: '0.0.0.0', HAWK_TOKEN: 'a-long-enough-token-123' }))).not.toThrow();
    expect(() => assertSafeBinding(loadEnv({ HOST: '0.0.0.0', HAWK_ALLOW_OPEN: '1' }))).not.toThrow();
    for (const host of ['127.0.0.1', 'localhost', '::1'])
      expect(() => assertSafeBinding(loadEnv({ HOST: host }))).not.toThrow();
  });
});
