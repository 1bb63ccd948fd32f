// The ingest service (upstream/) inside the simulator's process: on its own SQLite file, listening on loopback,
// with a provisioning token that the simulator uses to register its scanner as a technician would.
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { DeviceRegistration } from '../hal/keys.js';
import { createIngestServer } from '../upstream/server.js';
import { SqliteStore } from '../upstream/sqlite-store.js';
import type { Ingest } from '../upstream/ingest.js';
import type { UpstreamTrust } from '../upstream/rejudge.js';
import { registrationBody } from '../upstream/registration.js';

export interface IngestHost {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  store: SqliteStore;
  ingest: Ingest;
  /** The provisioning token for POST /v1/devices. */
  token: string;
  close(): Promise<void>;
}

/** Starts the ingest on `db` at `host:port` (port 0: any free port). Loopback by default. */
export async function startIngestHost(o: { db: string; host?: string; port?: number; token?: string; now?: () => number; trust?: UpstreamTrust }): Promise<IngestHost> {
  const store = new SqliteStore(o.db);
  const token = o.token ?? randomBytes(16).toString('hex');
  const { server, ingest } = createIngestServer({ store, token, now: o.now, trust: o.trust });
  const host = o.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port ?? 0, host, () => resolve());
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    store,
    ingest,
    token,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

/**
 * Registers a device (its identity's `registration()`) over POST /v1/devices with the provisioning token; throws with
 * the ingest's words unless 200/201.
 */
export async function registerDevice(url: string, token: string, r: DeviceRegistration, site?: { id: string; name?: string }): Promise<void> {
  const body = registrationBody(r, site);
  const res = await fetch(url + '/v1/devices', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200 && res.status !== 201) throw new Error(`registering ${r.device} with the ingest failed: HTTP ${res.status} ${await res.text()}`);
}
