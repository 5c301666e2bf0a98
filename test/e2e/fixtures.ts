import { readFileSync } from 'node:fs';
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

export const totp = (user: DemoUser) => generate({ secret: user.totpSecret });

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

/** Signs in from the sign-in page, giving the authenticator code when the node asks for one. */
export async function signIn(page: Page, user: DemoUser): Promise<void> {
  await page.goto('/');
  await submitPassword(page, user);
  const code = page.getByLabel('6-digit code');
  const home = page.getByRole('heading', { level: 1, name: 'Welcome to Passage' });
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
