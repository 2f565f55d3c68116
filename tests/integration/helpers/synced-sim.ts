import { RealtimeManager, type RealtimeManagerOptions } from '@/lib/realtime/manager';
import { EventRecorder, until } from '@/lib/realtime/testing/harness';
import { startSimulator, type Simulator, type SimulatorOptions } from '@/lib/sim';

export interface SyncedSim {
  sim: Simulator;
  mgr: RealtimeManager;
  rec: EventRecorder;
  /** unhandled rejections seen while the fixture was open */
  unhandled: unknown[];
  close(): Promise<void>;
}

/** A simulator, a RealtimeManager synced to it as cluster "sim", and a recorder of its events. */
export async function startSyncedSim(
  simOpts: SimulatorOptions,
  mgrOpts: RealtimeManagerOptions,
): Promise<SyncedSim> {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  const sim = await startSimulator(simOpts);
  const mgr = new RealtimeManager(mgrOpts);
  const rec = new EventRecorder(mgr);
  mgr.registerCluster('sim', sim.kubeconfig());
  mgr.start();
  await until(() => mgr.clusterStatus('sim').state === 'ready', 10_000, 'initial ready');
  return {
    sim,
    mgr,
    rec,
    unhandled,
    async close() {
      rec.close();
      await mgr.shutdown();
      await sim.close();
      process.off('unhandledRejection', onUnhandled);
    },
  };
}
