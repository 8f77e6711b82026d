import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openOffline } from './browser.ts';

// A real `chaoslab run` of a bug-zoo scenario (real node processes, proxy, faults, checkers), then its report
// opened offline in headless Chromium: the timeline, the message-sequence diagram with the lost replies, the
// plots and the counterexample must be there and visible.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const SCENARIO = 'lost-reply-no-reply-cache';
const SEED = 3;
const RUN_TIMEOUT_MS = 150_000;

interface RunEntry {
  name: string;
  ok: boolean;
  dir: string;
  seed: number;
}

let workDir: string;
let child: ChildProcess | undefined;
let run: RunEntry;
let browser: Browser | undefined;
let page: Page;
let refused: string[];
let errors: string[];

function chaoslabRun(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, ['harness/cli/bin.mjs', 'run', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child?.kill('SIGTERM'), RUN_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      child = undefined;
      // Exit 1 is a verdict not as expected: the run folder and its report exist all the same.
      if ((code === 0 || code === 1) && stdout.trim().startsWith('{')) resolve(stdout);
      else reject(new Error(`chaoslab run exited ${code}\n${stderr.slice(-3000)}`));
    });
  });
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'chaoslab-report-'));
  const stdout = await chaoslabRun([
    SCENARIO,
    '--seed',
    String(SEED),
    '--json',
    '--runs-dir',
    workDir,
    '--junit',
    join(workDir, 'junit.xml'),
    '--summary',
    join(workDir, 'summary.md'),
  ]);
  run = (JSON.parse(stdout) as { scenarios: RunEntry[] }).scenarios[0]!;
  browser = await launchChromium();
  ({ page, refused, errors } = await openOffline(browser, join(run.dir, 'report.html')));
}, RUN_TIMEOUT_MS + 30_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  await browser?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Visible once scrolled to: rendered, with a size, not hidden. */
async function visible(locator: Locator): Promise<boolean> {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  return (await locator.isVisible()) && box !== null && box.width > 0 && box.height > 0;
}

async function anchorOf(id: string): Promise<string> {
  return (await page.locator(`.counterexample[data-id="${id}"]`).getAttribute('id'))!;
}

function knownViolation(): { id: string; what: string } {
  const verdict = JSON.parse(readFileSync(join(run.dir, 'verdict.json'), 'utf8')) as {
    results: { checker: string; counterexamples: { id: string; what: string }[] }[];
  };
  return verdict.results.find((r) => r.checker === 'at-most-once')!.counterexamples[0]!;
}

