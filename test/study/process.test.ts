// `npm run study` as a real process, on an embedded PGlite dir and on a real PostgreSQL: donations
// the server acknowledged survive kill -9 and a restart (none lost, none doubled); the researcher
// CLI works both through the running server and straight on the database; a database that cannot
// be reached is one clear line at start.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatedStudy, JoinResponse, StudyStats, type StudyFileInput } from '#shared/api/study';
import { runningServer, runStudyCli } from '../../proxy/study/main.ts';
import { freePort, type PgCluster, startPgCluster } from './pg-cluster.ts';
import { donationRecord } from './records.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const LONG = 480_000;

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm run study` in its own process group (so kill -9 reaches npm, tsx and node alike). */
function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn('npm', ['run', '--silent', 'study'], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        child.stdout!.off('data', onData);
        resolve({ child, url: match[1]!, output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    exited.then((code) => reject(new Error(`npm run study exited (${code}) before listening: ${out}`)));
  });
}

async function kill9(server: Server): Promise<void> {
  process.kill(-server.child.pid!, 'SIGKILL');
  await server.exited;
}

/**
 * SIGTERM, then wait until the server node process itself is gone: `exited` is npm's exit, which
 * can come before node has finished shutting down, and until then the CLI still sees a running
 * server (its running file and a live pid) and talks to a port that no longer answers.
 */
async function stop(server: Server, configDir: string): Promise<void> {
  process.kill(-server.child.pid!, 'SIGTERM');
  await server.exited;
  for (let waited = 0; runningServer(configDir) !== null; waited += 50) {
    if (waited > 30_000) throw new Error(`the study server was still running 30 s after SIGTERM: ${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function cli(env: Record<string, string | undefined>, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runStudyCli(argv, { env: { ...process.env, ...env }, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err, json: code === 0 && out ? JSON.parse(out) : null };
}

const STUDY: StudyFileInput = { title: 'Crash test', consent: 'I agree to donate redacted flagged replies for research.', collect: 'flagged', sites: 'all' };

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`npm run study on ${kind}`, () => {
    let dir: string;
    let cluster: PgCluster | null = null;
    let env: Record<string, string>;
    const servers: Server[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'unspun-study-'));
      env = { UNSPUN_CONFIG_DIR: dir, UNSPUN_STUDY_PORT: String(await freePort()) };
      if (kind === 'postgres') {
        cluster = await startPgCluster();
        env.DATABASE_URL = cluster.url;
      } else {
        delete process.env.DATABASE_URL;
      }
      writeFileSync(join(dir, 'study.json'), JSON.stringify(STUDY));
    }, LONG);

    afterAll(async () => {
      for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) await kill9(s).catch(() => {});
      cluster?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it(
      'keeps every acknowledged donation across kill -9 and a restart, and doubles none',
      async () => {
        const first = await startServer(env);
        servers.push(first);
        // While the server runs, the CLI goes through it (PGlite) or to PostgreSQL directly.
        const created = await cli(env, 'create', join(dir, 'study.json'));
        expect(created.code, created.err).toBe(0);
        const { studyId, joinUrl } = CreatedStudy.parse(created.json);
        expect(joinUrl).toBe(`${first.url}/join/${studyId}`);

        const api = `${first.url}/v1/studies/${studyId}`;
        const joined = JoinResponse.parse(await (await fetch(`${api}/participants`, { method: 'POST', body: '{"consent":true}' })).json());
        const records = Array.from({ length: 20 }, (_, n) => donationRecord({ n }));
        let acknowledged = 0;
        for (let i = 0; i < records.length; i += 5) {
          const res = await fetch(`${api}/donations`, {
            method: 'POST',
            headers: { authorization: `Bearer ${joined.secret}` },
            body: JSON.stringify({ records: records.slice(i, i + 5) }),
          });
          expect(res.status).toBe(200);
          acknowledged += ((await res.json()) as { accepted: number }).accepted;
        }
        expect(acknowledged).toBe(20);

        await kill9(first);
        const second = await startServer(env);
        servers.push(second);
        const stats = await cli(env, 'stats', studyId);
        expect(stats.code, stats.err).toBe(0);
        expect(StudyStats.parse(stats.json)).toMatchObject({ participants: 1, donations: 20 });
        // The extension resends what it never heard back about: all duplicates now.
        const replay = await fetch(`${second.url}/v1/studies/${studyId}/donations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${joined.secret}` },
          body: JSON.stringify({ records }),
        });
        expect(await replay.json()).toMatchObject({ accepted: 0, duplicates: 20 });

        const out = join(dir, 'export.jsonl');
        const exported = await cli(env, 'export', studyId, '--out', out);
        expect(exported.code, exported.err).toBe(0);
        expect(exported.json).toMatchObject({ participants: 1, conversations: 20 });
        const lines = readFileSync(out, 'utf8').trim().split('\n');
        expect(lines).toHaveLength(21);
        const manifest = JSON.parse(readFileSync(join(dir, 'export.manifest.json'), 'utf8'));
        expect(manifest.files[0]).toMatchObject({ name: 'export.jsonl', sha256: exported.json.sha256 });

        const listed = await cli(env, 'list');
        expect(listed.json.studies).toEqual([expect.objectContaining({ studyId, participants: 1, donations: 20, status: 'open' })]);
        await stop(second, dir);

        // With no server running the CLI opens the database itself.
        const removed = await cli(env, 'delete-participant', studyId, joined.participantId);
        expect(removed.code, removed.err).toBe(0);
        expect(removed.json).toMatchObject({ deleted: true, donations: 20 });
        const closed = await cli(env, 'close', studyId);
        expect(closed.json).toMatchObject({ studyId, status: 'closed' });
        expect((await cli(env, 'list')).json.studies[0]).toMatchObject({ participants: 0, donations: 0, status: 'closed' });
      },
      LONG,
    );
  });
}

