// What stands between the network and the ingest's routes: the Host names it answers, bearer tokens for the two
// roles, a limit on failed attempts per client, and a cap on connections per client. Each guard is cheap and
// bounded in memory whatever a client sends.
import type { IncomingMessage } from 'node:http';
import type { Server } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from './http-util.js';
import { SealscanError } from '../hal/errors.js';

/** Loopback names, answered when no names are configured. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Shortest token accepted at start: shorter ones are guessable at the rates an HTTP server allows. */
export const MIN_TOKEN_LENGTH = 16;

/** A token that cannot be used, named by its option. */
export class TokenError extends SealscanError {
  declare readonly code: 'BAD_TOKEN';
  constructor(message: string) {
    super('BAD_TOKEN', message);
    this.name = 'TokenError';
  }
}

/** Throws TokenError unless `token` (when given) is at least MIN_TOKEN_LENGTH printable characters without spaces. */
export function checkToken(token: string | undefined, what: string): void {
  if (token === undefined) return;
  if (token.length < MIN_TOKEN_LENGTH) throw new TokenError(`${what} has ${token.length} characters; use at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -hex 16)`);
  if (!/^[\x21-\x7e]+$/.test(token)) throw new TokenError(`${what} must be printable ASCII without spaces`);
}

/** The host name of a Host header, lower case, without port or IPv6 brackets; '' when there is none. */
export function hostName(header: string | undefined): string {
  const h = (header ?? '').trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(1, end);
  }
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** Refuses (421) a request whose Host is not one of `names` (DNS rebinding: a page of another site on our address). */
export function checkHost(req: IncomingMessage, names: ReadonlySet<string>): void {
  const name = hostName(req.headers.host);
  if (!names.has(name)) {
    throw new ApiError(421, 'misdirected-request', `Host ${JSON.stringify(String(req.headers.host ?? '').slice(0, 100))} is not a name this ingest answers (configure it with --host-name)`);
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Failed attempts per client in a window; a client over the limit is answered 429 until the window ends. */
export class FailureLimiter {
  private readonly clients = new Map<string, { failures: number; since: number; told: boolean }>();

  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    private readonly now: () => number,
    /** Clients remembered at most; the oldest are forgotten first. */
    private readonly maxClients = 10000,
  ) {}

  /** Seconds until `client` may try again, or 0. */
  retryAfter(client: string): number {
    const c = this.clients.get(client);
    if (!c) return 0;
    const left = c.since + this.windowMs - this.now();
    if (left <= 0) {
      this.clients.delete(client);
      return 0;
    }
    return c.failures >= this.maxFailures ? Math.ceil(left / 1000) : 0;
  }

  /** Notes that `client` was answered 429 in its current window. */
  told(client: string): void {
    const c = this.clients.get(client);
    if (c) c.told = true;
  }

  /** True when `client` is over the limit and was already told so in this window: it is not answered again. */
  silenced(client: string): boolean {
    const c = this.clients.get(client);
    return !!c && c.told && this.retryAfter(client) > 0;
  }

  fail(client: string): void {
    let c = this.clients.get(client);
    if (!c || c.since + this.windowMs <= this.now()) {
      this.clients.delete(client);
      if (this.clients.size >= this.maxClients) this.clients.delete(this.clients.keys().next().value as string);
      c = { failures: 0, since: this.now(), told: false };
      this.clients.set(client, c);
    }
    c.failures++;
  }
}

/**
 * Leaves `req` unanswered and unread for `ms`, then closes its connection: for a client that keeps sending what is
 * refused after it was told 429. Its body stops flowing once node:http's buffer for it is full, so the client
 * waits on its own bandwidth, not ours.
 */
export function hold(req: IncomingMessage, ms: number): void {
  const timer = setTimeout(() => req.socket.destroy(), ms);
  timer.unref();
  req.socket.once('close', () => clearTimeout(timer));
}

export type Role = 'provisioning' | 'auditor';

/**
 * Bearer tokens of the two roles: provisioning registers devices, auditor reads and exports. Guarantees: the
 * comparison takes the same time whatever the token (digests compared in constant time); the scheme is matched
 * case-insensitively (RFC 9110 §11.1); a client whose attempts keep failing gets 429 with Retry-After and no
 * comparison at all until its window ends.
 */
export class Tokens {
  private readonly digests: { [R in Role]: Buffer | undefined };

  constructor(
    tokens: { [R in Role]?: string },
    private readonly limiter: FailureLimiter,
  ) {
    this.digests = {
      provisioning: tokens.provisioning === undefined ? undefined : digest(tokens.provisioning),
      auditor: tokens.auditor === undefined ? undefined : digest(tokens.auditor),
    };
  }

  /** Throws ApiError 401/403/429 unless `req` carries the token of `role`. */
  require(req: IncomingMessage, role: Role, client: string): void {
    const wait = this.limiter.retryAfter(client);
    if (wait > 0) throw new ApiError(429, 'too-many-attempts', `too many failed attempts from this client; try again in ${wait} s`, { 'retry-after': String(wait) });
    const m = /^bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(req.headers.authorization ?? '');
    if (!m) throw new ApiError(401, 'unauthorized', `authorization: Bearer <${role} token> is required`, { 'www-authenticate': 'Bearer' });
    const expected = this.digests[role];
    if (!expected) throw new ApiError(403, role === 'provisioning' ? 'registration-disabled' : 'reads-disabled', `this ingest has no ${role} token configured`);
    if (!timingSafeEqual(digest(m[1]), expected)) {
      this.limiter.fail(client);
      throw new ApiError(403, 'forbidden', `wrong ${role} token`);
    }
  }

  has(role: Role): boolean {
    return this.digests[role] !== undefined;
  }
}

/** Closes connections beyond `max` open ones from one address (one client must not take every socket). */
export function capConnections(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const who = socket.remoteAddress ?? '?';
    const n = (open.get(who) ?? 0) + 1;
    if (n > max) {
      socket.destroy();
      return;
    }
    open.set(who, n);
    socket.once('close', () => {
      const left = (open.get(who) ?? 1) - 1;
      if (left <= 0) open.delete(who);
      else open.set(who, left);
    });
  });
}
