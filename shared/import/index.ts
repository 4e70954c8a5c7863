// One entry for the importers: a format name and text chunks in, one outcome per record out.
import { chatgptImporter } from './chatgpt.ts';
import { claudeImporter } from './claude.ts';
import { type ImportFormat, type ImportOutcome, importJsonArray } from './importer.ts';
import { importUnspunJsonl } from './unspun.ts';

export { IMPORT_FORMATS, type ImportFormat, type ImportOutcome } from './importer.ts';

export function importRecords(format: ImportFormat, chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<ImportOutcome> {
  if (format === 'chatgpt') return importJsonArray(chunks, chatgptImporter);
  if (format === 'claude') return importJsonArray(chunks, claudeImporter);
  return importUnspunJsonl(chunks);
}
