import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { generate } from 'otplib';
import { USERS_FILE } from './environment.ts';

export { expect };

export interface DemoUser {
  email: string;
  password: string;
  totpSecret: string;
  role: string;
  displayName: string;
}

/**
 * The demo node's user for a role. Each test signs in as its own user: the node refuses a TOTP code from a time step
 * it has already accepted for that user, so two tests sharing a user in the same 30 seconds would fail at random.
 */
export function demoUser(role: string): DemoUser {
  const users = JSON.parse(readFileSync(USERS_FILE, 'utf8')) as DemoUser[];
  const user = users.find((candidate) => candidate.role === role);
  if (!user) throw new Error(`The demo node has no user with the role ${role}`);
  return user;
}

const TOTP_STEP_MS = 30_000;
/** Beside the users file; claims left by earlier runs are of past steps and never match again. */
const TOTP_CLAIMS_DIR = join(dirname(USERS_FILE), 'totp-claims');

/**
 * The authenticator code of a time step that no other test has taken for the same key. The node accepts each step's
 * code once per user, and the specs run in parallel workers, some signing in as the same demo user: each step is
 * claimed by creating a file (which fails when it exists), and a taken step means waiting for the next one.
 */
export async function totp(user: DemoUser): Promise<string> {
  const key = createHash('sha256').update(user.totpSecret).digest('hex').slice(0, 16);
  mkdirSync(TOTP_CLAIMS_DIR, { recursive: true });
  for (;;) {
    const now = Date.now();
    const step = Math.floor(now / TOTP_STEP_MS);
    try {
      writeFileSync(join(TOTP_CLAIMS_DIR, `${key}-${step}`), '', { flag: 'wx' });
      return await generate({ secret: user.totpSecret, epoch: Math.floor(now / 1000) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await sleep((step + 1) * TOTP_STEP_MS - Date.now() + 100);
    }
  }
}

/** Every page fails its test when the browser blocks something under the CSP or a script throws. */
export const test = base.extend({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy'))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await use(page);
    expect(problems, 'CSP violations and uncaught errors').toEqual([]);
  },
});

export async function submitPassword(page: Page, user: DemoUser, password = user.password): Promise<void> {
  await page.getByLabel('Email address').fill(user.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Opens a section of a case page (Summary, Identity, …, History), each at its own address. */
export async function openSection(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Case sections' }).getByRole('link', { name, exact: true }).click();
}

/** Signs in from the sign-in page, giving the authenticator code when the node asks for one. */
export async function signIn(page: Page, user: DemoUser): Promise<void> {
  await page.goto('/');
  await submitPassword(page, user);
  const code = page.getByLabel('6-digit code');
  // The home page is the work queue (issue 15); its heading changed from the placeholder's.
  const home = page.getByRole('heading', { level: 1, name: /^(Welcome to Passage|Your work)$/ });
  await expect(code.or(home)).toBeVisible();
  if (await code.isVisible()) {
    await code.fill(await totp(user));
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await expect(home).toBeVisible();
}

/** Serious and critical axe findings, summarised so a failure says what and where. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}
