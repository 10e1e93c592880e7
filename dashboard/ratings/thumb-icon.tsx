/** A thumb up or down (Feather's thumbs-up, turned over for down), drawn: emoji depend on the fonts of the machine. */
export function Thumb({ down = false, size = 16 }: { down?: boolean; size?: number }) {
  return (
    <svg class="thumb-icon" viewBox="0 0 24 24" width={size} height={size} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"
      aria-hidden="true">
      <path transform={down ? 'rotate(180 12 12)' : undefined} d="M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3" />
    </svg>
  );
}
