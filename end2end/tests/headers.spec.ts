// Security headers on every kind of response, no inline script, and a CSP the app lives with.
import { test, expect } from '@playwright/test';
import { apiCall, env, expectSecurityHeaders, signInToAccount } from './support';

test('the start page carries the security headers', async ({ request }) => {
  const response = await request.get('/');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('text/html');
  expectSecurityHeaders(response.headers(), '/');
});

test('a client route such as /account is served the page with the security headers', async ({ request }) => {
  const response = await request.get('/account');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('text/html');
  expect(await response.text()).toBe(await (await request.get('/')).text());
  expectSecurityHeaders(response.headers(), '/account');
});

test('static assets carry the security headers', async ({ request }) => {
  const html = await (await request.get('/')).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]);
  const css = assets.find((a) => a.endsWith('.css'));
  const js = assets.find((a) => /\/app-[0-9a-f]+\.js$/.test(a));
  const wasm = assets.find((a) => a.endsWith('.wasm'));
  expect({ css, js, wasm }).toEqual({ css: expect.any(String), js: expect.any(String), wasm: expect.any(String) });

  for (const [path, type] of [
    [css!, 'text/css'],
    [js!, 'javascript'],
    [wasm!, 'application/wasm'],
    ['/boot.js', 'javascript'],
    ['/public/favicon.svg', 'image/svg+xml'],
  ]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()['content-type'], path).toContain(type);
    expectSecurityHeaders(response.headers(), path);
  }
});

test('a missing file is a 404 with the security headers, not the app page', async ({ request }) => {
  const response = await request.get('/no-such-file.js');
  expect(response.status()).toBe(404);
  expect(await response.text()).not.toContain('<html');
  expectSecurityHeaders(response.headers(), '/no-such-file.js');
});

test('API answers carry the security headers and are never cached', async ({ request }) => {
  const ok = await apiCall(request, 'current_user');
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toBeNull();
  expectSecurityHeaders(ok.headers(), 'current_user');
  expect(ok.headers()['cache-control']).toBe('no-store');

  const refused = await apiCall(request, 'list_users', { search: '', page: 0 });
  expect(refused.status()).toBe(401);
  expectSecurityHeaders(refused.headers(), 'list_users (401)');
  expect(refused.headers()['cache-control']).toBe('no-store');

  const crossSite = await apiCall(request, 'current_user', {}, { origin: 'https://evil.example' });
  expect(crossSite.status()).toBe(403);
  expectSecurityHeaders(crossSite.headers(), 'current_user (cross-site)');
  expect(crossSite.headers()['cache-control']).toBe('no-store');
});

// Each bundle's page (app/src/bundle.rs says which path shows which) loads its own loader.
for (const [path, boot] of [
  ['/', '/boot.js'],
  ['/reset', '/reset-app/boot.js'],
  ['/admin', '/admin-app/boot.js'],
]) {
  test(`${path} has no inline script; its loader comes from ${boot}`, async ({ request }) => {
    const html = await (await request.get(path)).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, attributes, body] of scripts) {
      expect(attributes, tag).toMatch(/\bsrc=/);
      expect(body.trim(), tag).toBe('');
    }
    expect(scripts.map((s) => s[1])).toContainEqual(expect.stringContaining(`src="${boot}"`));
    // No inline event handlers either.
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    const loader = await request.get(boot);
    expect(loader.status(), boot).toBe(200);
    expect(await loader.text(), boot).toContain('import');
  });
}

test('signing in raises no Content-Security-Policy violation', async ({ page }) => {
  const consoleProblems: string[] = [];
  page.on('console', (message) => {
    if (/content security policy|refused to/i.test(message.text())) consoleProblems.push(message.text());
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });

  await signInToAccount(page, 'cass', env.password, 'Cass Policy');
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await page.getByRole('link', { name: 'Change password' }).click();
  await expect(page.getByRole('heading', { name: 'Change your password' })).toBeVisible();

  const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
  expect(violations).toEqual([]);
  expect(consoleProblems).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('the page cannot be framed by another site', async ({ request }) => {
  const response = await request.get('/');
  expect(response.headers()['x-frame-options']).toBe('DENY');
  expect(response.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
});

test('an inline script injected into the page is blocked by the policy', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  const outcome = await page.evaluate(
    () =>
      new Promise<{ ran: boolean; directive: string }>((resolve) => {
        const w = window as unknown as { inlineRan?: boolean };
        document.addEventListener('securitypolicyviolation', (e) => resolve({ ran: !!w.inlineRan, directive: e.effectiveDirective }), {
          once: true,
        });
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true;';
        document.body.append(script);
        setTimeout(() => resolve({ ran: !!w.inlineRan, directive: '(no violation reported)' }), 2000);
      }),
  );
  expect(outcome).toEqual({ ran: false, directive: 'script-src-elem' });
});

test('a blocked inline script is reported to the server by the browser', async ({ page, request }) => {
  const count = async () => {
    const metrics = await (await request.get('/metrics')).text();
    const line = metrics.split('\n').find((l) => l.startsWith('sspr_csp_violations_total{directive="script-src-elem"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const before = await count();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true;';
    document.body.append(script);
  });
  await expect.poll(count, { timeout: 10_000 }).toBeGreaterThan(before);
});
