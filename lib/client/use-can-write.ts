'use client';
import { useSession } from 'next-auth/react';

/** Viewers may look but not act; the server enforces it, the UI just doesn't offer what would be refused. */
export function useCanWrite(): boolean {
  const { data } = useSession();
  const role = (data?.user as { role?: unknown } | undefined)?.role;
  // unknown while the session loads: offer actions, the server still decides
  return role !== 'viewer';
}
