/**
 * Headless Debian Chromium for the explorer's browser tests and bench (playwright-core): one place for the path
 * (HYPNEST_CHROMIUM overrides /usr/bin/chromium) and the flags (no GPU, no sandbox, nothing that phones home).
 */
import * as fs from 'fs';
import { chromium, Browser, BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.HYPNEST_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const hasChromium = (): boolean => fs.existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A persistent context (a profile directory), as the live-notebook test needs. */
export function launchChromiumContext(profileDir: string, viewport = { width: 1200, height: 1000 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, viewport, args: CHROMIUM_ARGS });
}
