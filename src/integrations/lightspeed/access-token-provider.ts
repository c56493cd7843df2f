// The contract between the K-Series client and the token manager: the client never stores
// tokens, it asks for one before each call and reports a 401.

export interface ConnectionAccess {
  /** A currently valid access token. Never log it. */
  accessToken: string;
  /** The API base URL of the connection's environment. */
  baseUrl: string;
  /** Scopes granted to the connection. */
  scopes: string[];
}

export interface AccessTokenProvider {
  /**
   * Access for a connection, refreshed first when fewer than 5 minutes remain.
   * Throws ConnectionUnavailableError when the vendor is not (or no longer) connected.
   */
  getAccess(connectionId: string): Promise<ConnectionAccess>;
  /**
   * K-Series answered 401 to `rejectedAccessToken`: refresh (unless another caller already
   * rotated it) and return the access to retry with, once.
   */
  refreshAfterUnauthorized(connectionId: string, rejectedAccessToken: string): Promise<ConnectionAccess>;
}

/** The connection cannot be used: not connected, disconnected, or reconnect required. */
export class ConnectionUnavailableError extends Error {
  constructor(
    public readonly connectionId: string,
    public readonly reason: 'NOT_CONNECTED' | 'DISCONNECTED' | 'RECONNECT_REQUIRED',
    message?: string,
  ) {
    super(message ?? `Lightspeed connection ${connectionId} is unavailable: ${reason}`);
    this.name = 'ConnectionUnavailableError';
  }
}
