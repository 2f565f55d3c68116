export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

export interface ShutdownOptions {
  steps: ShutdownStep[];
  timeoutMs?: number;
  log: (msg: string, extra?: Record<string, unknown>) => void;
  exit: (code: number) => void;
}

/**
 * Runs the steps in order once, whatever signal or caller triggers it; a step that fails is
 * logged and skipped, and a hard deadline exits anyway so an orchestrator never has to SIGKILL.
 */
export function createShutdown(opts: ShutdownOptions): (reason: string) => Promise<void> {
  let running: Promise<void> | undefined;
  return (reason) => {
    running ??= (async () => {
      opts.log('shutting down', { reason });
      const deadline = setTimeout(() => {
        opts.log('shutdown deadline passed, exiting');
        opts.exit(1);
      }, opts.timeoutMs ?? 9_000);
      deadline.unref();
      for (const step of opts.steps) {
        try {
          await step.run();
        } catch (err) {
          opts.log(`shutdown step ${step.name} failed`, { err: String(err) });
        }
      }
      clearTimeout(deadline);
      opts.log('shutdown complete');
      opts.exit(0);
    })();
    return running;
  };
}
