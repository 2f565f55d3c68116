import { Suspense } from 'react';
import { Dashboard } from '@/components/dashboard/dashboard';

export default function NodesPage() {
  return (
    <Suspense fallback={<p className="p-4 text-xs text-slate-400">Loading…</p>}>
      <Dashboard />
    </Suspense>
  );
}
