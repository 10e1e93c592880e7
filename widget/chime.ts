/** A chunk of its own, loaded by the panel for the first agent reply that arrives while it is closed (leader tab only). */

/** A short two-note chime from Web Audio (no audio file to download); silent where audio is blocked. */
export function chime(): void {
  try {
    const audio = new AudioContext();
    const at = audio.currentTime;
    const gain = audio.createGain();
    const tone = audio.createOscillator();
    tone.connect(gain).connect(audio.destination);
    gain.gain.setValueAtTime(0.08, at);
    gain.gain.exponentialRampToValueAtTime(1e-4, at + 0.4);
    tone.frequency.setValueAtTime(660, at);
    tone.frequency.setValueAtTime(880, at + 0.12);
    tone.start(at);
    tone.stop(at + 0.4);
    setTimeout(() => void audio.close(), 600);
  } catch { /* no Web Audio */ }
}
