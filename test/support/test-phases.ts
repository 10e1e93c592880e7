/**
 * Which test files `npm test` may run at the same time (test/run-tests.ts runs the two phases):
 *
 * 1. Concurrent: the unit tests beside the code (every *.test.ts outside test/, and test/support/'s
 *    own), and the test/ files listed in CONCURRENT — each of them independent of every other
 *    file: its server on a port from 0 (or none: app.inject()), its own temp dir, its own
 *    PostgreSQL schema or database, no browser, no child process, no mount, nothing fixed.
 * 2. Serial: every other file under test/ — Chromium, real server processes, the cluster, tmpfs
 *    mounts. A new file lands here unless it is added to CONCURRENT, so a new browser or process
 *    test never runs beside another by accident. test-phases.test.ts checks the listed files for
 *    the obvious breaches (a browser, a child process, a mount, a fixed port).
 */
import { globSync } from 'node:fs';

/** test/ files that keep the independence rule above. Add one only after checking it does. */
export const CONCURRENT = [
  'test/admin-api.test.ts',
  'test/api-tokens.test.ts',
  'test/api-tokens-live.test.ts',
  'test/assets.test.ts',
  'test/bad-input.test.ts',
  'test/chat-flow.test.ts',
  'test/fault-proxy.test.ts',
  'test/identity.test.ts',
  'test/logs.test.ts',
  'test/ratings-api.test.ts',
  'test/reports-api.test.ts',
  'test/openapi.test.ts',
  'test/resume.test.ts',
  'test/revocation.test.ts',
  'test/visitor-gone.test.ts',
  'test/webhooks-api.test.ts',
  'test/webhooks-cluster.test.ts',
  'test/webhooks-delivery.test.ts',
  'test/webhooks-faults.test.ts',
  'test/widget-budget.test.ts',
];

const UNIT_GLOBS = ['protocol/**/*.test.ts', 'server/**/*.test.ts', 'client/**/*.test.ts', 'widget/**/*.test.ts', 'dashboard/**/*.test.ts', 'test/support/**/*.test.ts'];

/** The two phases' files, relative to the repository root (the working directory of npm test). */
export function testPhases(): { concurrent: string[]; serial: string[] } {
  const unit = UNIT_GLOBS.flatMap((pattern) => globSync(pattern)).sort();
  const integration = globSync('test/**/*.test.ts').filter((file) => !file.startsWith('test/support/')).sort();
  const missing = CONCURRENT.filter((file) => !integration.includes(file));
  if (missing.length > 0) throw new Error(`test/support/test-phases.ts lists files that do not exist: ${missing.join(', ')}`);
  return { concurrent: [...unit, ...CONCURRENT], serial: integration.filter((file) => !CONCURRENT.includes(file)) };
}
