import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium): no browser download, ever. */
export const CHROMIUM = process.env.CHAOSLAB_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHAOSLAB_CHROMIUM`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Opens a report offline: any request that is not the file itself is refused and recorded, so a report that
 * needs the network fails the test instead of quietly loading a CDN.
 */
export async function openOffline(browser: Browser, file: string): Promise<{ page: Page; refused: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const refused: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    refused.push(url);
    return route.abort();
  });
  await page.goto(`file://${file}`);
  // Generous: on a loaded 2-core CI machine, drawing a big run's charts takes seconds.
  await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 45_000 });
  return { page, refused, errors };
}
