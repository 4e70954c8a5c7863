import { defineConfig } from 'wxt';

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  manifestVersion: 3,
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
