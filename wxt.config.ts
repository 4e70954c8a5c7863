import { defineConfig } from 'wxt';

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  manifestVersion: 3,
  zip: { excludeSources: ['.output/**', 'node_modules/**', '.git/**', 'test-results/**'] },
  manifest: ({ browser }) => ({
    name: 'Unspun',
    description: 'Shows where a chat assistant persuades by something other than reasons.',
    // Least that works: local storage, a retry alarm, and the local proxy only.
    permissions: ['storage', 'alarms'],
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'unspun@unspun.dev',
              strict_min_version: '128.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
