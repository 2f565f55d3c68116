import { hash, verify } from '@node-rs/argon2';
import { PASSWORD_MAX, PASSWORD_MIN } from '@/lib/protocol/account-api';
import { ValidationError } from './errors';

// 2 = Algorithm.Argon2id; the package's const enum cannot be imported under isolatedModules.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export { PASSWORD_MAX, PASSWORD_MIN };

export function validatePassword(password: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN)
    throw new ValidationError(field, `must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX)
    throw new ValidationError(field, `must be at most ${PASSWORD_MAX} characters`);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Verifies against a throwaway hash so unknown usernames take as long as wrong passwords. */
export async function burnVerifyTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
}
