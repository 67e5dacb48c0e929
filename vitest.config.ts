import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Inside this repository `eventforge/runtime` & co. resolve to the TypeScript sources (the
// `eventforge-source` export condition), never to a build in dist/: tests run from source, and
// so do the processes they start (NODE_OPTIONS).
const SOURCE_CONDITION = 'eventforge-source';

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --conditions=${SOURCE_CONDITION}`.trim() },
  },
});
