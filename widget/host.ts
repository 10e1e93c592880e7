/** What the loader hands the panel chunk: the contract between the two builds (types only). */
import type { WidgetConfig } from '../protocol/protocol.ts';
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
