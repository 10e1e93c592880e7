/**
 * A person's picture, or the initial of their name when there is none or it does not load: a
 * broken or blocked address never shows as a broken-image icon. Decorative (alt ""), as the name
 * is always written beside it.
 */
import { useState } from 'preact/hooks';
import './avatar.css';

/** The first letter of a name, whole even when it is outside the BMP; "?" for no name yet. */
export const initialOf = (name: string): string => ([...name.trim()][0] ?? '?').toUpperCase();

export function Avatar({ name, url, size = 28, onBroken }: { name: string; url: string | null; size?: number; onBroken?: (url: string) => void }) {
  // The address that failed, so a new address (the person changed it) is tried again.
  const [failed, setFailed] = useState<string | null>(null);
  const style = { width: `${size}px`, height: `${size}px`, fontSize: `${Math.round(size * 0.46)}px` };
  if (url && failed !== url) {
    return <img class="avatar" src={url} alt="" style={style} referrerpolicy="no-referrer" onError={() => { setFailed(url); onBroken?.(url); }} data-avatar="image" />;
  }
  return <span class="avatar avatar-initial" aria-hidden="true" style={style} data-avatar="initial">{initialOf(name)}</span>;
}
