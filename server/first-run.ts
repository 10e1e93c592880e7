/**
 * First start on an empty database: a demo site whose allowed origins include this server (so the
 * demo page at / works) and an owner account with a generated password, printed once, and no name
 * until its owner gives one at the first sign-in. No password is hard-coded anywhere. A lost
 * password is recovered with `npm run login-link` (server/login-link.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Config } from './config.ts';
import { hashPassword, randomToken } from './auth/secrets.ts';
import { defaultWidgetConfig } from './site-defaults.ts';
import type { Store } from './store/store.ts';

export const DEMO_SITE_KEY = 'demo_site_id';
export const OWNER_EMAIL = 'owner@parley.local';

export interface FirstRun {
  siteId: string;
  email: string;
  password: string;
}

/** Returns the new owner's credentials on the first start, null afterwards. */
export async function firstRun(store: Store, config: Config): Promise<FirstRun | null> {
  if ((await store.listUsers()).length > 0) return null;
  const local = new Set([config.publicUrl, `http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`]);
  const site = await store.createSite({
    name: 'Demo site',
    allowedOrigins: [...local],
    widget: defaultWidgetConfig('Parley demo'),
    secret: randomToken(32),
  });
  await store.setMeta(DEMO_SITE_KEY, site.id);
  // 15 characters from a 32-letter alphabet without look-alikes: 75 bits.
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789AB';
  const password = [...randomBytes(15)].map((byte) => alphabet[byte % 32]).join('');
  // No name yet: the dashboard asks for one at the first sign-in, before any reply can go out, so
  // visitors see a person's name beside replies rather than "Owner" (a name guessed from the
  // email could only be "owner" here: the address is a placeholder until the owner changes it).
  await store.createUser({ email: OWNER_EMAIL, name: '', role: 'owner', passwordHash: await hashPassword(password), siteIds: [site.id] });
  return { siteId: site.id, email: OWNER_EMAIL, password };
}