describe('npm run study: errors a researcher can fix', () => {
  it('says in one line that DATABASE_URL cannot be reached, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unspun-study-'));
    try {
      const port = await freePort();
      const child = spawn('npm', ['run', '--silent', 'study'], {
        cwd: ROOT,
        env: {
          ...process.env,
          UNSPUN_CONFIG_DIR: dir,
          UNSPUN_STUDY_PORT: String(await freePort()),
          DATABASE_URL: `postgres://someone:hunter2@127.0.0.1:${port}/study`,
        },
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      const lines = err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Cannot reach PostgreSQL at DATABASE_URL=postgres://someone:***@127.0.0.1:${port}/study`);
      expect(lines[0]).toContain('ECONNREFUSED');
      expect(lines[0]).toContain('unset DATABASE_URL to use the embedded database');
      expect(err).not.toContain('hunter2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('names the field of the study file that is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unspun-study-'));
    try {
      const file = join(dir, 'study.json');
      writeFileSync(file, JSON.stringify({ ...STUDY, collect: 'everything', maxParticipants: -3, colour: 'red' }));
      const res = await cli({ UNSPUN_CONFIG_DIR: dir }, 'create', file);
      expect(res.code).toBe(1);
      expect(res.err).toContain(`The study file ${file} is not valid`);
      expect(res.err).toContain('collect:');
      expect(res.err).toContain('maxParticipants:');
      expect(res.err).toContain('colour');
      writeFileSync(file, '{"title": ');
      expect((await cli({ UNSPUN_CONFIG_DIR: dir }, 'create', file)).err).toContain('is not valid JSON');
      expect((await cli({ UNSPUN_CONFIG_DIR: dir }, 'export', 's_x')).err).toContain('--out');
      expect((await cli({ UNSPUN_CONFIG_DIR: dir }, 'frobnicate')).err).toContain('Unknown command');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
