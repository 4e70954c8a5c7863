// The study server's settings from the environment: defaults, and one clear line for each bad value.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureAdminToken, loadStudyConfig } from '../../proxy/study/config.ts';
import { isDatabaseUnavailable, redactUrl } from '../../proxy/study/db.ts';
import { createRateLimiter } from '../../proxy/study/rate-limit.ts';

describe('study server config', () => {
  it('defaults to 127.0.0.1:8788 and PGlite under the config dir', () => {
    const config = loadStudyConfig({ UNSPUN_CONFIG_DIR: '/tmp/x' });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8788, publicUrl: null, database: { kind: 'pglite', dataDir: '/tmp/x/study-db' } });
  });

  it('limits joins to 60 at once then 60 an hour per address, and trusts no proxy, unless told', () => {
    expect(loadStudyConfig({ UNSPUN_CONFIG_DIR: '/tmp/x' })).toMatchObject({ joinLimit: { burst: 60, perHour: 60 }, trustedProxies: [] });
    const config = loadStudyConfig({
      UNSPUN_CONFIG_DIR: '/tmp/x',
      UNSPUN_STUDY_JOIN_BURST: '200',
      UNSPUN_STUDY_JOINS_PER_HOUR: '120',
      UNSPUN_STUDY_TRUSTED_PROXIES: ' 127.0.0.1, ::1 ,10.0.0.0/8 ',
    });
    expect(config).toMatchObject({ joinLimit: { burst: 200, perHour: 120 }, trustedProxies: ['127.0.0.1', '::1', '10.0.0.0/8'] });
  });

  it('uses PostgreSQL when DATABASE_URL is set, and the public URL for join links', () => {
    const config = loadStudyConfig({
      UNSPUN_CONFIG_DIR: '/tmp/x',
      DATABASE_URL: 'postgres://u:p@db:5432/study',
      UNSPUN_STUDY_PUBLIC_URL: 'https://study.example.org/unspun/',
      UNSPUN_STUDY_PORT: '9000',
      UNSPUN_STUDY_HOST: '0.0.0.0',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      publicUrl: 'https://study.example.org/unspun',
      database: { kind: 'postgres', url: 'postgres://u:p@db:5432/study' },
    });
  });

  it.each([
    [{ UNSPUN_STUDY_PORT: 'eighty' }, 'UNSPUN_STUDY_PORT="eighty" is not a port'],
    [{ UNSPUN_STUDY_HOST: 'a host' }, 'UNSPUN_STUDY_HOST="a host" is not a host name'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL must be a PostgreSQL URL'],
    [{ UNSPUN_STUDY_PUBLIC_URL: 'study.example.org' }, 'is not a URL'],
    [{ UNSPUN_STUDY_PUBLIC_URL: 'https://study.example.org/?a=1' }, 'no query'],
    [{ UNSPUN_STUDY_JOIN_BURST: '0' }, 'UNSPUN_STUDY_JOIN_BURST="0" is not a count'],
    [{ UNSPUN_STUDY_JOINS_PER_HOUR: '1.5' }, 'UNSPUN_STUDY_JOINS_PER_HOUR="1.5" is not a count'],
    [{ UNSPUN_STUDY_TRUSTED_PROXIES: '127.0.0.1,my-proxy' }, 'UNSPUN_STUDY_TRUSTED_PROXIES: "my-proxy" is not an IP address'],
  ])('refuses %o', (env, message) => {
    expect(() => loadStudyConfig({ UNSPUN_CONFIG_DIR: '/tmp/x', ...env })).toThrow(message);
  });

  it('makes the admin token once, in a file only its owner can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unspun-study-config-'));
    try {
      const first = ensureAdminToken(dir, {});
      expect(first.token).toMatch(/^usa_[A-Za-z0-9_-]{43}$/);
      expect(statSync(first.path!).mode & 0o777).toBe(0o600);
      expect(ensureAdminToken(dir, {}).token).toBe(first.token);
      expect(readFileSync(first.path!, 'utf8').trim()).toBe(first.token);
      expect(() => ensureAdminToken(dir, { UNSPUN_STUDY_ADMIN_TOKEN: 'short' })).toThrow('at least 32 characters');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never prints a database password', () => {
    expect(redactUrl('postgres://study:hunter2@db.example:5432/s')).toBe('postgres://study:***@db.example:5432/s');
  });

  it('tells a database that is away from other errors', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Failed query', { cause: Object.assign(new Error('terminating connection'), { code: '57P01' }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });

  it('limits each participant to a burst, then a steady rate', () => {
    let t = 0;
    const limiter = createRateLimiter({ burst: 2, perSecond: 1, clock: () => t });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    t = 1000;
    expect(limiter.take('a')).toBe(0);
  });
});

describe('the example study file', () => {
  it('is a valid study file', async () => {
    const { StudyFile } = await import('#shared/api/study');
    const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../proxy/study/example-study.json'), 'utf8'));
    expect(StudyFile.safeParse(file).success).toBe(true);
  });
});
