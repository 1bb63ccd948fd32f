// sealscan pi-bundle: the folder a technician copies to a Raspberry Pi to install the scanner as a service. The
// scripts, the unit and the example configuration live as plain files in scripts/pi/ (shellcheck and
// systemd-analyze read them there); this command adds the built code and a package.json the Pi can install.
import { commandArgs, usageError } from '../command-args.js';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = `usage: sealscan pi-bundle --out DIR

Writes the folder a technician copies to a Raspberry Pi and installs from with sudo ./install.sh (README.txt in
it; the README's "Raspberry Pi" section): the built code (dist/ without tests, benchmarks, source maps and type
declarations; run npm run build first), bin/, package.json without its scripts (nothing is compiled on the Pi:
install.sh runs npm ci --omit=dev) and package-lock.json, install.sh, uninstall.sh, the systemd unit
sealscan.service, device.example.json and README.txt.

  --out DIR   the folder to write: new, or empty

exit status: 0 written, 1 DIR is not empty or this is not the repository, 2 usage error`;

/** The repository: this file is dist/scripts/commands/pi-bundle.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** What of dist/ stays on the build machine. */
const LEFT_OUT = [join('dist', 'tests'), join('dist', 'scripts', 'bench')];
/** Beside the code in the bundle, from scripts/pi/. */
const PI_FILES = ['install.sh', 'uninstall.sh', 'sealscan.service', 'device.example.json', 'README.txt'];

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('pi-bundle', USAGE, args, { out: { type: 'string' } });
  if (typeof parsed === 'number') return parsed;
  const out = parsed.values.out;
  if (!out) return usageError('pi-bundle', USAGE, '--out is required');
  if (parsed.positionals.length) return usageError('pi-bundle', USAGE, `unexpected argument "${parsed.positionals[0]}"`);
  if (!existsSync(join(ROOT, 'scripts', 'pi'))) {
    console.error(`sealscan pi-bundle: ${join(ROOT, 'scripts', 'pi')} is missing: make bundles in the sealscan repository, not from an installed scanner`);
    return 1;
  }
  const dir = resolve(out);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    console.error(`sealscan pi-bundle: ${dir} is not empty; name a new folder`);
    return 1;
  }
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), {
    recursive: true,
    filter: (src) => {
      const rel = relative(ROOT, src);
      return !LEFT_OUT.some((p) => rel === p || rel.startsWith(p + '/')) && !src.endsWith('.map') && !src.endsWith('.d.ts') && !src.endsWith('.tsbuildinfo');
    },
  });
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  // npm ci runs the root package's lifecycle scripts (prepare runs tsc, a dev dependency the Pi does not get): the
  // bundle's package.json has none. Dependencies, dev ones and overrides stay as they are, or npm ci would refuse
  // the lockfile as out of sync.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  delete pkg.scripts;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  cpSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
  for (const f of PI_FILES) cpSync(join(ROOT, 'scripts', 'pi', f), join(dir, f));
  for (const f of ['install.sh', 'uninstall.sh']) chmodSync(join(dir, f), 0o755);
  console.log(`bundle in ${dir}`);
  console.log(`on the Pi: copy the folder there (scp -r), then in it: sudo ./install.sh (README.txt)`);
  return 0;
}
