import { defineConfig } from 'wxt';

/**
 * Shared chunks are named after their entry module. compromise's package entry is `src/three.js`
 * (its third, fullest build), so the lazily loaded name finder came out as `chunks/three-*.js`.
 * Name it after the library instead; every other chunk keeps WXT's pattern, and the splitting
 * itself is untouched (same chunks, same bytes).
 */
export function chunkFileName(chunk: { name: string; facadeModuleId: string | null }): string {
  if (chunk.facadeModuleId && /[\\/]node_modules[\\/]compromise[\\/]/.test(chunk.facadeModuleId)) return 'chunks/compromise-[hash].js';
  return 'chunks/[name]-[hash].js';
}

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  manifestVersion: 3,
  hooks: {
    'vite:build:extendConfig': (_entrypoints, config) => {
      const output = config.build?.rollupOptions?.output;
      // Only the multi-page group (popup, options, dashboard, side panel) splits into chunks.
      if (output && !Array.isArray(output) && typeof output.chunkFileNames === 'string') output.chunkFileNames = chunkFileName;
    },
  },
  zip: { excludeSources: ['.output/**', 'node_modules/**', '.git/**', 'test-results/**'] },
  manifest: ({ browser }) => ({
    name: 'Unspun',
    description: 'Shows where a chat assistant persuades by something other than reasons.',
    // Least that works: local storage, a retry alarm, and the local proxy only. "Check with
    // Unspun" on any page: contextMenus (the item on selected text), activeTab (access to that one
    // tab, only when the reader clicks the item), scripting (inject the small card script then).
    // The side panel entrypoint adds sidePanel on Chrome (Firefox: sidebar_action, no permission).
    permissions: ['storage', 'alarms', 'contextMenus', 'activeTab', 'scripting'],
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    // Study mode: a study server on another machine is asked for (that one origin) when the
    // participant opens its join link; nothing else is reachable (extension/study/contract.ts).
    optional_host_permissions: ['https://*/*'],
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'unspun@unspun.dev',
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
