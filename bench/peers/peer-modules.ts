/**
 * The peers' npm packages live in bench/.peers (gitignored), installed at bench time with
 * `npm install --prefix bench/.peers`, never into the project's own node_modules. This module
 * installs them when missing and loads them from there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PEERS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.peers');

/** Exact majors, so a rerun measures the same thing; React 17 is what the Papercups widget declares. */
export const PEER_PACKAGES = [
  'socket.io@4', 'socket.io-client@4', '@rocket.chat/livechat@1', '@papercups-io/chat-widget@1', 'react@17', 'react-dom@17',
];

const installed = (dir: string, name: string) => existsSync(join(dir, 'node_modules', name, 'package.json'));

/** Installs what is missing; returns an error message instead of throwing (the registry may be unreachable). */
export function ensurePeers(dir = PEERS_DIR): string | null {
  const missing = PEER_PACKAGES.filter((spec) => !installed(dir, spec.slice(0, spec.lastIndexOf('@'))));
  if (missing.length === 0) return null;
  try {
    // --legacy-peer-deps: the Papercups widget declares React 16/17 only, which we install on purpose.
    execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', ...PEER_PACKAGES],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    return null;
  } catch (error) {
    return `npm install --prefix ${dir} failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** require() rooted in bench/.peers, for CommonJS packages such as socket.io. */
export function peerRequire(dir = PEERS_DIR): NodeJS.Require {
  return createRequire(join(dir, 'package.json'));
}
