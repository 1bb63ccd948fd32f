import { commandArgs, usageError } from '../command-args.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { isType2, readType2 } from '../../firmware/scan/read-tag.js';
import { judge } from '../../firmware/seals/verdict.js';
import { SIM_ORIGINALITY_PUBLIC_KEY } from '../../sim/tags/index.js';
import { IssuerKeyError, loadTrustedIssuer } from '../../hal/node/issuer-files.js';
import { withTag, ReaderUseError } from '../readers.js';

const USAGE = `usage: sealscan check (--tag FILE | --reader pi) --trust ISSUER.issuer.json [--trust ...] [--json]

Reads the tag on the reader and judges its seal exactly as a scanner would (genuine, tampered, clone suspect,
invalid seal, unknown, unreadable), with the reasons. For packaging quality checks; it records nothing.
With --tag the simulator's originality key is trusted as well as NXP's.

exit status: 0 genuine, 1 any other verdict, 2 usage error`;

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('check', USAGE, args, { tag: { type: 'string' }, reader: { type: 'string' }, trust: { type: 'string', multiple: true }, json: { type: 'boolean' } });
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values;
  // Without a trusted issuer no seal can be judged genuine: every one would read "unknown issuer".
  if (!values.trust?.length) return usageError('check', USAGE, '--trust ISSUER.issuer.json is required: the public file of the issuer whose seals to accept (sealscan issuer-key new writes it)');
  try {
    const issuers = (values.trust ?? []).map(loadTrustedIssuer);
    const trust = { issuers, originalityKeys: values.tag ? [{ name: 'simulator', publicKey: SIM_ORIGINALITY_PUBLIC_KEY }] : [] };
    const crypto = createNodeCrypto();
    // Saved afterwards: reading powers the tag, and a real tag keeps what it measured (NTAG213 TT tamper history, NFC counter).
    const j = await withTag({ tag: values.tag, reader: values.reader }, true, 30000, (reader, a) =>
      judge(isType2(a) ? readType2(reader, a) : { kind: 'other', activation: a }, trust, crypto, Date.now()),
    );
    if (values.json) console.log(JSON.stringify({ verdict: j.verdict, headline: j.headline, findings: j.findings, tagType: j.tagType, originality: j.originality, tamper: j.tamper, link: j.digitalLink, issuer: j.issuer, sealedAt: j.sealedAt }, null, 2));
    else {
      console.log(`${j.headline}\n  tag ${j.tagType}, originality ${j.originality}, tamper ${j.tamper}`);
      if (j.digitalLink) console.log(`  link ${j.digitalLink}`);
      if (j.issuer) console.log(`  sealed by ${j.issuer}${j.sealedAt ? ' at ' + new Date(j.sealedAt * 1000).toISOString() : ''}`);
      for (const f of j.findings) console.log(`  ${f.level === 'note' ? 'note' : f.level}: ${f.text} [${f.code}]`);
    }
    return j.verdict === 'genuine' ? 0 : 1;
  } catch (e) {
    if (e instanceof ReaderUseError || e instanceof IssuerKeyError || (e as { code?: string }).code === 'SPI_IO' || (e as { code?: string }).code === 'NO_CHIP') {
      console.error(`sealscan check: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}
