import type { Page } from '@playwright/test';
import { type DemoUser, demoUser, expect, submitPassword, test, totp } from './fixtures.ts';

/**
 * Issue 15 item 10: no page scrolls sideways on a phone. Every main page is opened at 390 px (an iPhone 12 to 15),
 * in English and in Arabic (right to left), and the document may be no wider than the screen: wide content (tables,
 * long words, addresses) wraps or scrolls inside its own box.
 */
const WIDTH = 390;
test.use({ viewport: { width: WIDTH, height: 844 } });

/** The pages each role opens, by path; `case` is a case the test records. */
const PAGES: Record<string, readonly string[]> = {
  supervisor: ['/', '/cases', 'case', '/cases/new', '/cases/import', '/cooperation/referrals', '/linkage'],
  prosecutor: ['/cooperation/mla', '/cooperation/mla/new', '/cooperation/jit', '/cooperation/transfers'],
  node_admin: ['/admin', '/peers', '/audit'],
};

/**
 * How far the page reaches past the screen, and the deepest elements that do it (for a failure that says where).
 * Elements inside a box that scrolls or clips on its own, within the screen, are left out: that box is what counts.
 */
async function overflow(page: Page): Promise<{ width: number; culprits: string[] }> {
  return page.evaluate((width) => {
    const clipped = (element: Element) => {
      // A positioned element escapes a scrolling box that is not its containing block: count it where it lands.
      if (getComputedStyle(element).position === 'absolute') return false;
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const { overflowX } = getComputedStyle(parent);
        const box = parent.getBoundingClientRect();
        if (overflowX !== 'visible' && box.right <= width + 0.5 && box.left >= -0.5) return true;
      }
      return false;
    };
    const culprits: string[] = [];
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || (box.right <= width + 0.5 && box.left >= -0.5) || clipped(element)) continue;
      // Only the innermost offender: its ancestors are wide because of it.
      if (
        [...element.children].some((child) => {
          const inner = child.getBoundingClientRect();
          return inner.right > width + 0.5 || inner.left < -0.5;
        })
      )
        continue;
      const name = `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).trim().replace(/\s+/g, '.')}` : ''}`;
      culprits.push(`${name} [${Math.round(box.left)}..${Math.round(box.right)}]`);
    }
    return { width: document.documentElement.scrollWidth, culprits: culprits.slice(0, 5) };
  }, WIDTH);
}

/** Signs in and waits for the menu, whatever the home page shows (it is being rebuilt as a work queue). */
async function signIn(page: Page, user: DemoUser): Promise<void> {
  await page.goto('/');
  await submitPassword(page, user);
  const code = page.getByLabel('6-digit code');
  const menu = page.getByRole('navigation', { name: 'Main menu' });
  await expect(code.or(menu)).toBeVisible();
  if (await code.isVisible()) {
    await code.fill(await totp(user));
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await expect(menu).toBeVisible();
}

async function open(page: Page, path: string): Promise<string> {
  if (path === 'case') {
    // A case of this run: the demo node's own cases may belong to another agency.
    await page.goto('/cases/new');
    // By the field's name, which is the same in every language.
    const form = page.locator('form:has([name="survivor.prs_FirstName"])');
    await form.locator('[name="survivor.prs_FirstName"]').fill('Narrow');
    await form.locator('button[type="submit"]').last().click();
    await page.waitForURL(/\/cases\/(?!new\b)[^/]+/);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    path = new URL(page.url()).pathname;
  } else {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  // Panels load after the heading; measure once the page has settled.
  await page.waitForLoadState('networkidle');
  await expect(page.getByRole('status').filter({ hasText: /^(Loading|جارٍ التحميل)/ })).toHaveCount(0);
  return path;
}

for (const language of ['en', 'ar'] as const) {
  for (const [role, paths] of Object.entries(PAGES)) {
    test(`the ${role}'s pages fit ${WIDTH} px without scrolling sideways (${language})`, async ({ page }) => {
      test.setTimeout(180_000);
      await signIn(page, demoUser(role));
      if (language === 'ar') {
        await page.getByRole('banner').getByLabel('Language').selectOption('ar');
        await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
      }
      const tooWide: string[] = [];
      for (const path of paths) {
        const where = await open(page, path);
        const found = await overflow(page);
        if (found.width > WIDTH) tooWide.push(`${where}: ${found.width} px (${found.culprits.join(', ')})`);
      }
      expect(tooWide, `pages wider than ${WIDTH} px in ${language}`).toEqual([]);
    });
  }
}
