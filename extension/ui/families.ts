// One highlight colour per move family (the taxonomy's families), severity shown by the underline.
// Colours are the Okabe–Ito palette: seven hues that stay distinct for colour-blind readers.
import type { MoveId } from '#shared/schemas';
import { FAMILIES, FAMILY_INFO, moveById, type Family } from '#shared/taxonomy';

export interface FamilyColour {
  /** Solid colour: legend swatch and underline. */
  line: string;
  /** Translucent fill behind highlighted text. */
  fill: string;
}

const hex = (r: number, g: number, b: number) => ({ line: `rgb(${r}, ${g}, ${b})`, fill: `rgba(${r}, ${g}, ${b}, 0.24)` });

export const FAMILY_COLOURS: Record<Family, FamilyColour> = {
  emotion: hex(213, 94, 0), // vermillion
  rapport: hex(204, 121, 167), // reddish purple
  authority: hex(0, 114, 178), // blue
  logic: hex(0, 158, 115), // bluish green
  evidence: hex(230, 159, 0), // orange
  deflection: hex(86, 180, 233), // sky blue
  interest: hex(160, 145, 0), // dark yellow (plain yellow is invisible as an underline)
};

/** Severity 1..3 → underline style, so the colour stays free for the family. */
export const SEVERITY_DECORATION: Record<1 | 2 | 3, string> = { 1: 'dotted', 2: 'solid', 3: 'wavy' };

export const SEVERITIES = [1, 2, 3] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The family of a move; unknown ids (a judge's typo that slipped through) count as evidence. */
export function familyOf(move: MoveId | string): Family {
  return moveById(move)?.family ?? 'evidence';
}

export function familyName(family: Family): string {
  return FAMILY_INFO[family].name;
}

export function clampSeverity(severity: number): Severity {
  return severity >= 3 ? 3 : severity <= 1 ? 1 : 2;
}

/**
 * The ::highlight() name for a family at a severity. Prefixed `unspun-sev-` so every flag
 * highlight can be found by one prefix (tests count them that way).
 */
export function highlightName(family: Family, severity: number): string {
  return `unspun-sev-${clampSeverity(severity)}-${family}`;
}

export interface HighlightStyle {
  name: string;
  family: Family;
  severity: Severity;
  css: string;
}

/** Every family × severity highlight with its CSS rule. */
export function highlightStyles(): HighlightStyle[] {
  return FAMILIES.flatMap((family) =>
    SEVERITIES.map((severity) => {
      const { fill, line } = FAMILY_COLOURS[family];
      const name = highlightName(family, severity);
      const css = `::highlight(${name}) { background-color: ${fill}; text-decoration: underline ${SEVERITY_DECORATION[severity]} ${line}; text-decoration-thickness: ${severity === 1 ? 1 : 2}px; text-underline-offset: 3px; }`;
      return { name, family, severity, css };
    }),
  );
}
