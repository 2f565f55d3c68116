/**
 * WebSocket close codes of the push channels (SSE streams end instead, after a final event);
 * the server closes with these and the browser reacts to them (docs/realtime-protocol.md).
 */
export const CloseCode = {
  shutdown: 1001,
  policyViolation: 1008,
  tooBig: 1009,
  tryAgainLater: 1013,
  /** session expired or ended, user disabled, token revoked: sign in again */
  unauthorized: 4001,
  /** the client buffered more than WS_SLOW_CLIENT_BYTES: resume from the last seq */
  slowConsumer: 4008,
} as const;
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];
