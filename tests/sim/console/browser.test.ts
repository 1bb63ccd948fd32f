// The console page in headless Chromium (Debian's /usr/bin/chromium, or the one env SEALSCAN_CHROMIUM names; .ci/run
// installs it), as a developer uses it: make and seal a tag, log in with a badge, tap: GENUINE and the green LED;
// network down: the queue grows; network up: it drains. Playwright only drives the browser; it never downloads one.
// Without Chromium the file skips itself with the reason (tests/helpers/skip.ts); with CI set it fails instead.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startConsole, type RunningConsole } from './helpers.js';
import { needs } from '../../helpers/skip.js';
import { tempDir } from '../../helpers/tmp.js';

const CHROMIUM = process.env.SEALSCAN_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let c: RunningConsole;
let browser: BrowserContext;
let page: Page;
const errors: string[] = [];

const present = needs(existsSync(CHROMIUM), 'Chromium', `the console's browser test needs Chromium at ${CHROMIUM}, which is missing: sudo apt-get install chromium (or set SEALSCAN_CHROMIUM to another Chromium)`);

if (present) test.before(async () => {
  c = await startConsole();
  const profile = tempDir('chromium');
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1440, height: 1000 } });
  page = await browser.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
});

if (present) test.after(async () => {
  await browser?.close();
  await c?.close();
});

const text = (sel: string) => page.locator(sel).innerText();
/** Waits until `js` (evaluated in the page) is true. */
const until = (js: string) => page.waitForFunction(js);
const shows = (sel: string, want: string) => until(`document.querySelector(${JSON.stringify(sel)})?.textContent === ${JSON.stringify(want)}`);

if (present) test('make, seal, log in, tap: GENUINE and green; network down grows the queue, up drains it', async () => {
  try {
    await page.goto(c.url + '/');
    await page.waitForSelector('.conn.up');
    await shows('#headline', 'READY');

    await page.selectOption('#new-kind', 'ntag213');
    await page.click('#new-tag-btn');
    const tag = page.locator('#tags li', { hasText: 'ntag213' });
    await tag.locator('.more').click();
    await tag.getByRole('button', { name: 'Seal…', exact: true }).click();
    await page.waitForSelector('#seal-dialog[open]');
    assert.match(await page.inputValue('#seal-link'), /^https:\/\/id\.gs1\.org\/01\/09506000134352\/21\//);
    await page.click('#seal-go');
    await tag.locator('.chip.sealed').waitFor();

    await page.fill('#badge-id', 'INSP-77');
    await page.click('#new-badge-btn');
    await page.locator('#tags li', { hasText: 'badge INSP-77' }).locator('.face').click();
    await shows('#headline', 'LOGGED IN');

    await tag.locator('.face').click();
    await shows('#headline', 'GENUINE');
    assert.ok(await page.locator('#led.led-green').isVisible(), 'the LED is green');
    assert.match(await text('#detail'), /GTIN 09506000134352/);
    await shows('#q-depth', '0');
    await page.waitForSelector('#records tr.rec-scan');
    assert.is(await text('#chain-state'), 'intact');
    // The click followed the package: its story at the ingest, from the station's commission to this scan.
    await until("document.querySelectorAll('#story .timeline tbody tr').length === 2");
    assert.match(await text('#story'), /commissioned by sim-station-1/);
    assert.match(await text('#story .timeline tbody tr:first-child'), /commissioning/);

    await page.click('button[data-net="down"]');
    await page.click('button[data-skip="60000"]');
    await tag.locator('.face').click();
    await until("Number(document.querySelector('#q-depth')?.textContent) >= 1");
    await shows('#s-state', 'backoff');
    assert.match(await text('#sync-line'), /network down/);

    await page.click('button[data-net="up"]');
    await page.click('#sync-now');
    await shows('#q-depth', '0');
    await until("document.querySelectorAll('#records tr.rec-scan').length === 2");
    assert.equal(errors, [], 'no script errors on the page');
  } catch (e) {
    const shot = join(mkdtempSync(join(tmpdir(), 'sealscan-shot-')), 'console.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    throw new Error(`${(e as Error).message}\n(screenshot of the page: ${shot}; page errors: ${JSON.stringify(errors)})`);
  }
});

test.run();
