// `npm run --silent research -- <ptc|agreement>`: research formats from an Unspun export's records
// (conversations.jsonl from the dashboard's zip, or `npm run convert`'s output).
//   ptc FILE.jsonl --out DIR [--techniques ptc|unspun] [--judge KIND]
//       SemEval-2020 Task 11 spans: DIR/spans.txt, DIR/index.tsv, DIR/articles/article<id>.txt
//   agreement FILE.jsonl [--out FILE.csv]
//       Cohen's kappa per move for every pair of judges that scored the same replies (CSV)
// A line that is not a valid record stops the run with its line number: a research file with a
// silent hole in it is worse than none.
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExportRecord } from '#shared/export/record';
import { agreementCsv, judgeAgreement, judgePairs, toPtc } from '#shared/export/research-formats';
import { JudgeKind } from '#shared/schemas';
import { parseArgv } from '../argv.ts';
import { isEntryPoint } from '../entry.ts';
import { splitLines } from './lines.ts';
import { describeFsError, type ProcessIo, runAsProcess } from './process.ts';

const USAGE = `usage:
  npm run --silent research -- ptc FILE.jsonl --out DIR [--techniques ptc|unspun] [--judge offline|anthropic]
  npm run --silent research -- agreement FILE.jsonl [--out FILE.csv]`;

class UsageError extends Error {}

async function readRecords(path: string): Promise<ExportRecord[]> {
  const records: ExportRecord[] = [];
  const stream = createReadStream(path, { encoding: 'utf8' });
  for await (const line of splitLines(stream as AsyncIterable<string>)) {
    if (line.tooLong) throw new Error(`${path}:${line.number}: the line is too long to be a record`);
    if (line.text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line.text);
    } catch {
      throw new Error(`${path}:${line.number}: not JSON (expected one export record per line)`);
    }
    const parsed = ExportRecord.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${path}:${line.number}: not an Unspun export record: ${issue ? `${issue.path.join('.') || '(record)'}: ${issue.message}` : 'invalid'}`);
    }
    records.push(parsed.data);
  }
  return records;
}

export async function runResearchCli(io: ProcessIo): Promise<number> {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  try {
    const parsed = parseArgv(
      io.argv,
      {
        options: { out: { type: 'string' }, techniques: { type: 'string' }, judge: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
        unknown: (raw) => `Unknown option '${raw}'`,
      },
      (message) => new UsageError(message),
    );
    if (parsed.values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [command, input, extra] = parsed.positionals;
    if (command !== 'ptc' && command !== 'agreement') throw new UsageError(command ? `unknown command "${command}"` : 'say which format: ptc or agreement');
    if (!input) throw new UsageError(`${command}: give the export's JSONL file (conversations.jsonl)`);
    if (extra) throw new UsageError(`unexpected argument "${extra}"`);
    const { techniques = 'ptc', judge, out } = parsed.values as { techniques?: string; judge?: string; out?: string };
    if (techniques !== 'ptc' && techniques !== 'unspun') throw new UsageError(`--techniques must be ptc or unspun, not "${techniques}"`);
    const judgeKind = judge === undefined ? undefined : JudgeKind.safeParse(judge);
    if (judgeKind && !judgeKind.success) throw new UsageError(`--judge must be one of ${JudgeKind.options.join(', ')}, not "${judge}"`);
    if (command === 'ptc' && !out) throw new UsageError('ptc: give --out DIR (spans.txt, index.tsv and articles/ go there)');

    let records: ExportRecord[];
    try {
      records = await readRecords(input);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      say(code ? `research: cannot read ${input}: ${describeFsError(error)}` : `research: ${(error as Error).message}`);
      return 1;
    }

    if (command === 'ptc') {
      const ptc = toPtc(records, { techniques, ...(judgeKind?.data ? { judge: judgeKind.data } : {}) });
      const dir = out!;
      mkdirSync(join(dir, 'articles'), { recursive: true });
      writeFileSync(join(dir, 'spans.txt'), ptc.labels);
      writeFileSync(join(dir, 'index.tsv'), ptc.index);
      for (const article of ptc.articles) writeFileSync(join(dir, 'articles', article.fileName), article.text);
      say(
        `research: ${ptc.counts.articles} article${ptc.counts.articles === 1 ? '' : 's'}, ${ptc.counts.spans} span${ptc.counts.spans === 1 ? '' : 's'} in ${dir}` +
          (ptc.counts.leftOut > 0
            ? ` (${ptc.counts.leftOut} flag${ptc.counts.leftOut === 1 ? '' : 's'} of moves with no SemEval class left out; --techniques unspun keeps them)`
            : ''),
      );
      return 0;
    }

    const pairs = judgePairs(records);
    if (pairs.length === 0) {
      say('research: no reply in this export was scored by two judges; re-score some with a second judge (dashboard → Re-score) and export again');
      return 1;
    }
    const csv = agreementCsv(pairs.map((p) => judgeAgreement(records, p.judgeA, p.judgeB)));
    if (out) writeFileSync(out, csv);
    else io.stdout.write(csv);
    say(`research: agreement for ${pairs.map((p) => `${p.judgeA} × ${p.judgeB} (${p.replies} repl${p.replies === 1 ? 'y' : 'ies'})`).join(', ')}`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      say(`research: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

if (isEntryPoint(import.meta.url)) runAsProcess('research', runResearchCli);