describe(`report of a real run (${SCENARIO})`, () => {
  it('comes from a run whose verdicts were as expected (the bug-zoo violation happened)', () => {
    expect(run.ok).toBe(true);
  });

  it('is written by the run, opens offline and draws without errors', () => {
    expect(existsSync(join(run.dir, 'report.html'))).toBe(true);
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows the timeline with client and node lanes and the ops drawn', async () => {
    expect(await visible(page.locator('#timeline svg'))).toBe(true);
    expect(await page.locator('#timeline .bar').count()).toBeGreaterThan(100);
    const lanes = await page.locator('#timeline .lane-label').evaluateAll((labels) => labels.map((l) => l.textContent));
    expect(lanes).toEqual(expect.arrayContaining(['client 0', 'n1', 'n2']));
  });

  it('shows latency and throughput plots, drawn', async () => {
    expect(await visible(page.locator('#latency svg'))).toBe(true);
    expect(await page.locator('#latency circle').count()).toBeGreaterThan(100);
    expect(await visible(page.locator('#throughput svg'))).toBe(true);
    expect(await page.locator('#throughput path').count()).toBeGreaterThanOrEqual(3);
  });

  it("draws the counterexample's messages in the sequence diagram, the lost reply and the retransmissions visible", async () => {
    // A counterexample whose trail has a lost reply (an op can also run twice after a spurious retransmission).
    const id = (await page
      .locator('.counterexample', { has: page.locator('td.kind', { hasText: /^drop$/ }) })
      .first()
      .getAttribute('data-id'))!;
    const all = Number(await page.locator('#sequence').getAttribute('data-drawn'));
    await page.locator('#sequence-section button[data-trail]', { hasText: new RegExp(`^${id}$`) }).click();
    await page.waitForFunction((anchor) => document.body.dataset.sequenceFilter === anchor, await anchorOf(id));
    // The filter redraws on the next frame.
    await page.waitForFunction((before) => Number(document.getElementById('sequence')!.dataset.drawn) < before, all);
    const drawn = page.locator('#sequence .msg');
    const titles = await drawn.evaluateAll((groups) => groups.map((g) => g.querySelector('title')!.textContent!));
    expect(titles.length).toBeGreaterThanOrEqual(4);
    expect(titles.every((t) => t.includes(id))).toBe(true);
    // The lost reply: an answer from n2 to n1 that a toxic dropped, drawn with its cross inside the diagram.
    expect(await page.locator('#sequence .msg-answer .drop').count(), `${id}:\n${titles.join('\n')}`).toBeGreaterThan(0);
    const lost = page.locator('#sequence .msg-answer', { has: page.locator('.drop') }).first();
    expect(await lost.locator('title').textContent()).toMatch(/n2 → n1[\s\S]*dropped by toxic \S+lose-replies/);
    const cross = await lost.locator('.drop').boundingBox();
    const diagram = (await page.locator('#sequence svg').boundingBox())!;
    expect(cross).not.toBeNull();
    expect(cross!.x).toBeGreaterThanOrEqual(diagram.x);
    expect(cross!.x + cross!.width).toBeLessThanOrEqual(diagram.x + diagram.width);
    expect(await page.locator('#sequence .msg-retransmission').count()).toBeGreaterThanOrEqual(1);
    // The trail tells the same story, step by step.
    // Text content, not inner text: a closed card (not the first) renders no text, and the steps are what is asserted.
    const kinds = await page.locator(`.counterexample[data-id="${id}"] td.kind`).allTextContents();
    expect(kinds).toEqual(expect.arrayContaining(['invoke', 'send', 'delivery', 'execution', 'reply', 'drop', 'retransmission', 'reply delivered', 'ok']));
    await page.locator('#sequence-section button[data-trail=""]').click();
  });

  it('shows the verdict table, the seed and the replay command', async () => {
    const verdicts = await page.locator('#verdicts').innerText();
    expect(verdicts).toMatch(/at-most-once\s+violated\s+violated/);
    const evidence = await page.locator('#verdicts a', { hasText: 'counterexamples' }).first().getAttribute('href');
    expect(await page.locator(evidence!).innerText()).toMatch(/^at-most-once: /);
    expect(await page.locator('#seed').innerText()).toBe(String(SEED));
    expect(await page.locator('#replay').innerText()).toBe(`npx chaoslab run ${SCENARIO} --seed ${SEED}`);
  });

  it('shows the known violation: the duplicated message with every execution of it', async () => {
    const { id } = knownViolation();
    const card = page.locator(`.counterexample[data-id="${id}"]`);
    expect(await visible(card)).toBe(true);
    const kinds = await card.locator('td.kind').allInnerTexts();
    expect(kinds.filter((k) => k === 'execution').length).toBeGreaterThanOrEqual(2);
    expect(kinds).toContain('invoke');
  });

  it('links a counterexample step to its place on the timeline', async () => {
    const { id } = knownViolation();
    await page.locator('#timeline-section button[data-zoom="reset"]').click();
    const row = page.locator(`.counterexample[data-id="${id}"] tr[data-time]`).filter({ hasText: 'execution' }).nth(1);
    const time = Number(await row.getAttribute('data-time'));
    await row.click();
    const zoom = await page.waitForFunction(() => {
      const [start, end] = (document.body.dataset.view ?? '').split(',').map(Number);
      const runEnd = JSON.parse(document.getElementById('report-data')!.textContent!).runEnd as number;
      // Zoomed in: the view shows well under half of the run.
      return end! - start! < runEnd / 2 ? { start, end } : false;
    });
    const { start, end } = (await zoom.jsonValue()) as { start: number; end: number };
    expect(start).toBeLessThanOrEqual(time);
    expect(end).toBeGreaterThanOrEqual(time);
    await page.waitForFunction(() => document.querySelector('#timeline .cx.pointed') !== null);
  });

  it('zooms every chart together when one is scrolled over', async () => {
    await page.locator('#timeline-section button[data-zoom="reset"]').click();
    const runEnd = await page.evaluate(() => JSON.parse(document.getElementById('report-data')!.textContent!).runEnd as number);
    const ticks = () => page.locator('#latency .axis text').evaluateAll((texts) => texts.map((t) => t.textContent).join(' '));
    const before = await ticks();
    await page.locator('#sequence svg').scrollIntoViewIfNeeded();
    const box = (await page.locator('#sequence svg').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction((end) => {
      const [start, stop] = (document.body.dataset.view ?? '').split(',').map(Number);
      return stop! - start! < end * 0.9;
    }, runEnd);
    // The latency plot, scrolled over nowhere, redrew its time axis for the new view.
    await page.waitForFunction((old) => [...document.querySelectorAll('#latency .axis text')].map((t) => t.textContent).join(' ') !== old, before);
    expect(await ticks()).not.toBe(before);
  });

  it('saves a screenshot into the run folder', async () => {
    // A fresh page: the earlier tests zoomed and clicked this one.
    const { page: fresh } = await openOffline(browser!, join(run.dir, 'report.html'));
    const shot = join(run.dir, 'report.png');
    await fresh.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    // The README's picture (verdicts, timeline, plots) is refreshed on request only, so test runs leave the tree clean.
    if (process.env.CHAOSLAB_UPDATE_SCREENSHOT === '1') {
      const plots = (await fresh.locator('.plots').boundingBox())!;
      const clip = { x: 0, y: 0, width: 1400, height: Math.ceil(plots.y + plots.height + 16) };
      await fresh.screenshot({ path: join(repoRoot, 'docs', 'report.png'), fullPage: true, clip });
    }
    await fresh.close();
  });

  it('writes JUnit XML that a browser parses, with one case per guarantee', async () => {
    const junit = readFileSync(join(workDir, 'junit.xml'), 'utf8');
    const parsed = await page.evaluate((xml) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        cases: [...doc.querySelectorAll('testcase')].map((c) => c.getAttribute('name')),
        failures: doc.querySelectorAll('failure').length,
      };
    }, junit);
    expect(parsed.error).toBeNull();
    expect(parsed.cases).toEqual(['at-most-once', 'exactly-once']);
    expect(parsed.failures).toBe(0);
    expect(readFileSync(join(workDir, 'summary.md'), 'utf8')).toContain(`| ✅ | ${SCENARIO} |`);
  });
});
