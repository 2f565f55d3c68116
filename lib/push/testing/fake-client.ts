import type { Principal } from '@/lib/auth/types';
import type { PushClient, Transport } from '../types';

export function principal(overrides: Partial<Principal> = {}): Principal {
  return {
    userId: 'u1',
    username: 'alice',
    role: 'viewer',
    via: 'session',
    scope: 'write',
    clusters: 'all',
    ...overrides,
  };
}

/** PushClient that records frames; `buffered` simulates a client that stopped reading. */
export class RecordingClient implements PushClient {
  readonly frames: string[] = [];
  buffered = 0;
  closedWith?: { code: number; reason: string };

  constructor(
    readonly id: string,
    readonly principal: Principal,
    readonly transport: Transport = 'ws',
  ) {}

  send(frame: string): void {
    if (this.closedWith) throw new Error('send after close');
    this.frames.push(frame);
  }

  bufferedAmount(): number {
    return this.buffered;
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  /** parsed JSON messages (ws transport) */
  messages(): Array<Record<string, unknown> & { type: string }> {
    return this.frames.map((f) => JSON.parse(f) as Record<string, unknown> & { type: string });
  }

  types(): string[] {
    return this.messages().map((m) => m.type);
  }
}
