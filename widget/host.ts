/** What the loader hands the panel chunk: the contract between the two builds (types only). */
import type { API, RATING_PATHS, VISITOR_EMAIL_PATHS, VISITOR_PATHS, WidgetConfig } from '../protocol/protocol.ts';
import type { WidgetEvent } from './commands.ts';

export interface WidgetHost {
  root: ShadowRoot;
  /** The Parley server's origin (and path prefix), taken from the loader's own src. */
  base: string;
  siteId: string;
  /** The config the loader fetched, or null when the server could not be reached. */
  config: WidgetConfig | null;
  launcher: HTMLButtonElement;
  emit(event: WidgetEvent, data?: unknown): void;
  /** Unread count on the launcher badge. */
  badge(count: number): void;
  /** Launcher colors, label, side. */
  style(config: WidgetConfig): void;
}

export interface PanelApi {
  command(method: string, args: unknown[]): void;
  destroy(): void;
}

type Suffix<T> = T extends `${typeof API}/sites/:siteId${infer S}` ? S : never;
type Fill<S> = S extends `${infer A}:conversationId${infer B}` ? `${A}${string}${B}` : S;
type Paths<T> = T[keyof T];
/**
 * A visitor route after `/v1/sites/<siteId>`, checked against protocol.ts's VISITOR_PATHS (and the
 * visitor's email and rating routes, issues 12 and 15) at compile time only: the widget builds URLs from these
 * suffixes and does not bundle the path table.
 */
export type SitePath = Fill<Suffix<Paths<typeof VISITOR_PATHS> | Paths<typeof VISITOR_EMAIL_PATHS> | Paths<typeof RATING_PATHS>>>;
