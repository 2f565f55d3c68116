/** The first focusable element of every page: jumps keyboard users past the header to `#main`. */
export function SkipLink() {
  return (
    <a
      href="#main"
      data-testid="skip-link"
      className="sr-only z-50 rounded bg-sky-700 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
    >
      Skip to content
    </a>
  );
}
