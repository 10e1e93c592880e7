/**
 * Run by `npm start` before the server: builds the browser code (widget, dashboard) and the server
 * (dist/server/, scripts/build-server.ts) when dist/ is missing or older than their sources, so a
 * fresh clone needs nothing but `npm install && npm start`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// package.json too: the server's build carries its version (the OpenAPI description).
const SOURCES = ['protocol', 'client', 'widget', 'dashboard', 'server', 'package.json'];
const OUTPUTS = ['dist/widget/loader.js', 'dist/dashboard/index.html', 'dist/server/main.js'];

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  if (statSync(dir).isFile()) return statSync(dir).mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.name.endsWith('.test.ts')) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

const built = OUTPUTS.every(existsSync) ? Math.min(...OUTPUTS.map((file) => statSync(file).mtimeMs)) : 0;
if (built < Math.max(...SOURCES.map(newest))) {
  console.log('Building the widget, the dashboard and the server…');
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
}
