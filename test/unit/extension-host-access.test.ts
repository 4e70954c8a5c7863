// Which hosts the extension needs and which the browser withholds (extension/host-access.ts): the
// popup's "Allow access" notice and the toolbar badge are built on these.
import { describe, expect, it } from 'vitest';
import { hostName, isProxyHost, missingOrigins, neededOrigins } from '../../extension/host-access.ts';

describe('neededOrigins', () => {
  it('turns host permissions and content-script matches into one scheme://host/* pattern per host, in order', () => {
    expect(
      neededOrigins({
        host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
        content_scripts: [
          { matches: ['http://127.0.0.1/pair*', 'http://localhost/pair*'] },
          { matches: ['http://127.0.0.1/demo*', 'https://chatgpt.com/*', 'https://claude.ai/c/*', '*://*.example.org/x'] },
        ],
      }),
    ).toEqual(['http://127.0.0.1/*', 'http://localhost/*', 'https://chatgpt.com/*', 'https://claude.ai/*', '*://*.example.org/*']);
  });

  it('skips what is not a host pattern and copes with a manifest that names none', () => {
    expect(neededOrigins({ host_permissions: ['<all_urls>', 'not a pattern'], content_scripts: [{}] })).toEqual([]);
    expect(neededOrigins({})).toEqual([]);
  });
});

describe('missingOrigins', () => {
  const granted = new Set(['http://127.0.0.1/*', 'https://claude.ai/*']);
  const permissions = {
    async contains({ origins }: { origins: string[] }) {
      if (origins[0] === 'https://broken.example/*') throw new Error('boom');
      return origins.every((o) => granted.has(o));
    },
  };

  it('lists each needed origin the browser has not granted, asking one origin at a time', async () => {
    expect(await missingOrigins(permissions, ['http://127.0.0.1/*', 'https://chatgpt.com/*', 'https://claude.ai/*'])).toEqual(['https://chatgpt.com/*']);
  });

  it('counts an origin the browser cannot answer for as missing', async () => {
    expect(await missingOrigins(permissions, ['https://broken.example/*'])).toEqual(['https://broken.example/*']);
  });

  it('is empty when everything is granted', async () => {
    expect(await missingOrigins(permissions, [...granted])).toEqual([]);
  });
});

describe('hostName and isProxyHost', () => {
  it.each([
    ['https://chatgpt.com/*', 'chatgpt.com', false],
    ['http://127.0.0.1/*', '127.0.0.1', true],
    ['http://localhost/*', 'localhost', true],
    ['*://*.example.org/*', '*.example.org', false],
  ])('%s → %s (proxy: %s)', (origin, host, proxy) => {
    expect(hostName(origin)).toBe(host);
    expect(isProxyHost(origin)).toBe(proxy);
  });
});
