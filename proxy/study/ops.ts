// The researcher's operations, two ways: straight on the database (the CLI when no server holds
// it, and PostgreSQL always), or over HTTP to the running server with the admin token (the CLI
// while `npm run study` holds the embedded PGlite dir). Both give the same answers.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename } from 'node:path';
import type { ClosedStudy, CreatedStudy, StudyExportManifest, StudyFile, StudyStats, StudySummary, WithdrawReceipt } from '#shared/api/study';
import { writePrivateFileAtomic } from '../private-files.ts';
import { ApiError } from '../middleware/errors.ts';
import { exportStream } from './app.ts';
import type { OpenDatabase } from './db.ts';
import { createStudyStore, studyNotFound } from './store.ts';

export interface StudyOps {
  create(file: StudyFile): Promise<CreatedStudy>;
  list(): Promise<StudySummary[]>;
  stats(id: string): Promise<StudyStats>;
  close(id: string): Promise<ClosedStudy>;
  deleteParticipant(id: string, participantId: string): Promise<WithdrawReceipt>;
  /** The export JSONL, its last line the manifest. */
  exportStream(id: string): Promise<ReadableStream<Uint8Array>>;
}

export function createStudyOps(database: OpenDatabase, publicUrl: string, version: string, clock: () => number = Date.now): StudyOps {
  const store = createStudyStore(database.db, clock);
  const find = async (id: string) => {
    const study = await store.getStudy(id);
    if (!study) throw studyNotFound(id);
    return study;
  };
  return {
    create: (file) => store.createStudy(file, publicUrl),
    list: () => store.listStudies(),
    stats: async (id) => store.stats(await find(id)),
    close: async (id) => store.close(await find(id)),
    deleteParticipant: async (id, pid) => store.withdraw(await find(id), pid),
    exportStream: async (id) => exportStream(store, await find(id), `${id}.jsonl`, clock, version),
  };
}

export function createHttpOps(baseUrl: string, adminToken: string): StudyOps {
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new Error(`The study server at ${baseUrl} did not answer (${(error as Error).message}): is "npm run study" still running?`);
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text.slice(0, 300);
      let code = 'http_error';
      try {
        const parsed = JSON.parse(text) as { error: { code: string; message: string } };
        message = parsed.error.message;
        code = parsed.error.code;
      } catch {}
      throw new ApiError(response.status as 400, code, message);
    }
    return response;
  };
  const json = async <T>(method: string, path: string, body?: unknown) => (await (await call(method, path, body)).json()) as T;
  const study = (id: string) => `/v1/studies/${encodeURIComponent(id)}`;
  return {
    create: (file) => json('POST', '/v1/studies', file),
    list: async () => (await json<{ studies: StudySummary[] }>('GET', '/v1/studies')).studies,
    stats: (id) => json('GET', `${study(id)}/stats`),
    close: (id) => json('POST', `${study(id)}/close`),
    deleteParticipant: (id, pid) => json('DELETE', `${study(id)}/participants/${encodeURIComponent(pid)}`),
    exportStream: async (id) => (await call('GET', `${study(id)}/export`)).body!,
  };
}

export interface WrittenExport {
  out: string;
  manifest: string;
  participants: number;
  conversations: number;
  bytes: number;
  sha256: string;
}

/** Writes the records to `out` and the manifest (the stream's last line) to `out` with .manifest.json. */
export async function writeExport(stream: ReadableStream<Uint8Array>, out: string): Promise<WrittenExport> {
  const manifestPath = out.replace(/\.jsonl?$/i, '') + '.manifest.json';
  const file = createWriteStream(out, { mode: 0o600 });
  const decoder = new TextDecoder();
  let carry = '';
  let manifest: StudyExportManifest | null = null;
  const write = async (text: string) => {
    if (!file.write(text)) await once(file, 'drain');
  };
  const take = async (lines: string[]) => {
    let chunk = '';
    for (const line of lines) {
      if (line.startsWith('{"record_type":"manifest"')) manifest = (JSON.parse(line) as { manifest: StudyExportManifest }).manifest;
      else chunk += `${line}\n`;
    }
    if (chunk) await write(chunk);
  };
  try {
    for await (const bytes of stream as unknown as AsyncIterable<Uint8Array>) {
      carry += decoder.decode(bytes, { stream: true });
      const end = carry.lastIndexOf('\n');
      if (end < 0) continue;
      const lines = carry.slice(0, end).split('\n');
      carry = carry.slice(end + 1);
      await take(lines);
    }
    carry += decoder.decode();
    if (carry) await take([carry]);
  } finally {
    file.end();
    await once(file, 'close');
  }
  const m = manifest as StudyExportManifest | null;
  if (!m) throw new Error(`The export stream ended without its manifest: ${out} is incomplete; run the export again`);
  m.files = m.files.map((f) => ({ ...f, name: basename(out) }));
  writePrivateFileAtomic(manifestPath, `${JSON.stringify(m, null, 2)}\n`);
  const f = m.files[0]!;
  return { out, manifest: manifestPath, participants: m.study.participants, conversations: m.counts.conversations, bytes: f.bytes, sha256: f.sha256 };
}
