import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Verification tests call the solver; their time is bounded by per-check
    // timeouts, not by the test runner. Speed targets live in `npm run bench`.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    include: ['**/*.test.ts'],
    globalSetup: ['./test-setup.ts'],
    exclude: ['node_modules/**', 'dist/**'],
  },
});
