/**
 * Sound, and a browser notification when the tab is hidden, for new conversations and visitor
 * messages. Only one tab plays them: the one holding the agent's stream (client/session.ts; the
 * others take over when it closes). Permission is only ever asked from a click, as browsers require.
 */

export interface NotifierDeps {
  /** Whether this tab is the one that plays notifications. */
  isLeader: () => boolean;
  createAudioContext?: () => AudioContext;
  Notification?: typeof Notification;
  isHidden: () => boolean;
  focusWindow?: () => void;
}

export interface Notifier {
  /** True when this tab is the one that plays notifications. */
  isLeader(): boolean;
  permission(): NotificationPermission | 'unsupported';
  /** Call from a click: asks for notification permission and unlocks audio. */
  enable(): Promise<NotificationPermission | 'unsupported'>;
  notify(title: string, body: string, tag: string, onClick?: () => void): void;
  stop(): void;
}

export function createNotifier(deps: NotifierDeps): Notifier {
  let audio: AudioContext | null = null;

  function beep(): void {
    try {
      audio ??= deps.createAudioContext?.() ?? null;
      if (!audio || audio.state !== 'running') return;
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.setValueAtTime(880, audio.currentTime);
      oscillator.frequency.setValueAtTime(660, audio.currentTime + 0.12);
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.3);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.32);
    } catch { /* audio is a nicety */ }
  }

  return {
    isLeader: deps.isLeader,
    permission: () => deps.Notification?.permission ?? 'unsupported',
    async enable() {
      try {
        audio ??= deps.createAudioContext?.() ?? null;
        await audio?.resume();
      } catch { /* no audio */ }
      if (!deps.Notification) return 'unsupported';
      if (deps.Notification.permission === 'default') return deps.Notification.requestPermission();
      return deps.Notification.permission;
    },
    notify(title, body, tag, onClick) {
      if (!deps.isLeader()) return;
      beep();
      if (!deps.isHidden() || deps.Notification?.permission !== 'granted') return;
      try {
        const notification = new deps.Notification(title, { body, tag });
        notification.onclick = () => {
          deps.focusWindow?.();
          onClick?.();
          notification.close();
        };
      } catch { /* some platforms only allow service-worker notifications */ }
    },
    stop() {
      void audio?.close().catch(() => {});
    },
  };
}
