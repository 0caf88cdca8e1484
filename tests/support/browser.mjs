// This module starts Debian's Chromium through playwright-core for the Pelita end-to-end
// tests. Every launch gets a brand-new profile in its own temp directory (so no storage,
// cache or service worker leaks between tests), and close() removes it again. Playwright
// never downloads a browser here: it drives /usr/bin/chromium.
//
// Usage:
//   const browser = await launchBrowser();
//   const page = browser.page;                 // the first tab, ready to use
//   const errors = browser.watch(page);         // console errors and page errors
//   const cdp = await browser.cdp(page);        // DevTools session (throttling, offline)
//   await browser.close();

import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM_PATH = process.env.PELITA_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Launches Chromium with a fresh profile.
 *
 * @param {object} [options] Extra options for launchPersistentContext, e.g. viewport,
 *   locale, offline, javaScriptEnabled; `args` are added to the default flags.
 * @returns {Promise<{context, page, userDataDir, newPage, watch, cdp, close}>}
 */
export async function launchBrowser(options = {}) {
  // `profile`: an existing profile directory to open again (a browser restart), which
  // close() then leaves in place for the caller to remove.
  const { args = [], profile, ...contextOptions } = options;
  const userDataDir = profile ?? await mkdtemp(path.join(tmpdir(), 'pelita-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...args],
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
      ...contextOptions,
    });
  } catch (err) {
    if (!profile) await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }

  const page = context.pages()[0] || (await context.newPage());
  let closed = false;

  return {
    context,
    page,
    userDataDir,

    /** Opens another tab in the same profile. */
    newPage: () => context.newPage(),

    /**
     * Starts recording a page's console errors and uncaught exceptions. Returns the live
     * list ({ type, text }); a test usually ends with assert.deepEqual(list, []).
     */
    watch(target = page) {
      const problems = [];
      target.on('console', (msg) => {
        if (msg.type() === 'error') problems.push({ type: 'console', text: msg.text() });
      });
      target.on('pageerror', (err) => problems.push({ type: 'pageerror', text: String(err) }));
      return problems;
    },

    /** A Chrome DevTools Protocol session for a page (network/CPU throttling, offline). */
    cdp: (target = page) => context.newCDPSession(target),

    /** Closes the browser and deletes its profile directory (unless it was given as
     * `profile`). Safe to call twice. */
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        if (!profile) await rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      }
    },
  };
}
