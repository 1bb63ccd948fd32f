// The Raspberry Pi install as a technician runs it, into a temp folder: sealscan pi-bundle, then the bundle's
// install.sh and uninstall.sh with --prefix (a staging root: no user, no chown, no systemctl) checked file by file;
// shellcheck on both scripts; systemd-analyze verify on the unit where it exists. npm is a recording double, so
// nothing is downloaded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

const repo = new URL('../../../', import.meta.url).pathname;
const bin = join(repo, 'bin/sealscan.js');
const dir = tempDir('pi-bundle');
const bundle = join(dir, 'bundle');
const root = join(dir, 'root');
const at = (p: string) => join(root, p);
const sealscan = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

// Doubles first on PATH: npm records how it was called (and makes the folder npm ci would), the build tools
// install.sh asks for exist; then this test's node (install.sh checks its version).
const fakes = join(dir, 'fakes');
const npmLog = join(dir, 'npm.log');
mkdirSync(fakes);
writeFileSync(join(fakes, 'npm'), `#!/bin/sh\necho "$PWD $*" >> '${npmLog}'\nmkdir -p node_modules\n`, { mode: 0o755 });
for (const tool of ['make', 'g++', 'python3']) writeFileSync(join(fakes, tool), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
const PATH = `${fakes}:${dirname(process.execPath)}:${process.env.PATH}`;
const script = (name: string, args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync('bash', [join(bundle, name), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, SEALSCAN_SKIP_NPM: '', PATH, ...env }, timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const install = (env: Record<string, string> = {}) => script('install.sh', ['--prefix', root, '--no-systemctl'], env);
const uninstall = (...extra: string[]) => script('uninstall.sh', ['--prefix', root, '--no-systemctl', ...extra]);
const files = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [relative(bundle, join(d, e.name))]));
const mode = (p: string) => statSync(p).mode & 0o777;
const read = (p: string) => readFileSync(p, 'utf8');

test('pi-bundle: the built code without tests and benchmarks, package.json without scripts, the Pi files', () => {
  assert.is(sealscan('pi-bundle').code, 2, '--out is required');
  const r = sealscan('pi-bundle', '--out', bundle);
  assert.is(r.code, 0, r.err);
  const list = files(bundle);
  for (const f of ['bin/sealscan.js', 'dist/scripts/cli.js', 'dist/scripts/commands/run.js', 'dist/scripts/commands/doctor.js', 'dist/scripts/commands/provision.js',
    'dist/scripts/commands/keys.js', 'dist/hal/rpi/board.js', 'dist/sim/runner/board.js', 'dist/firmware/app/device.js', 'package.json', 'package-lock.json',
    'install.sh', 'uninstall.sh', 'sealscan.service', 'device.example.json', 'README.txt']) {
    assert.ok(list.includes(f), `${f} is in the bundle`);
  }
  const stray = list.filter((f) => f.startsWith('dist/tests/') || f.startsWith('dist/scripts/bench/') || f.endsWith('.map') || f.endsWith('.d.ts') || f.endsWith('.tsbuildinfo') || !/^(dist|bin)\/|^[^/]+$/.test(f));
  assert.equal(stray, [], 'no tests, benchmarks, source maps, declarations, build info or other folders');
  assert.is(mode(join(bundle, 'install.sh')), 0o755);
  assert.is(mode(join(bundle, 'uninstall.sh')), 0o755);
  const pkg = JSON.parse(read(join(bundle, 'package.json')));
  const mine = JSON.parse(read(join(repo, 'package.json')));
  assert.ok(mine.scripts.prepare, 'the repository builds on install');
  assert.is(pkg.scripts, undefined, 'no prepare (nor any) script: nothing runs tsc on the Pi');
  assert.equal(pkg.overrides, mine.overrides);
  for (const k of ['dependencies', 'devDependencies', 'optionalDependencies', 'engines']) assert.equal(pkg[k], mine[k], `${k} as in the lockfile`);
  assert.is(read(join(bundle, 'package-lock.json')), read(join(repo, 'package-lock.json')));
  const example = JSON.parse(read(join(bundle, 'device.example.json')));
  assert.is(example.format, 'sealscan-device/1');
  assert.is(example.dataDir, '/var/lib/sealscan');
  const again = sealscan('pi-bundle', '--out', bundle);
  assert.is(again.code, 1, 'an existing bundle is not written over');
  assert.match(again.err, /is not empty/);
});

test('install.sh refuses a Node.js older than 20 and says how to get one; bad options exit 2', () => {
  const old = join(dir, 'old-node');
  mkdirSync(old);
  writeFileSync(join(old, 'node'), '#!/bin/sh\necho v18.19.0\n', { mode: 0o755 });
  const r = script('install.sh', ['--prefix', root, '--no-systemctl'], { PATH: `${old}:${PATH}` });
  assert.is(r.code, 1);
  assert.match(r.err, /Node\.js v18\.19\.0 is too old\. Install Node\.js 20 or newer: from NodeSource \(curl -fsSL https:\/\/deb\.nodesource\.com\/setup_20\.x/);
  assert.not.ok(existsSync(at('opt')), 'nothing installed');
  for (const s of ['install.sh', 'uninstall.sh']) {
    const bad = script(s, ['--bogus']);
    assert.is(bad.code, 2, s);
    assert.match(bad.err, /unknown option: --bogus/);
  }
});

test('install.sh --prefix --no-systemctl: code, command, unit, configuration, data folder, SPI in config.txt', () => {
  mkdirSync(at('boot/firmware'), { recursive: true });
  writeFileSync(at('boot/firmware/config.txt'), '#dtparam=spi=on\n[cm4]\notg_mode=1\n');
  const r = install();
  assert.is(r.code, 0, r.out + r.err);
  assert.ok(r.out.trim().split('\n').every((l) => l.startsWith('install: ')), 'one "install:" line per step\n' + r.out);
  assert.is(read(at('opt/sealscan/bin/sealscan.js')), read(join(bundle, 'bin/sealscan.js')));
  for (const f of ['dist/scripts/cli.js', 'package.json', 'package-lock.json', 'uninstall.sh', 'README.txt']) assert.ok(existsSync(at(`opt/sealscan/${f}`)), f);
  assert.not.ok(existsSync(at('opt/sealscan.new')) || existsSync(at('opt/sealscan.old')), 'no staging folder left');
  // npm ci ran in the new code's folder before it replaced the old one.
  assert.is(read(npmLog), `${at('opt/sealscan.new')} ci --omit=dev --no-audit --no-fund\n`);
  assert.ok(existsSync(at('opt/sealscan/node_modules')));
  assert.is(readlinkSync(at('usr/local/bin/sealscan')), '/opt/sealscan/bin/sealscan.js');

  const unit = read(at('etc/systemd/system/sealscan.service'));
  assert.is(unit, read(join(bundle, 'sealscan.service')));
  assert.is(mode(at('etc/systemd/system/sealscan.service')), 0o644);
  const lines = unit.split('\n');
  for (const l of ['ExecStart=/usr/bin/env node /opt/sealscan/bin/sealscan.js run --config /etc/sealscan/device.json --reader pi', 'User=sealscan', 'Group=sealscan',
    'SupplementaryGroups=spi gpio', 'Restart=always', 'RestartSec=2', 'WorkingDirectory=/var/lib/sealscan', 'StateDirectory=sealscan', 'StateDirectoryMode=0700',
    'ProtectSystem=strict', 'ReadWritePaths=/var/lib/sealscan', 'ProtectHome=yes', 'NoNewPrivileges=yes', 'PrivateTmp=yes', 'StandardOutput=journal',
    'KillSignal=SIGTERM', 'TimeoutStopSec=5', 'WantedBy=multi-user.target']) {
    assert.ok(lines.includes(l), `the unit has ${l}`);
  }
  // /sys must stay writable for GPIO export, /dev/spidev* visible.
  assert.not.ok(/^(ProtectKernelTunables|PrivateDevices)=/m.test(unit));

  assert.is(read(at('etc/sealscan/device.json')), read(join(bundle, 'device.example.json')));
  assert.is(mode(at('etc/sealscan/device.json')), 0o640);
  assert.ok(statSync(at('var/lib/sealscan')).isDirectory());
  assert.is(mode(at('var/lib/sealscan')), 0o700);

  assert.is(read(at('boot/firmware/config.txt')), '#dtparam=spi=on\n[cm4]\notg_mode=1\n\n[all]\n# sealscan: the MFRC522 reader on SPI0\ndtparam=spi=on\n');
  assert.match(r.out, /dtparam=spi=on added to .*config\.txt; REBOOT/);
  for (const skipped of [/user sealscan: skipped \(--prefix\)/, /chown sealscan: skipped/, /sealscan doctor: skipped/, /the service was not started/]) assert.match(r.out, skipped);
});

test('install.sh again (an upgrade): fresh code, configuration and data kept, SEALSCAN_SKIP_NPM=1 skips npm; --prefix alone never calls systemctl', () => {
  writeFileSync(at('etc/sealscan/device.json'), '{"edited":true}\n');
  mkdirSync(at('var/lib/sealscan/keys'));
  writeFileSync(at('var/lib/sealscan/keys/pi-1.key.json'), 'key');
  writeFileSync(at('opt/sealscan/dist/stale.js'), '');
  const r = script('install.sh', ['--prefix', root], { SEALSCAN_SKIP_NPM: '1' });
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, /systemctl: skipped \(--prefix\)/);
  assert.match(r.out, /npm ci --omit=dev: skipped \(SEALSCAN_SKIP_NPM=1\)/);
  assert.is(read(npmLog).split('\n').length, 2, 'npm was not called again');
  assert.not.ok(existsSync(at('opt/sealscan/node_modules')));
  assert.not.ok(existsSync(at('opt/sealscan/dist/stale.js')), 'the old code is replaced, not overlaid');
  assert.is(read(at('etc/sealscan/device.json')), '{"edited":true}\n');
  assert.match(r.out, /device\.json: kept/);
  assert.is(read(at('var/lib/sealscan/keys/pi-1.key.json')), 'key');
  assert.is(read(at('boot/firmware/config.txt')).match(/^dtparam=spi=on$/gm)?.length, 1);
  assert.match(r.out, /SPI: already enabled/);
});

test('the installed code runs: every command loads, doctor reads the example configuration', () => {
  // Its packages are the repository's here (npm ci was a double).
  symlinkSync(join(repo, 'node_modules'), at('opt/sealscan/node_modules'));
  const installed = at('opt/sealscan/bin/sealscan.js');
  const list = spawnSync(process.execPath, [installed, '--help'], { encoding: 'utf8' }).stdout;
  const commands = list.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
  assert.ok(commands.includes('run') && commands.includes('pi-bundle'), list);
  assert.is(spawnSync(process.execPath, [installed, '--version'], { encoding: 'utf8' }).stdout, `sealscan ${JSON.parse(read(join(repo, 'package.json'))).version}\n`);
  for (const c of commands) assert.is(spawnSync(process.execPath, [installed, c, '--help'], { encoding: 'utf8' }).status, 0, `${c} --help`);
  const example = JSON.parse(read(join(bundle, 'device.example.json')));
  writeFileSync(join(dir, 'device.json'), JSON.stringify({ ...example, dataDir: join(dir, 'data'), ingest: 'http://127.0.0.1:1' }));
  const d = spawnSync(process.execPath, [installed, 'doctor', '--config', join(dir, 'device.json'), '--reader', 'sim'], { encoding: 'utf8', timeout: 60000 });
  assert.match(d.stdout, /^ok {3}configuration: device pi-1/m, d.stdout + d.stderr);
  assert.match(d.stdout, /^ok {3}reader: MFRC522/m);
});

test('uninstall.sh keeps the data and the configuration; --purge removes them', () => {
  const r = uninstall();
  assert.is(r.code, 0, r.out + r.err);
  assert.ok(r.out.trim().split('\n').every((l) => l.startsWith('uninstall: ')), r.out);
  for (const gone of ['opt/sealscan', 'etc/systemd/system/sealscan.service']) assert.not.ok(existsSync(at(gone)), gone);
  assert.throws(() => lstatSync(at('usr/local/bin/sealscan')), 'the command link is removed');
  assert.is(read(at('var/lib/sealscan/keys/pi-1.key.json')), 'key');
  assert.is(read(at('etc/sealscan/device.json')), '{"edited":true}\n');
  assert.match(r.out, /kept .*var\/lib\/sealscan .* --purge removes them/);
  const p = uninstall('--purge');
  assert.is(p.code, 0, p.out + p.err);
  assert.not.ok(existsSync(at('var/lib/sealscan')) || existsSync(at('etc/sealscan')));
  assert.match(p.out, /user sealscan: skipped \(--prefix\)/);
});

test('shellcheck passes on install.sh and uninstall.sh', () => {
  const r = spawnSync('shellcheck', [join(bundle, 'install.sh'), join(bundle, 'uninstall.sh')], { encoding: 'utf8' });
  if (r.error) assert.unreachable(`shellcheck cannot run (${(r.error as NodeJS.ErrnoException).code}): install it (Debian: apt-get install shellcheck; .ci/run does)`);
  assert.is(r.stdout + r.stderr, '', 'shellcheck reports nothing');
  assert.is(r.status, 0);
});

// In this container (systemd 252, not running as init) verify prints nothing for the unit: it parses every line,
// checks ExecStart's executable (/usr/bin/env; node is only its argument) and loads the dependencies. An unknown or
// unparsable setting is printed as "sealscan.service:LINE: ..." with status 0, so the output is what is asserted;
// lines about other units (the host's) would not fail this test.
test('systemd-analyze verify finds nothing wrong with the unit (where systemd-analyze exists)', () => {
  const verify = (unit: string) => {
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    return { missing: !!r.error, text: (r.stdout ?? '') + (r.stderr ?? '') };
  };
  const unit = join(bundle, 'sealscan.service');
  const good = verify(unit);
  if (good.missing) {
    console.log('systemd-analyze is not installed here: the unit is not verified');
    return;
  }
  assert.equal(good.text.split('\n').filter((l) => l.includes('sealscan.service')), [], good.text);
  // The same check sees a broken setting, so silence above means something.
  const broken = join(dir, 'broken', 'sealscan.service');
  mkdirSync(dirname(broken));
  writeFileSync(broken, read(unit).replace('Restart=always', 'Restart=alwayz'));
  assert.match(verify(broken).text, /sealscan\.service:\d+: .*alwayz/);
});

test.run();
