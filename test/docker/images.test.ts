import { describe, expect, it } from 'vitest';
import { appContextEntries, appInputsHash } from '../../harness/docker/app-context.ts';
import { buildImages, ImageMissingError, requireImages, resolveBase, resolveProxy } from '../../harness/docker/images.ts';
import { BUILD_TIMEOUT_MS, dockerForTests } from './engine.ts';

describe('the node image context', () => {
  it('holds the sources and what the containers load, not the host-only dependencies', () => {
    const entries = appContextEntries();
    expect(entries).toEqual(expect.arrayContaining(['docker/node.Dockerfile', 'harness', 'nodes', 'package.json', 'node_modules/tsx', 'node_modules/zod', 'node_modules/commander']));
    expect(entries.filter((entry) => /node_modules\/(echarts|testcontainers|dockerode|vitest|typescript)$/.test(entry))).toEqual([]);
    expect(entries).not.toContain('test');
  });
});

if (await dockerForTests('images.test.ts')) {
  describe('images', () => {
    it('a second build reuses every image the first one built or found', { timeout: BUILD_TIMEOUT_MS }, async () => {
      const base = await resolveBase('offline');
      const first = await buildImages(base);
      const second = await buildImages(base);
      expect(second.outcomes.map((o) => o.image)).toHaveLength(3);
      // Other work may change the sources between the two calls; an unchanged tag must never be rebuilt.
      for (const outcome of second.outcomes) {
        if (first.outcomes.some((o) => o.image === outcome.image)) expect(outcome).toMatchObject({ action: 'reused' });
      }
      expect(second.outcomes[0]).toMatchObject({ image: expect.stringMatching(/^chaoslab-base:[0-9a-f]{16}$/), action: 'reused' });
    });

    it('the tag follows the inputs', () => {
      expect(appInputsHash(['a'])).toMatch(/^[0-9a-f]{16}$/);
      expect(appInputsHash(['a'])).not.toBe(appInputsHash(['b']));
    });

    it('defaults to the offline base when the official one is not present locally', async () => {
      expect(await resolveBase(undefined)).toEqual({ kind: 'offline' });
      expect(await resolveBase('official')).toEqual({ kind: 'official', image: 'node:20-slim' });
    });

    it('a missing Toxiproxy image is an error naming it and how to get it, never a pull', async () => {
      const proxy = resolveProxy('toxiproxy');
      expect(proxy).toEqual({ kind: 'toxiproxy', image: 'ghcr.io/shopify/toxiproxy:2.12.0' });
      const error = await requireImages({ kind: 'offline' }, resolveProxy('chaoslab-test/no-such-toxiproxy:0')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageMissingError);
      expect(String(error)).toContain('image chaoslab-test/no-such-toxiproxy:0 is not present');
      expect(String(error)).toContain('docker image pull chaoslab-test/no-such-toxiproxy:0');
    });

    it('a missing official base is an error, never a pull', async () => {
      const error = await buildImages({ kind: 'official', image: 'chaoslab-test/no-such-node:0' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageMissingError);
      expect(String(error)).toContain('chaoslab-test/no-such-node:0');
      expect(String(error)).toContain('--base offline');
    });
  });
}
