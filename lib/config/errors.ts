/** A bad setting; the message names each variable and why. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
