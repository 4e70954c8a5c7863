import { describe, expect, it } from 'vitest';
import { chunkFileName } from '../../wxt.config.ts';

describe('build chunk names', () => {
  it('names the lazily loaded compromise chunk after the library, not its "three" entry file', () => {
    expect(chunkFileName({ name: 'three', facadeModuleId: '/repo/node_modules/compromise/src/three.js' })).toBe('chunks/compromise-[hash].js');
    expect(chunkFileName({ name: 'three', facadeModuleId: 'C:\\repo\\node_modules\\compromise\\src\\three.js' })).toBe('chunks/compromise-[hash].js');
  });

  it("keeps WXT's pattern for every other chunk", () => {
    expect(chunkFileName({ name: 'queries', facadeModuleId: null })).toBe('chunks/[name]-[hash].js');
    expect(chunkFileName({ name: 'browser', facadeModuleId: '/repo/node_modules/wxt/dist/browser.mjs' })).toBe('chunks/[name]-[hash].js');
    expect(chunkFileName({ name: 'three', facadeModuleId: '/repo/node_modules/compromise-lite/three.js' })).toBe('chunks/[name]-[hash].js');
  });
});
