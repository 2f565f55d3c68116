import { Suspense } from 'react';
import { AllClustersView } from '@/components/fleet/all-clusters-view';

export default function AllClustersPage() {
  return (
    <>
      <h1 className="sr-only">All clusters</h1>
      <Suspense fallback={<p className="p-4 text-xs text-slate-500">Loading…</p>}>
        <AllClustersView />
      </Suspense>
    </>
  );
}
