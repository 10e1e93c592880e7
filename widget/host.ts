/** What the loader hands the panel chunk: the contract between the two builds (types only). */
import type { API, VISITOR_PATHS, WidgetConfig } from '../protocol/protocol.ts';
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
/**
 * A visitor route after `/v1/sites/<siteId>`, checked against protocol.ts's VISITOR_PATHS at compile
 * time only: the widget builds URLs from these suffixes and does not bundle the path table.
 */
export type SitePath = Fill<Suffix<(typeof VISITOR_PATHS)[keyof typeof VISITOR_PATHS]>>;
