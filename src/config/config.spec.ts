import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

const PRIMARY = 'postgres://tracker:secret@db-primary:5432/incidents';

describe('DATABASE_REPLICA_URLS', () => {
  it('lists the replicas, trimmed, with DATABASE_URL', () => {
    const config = loadConfig({
      DATABASE_URL: PRIMARY,
      DATABASE_REPLICA_URLS: ' postgres://tracker:secret@db-replica-1/incidents, postgresql://db-replica-2:5433/incidents ,',
    });
    expect(config.databaseReplicaUrls).toEqual(['postgres://tracker:secret@db-replica-1/incidents', 'postgresql://db-replica-2:5433/incidents']);
  });

  it('is none when absent or empty', () => {
    expect(loadConfig({ DATABASE_URL: PRIMARY }).databaseReplicaUrls).toEqual([]);
    expect(loadConfig({ DATABASE_URL: PRIMARY, DATABASE_REPLICA_URLS: ' ' }).databaseReplicaUrls).toEqual([]);
  });

  it('is refused without DATABASE_URL: embedded PostgreSQL has no replicas', () => {
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'postgres://db-replica-1/incidents' })).toThrow(
      new ConfigError('DATABASE_REPLICA_URLS needs DATABASE_URL: replicas follow a PostgreSQL server, and embedded PostgreSQL has none'),
    );
  });

  // The refusal does not repeat the URL, which may hold a password.
  it.each(['mysql://db-replica-1/incidents', 'db-replica-1:5432', 'postgres://[db-replica-1/incidents'])('refuses %s', (url) => {
    expect(() => loadConfig({ DATABASE_URL: PRIMARY, DATABASE_REPLICA_URLS: `postgres://db-replica-1/incidents,${url}` })).toThrow(
      new ConfigError('DATABASE_REPLICA_URLS must list postgres:// or postgresql:// URLs, separated by commas'),
    );
  });
});

describe('TRUST_PROXY', () => {
  it('is none by default', () => {
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: ' ' }).trustProxy).toBe(0);
  });

  it('takes a number of proxies, or their addresses, subnets and range names', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: ' loopback, 10.0.0.0/8,172.18.0.5, fd00::/8 ' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '172.18.0.5', 'fd00::/8']);
  });

  it.each(['true', 'nginx', '10.0.0.0/33', '10.0.0.0/8/1', '-1', '::1/129'])('refuses %s', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: `loopback,${value}` })).toThrow(ConfigError);
  });
});
