import { errorMessage } from '@/lib/client/api-fetch';

/** Shows an API error's message (and field details) the way the server phrased it. */
export function ErrorBox({ error, className = '' }: { error: unknown; className?: string }) {
  if (!error) return null;
  return (
    <div
      role="alert"
      data-testid="error-box"
      className={`rounded border border-rose-200 bg-rose-50 px-3 py-2 text-xs text-rose-800 ${className}`}
    >
      {errorMessage(error)}
    </div>
  );
}
