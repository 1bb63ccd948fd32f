/**
 * The device's way to the ingest service: one HTTP-like request at a time. Network trouble is normal for a handheld
 * in the field, so it is a value, not an exception.
 */
export interface UplinkRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path under the ingest's base URL, e.g. "/v1/records". */
  path: string;
  /** Header names in lower case. */
  headers?: { [name: string]: string };
  body?: Uint8Array;
  /** Give up after this long without a complete response, ms. */
  timeoutMs: number;
}

export interface UplinkResponse {
  status: number;
  /** Header names in lower case. */
  headers: { [name: string]: string };
  body: Uint8Array;
}

/** Why no response came: no route or refused, no answer in time, or the connection broke mid-way. */
export type UplinkFailure = 'unreachable' | 'timeout' | 'reset';

/**
 * `bodyUnsent` is true when the connection failed before the whole request body was handed to the network (a
 * server that refuses a large body may close while it is still arriving).
 */
export type UplinkResult = { ok: true; response: UplinkResponse } | { ok: false; reason: UplinkFailure; message: string; bodyUnsent?: boolean };

export interface Uplink {
  /** Never rejects; a response with any status (also 4xx/5xx) is `ok: true`. */
  request(request: UplinkRequest): Promise<UplinkResult>;
}
