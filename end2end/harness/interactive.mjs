// Time to interactive of one page of a running sspr, for `make bench` (bench/src/interactive.rs):
// LOADS cold loads in headless Chromium, each in a new browser context (its own empty cache)
// with the cache also disabled over CDP. A load is timed from navigation start
// (performance.timeOrigin) to the first moment its page is usable, as recorded inside the
// page by an observer installed before any of the page's own scripts run.
//
//   node interactive.mjs BASE_URL PAGE [LOADS]
//     PAGE    reset  /reset: the user-ID field is there and enabled
//             admin  /admin: the section navigation and the overview's figures are shown;
//                    needs SESSION_COOKIE=name=value, a signed-in admin's session cookie
//     LOADS   default 20
//
// Prints one line of JSON on stdout: {"page", "path", "samples_ms": [...], "median_ms"}.
// Exits 1, saying why on stderr, when a load fails or the page never becomes usable.
import { chromium } from '@playwright/test';

const PAGES = {
  reset: {
    path: '/reset',
    ready: () => {
      const field = document.querySelector('#reset-user');
      return field !== null && !field.disabled;
    },
  },
  admin: {
    path: '/admin',
    ready: () =>
      document.querySelector('nav.admin-nav a') !== null &&
      document.querySelector('.overview table.figures') !== null,
  },
};

/** How long one load may take before the run fails. */
const LOAD_TIMEOUT_MS = 30_000;

function fail(message) {
  process.stderr.write(`interactive.mjs: ${message}\n`);
  process.exit(1);
}

/** Runs in the page before its scripts: records performance.now() when `ready` first holds. */
function watch(ready) {
  const check = () => {
    if (window.__ssprInteractiveAt === undefined && ready()) {
      window.__ssprInteractiveAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

function session(base) {
  const cookie = process.env.SESSION_COOKIE;
  if (!cookie) return [];
  const at = cookie.indexOf('=');
  if (at <= 0) fail('SESSION_COOKIE must be name=value');
  return [{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url: base }];
}

async function load(browser, base, page) {
  const context = await browser.newContext();
  try {
    await context.addCookies(session(base));
    // Passed as source, not as a function and argument, so the page's CSP has no say over it.
    await context.addInitScript({ content: `(${watch})(${page.ready});` });
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await tab.goto(base + page.path, { waitUntil: 'commit', timeout: LOAD_TIMEOUT_MS });
    const handle = await tab.waitForFunction(() => window.__ssprInteractiveAt, null, {
      timeout: LOAD_TIMEOUT_MS,
    });
    return await handle.jsonValue();
  } finally {
    await context.close();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const [base, name, loadsText = '20'] = process.argv.slice(2);
const page = PAGES[name];
const loads = Number(loadsText);
if (!base || !page || !Number.isInteger(loads) || loads <= 0) {
  fail('usage: node interactive.mjs BASE_URL reset|admin [LOADS]');
}
const browser = await chromium
  .launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  .catch((e) => fail(`cannot start Chromium: ${e.message.split('\n')[0]}`));
const samples = [];
try {
  for (let i = 0; i < loads; i++) {
    samples.push(await load(browser, base, page));
  }
} catch (e) {
  await browser.close();
  fail(`loading ${base}${page.path}: ${e.message.split('\n')[0]}`);
}
await browser.close();
const rounded = samples.map((ms) => Math.round(ms * 10) / 10);
process.stdout.write(`${JSON.stringify({ page: name, path: page.path, samples_ms: rounded, median_ms: median(samples) })}\n`);
