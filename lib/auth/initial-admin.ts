import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { UserService } from './user-service';

export interface InitialAdminOptions {
  username?: string;
  password?: string;
}

/**
 * First start only (no users at all): creates an admin from ADMIN_USERNAME/ADMIN_PASSWORD, or
 * 'admin' with a random password printed once in the log (only its hash is stored).
 * Returns the created username, or null when accounts already exist.
 */
export async function ensureInitialAdmin(
  users: UserService,
  logger: Logger,
  opts: InitialAdminOptions = {},
): Promise<string | null> {
  if ((await users.count()) > 0) return null;
  const username = opts.username ?? 'admin';
  const generated = opts.password === undefined;
  const password = opts.password ?? randomBytes(18).toString('base64url');
  await users.create({ username, password, role: 'admin' });
  if (generated) {
    // Interpolated into the message on purpose: the logger redacts `password` fields.
    logger.warn(
      `Initial admin account created. Username: ${username}  Password: ${password}  ` +
        '(shown only this once; sign in and change it, or set ADMIN_USERNAME/ADMIN_PASSWORD)',
    );
  } else {
    logger.info({ username }, 'initial admin account created from ADMIN_USERNAME/ADMIN_PASSWORD');
  }
  return username;
}
