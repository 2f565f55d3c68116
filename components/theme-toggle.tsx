'use client';
import { useTheme } from 'next-themes';
import { useSyncExternalStore } from 'react';

const choices = [
  { value: 'system', label: 'System theme', glyph: '◐' },
  { value: 'light', label: 'Light theme', glyph: '☀' },
  { value: 'dark', label: 'Dark theme', glyph: '☾' },
] as const;

const noop = () => () => undefined;

// the header is zinc (dark in both themes); on a page the mirrored slate palette follows the theme
const looks = {
  header: { on: 'bg-zinc-600 text-zinc-50', off: 'text-zinc-300 hover:bg-zinc-800 hover:text-zinc-50' },
  page: { on: 'bg-slate-200 text-slate-900', off: 'text-slate-600 hover:bg-slate-100 hover:text-slate-900' },
};

/** System (the default), light or dark; the choice is kept by next-themes in localStorage. */
export function ThemeToggle({
  tone = 'header',
  className = '',
}: {
  tone?: 'header' | 'page';
  className?: string;
}) {
  const { theme, setTheme } = useTheme();
  // the stored choice is only known in the browser: render no pressed state on the server
  const mounted = useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
  return (
    <div
      role="group"
      aria-label="Colour theme"
      data-testid="theme-toggle"
      className={`flex gap-0.5 ${className}`}
    >
      {choices.map((c) => {
        const pressed = mounted && (theme ?? 'system') === c.value;
        return (
          <button
            key={c.value}
            type="button"
            aria-pressed={pressed}
            aria-label={c.label}
            title={c.label}
            data-testid={`theme-${c.value}`}
            onClick={() => setTheme(c.value)}
            className={`grid size-6 place-items-center rounded text-xs ${looks[tone][pressed ? 'on' : 'off']}`}
          >
            <span aria-hidden>{c.glyph}</span>
          </button>
        );
      })}
    </div>
  );
}
