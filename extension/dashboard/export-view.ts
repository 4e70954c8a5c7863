// Export and import (wired to the export core in shared/export and shared/import).
import { h } from '../ui/dom.ts';
import type { DashboardContext } from './page.ts';

export function mountExportImport(root: HTMLElement, _ctx: DashboardContext): void {
  root.replaceChildren(h('h2', { text: 'Export and import' }), h('p', { class: 'muted', text: 'Coming with the export core.' }));
}
