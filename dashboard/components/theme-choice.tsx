/** The Account page's colour theme (issue 14): follow the system (the default), or always light or dark. */
import { useController } from '../controller-context.ts';
import { themeChoice, type ThemeChoice } from '../state/theme.ts';

const CHOICES: Array<{ id: ThemeChoice; label: string; hint: string }> = [
  { id: 'system', label: 'System', hint: 'follows your device' },
  { id: 'light', label: 'Light', hint: '' },
  { id: 'dark', label: 'Dark', hint: '' },
];

export function ThemeChoiceCard() {
  const controller = useController();
  return (
    <form class="card form" aria-labelledby="theme-title" onSubmit={(event) => event.preventDefault()}>
      <h2 id="theme-title">Theme</h2>
      <fieldset>
        <legend class="sr-only">Colour theme</legend>
        {CHOICES.map((choice) => (
          <label key={choice.id} class="inline">
            <input type="radio" name="theme" value={choice.id} checked={themeChoice.value === choice.id} onChange={() => controller.teamInbox.chooseTheme(choice.id)} />
            {choice.label}{choice.hint && <span class="muted small"> ({choice.hint})</span>}
          </label>
        ))}
      </fieldset>
      <p class="muted small">Kept in this browser.</p>
    </form>
  );
}
