'use client';
import { useEffect } from 'react';

function typingIn(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/**
 * `/` focuses the node search (as on GitHub and in Grafana), unless the user is typing somewhere.
 * Below 1024 px the filters are collapsed: the shortcut opens them first.
 */
export function useSearchShortcut(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return;
      const input = document.querySelector<HTMLInputElement>('[data-testid="filter-text"]');
      if (!input) return;
      e.preventDefault();
      if (!input.offsetParent)
        document.querySelector<HTMLButtonElement>('[data-testid="filters-toggle"]')?.click();
      requestAnimationFrame(() => {
        input.focus();
        input.select();
      });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
