import { Suspense } from 'react';
import { Dashboard } from '@/components/dashboard/dashboard';

export default function NodesPage() {
  return (
    <>
      <h1 className="sr-only">Nodes</h1>
      <Suspense fallback={<p className="p-4 text-xs text-slate-500">Loading…</p>}>
        <Dashboard />
      </Suspense>
    </>
  );
}
