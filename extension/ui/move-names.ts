import { MOVES_BY_ID } from '#shared/taxonomy';
import type { MoveId, Support } from '#shared/schemas';

/** The reader-facing name of a move; falls back to the id when the taxonomy lacks it. */
export function moveName(id: MoveId): string {
  const name = MOVES_BY_ID[id]?.name;
  if (name) return name;
  const words = id.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function moveDefinition(id: MoveId): string | undefined {
  return MOVES_BY_ID[id]?.definition;
}

export const SUPPORT_LABELS: Record<Support, string> = {
  supported: 'Backed up in the reply',
  weak: 'Weakly backed up',
  unsupported: 'Not backed up',
  requested: 'Asked for by the user',
};
