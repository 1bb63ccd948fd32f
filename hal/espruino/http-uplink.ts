/**
 * The uplink over Espruino's `require("http")`. Bodies travel as 8-bit strings (`E.toString` / `E.toUint8Array`).
 * https:// works but Espruino's TLS does not check the server's certificate (docs/espruino.md); the records' MACs
 * still protect what they carry.
 */
import { HalError } from '../errors.js';
import { isDigits } from '../text.js';
import type { Uplink, UplinkRequest, UplinkResult } from '../uplink.js';
import type { EspruinoRuntime } from './runtime.js';

export interface ParsedBase {
  protocol: 'http:' | 'https:';
  host: string;
  port: number;
  /** Path prefix without a trailing slash ('' for the root). */
  path: string;
}

/** http://host[:port][/path] or https://…; throws HalError UPLINK naming what is wrong. */
export function parseBaseUrl(url: string): ParsedBase {
  const https = url.substr(0, 8) === 'https://';
  if (!https && url.substr(0, 7) !== 'http://') throw new HalError('UPLINK', 'ingest "' + url + '" must start with http:// or https://');
  const rest = url.substr(https ? 8 : 7);
  const slash = rest.indexOf('/');
  const hostPort = slash < 0 ? rest : rest.substr(0, slash);
  let path = slash < 0 ? '' : rest.substr(slash);
  while (path.length && path.charAt(path.length - 1) === '/') path = path.substr(0, path.length - 1);
  const colon = hostPort.indexOf(':');
  const host = colon < 0 ? hostPort : hostPort.substr(0, colon);
  const portText = colon < 0 ? '' : hostPort.substr(colon + 1);
  if (!host) throw new HalError('UPLINK', 'ingest "' + url + '" has no host');
  if (colon >= 0 && !(isDigits(portText) && parseInt(portText, 10) >= 1 && parseInt(portText, 10) <= 65535)) throw new HalError('UPLINK', 'ingest "' + url + '" has a bad port');
  return { protocol: https ? 'https:' : 'http:', host: host, port: portText ? parseInt(portText, 10) : https ? 443 : 80, path: path };
}

export class EspruinoHttpUplink implements Uplink {
  private readonly base: ParsedBase;

  constructor(private readonly rt: EspruinoRuntime, url: string) {
    this.base = parseBaseUrl(url);
  }

  request(r: UplinkRequest): Promise<UplinkResult> {
    const rt = this.rt;
    const base = this.base;
    return new Promise<UplinkResult>(function (resolve) {
      let done = false;
      let timer = -1;
      const finish = function (result: UplinkResult): void {
        if (done) return;
        done = true;
        if (timer >= 0) rt.clearTimeout(timer);
        resolve(result);
      };
      const headers: { [name: string]: string } = {};
      const given = r.headers || {};
      for (const k in given) headers[k] = given[k];
      let body = r.body ? rt.toString(r.body) : '';
      headers['Content-Length'] = String(r.body ? r.body.length : 0);
      timer = rt.setTimeout(function () {
        finish({ ok: false, reason: 'timeout', message: 'no answer from ' + base.host + ' within ' + r.timeoutMs + ' ms' });
      }, r.timeoutMs);
      let req;
      try {
        req = rt.http.request({ host: base.host, port: base.port, path: base.path + r.path, method: r.method, protocol: base.protocol, headers: headers }, function (res) {
          let text = '';
          res.on('data', function (chunk: string) {
            text += chunk;
          });
          res.on('close', function () {
            const lower: { [name: string]: string } = {};
            for (const k in res.headers) lower[k.toLowerCase()] = String(res.headers[k]);
            finish({ ok: true, response: { status: Number(res.statusCode), headers: lower, body: rt.toUint8Array(text) } });
          });
        });
        req.on('error', function (e: unknown) {
          finish({ ok: false, reason: 'unreachable', message: 'cannot reach ' + base.host + ': ' + String((e as Error).message || e), bodyUnsent: true });
        });
        req.end(body);
        // http has its own copy now; this one would stay in memory with the request's closures until the answer.
        body = '';
      } catch (e) {
        finish({ ok: false, reason: 'unreachable', message: 'cannot reach ' + base.host + ': ' + String((e as Error).message || e), bodyUnsent: true });
      }
    });
  }
}
