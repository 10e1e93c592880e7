/**
 * Which property names the widget's build shortens to `$0`, `$1`… in the loader and every panel
 * chunk alike (widget/vite.config.ts: the oxc minifier cannot mangle properties across several
 * chunks by itself), and the check that keeps these lists true to the code.
 *
 * Shortened: names only our own code uses, never JSON on the wire, IndexedDB records, the DOM or
 * other built-ins, nor messages between tabs (during a deploy another tab may run the previous
 * build). A name shortened that is one of those breaks the widget; a name left out costs bytes.
 *
 * client/ is shared with the dashboard and host.ts is the loader's contract with the panel, so
 * every property of their exported types must be classified here, shortened or kept (with why),
 * and neither list may name a property that no longer exists there. Renaming an option in client/
 * then fails the build (checkNames) instead of silently changing what the widget shortens.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

/** Shortened, by where they are defined. The order fixes each name's short form: append, do not sort. */
export const SHORTENED = {
  /** chat.ts's state and actions, and the panel's component props (not checked: the widget's own). */
  chat: ['agentTyping', 'api', 'siteUrl', 'introduced', 'lines', 'hours', 'onAgentMessage', 'onSent', 'away', 'item', 'read', 'restart', 'chat', 'fields', 'lost', 'locked', 'draft', 'gone'],
  /** client/'s options and methods. */
  client: [
    'leads', 'retry', 'outbox', 'canFlush', 'onDelivered', 'flush', 'reload', 'wake', 'onLeader', 'onMessage', 'streamUrl', 'pollUrl',
    'pollHeaders', 'onEvent', 'onResync', 'onRevoked', 'deps', 'onOnline', 'send', 'items', 'ready', 'post', 'storage',
    'begin', 'stream', 'agentEvents',
  ],
  /** host.ts: what the loader hands the panel (both are built here, together). */
  host: ['root', 'base', 'siteId', 'launcher', 'emit', 'badge', 'command', 'destroy'],
  /** The words (strings.ts, zh.ts; not checked: the widget's own). */
  words: ['sending', 'sent', 'seen', 'failed', 'someone', 'today', 'yesterday', 'connecting', 'offline', 'sys', 'attach'],
};

/** Properties of client/ and host.ts left as they are, and why. */
export const KEPT: Record<string, string> = {
  cursor: 'wire', status: 'wire (and Response)', body: 'wire (and Response)', name: 'wire (typing) and DOM', online: 'wire (availability)',
  config: 'wire (the widget config)',
  id: 'stored in IndexedDB', payload: 'stored in IndexedDB', state: 'stored in IndexedDB', order: 'stored in IndexedDB',
  createdAt: 'stored in IndexedDB',
  t: 'between tabs', e: 'between tabs', r: 'between tabs', c: 'between tabs', s: 'between tabs', i: 'between tabs',
  addEventListener: 'DOM', close: 'DOM', postMessage: 'DOM', request: 'DOM (Web Locks)', locks: 'DOM (navigator.locks)',
  channel: 'not worth it (once per session)', load: 'not worth it (once per page)',
  EventSource: 'read from globalThis', fetch: 'read from globalThis', setTimeout: 'read from globalThis',
  clearTimeout: 'read from globalThis', random: 'Math.random', now: 'Date.now',
  add: 'DOM (classList)', remove: 'DOM (Element.remove, in the loader)', put: 'IndexedDB (IDBObjectStore.put)',
  start: 'Web Audio (chime.ts)', stop: 'Web Audio (chime.ts)', style: 'DOM',
};

/** Every shortened name, in order. */
export const shortened = (): string[] => Object.values(SHORTENED).flat();

/** Names of the properties and methods in a file's exported interfaces and type aliases. */
export function exportedPropertyNames(file: string): Set<string> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isPropertySignature(node) || ts.isMethodSignature(node)) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) {
      names.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported && (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement))) visit(statement);
  }
  return names;
}

const root = resolve(import.meta.dirname, '..');
/** The client's shipped modules (not its tests; its test doubles live in test/support/). */
export const clientFiles = (): string[] => readdirSync(join(root, 'client'))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => join(root, 'client', file));

/** What is wrong with the lists (empty when nothing): checked against `sources` per checked group. */
export function namesProblems(sources = { client: clientFiles(), host: [join(root, 'widget', 'host.ts')] }, lists = { SHORTENED, KEPT }): string[] {
  const problems: string[] = [];
  const all = Object.values(lists.SHORTENED).flat();
  for (const name of new Set(all.filter((name, i) => all.indexOf(name) !== i))) problems.push(`"${name}" is listed twice`);
  for (const name of all) if (name in lists.KEPT) problems.push(`"${name}" is both shortened and kept`);
  const defined = new Set<string>();
  for (const [group, files] of Object.entries(sources) as Array<[keyof typeof sources, string[]]>) {
    const names = new Set(files.flatMap((file) => [...exportedPropertyNames(file)]));
    for (const name of names) defined.add(name);
    for (const name of lists.SHORTENED[group]) if (!names.has(name)) problems.push(`"${name}" (${group}) is shortened but no longer a property there`);
    for (const name of names) {
      if (!all.includes(name) && !(name in lists.KEPT)) problems.push(`"${name}" (${group}) is neither shortened nor kept: classify it`);
    }
  }
  for (const name of Object.keys(lists.KEPT)) if (!defined.has(name)) problems.push(`"${name}" is kept but no longer a property of client/ or host.ts`);
  return problems;
}

/** Throws (failing the build) when the lists and the code disagree. */
export function checkNames(): void {
  const problems = namesProblems();
  if (problems.length) throw new Error(`widget/property-names.ts does not match the code:\n  ${problems.join('\n  ')}`);
}
