import type { Principal } from '@/lib/auth/types';

/**
 * Which of the given principals must be disconnected: expired ones, and those stillValid rejects.
 * Each distinct principal object is checked once however many connections share it; a check that
 * throws keeps the connection (a database blip must not disconnect every browser).
 */
export async function findRevoked<T extends { principal: Principal }>(
  items: Iterable<T>,
  now: number,
  stillValid: ((p: Principal) => Promise<boolean>) | undefined,
  onError: (err: unknown, p: Principal) => void,
): Promise<T[]> {
  const checks = new Map<Principal, Promise<boolean>>();
  const pending: Array<{ item: T; check: Promise<boolean> }> = [];
  for (const item of items) {
    const p = item.principal;
    if (p.expiresAt !== undefined && p.expiresAt <= now) {
      pending.push({ item, check: Promise.resolve(false) });
      continue;
    }
    if (!stillValid) continue;
    let check = checks.get(p);
    if (!check) {
      check = stillValid(p).then(
        (ok) => ok,
        (err: unknown) => {
          onError(err, p);
          return true;
        },
      );
      checks.set(p, check);
    }
    pending.push({ item, check });
  }
  const revoked: T[] = [];
  for (const { item, check } of pending) if (!(await check)) revoked.push(item);
  return revoked;
}
