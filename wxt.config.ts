import { defineConfig } from 'wxt';

// Test builds pin the extension id with a public key so e2e tests can reach its pages;
// store builds never carry a key.
const testKey = process.env.UNSPUN_TEST_BUILD ? process.env.UNSPUN_TEST_KEY : undefined;

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  manifestVersion: 3,
  zip: { excludeSources: ['.output/**', 'node_modules/**', '.git/**', 'test-results/**'] },
  manifest: ({ browser }) => ({
    name: 'Unspun',
    description: 'Shows where a chat assistant persuades by something other than reasons.',
    permissions: ['storage', 'alarms'],
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    ...(testKey ? { key: testKey } : {}),
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
