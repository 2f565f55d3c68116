import type { ReactNode } from 'react';

/** The frame every settings section shares: a titled card with a short explanation. */
export function SettingsCard({
  title,
  description,
  testId,
  children,
}: {
  title: string;
  description: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white" data-testid={testId}>
      <header className="border-b border-slate-200 px-4 py-2.5">
        <h2 className="text-sm font-semibold">{title}</h2>
        <p className="text-xs text-slate-500">{description}</p>
      </header>
      <div className="flex flex-col gap-3 p-4">{children}</div>
    </section>
  );
}
