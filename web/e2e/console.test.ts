// End-to-end tests of the console in headless Chromium (Debian's package, driven by
// playwright-core) against the real `stride` binary on a seeded SQLite database, serving the
// freshly built bundle from web/dist (STRIDE_CONSOLE_DIR).
//
// Every page of every context is watched: a request that leaves 127.0.0.1, a Content-Security-
// Policy violation, an uncaught exception or a console error fails the run (see `watch`).
//
//   npm run test:e2e                       (STRIDE_BIN names the binary; default target/debug/stride)
//   STRIDE_SCREENSHOTS=docs npm run test:e2e   also refreshes docs/screenshots/
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { addDays, gql, seed, seedInsightAthlete, waitFor, type Account, type Seed } from './seed.ts';
import { startServer, type RunningServer } from './server.ts';

const here = import.meta.dirname;
process.env.STRIDE_CONSOLE_DIR ??= resolve(here, '../dist');
const ARTIFACTS = resolve(here, 'artifacts');
const DOCS = resolve(here, '../../docs/screenshots');
// Device files recorded by other projects, beside the repository (see ../shared/fixtures).
const FIXTURES = resolve(here, '../../../shared/fixtures/files');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let server: RunningServer;
let data: Seed;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** What must never happen, gathered from every page. */
const problems: string[] = [];
/** Console errors for responses the tests provoke on purpose (a wrong password, a refused write). */
const expectedStatus = /the server responded with a status of (401|403)/;

function watch(context: BrowserContext): void {
  // Registered through the DevTools protocol, so the page's CSP does not apply to it.
  // tsx names functions with esbuild's `__name`; give the page one for `page.evaluate`.
  void context.addInitScript({ content: 'globalThis.__name ??= (f) => f;' });
  void context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.hostname !== '127.0.0.1') problems.push(`request left 127.0.0.1: ${request.url()}`);
  });
  context.on('page', (page) => attach(page));
}

function attach(page: Page): void {
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (expectedStatus.test(message.text())) return;
    problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).hostname !== '127.0.0.1') problems.push(`websocket left 127.0.0.1: ${ws.url()}`);
  });
}

async function newPage(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, viewport, locale: 'en-GB', timezoneId: 'UTC' });
  contexts.push(context);
  watch(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

async function heading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

async function login(page: Page, who: Account): Promise<void> {
  await page.goto('/login');
  await heading(page, 'Log in to Stride');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  // On a phone the menu (and its Log out) is collapsed: present, not visible.
  await page.locator('button', { hasText: 'Log out' }).waitFor({ state: 'attached' });
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  if (process.env.STRIDE_SCREENSHOTS === 'docs') {
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, `${name}.png`), fullPage: false });
  }
}

/** The value next to a term in a page's `<dl class="facts">`. */
function fact(within: Page | Locator, term: string) {
  const page = 'mainFrame' in within ? within : within.page();
  return within.locator('dl.facts > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${term}$`) }) }).locator('dd').first();
}

/** A GraphQL request sent from the page with its cookie, as the console sends it. */
async function fromPage(page: Page, query: string, variables: Record<string, unknown> = {}) {
  return page.evaluate(
    async ([q, v]) => {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-stride-console': '1' },
        body: JSON.stringify({ query: q, variables: v }),
      });
      return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
    },
    [query, variables] as const,
  );
}

/**
 * Text whose colour is below WCAG AA contrast (4.5:1, or 3:1 for large text) against the
 * first opaque background behind it. Canvas, hidden and disabled elements are skipped.
 */
async function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number) as number[];
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3]! >= 0.99)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const checked = new Set<Element>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || checked.has(el) || !node.textContent?.trim()) continue;
      checked.add(el);
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || (el as HTMLButtonElement).disabled) continue;
      if (el.closest('.visually-hidden, [aria-hidden="true"], .u-legend')) continue;
      const fg = parse(style.color);
      if (fg.length >= 4 && fg[3]! < 0.99) continue;
      const [a, b] = [lum(fg), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`${ratio.toFixed(2)}:1 “${node.textContent.trim().slice(0, 40)}” (${el.tagName.toLowerCase()}.${el.className})`);
    }
    return out;
  });
}

/** A GPX run: a point every 5 s on an out-and-back line, with elevation and time. */
function gpxRun(startIso: string, seconds: number): string {
  const start = Date.parse(startIso);
  const points: string[] = [];
  for (let t = 0; t <= seconds; t += 5) {
    const phase = t / seconds;
    const along = phase < 0.5 ? phase : 1 - phase;
    const lat = (46.5 + along * 0.04).toFixed(6);
    const lon = (6.6 + Math.sin(phase * Math.PI) * 0.01).toFixed(6);
    const ele = (380 + 40 * Math.sin(phase * Math.PI)).toFixed(1);
    points.push(`<trkpt lat="${lat}" lon="${lon}"><ele>${ele}</ele><time>${new Date(start + t * 1000).toISOString()}</time></trkpt>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="stride e2e" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Valley loop</name><type>running</type><trkseg>\n${points.join('\n')}\n</trkseg></trk></gpx>\n`;
}

function fixed(value: number | null, digits = 1): string {
  return value === null ? '—' : value.toFixed(digits);
}

/** A day as the console writes it: "Wed 2 Dec 2026". */
function longDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${weekday} ${d.getUTCDate()} ${month} ${d.getUTCFullYear()}`;
}

before(async () => {
  const started = Date.now();
  server = await startServer();
  try {
    data = await seed(server.url);
  } catch (error) {
    console.error(server.log());
    throw error;
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  console.log(`# server up and seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  if (server) {
    if (process.env.STRIDE_E2E_LOG) console.log(server.log());
    await server.stop();
  }
});

describe('the console', () => {
  test('logs in, keeps the token from scripts, and logs out revoking the session', async () => {
    const page = await newPage();
    await page.goto('/performance');
    // No session: the login page, which returns to the page asked for.
    await heading(page, 'Log in to Stride');
    assert.match(page.url(), /\/login\?next=%2Fperformance$/);

    await page.getByLabel('Email').fill(data.ann.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();

    await page.getByLabel('Password').fill(data.ann.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await heading(page, 'Performance');

    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'stride_session');
    assert.ok(session, 'the session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('stride_session')), false, 'a script cannot read the session');

    // The cookie alone authorizes nothing: without the console's header it is ignored.
    const bare = await page.evaluate(async () => {
      const r = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id } }' }) });
      return (await r.json()) as { data?: { me?: { id: string } | null } | null; errors?: unknown[] };
    });
    assert.ok(!bare.data?.me, 'no viewer without X-Stride-Console');
    const withHeader = await fromPage(page, '{ me { id } }');
    assert.equal(withHeader.body.data?.me?.id, data.ann.id);

    await page.getByRole('button', { name: /Log out/ }).click();
    await heading(page, 'Log in to Stride');
    // The old token is revoked on the server, not just forgotten by the browser.
    const replay = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-stride-console': '1', cookie: `stride_session=${session.value}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const replayed = (await replay.json()) as { data?: { me?: unknown } | null };
    assert.ok(!replayed.data?.me, 'the logged-out session is refused');
  });

  test('signs up with an invite and runs the onboarding wizard, which can be left and resumed', async () => {
    const invite = await gql(server.url, data.admin.token, 'mutation { createInvite(role: ATHLETE, email: "dora@stride.test") { token } }');
    const page = await newPage();
    await page.goto(`/signup?invite=${encodeURIComponent(invite.createInvite.token)}`);
    await heading(page, 'Create your Stride account');
    assert.equal(await page.getByLabel('Invite token').inputValue(), invite.createInvite.token);
    await page.getByLabel('Your name').fill('Dora Trail');
    await page.getByLabel('Email').fill('dora@stride.test');
    await page.getByLabel('Password').fill('dora-password-1');
    await page.getByLabel('Time zone').fill('UTC');
    await page.getByRole('button', { name: 'Create account' }).click();

    await heading(page, 'Set up Stride');
    await page.getByRole('heading', { name: /Step 1 of 5: Goal race/ }).waitFor();
    // The form says what is wrong, next to the field.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('.field.invalid').first().waitFor();
    await page.getByLabel('Race name').fill('Autumn Marathon');
    await page.getByLabel('Race day').fill(addDays(data.today, 120));
    await page.getByLabel('Distance', { exact: true }).selectOption('42195');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: /Step 2 of 5: Weekly availability/ }).waitFor();
    await page.getByLabel('Run days per week').selectOption('4');
    await page.getByLabel('Long-run day').selectOption('SATURDAY');
    await page.getByRole('button', { name: 'Build my plan' }).click();
    await page.getByRole('heading', { name: /Step 3 of 5: Body and heart/ }).waitFor();

    // Leave in the middle, and come back: the wizard resumes where it stopped.
    await page.goto('/');
    await heading(page, 'Today');
    await page.goto('/onboarding');
    await page.getByRole('heading', { name: /Step 3 of 5: Body and heart/ }).waitFor();
    await page.getByLabel('Resting heart rate (bpm)').fill('50');
    await page.getByLabel('Maximum heart rate (bpm)').fill('188');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: /Step 4 of 5: Connect a device/ }).waitFor();
    await page.getByRole('button', { name: 'Skip for now' }).click();
    await page.getByRole('heading', { name: /Step 5 of 5: Units/ }).waitFor();
    await page.getByLabel(/Imperial/).check();
    await page.getByRole('button', { name: 'Finish' }).click();
    await heading(page, 'Today');

    const stored = await fromPage(page, '{ me { units baselines { restingHeartRate maxHeartRate } } trainingPlan { goalRaceDate } }');
    assert.equal(stored.body.data.me.units, 'IMPERIAL');
    assert.equal(stored.body.data.me.baselines.restingHeartRate, 50);
    assert.equal(stored.body.data.me.baselines.maxHeartRate, 188);
    assert.equal(stored.body.data.trainingPlan.goalRaceDate, addDays(data.today, 120));
  });

  describe('as an athlete', () => {
    let page: Page;
    before(async () => {
      page = await newPage();
      await login(page, data.ann);
    });

    test('today shows the readiness light with its reasons, as the API judges it', async () => {
      const api = await gql(server.url, data.ann.token, '{ home { readiness { light confidence signals { signal light } } } }');
      await page.goto('/');
      await heading(page, 'Today');
      const readiness = page.locator('section[aria-labelledby="readiness-h"]');
      const word = { GREEN: 'Green', YELLOW: 'Yellow', RED: 'Red' }[api.home.readiness.light as 'GREEN'];
      await readiness.locator('.light.large').filter({ hasText: word }).waitFor();
      await readiness.getByText(`confidence ${Math.round(api.home.readiness.confidence * 100)}%`).waitFor();
      assert.equal(await readiness.getByRole('list', { name: 'Reasons' }).locator('> li').count(), api.home.readiness.signals.length);
      await page.getByRole('link', { name: /waiting for a decision/ }).waitFor();
      await shot(page, 'athlete-today');
    });

    test('the performance chart shows the numbers the API computes, with the convention named', async () => {
      await page.goto('/performance?days=42');
      await heading(page, 'Performance');
      const api = await gql(server.url, data.ann.token, 'query($f: NaiveDate!, $t: NaiveDate!) { trainingStats(from: $f, to: $t) { days { date chronic acute tsb acwr monotony } } }', {
        f: addDays(data.today, -41),
        t: data.today,
      });
      const days = api.trainingStats.days as { date: string; chronic: number; acute: number; tsb: number | null; acwr: number | null; monotony: number | null }[];
      const last = days[days.length - 1]!;
      assert.ok(last.chronic > 0, 'the seed gives Ann a chronic load');
      assert.equal(await fact(page, 'Chronic load').innerText(), fixed(last.chronic));
      assert.equal(await fact(page, 'Acute load').innerText(), fixed(last.acute));
      assert.equal(await fact(page, 'Form \\(TSB\\)').innerText(), fixed(last.tsb));
      assert.match(await fact(page, 'ACWR').innerText(), new RegExp(`^${fixed(last.acwr, 2).replace('.', '\\.')}`));
      assert.match(await page.locator('.convention').innerText(), /\w/);
      assert.equal(await page.locator('figure.chart canvas').count() >= 2, true, 'two charts are drawn');
      assert.equal(await page.locator('table.stats-table tbody tr').count(), days.length);
      await shot(page, 'performance');
    });

    test('activities: the list filters, and the detail charts its samples', async () => {
      await page.goto('/activities');
      await heading(page, 'Activities');
      const rows = page.locator('main table tbody tr');
      await rows.first().waitFor();
      await page.getByLabel('Sport').selectOption('RIDE');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await page.waitForURL(/sport=RIDE/);
      await rows.first().waitFor();
      for (const text of await rows.allInnerTexts()) assert.match(text, /ride|spin/i);

      // The newest session carries samples.
      const newest = await gql(server.url, data.ann.token, '{ activities(first: 1) { edges { node { id name } } } }');
      const activity = newest.activities.edges[0].node;
      await page.goto(`/activities/${activity.id}`);
      await heading(page, activity.name);
      await page.getByRole('heading', { name: 'Recorded samples' }).waitFor();
      await page.locator('section[aria-labelledby="samples-h"] figure.chart canvas').first().waitFor();
      const charts = await page.locator('section[aria-labelledby="samples-h"] figure.chart figcaption').allInnerTexts();
      assert.ok(charts.includes('Heart rate'), `a heart-rate chart among ${charts.join(', ')}`);
      assert.ok(charts.includes('Pace'), 'a pace chart');
      assert.ok(charts.includes('Elevation'), 'an elevation chart');
      await page.getByRole('heading', { name: 'Load and its receipts' }).waitFor();
      await page.getByRole('heading', { name: 'Source' }).waitFor();
      await shot(page, 'activity-detail');
    });

    test('the plan calendar shows the weeks and the versions', async () => {
      await page.goto('/plan');
      await heading(page, 'Plan');
      await page.getByRole('heading', { name: 'Calendar' }).waitFor();
      await page.getByRole('heading', { name: 'Versions' }).waitFor();
      await shot(page, 'plan');
    });

    test('proposals: a new one arrives live, confirming applies it to the plan, rejecting leaves it', async () => {
      await page.goto('/proposals');
      await heading(page, 'Proposals');
      await page.getByText('Live: new proposals appear here').waitFor();

      // The coach files a change while the page is open; the subscription brings it in.
      const plan = await gql(server.url, data.coach.token, 'query($a: ID, $f: NaiveDate, $t: NaiveDate) { trainingPlan(athleteId: $a, from: $f, to: $t) { version workouts { id date kind } } }', {
        a: data.ann.id,
        f: addDays(data.today, 3),
        t: addDays(data.today, 10),
      });
      const target = plan.trainingPlan.workouts.find((w: { kind: string }) => w.kind !== 'REST');
      await gql(server.url, data.coach.token, 'mutation($w: ID!, $c: WorkoutChangesInput!, $r: String!) { proposeWorkoutChange(workoutId: $w, changes: $c, reason: $r) { id } }', {
        w: target.id,
        c: { kind: 'TEMPO', targetDurationSeconds: 2700, intensityZone: 3, description: 'Tempo 3 x 10 min' },
        r: 'Sharpen up with a tempo session',
      });
      const card = (reason: string) => page.locator('li').filter({ has: page.getByRole('heading', { level: 3, name: reason }) });
      await card('Sharpen up with a tempo session').waitFor();
      await page.getByRole('status').filter({ hasText: 'New proposal: Sharpen up with a tempo session' }).waitFor();
      await shot(page, 'proposals');

      await card('Sharpen up with a tempo session').getByRole('button', { name: 'Confirm' }).click();
      await card('Sharpen up with a tempo session').getByText('Confirmed and applied to the plan.').waitFor();
      const changed = await gql(server.url, data.ann.token, 'query($f: NaiveDate, $t: NaiveDate) { trainingPlan(from: $f, to: $t) { version workouts { id kind description } } }', {
        f: addDays(data.today, 3),
        t: addDays(data.today, 10),
      });
      const after = changed.trainingPlan.workouts.find((w: { id: string }) => w.id === target.id);
      assert.equal(after?.kind, 'TEMPO', 'the plan carries the confirmed change');
      assert.ok(changed.trainingPlan.version > plan.trainingPlan.version, 'a new plan version');

      const reason = 'Keep tomorrow easy after a rough night';
      await card(reason).getByRole('button', { name: 'Reject…' }).click();
      await card(reason).getByLabel('Why (optional)').fill('I feel fine');
      await card(reason).getByRole('button', { name: 'Reject', exact: true }).click();
      await card(reason).getByText('Rejected; the plan stays as it was.').waitFor();
      const rejected = await gql(server.url, data.ann.token, '{ proposals { id state } }');
      assert.equal(rejected.proposals.find((p: { id: string }) => p.id === data.coachProposalId)?.state, 'REJECTED');
    });

    test('logs a session and a morning by hand', async () => {
      await page.goto('/log');
      await heading(page, 'Log');
      const session = page.locator('section[aria-labelledby="session-h"]');
      await session.getByLabel('Title', { exact: true }).fill('Lunch run e2e');
      await session.getByLabel('Duration', { exact: true }).fill('45');
      await session.getByLabel('Effort (RPE 1–10)').selectOption('4');
      await session.getByRole('button', { name: 'Log session' }).click();
      await session.getByRole('link', { name: 'Lunch run e2e' }).waitFor();

      const morning = page.locator('section[aria-labelledby="morning-h"]');
      await morning.getByLabel('Day', { exact: true }).fill(addDays(data.today, -30));
      await morning.getByLabel('Resting heart rate (bpm)').fill('46');
      await morning.getByRole('button', { name: 'Save morning' }).click();
      await morning.getByText(/Saved the morning of/).waitFor();

      const stored = await gql(server.url, data.ann.token, 'query($f: NaiveDate!, $t: NaiveDate!) { dailyMetrics(from: $f, to: $t) { edges { node { date restingHeartRate } } } activities(first: 3) { edges { node { name durationSeconds rpe } } } }', {
        f: addDays(data.today, -30),
        t: addDays(data.today, -30),
      });
      const logged = stored.activities.edges.map((e: { node: { name: string; durationSeconds: number; rpe: number } }) => e.node).find((a: { name: string }) => a.name === 'Lunch run e2e');
      assert.ok(logged, 'the session is stored');
      assert.equal(logged.durationSeconds, 45 * 60);
      assert.equal(logged.rpe, 4);
      assert.equal(stored.dailyMetrics.edges[0]?.node.restingHeartRate, 46);

      // Editing the session shows its stored effort, and saving it untouched keeps it.
      await page.goto('/activities');
      await page.getByRole('link', { name: 'Lunch run e2e' }).first().click();
      const edit = page.locator('section[aria-labelledby="edit-h"]');
      assert.equal(await edit.getByLabel('Effort (RPE 1–10)').inputValue(), '4');
      await edit.getByRole('button', { name: 'Save changes' }).click();
      await edit.getByText('Saved.').waitFor();
      const again = await gql(server.url, data.ann.token, 'query { activities(first: 5) { edges { node { name rpe } } } }', {});
      const kept = again.activities.edges.map((e: { node: { name: string; rpe: number } }) => e.node).find((a: { name: string }) => a.name === 'Lunch run e2e');
      assert.equal(kept.rpe, 4, 'saving the edit form untouched keeps the effort');
    });

    test('optional logs: a day’s life and nutrition, and a session’s fuelling, are saved and shown', async () => {
      const day = addDays(data.today, -2);
      await page.goto(`/log?day=${day}`);
      await heading(page, 'Log');
      const life = page.locator('section[aria-labelledby="life-h"]');
      await life.getByRole('heading', { name: 'Optional: life and nutrition' }).waitFor();
      assert.match(await life.innerText(), /Nothing here is ever required/);
      assert.equal(await life.getByLabel('Day', { exact: true }).inputValue(), day);
      await life.getByLabel('Work and life stress (1–10)').selectOption('7');
      await life.getByLabel('Caffeine over the day (mg)').fill('200');
      await life.getByLabel('Alcohol (standard units)').fill('1.5');
      await life.getByLabel('Travelled').check();
      await life.getByLabel('Eating and drinking notes').fill('Pasta the night before');
      await life.getByRole('button', { name: 'Save optional log' }).click();
      await life.getByText(`Saved the optional log of ${day}.`).waitFor();
      await life.scrollIntoViewIfNeeded();
      await shot(page, 'log-optional');
      const query = 'query($f: NaiveDate!, $t: NaiveDate!) { dayLogs(from: $f, to: $t) { date workStress travel illness caffeineMg alcoholUnits nutritionNotes } }';
      const stored = await gql(server.url, data.ann.token, query, { f: day, t: day });
      assert.deepEqual(stored.dayLogs, [
        { date: day, workStress: 7, travel: true, illness: false, caffeineMg: 200, alcoholUnits: 1.5, nutritionNotes: 'Pasta the night before' },
      ]);

      // Emptying a field clears it; the rest stays.
      await page.reload();
      await heading(page, 'Log');
      assert.equal(await life.getByLabel('Caffeine over the day (mg)').inputValue(), '200');
      await life.getByLabel('Caffeine over the day (mg)').fill('');
      await life.getByRole('button', { name: 'Save optional log' }).click();
      await life.getByText(`Saved the optional log of ${day}.`).waitFor();
      const cleared = await gql(server.url, data.ann.token, query, { f: day, t: day });
      assert.equal(cleared.dayLogs[0].caffeineMg, null);
      assert.equal(cleared.dayLogs[0].workStress, 7);

      // The Days page shows the day's optional log in its card.
      await page.goto(`/days?to=${day}`);
      await heading(page, 'Days');
      const card = page.locator('.day-cards > li').filter({ has: page.locator('.life-log') });
      await card.first().waitFor();
      assert.equal(await card.count(), 1);
      assert.equal(await fact(card, 'Work and life stress').innerText(), '7/10');
      assert.equal(await fact(card, 'Travelled').innerText(), 'yes');
      assert.equal(await fact(card, 'Alcohol').innerText(), '1.5 units');
      await card.getByText('Pasta the night before').waitFor();

      // A session's fuelling, on the activity page.
      const newest = await gql(server.url, data.ann.token, '{ activities(first: 1) { edges { node { id name } } } }');
      const activity = newest.activities.edges[0].node;
      await page.goto(`/activities/${activity.id}`);
      await heading(page, activity.name);
      const fuel = page.locator('section[aria-labelledby="fuel-h"]');
      await fuel.getByRole('heading', { name: 'Optional: fuelling' }).waitFor();
      await fuel.getByText('Log fuelling (optional)').click();
      await fuel.getByLabel('Carbohydrate before (g)').fill('60');
      await fuel.getByLabel('Carbohydrate during (g)').fill('45');
      await fuel.getByLabel('Caffeine before (mg)').fill('100');
      await fuel.getByLabel('Fluid during (ml)').fill('500');
      await fuel.getByLabel('Fuelling notes').fill('Gel at 40 min');
      await fuel.getByRole('button', { name: 'Save fuelling' }).click();
      await fuel.getByText('Fuelling saved.').waitFor();
      await waitFor('the fuelling shown', async () => ((await fact(fuel, 'Carbohydrate before').count()) > 0 ? true : undefined), 10);
      assert.equal(await fact(fuel, 'Carbohydrate before').innerText(), '60 g');
      assert.equal(await fact(fuel, 'Carbohydrate during').innerText(), '45 g');
      assert.equal(await fact(fuel, 'Caffeine before').innerText(), '100 mg');
      assert.equal(await fact(fuel, 'Fluid during').innerText(), '500 ml');
      await fuel.getByText('Gel at 40 min').first().waitFor();
      const api = await gql(server.url, data.ann.token, 'query($id: ID!) { activity(id: $id) { fuel { carbsBeforeGrams carbsDuringGrams caffeineMg fluidMl notes } } }', {
        id: activity.id,
      });
      assert.deepEqual(api.activity.fuel, { carbsBeforeGrams: 60, carbsDuringGrams: 45, caffeineMg: 100, fluidMl: 500, notes: 'Gel at 40 min' });
      await fuel.scrollIntoViewIfNeeded();
      await shot(page, 'activity-fuelling');
    });

    test('insights: with enough history a recompute shows a finding and its receipts; the rest is tested or waiting', async () => {
      const started = Date.now();
      const ivy = await seedInsightAthlete(server.url, data.admin, data.today);
      console.log(`# insight history seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const own = await newPage();
      await login(own, ivy);
      await own.goto('/insights');
      await heading(own, 'Insights');
      assert.match(await own.locator('.lead').innerText(), /associations, not causes/);
      await own.getByText('How this works').click();
      await own.getByText(/Benjamini–Hochberg/).waitFor();

      await own.getByRole('button', { name: 'Recompute now' }).click();
      await own.getByText('Recomputed from the data stored now.').waitFor();
      const api = await gql(
        server.url,
        ivy.token,
        '{ insights { findings { input outcome lagDays n summary receipts { date activityId input outcome } } tested { input outcome lagDays } waiting { input outcome n needed } } }',
      );
      const finding = api.insights.findings.find((f: { input: string; outcome: string }) => f.input === 'SLEEP_DURATION' && f.outcome === 'NEXT_MORNING_READINESS');
      assert.ok(finding, `sleep and readiness is a finding: ${JSON.stringify(api.insights)}`);
      const cards = own.locator('ul.findings > li');
      assert.equal(await cards.count(), api.insights.findings.length);
      const card = cards.filter({ has: own.getByRole('heading', { name: 'Sleep and readiness that morning' }) });
      await card.getByText(finding.summary).waitFor();
      assert.match(finding.summary, /not proof of cause/);
      assert.equal(await fact(card, 'Observations').innerText(), String(finding.n));
      assert.match(await fact(card, 'Effect').innerText(), /^\+\d+(\.\d+)? readiness points$/);

      // The receipts: every observation, as the API lists them.
      await card.getByText(`Receipts: the ${finding.receipts.length} observations`).click();
      const rows = card.locator('table.receipts tbody tr');
      await rows.first().waitFor();
      assert.equal(await rows.count(), finding.n);
      assert.equal(finding.receipts.length, finding.n);
      assert.equal(await rows.first().locator('th').innerText(), finding.receipts[0].date);
      assert.equal(await card.locator('table.receipts tbody a').count(), finding.receipts.filter((r: { activityId: string | null }) => r.activityId).length);
      await card.locator('figure.chart canvas').waitFor();

      // Pairs tested without a finding, and those still waiting for data.
      const quiet = api.insights.tested.length - api.insights.findings.length;
      const tested = own.locator('section[aria-labelledby="tested-h"]');
      assert.equal(await tested.locator('tbody tr').count(), quiet);
      const waiting = own.locator('section[aria-labelledby="waiting-h"] ul.waiting > li');
      assert.equal(await waiting.count(), api.insights.waiting.length);
      const travel = api.insights.waiting.find((w: { input: string }) => w.input === 'TRAVEL');
      assert.ok(travel, 'three days of travel are too few to test');
      await own.getByText(`Travel and readiness the next morning: ${travel.n} observations so far, ${travel.needed} more needed.`).waitFor();
      await shot(own, 'insights');
      assert.ok(Date.now() - started < 40_000, `the insights test took ${Date.now() - started} ms`);
    });

    test('the weekly digest shows the last complete week, and its email settings save', async () => {
      const api = await gql(
        server.url,
        data.ann.token,
        '{ weeklyDigest { weekStart weekEnd forCoach athletes { athleteId sessionsDone sessionsPlanned plannedCompleted alerts pendingProposals { summary } newestInsight load { weekLoad } } } }',
      );
      const week = api.weeklyDigest;
      assert.equal(week.forCoach, false);
      await page.goto('/digest');
      await heading(page, 'Weekly digest');
      const title = page.locator('h2.week-title');
      await title.waitFor();
      assert.match(await title.innerText(), new RegExp(`^${longDay(week.weekStart)} to ${longDay(week.weekEnd)}`));
      const mine = week.athletes[0];
      assert.equal(mine.athleteId, data.ann.id);
      const section = page.locator('section.athlete-week');
      assert.equal(await section.count(), 1);
      await section.getByRole('heading', { name: 'Your week' }).waitFor();
      assert.ok(mine.sessionsDone > 0, 'Ann trained last week');
      assert.equal(await fact(section, 'Sessions done').innerText(), String(mine.sessionsDone));
      assert.equal(
        await fact(section, 'Planned sessions completed').innerText(),
        mine.sessionsPlanned === 0 ? 'none planned' : `${mine.plannedCompleted} of ${mine.sessionsPlanned}`,
      );
      if (mine.load) assert.match(await fact(section, 'Week load').innerText(), new RegExp(`^${Math.round(mine.load.weekLoad)}`));
      assert.equal(await section.locator('ul.alerts > li').count(), mine.alerts.length);
      if (mine.pendingProposals.length > 0) await section.getByRole('link', { name: /on the Proposals page/ }).waitFor();
      await shot(page, 'digest');

      // The week before, and back.
      await page.getByRole('link', { name: /^← Week of/ }).click();
      await page.waitForURL(/\/digest\?week=/);
      const earlier = addDays(week.weekStart, -7);
      await page.locator('h2.week-title', { hasText: longDay(earlier) }).waitFor();
      await page.getByRole('link', { name: 'Last complete week' }).click();
      await page.locator('h2.week-title', { hasText: longDay(week.weekStart) }).waitFor();

      // Settings: this server sends no email, so the page says the digest is in the app.
      await page.goto('/settings');
      await heading(page, 'Settings');
      const digest = page.locator('section#digest');
      await digest.getByText('This server does not send email; the digest is in the app.', { exact: false }).waitFor();
      await digest.getByLabel('Email me the weekly digest').check();
      await digest.getByLabel('Arrives on').selectOption('5');
      await digest.getByLabel('At', { exact: true }).selectOption('7');
      await digest.getByRole('button', { name: 'Save digest settings' }).click();
      await digest.getByText('Digest settings saved.').waitFor();
      const saved = await gql(server.url, data.ann.token, '{ digestSettings { email weekday hour emailConfigured } }');
      assert.deepEqual(saved.digestSettings, { email: true, weekday: 5, hour: 7, emailConfigured: false });
      await page.reload();
      await heading(page, 'Settings');
      await digest.getByRole('heading', { name: 'Recent digest emails' }).waitFor();
      assert.equal(await digest.getByLabel('Email me the weekly digest').isChecked(), true);
      assert.equal(await digest.getByLabel('Arrives on').inputValue(), '5');
      const emails = await gql(server.url, data.ann.token, '{ digestEmails { weekStart state } }');
      if (emails.digestEmails.length === 0) await digest.getByText('No digest email yet.').waitFor();
      else assert.equal(await digest.locator('table.digest-emails tbody tr').count(), emails.digestEmails.length);
    });

    test('connections: connecting Strava gives a one-time link to Strava', async () => {
      await page.goto('/connections');
      await heading(page, 'Connections');
      await page.getByRole('button', { name: 'Connect Strava' }).click();
      const link = page.getByRole('link', { name: /Continue at Strava/ });
      await link.waitFor();
      const href = await link.getAttribute('href');
      assert.match(href ?? '', /client_id=e2e-client/);
      assert.match(href ?? '', /state=/);
      await page.getByRole('heading', { name: 'iPhone (Apple Health) relay' }).waitFor();
      await page.getByRole('heading', { name: 'Import files' }).waitFor();
    });

    test('relay tokens: one is made and shown once with the app settings, a delivery lands, revoking refuses the next', async () => {
      await page.goto('/connections');
      await heading(page, 'Connections');
      const relay = page.locator('section#relay');
      await relay.getByLabel('Name for the token').fill('iPhone e2e');
      await relay.getByRole('button', { name: 'Make a relay token' }).click();
      const once = relay.getByRole('region', { name: 'The new relay token' });
      await once.waitFor();
      const url = await once.getByRole('textbox', { name: 'URL', exact: true }).inputValue();
      const token = await once.getByRole('textbox', { name: 'Token', exact: true }).inputValue();
      assert.equal(url, `${server.url}/relay/apple-health`);
      assert.ok(token.length >= 20, 'a token is shown');
      assert.equal(await once.getByRole('textbox', { name: 'Authorization header value' }).inputValue(), `Bearer ${token}`);
      await once.getByText('Automations → New Automation → REST API').waitFor();
      await once.getByText('Since Last Sync').waitFor();
      await once.getByRole('button', { name: 'Copy token' }).waitFor();
      const row = relay.locator('table.relay-tokens tbody tr').filter({ hasText: 'iPhone e2e' });
      assert.equal(await row.locator('td').nth(2).innerText(), 'never');
      await relay.scrollIntoViewIfNeeded();
      await shot(page, 'connections-relay');

      // The relay app's delivery, as Health Auto Export posts it.
      const deliver = (body: unknown) =>
        fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const morning = { data: { metrics: [{ name: 'resting_heart_rate', units: 'bpm', data: [{ date: '2026-03-01 06:30:00 +0000', qty: 51 }] }] } };
      const delivered = await deliver(morning);
      assert.equal(delivered.status, 200, await delivered.text());

      // The token is never shown again; the list says when it was last used.
      await page.goto('/connections');
      await heading(page, 'Connections');
      await relay.locator('table.relay-tokens').waitFor();
      assert.equal(await relay.getByRole('region', { name: 'The new relay token' }).count(), 0);
      assert.equal(await page.locator(`input[value="${token}"]`).count(), 0);
      assert.notEqual(await row.locator('td').nth(2).innerText(), 'never');

      // The delivered value on the athlete's days.
      await page.goto('/days?to=2026-03-07');
      await heading(page, 'Days');
      const day = page.locator('.day-cards > li').filter({ has: page.getByRole('heading', { name: /Sun 1 Mar 2026/ }) });
      await day.waitFor();
      assert.equal(await fact(day, 'Resting HR').innerText(), '51 bpm');
      await day.getByText('apple-health').waitFor();

      // Revoked (after a confirmation), the next delivery is refused.
      page.once('dialog', (dialog) => void dialog.accept());
      await page.goto('/connections');
      await relay.getByRole('button', { name: 'Revoke iPhone e2e' }).click();
      await row.locator('.tag', { hasText: 'revoked' }).waitFor();
      const refused = await deliver(morning);
      assert.equal(refused.status, 401);
    });

    test('import files: several at once with upload progress, then each file’s result and problems', async () => {
      const before = await gql(server.url, data.ann.token, '{ activities(first: 200) { pageInfo { hasNextPage } nodes { id name source } } }');
      await page.goto('/connections');
      await heading(page, 'Connections');
      const upload = page.locator('section#upload');
      await upload.getByLabel('Files').setInputFiles([
        { name: 'valley-loop.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(gpxRun('2026-02-10T07:00:00Z', 50 * 60)) },
        { name: 'fitparse_activity-small-fenix2-run.fit', mimeType: 'application/octet-stream', buffer: readFileSync(join(FIXTURES, 'fitparse_activity-small-fenix2-run.fit')) },
        { name: 'broken.fit', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a FIT file at all') },
      ]);
      await upload.getByText(/^3 files, /).waitFor();
      // A slow uplink, so the progress bar is seen moving.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 60 * 1024 });
      await upload.getByRole('button', { name: 'Import 3 files' }).click();
      const bar = upload.locator('progress#upload-bar');
      await bar.waitFor();
      await upload.getByText(/Uploading… \d+%/).waitFor();
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      const results = upload.getByRole('region', { name: 'Import results' });
      await results.waitFor({ timeout: 60_000 });
      await bar.waitFor({ state: 'detached' });

      const card = (name: string) => results.locator('.cards > li').filter({ has: page.getByRole('heading', { name, exact: true }) });
      const gpx = card('valley-loop.gpx');
      const fit = card('fitparse_activity-small-fenix2-run.fit');
      const broken = card('broken.fit');
      await broken.waitFor();
      assert.equal(await fact(gpx, 'Activities').innerText(), '1');
      assert.equal(await fact(fit, 'Activities').innerText(), '1');
      assert.match(await broken.locator('.problems, .field-error').first().innerText(), /FIT/);
      // Whether the importer calls it a problem or an unreadable file, nothing came of it.
      if ((await fact(broken, 'Activities').count()) > 0) assert.equal(await fact(broken, 'Activities').innerText(), '0');
      await results.getByText(/^2 activities imported\. 1 file has problems/).waitFor();
      await upload.scrollIntoViewIfNeeded();
      await shot(page, 'import-files');

      // The server stored exactly the two readable files' activities.
      const after = await gql(server.url, data.ann.token, '{ activities(first: 200) { pageInfo { hasNextPage } nodes { id name source } } }');
      assert.equal(before.activities.pageInfo.hasNextPage || after.activities.pageInfo.hasNextPage, false, 'every activity fits one page');
      const known = new Set(before.activities.nodes.map((a: { id: string }) => a.id));
      const added = after.activities.nodes.filter((a: { id: string }) => !known.has(a.id));
      assert.equal(added.length, 2, JSON.stringify(added));

      // The FIT file's activity: its laps and device as the API has them.
      for (const { id } of added) {
        const api = await gql(server.url, data.ann.token, 'query($id: ID!) { activity(id: $id) { name device sportDetail laps { durationSeconds } } }', { id });
        await page.goto(`/activities/${id}`);
        await heading(page, api.activity.name);
        const source = page.locator('section[aria-labelledby="source-h"]');
        assert.equal(await fact(source, 'Device').innerText(), api.activity.device ?? '—');
        assert.equal(await fact(source, 'Sport, as the source named it').innerText(), api.activity.sportDetail ?? '—');
        if (api.activity.laps.length > 0) {
          assert.equal(await page.locator('table.laps tbody tr').count(), api.activity.laps.length);
          await shot(page, 'activity-laps');
        } else {
          assert.equal(await page.locator('table.laps').count(), 0);
        }
      }
    });

    test('import files in the background: the job is followed live, then its result and problems', async () => {
      await page.goto('/connections');
      await heading(page, 'Connections');
      const upload = page.locator('section#upload');
      await upload.getByLabel('Files').setInputFiles([
        { name: 'hill-repeats.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(gpxRun('2026-02-12T07:00:00Z', 40 * 60)) },
        { name: 'not-a-track.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from('<gpx><oops') },
      ]);
      const background = upload.getByLabel(/Import in the background/);
      // Small files are read in the request unless the athlete asks otherwise.
      assert.equal(await background.isChecked(), false);
      await background.check();
      await upload.getByRole('button', { name: 'Import 2 files' }).click();
      const results = upload.getByRole('region', { name: 'Import results' });
      await results.waitFor({ timeout: 60_000 });
      await results.getByText(/^1 activity imported from 2 files\. 1 problem: see below\./).waitFor();
      assert.match(await results.locator('.problems li').first().innerText(), /^not-a-track\.gpx: /);
      await shot(page, 'import-background');

      // The API lists it, done, with the same counts.
      const listed = await gql(server.url, data.ann.token, '{ fileImports(first: 1) { status activities filesRead problems { item } } }');
      assert.deepEqual(listed.fileImports[0], { status: 'done', activities: 1, filesRead: 2, problems: [{ item: 'not-a-track.gpx' }] });
    });

    test('copies: a logged run and the iPhone’s copy are one workout; either can count, or they are separated', async () => {
      const logged = await gql(server.url, data.ann.token, 'mutation($i: ActivityInput!) { logActivity(input: $i) { id } }', {
        i: { sport: 'RUN', name: 'Copies e2e run', startTime: '2026-03-01T07:00:00Z', durationSeconds: 3600, distanceMeters: 10000 },
      });
      const manualId: string = logged.logActivity.id;
      const made = await gql(server.url, data.ann.token, 'mutation { createRelayToken(name: "copies e2e") { token relayToken { url } } }');
      const workout = {
        data: { workouts: [{ id: 'w1', name: 'Running', start: '2026-03-01 07:00:00 +0000', end: '2026-03-01 08:00:00 +0000', duration: 3600, distance: { qty: 10, units: 'km' } }] },
      };
      const delivered = await fetch(made.createRelayToken.relayToken.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${made.createRelayToken.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(workout),
      });
      assert.equal(delivered.status, 200, await delivered.text());
      const grouped = await gql(server.url, data.ann.token, 'query($id: ID!) { activity(id: $id) { duplicateOf copies { id source } } }', { id: manualId });
      assert.equal(grouped.activity.duplicateOf, null);
      assert.equal(grouped.activity.copies.length, 1);
      const copyId: string = grouped.activity.copies[0].id;

      await page.goto(`/activities/${manualId}`);
      await heading(page, 'Copies e2e run');
      const sources = page.locator('section[aria-labelledby="copies-h"]');
      const rows = sources.locator('table.copies tbody tr');
      await rows.first().waitFor();
      assert.equal(await rows.count(), 2);
      const manualRow = rows.filter({ hasText: 'Logged by hand' });
      const copyRow = rows.filter({ hasText: 'apple-health' });
      await manualRow.locator('.tag', { hasText: 'primary' }).waitFor();
      await copyRow.locator('.tag', { hasText: 'copy' }).waitFor();
      assert.match(await copyRow.locator('td').first().innerText(), /2026|\d{2}:\d{2}/);
      await sources.scrollIntoViewIfNeeded();
      await shot(page, 'activity-copies');

      // The iPhone's copy counts instead: the page moves to it.
      await copyRow.getByRole('button', { name: 'Make this the primary' }).click();
      await page.waitForURL(`**/activities/${copyId}`);
      await sources.locator('table.copies tbody tr').filter({ hasText: 'Logged by hand' }).locator('.tag', { hasText: 'copy' }).waitFor();
      const swapped = await gql(server.url, data.ann.token, 'query($a: ID!, $b: ID!) { a: activity(id: $a) { duplicateOf } b: activity(id: $b) { duplicateOf } }', { a: manualId, b: copyId });
      assert.equal(swapped.a.duplicateOf, copyId);
      assert.equal(swapped.b.duplicateOf, null);

      // They were different workouts after all.
      page.once('dialog', (dialog) => void dialog.accept());
      await sources.locator('table.copies tbody tr').filter({ hasText: 'Logged by hand' }).getByRole('button', { name: 'These are different workouts' }).click();
      await sources.waitFor({ state: 'detached' });
      const apart = await gql(server.url, data.ann.token, 'query($a: ID!, $b: ID!) { a: activity(id: $a) { duplicateOf copies { id } } b: activity(id: $b) { duplicateOf copies { id } } }', { a: manualId, b: copyId });
      assert.deepEqual([apart.a.duplicateOf, apart.a.copies, apart.b.duplicateOf, apart.b.copies], [null, [], null, []]);
    });

    test('days: sleep stages and device values where a device measured them', async () => {
      const night = {
        data: {
          metrics: [
            {
              name: 'sleep_analysis',
              units: 'hr',
              data: [{ date: '2026-03-03', totalSleep: 7.2, core: 4.0, deep: 1.25, rem: 1.95, awake: 0.3, inBed: 7.6, sleepStart: '2026-03-02 23:10:00 +0000', sleepEnd: '2026-03-03 06:40:00 +0000' }],
            },
            { name: 'step_count', units: 'count', data: [{ date: '2026-03-03 12:00:00 +0000', qty: 12345 }] },
          ],
        },
      };
      const made = await gql(server.url, data.ann.token, 'mutation { createRelayToken(name: "days e2e") { token relayToken { url } } }');
      const delivered = await fetch(made.createRelayToken.relayToken.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${made.createRelayToken.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(night),
      });
      assert.equal(delivered.status, 200, await delivered.text());
      const api = await gql(server.url, data.ann.token, '{ dailyMetrics(from: "2026-02-22", to: "2026-03-07") { nodes { date source steps sleep { deepMinutes lightMinutes remMinutes awakeMinutes } } } }');
      type Night = { deepMinutes: number | null; lightMinutes: number | null; remMinutes: number | null; awakeMinutes: number | null };
      const nodes: { date: string; steps: number | null; sleep: Night | null }[] = api.dailyMetrics.nodes;
      const nights = nodes.flatMap((d) => (d.sleep ? [d.sleep] : []));
      assert.ok(nights.length > 0 && nodes.some((d) => d.steps === 12345), `the delivery was stored: ${JSON.stringify(nodes)}`);
      await page.goto('/days?to=2026-03-07');
      await heading(page, 'Days');
      const cards = page.locator('.day-cards > li');
      await cards.first().waitFor();
      assert.equal(await cards.count(), nodes.length);
      assert.equal(await page.locator('.day-cards .sleep').count(), nights.length);
      const stages = nights.flatMap((n) => [n.deepMinutes, n.lightMinutes, n.remMinutes, n.awakeMinutes].filter((m) => m !== null));
      assert.equal(await page.locator('.day-cards .stage-list li').count(), stages.length);
      const deep = nights[0]!.deepMinutes;
      if (deep !== null) await page.locator('.stage-list li', { hasText: `Deep ${deep >= 60 ? `${Math.floor(deep / 60)} h ${String(deep % 60).padStart(2, '0')} min` : `${deep} min`}` }).first().waitFor();
      await page.locator('.day-cards dd', { hasText: /^12,345$/ }).first().waitFor();
      await shot(page, 'days');
    });

    test('keyboard, labels and contrast: the skip link works, every field is named, text is readable', async () => {
      await page.goto('/log');
      await heading(page, 'Log');
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to content' });
      assert.equal(await skip.evaluate((el) => el === document.activeElement), true, 'the first Tab reaches the skip link');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id ?? ''), 'main');
      // Every visible form control has an accessible name.
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll('main input, main select, main textarea')]
          .filter((el) => (el as HTMLElement).offsetParent !== null)
          .filter((el) => {
            const input = el as HTMLInputElement;
            return !(input.labels && input.labels.length > 0) && !input.getAttribute('aria-label') && !input.getAttribute('aria-labelledby');
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      assert.deepEqual(unnamed, []);
      for (const path of ['/', '/performance', '/proposals?state=', '/plan', '/log', '/connections', '/days?to=2026-03-07', '/insights', '/digest', '/settings']) {
        await page.goto(path);
        await page.locator('main h1').waitFor();
        await page.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => undefined);
        assert.deepEqual(await lowContrast(page), [], `contrast on ${path}`);
      }
    });
  });

  describe('as a coach', () => {
    let page: Page;
    before(async () => {
      page = await newPage();
      await login(page, data.coach);
    });

    test('the overview lists the athletes who granted access, with today’s light', async () => {
      await page.goto('/athletes');
      await heading(page, 'Athletes');
      const ann = page.locator('ul.athletes > li').filter({ hasText: data.ann.displayName });
      const ben = page.locator('ul.athletes > li').filter({ hasText: data.ben.displayName });
      await ann.locator('.light').first().waitFor();
      await ben.locator('.light, .light.none').first().waitFor();
      assert.match(await ann.innerText(), /read-write/);
      assert.match(await ben.innerText(), /read-only/);
      await shot(page, 'coach-overview');
    });

    test('a READ grant shows no write controls, and the server refuses a forced write', async () => {
      await page.goto(`/athletes/${data.ben.id}/proposals`);
      await heading(page, `${data.ben.displayName}: proposals`);
      assert.equal(await page.getByRole('button', { name: 'Confirm' }).count(), 0);
      const tabs = page.getByRole('navigation', { name: `${data.ben.displayName}'s pages` });
      await tabs.getByRole('link', { name: 'Plan', exact: true }).waitFor();
      assert.equal(await tabs.getByRole('link', { name: 'Log', exact: true }).count(), 0);
      await page.goto(`/athletes/${data.ben.id}/activities`);
      await heading(page, `${data.ben.displayName}: activities`);
      assert.equal(await page.getByRole('link', { name: 'Log a session' }).count(), 0);
      await page.goto(`/athletes/${data.ben.id}/log`);
      assert.equal(await page.getByRole('button', { name: 'Log session' }).count(), 0);

      const forced = await fromPage(page, 'mutation($a: ID, $i: ActivityInput!) { logActivity(athleteId: $a, input: $i) { id } }', {
        a: data.ben.id,
        i: { sport: 'RUN', name: 'Forced', startTime: `${data.today}T05:00:00Z`, durationSeconds: 600 },
      });
      assert.ok(forced.body.errors?.length, 'the write is refused');
      assert.ok(!forced.body.data?.logActivity, 'nothing was logged');
      const bens = await gql(server.url, data.ben.token, '{ activities(first: 50) { edges { node { name } } } }');
      assert.equal(bens.activities.edges.some((e: { node: { name: string } }) => e.node.name === 'Forced'), false);
    });

    test('a READ_WRITE grant: the coach sees the athlete’s pages and can log for her', async () => {
      await page.goto(`/athletes/${data.ann.id}`);
      await heading(page, `${data.ann.displayName}: today`);
      await page.getByRole('navigation', { name: `${data.ann.displayName}'s pages` }).getByRole('link', { name: 'Log', exact: true }).waitFor();
      await page.goto(`/athletes/${data.ann.id}/activities`);
      await page.getByRole('link', { name: 'Log a session' }).waitFor();
      await page.goto(`/athletes/${data.ann.id}/performance`);
      await heading(page, `${data.ann.displayName}: performance`);
      await page.locator('figure.chart canvas').first().waitFor();
    });

    test('insights and the digest: the coach sees each athlete’s, and may recompute only with read-write access', async () => {
      await page.goto(`/athletes/${data.ann.id}/insights`);
      await heading(page, `${data.ann.displayName}: insights`);
      await page.getByRole('button', { name: 'Recompute now' }).waitFor();
      await page.goto(`/athletes/${data.ben.id}/insights`);
      await heading(page, `${data.ben.displayName}: insights`);
      await page.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => undefined);
      assert.equal(await page.getByRole('button', { name: 'Recompute now' }).count(), 0);

      const api = await gql(server.url, data.coach.token, '{ weeklyDigest { forCoach athletes { athleteId athleteName } } }');
      assert.equal(api.weeklyDigest.forCoach, true);
      await page.goto('/digest');
      await heading(page, 'Weekly digest');
      await page.locator('section.athlete-week').first().waitFor();
      assert.equal(await page.locator('section.athlete-week').count(), api.weeklyDigest.athletes.length);
      for (const a of api.weeklyDigest.athletes as { athleteId: string; athleteName: string }[]) {
        await page.locator('section.athlete-week h2').getByRole('link', { name: a.athleteName }).waitFor();
      }
    });

    test('the rule editor simulates on the athlete’s data, saves a version, and says why one is refused', async () => {
      await page.goto(`/athletes/${data.ann.id}/rules`);
      await heading(page, `${data.ann.displayName}: rules`);
      await page.getByRole('button', { name: 'New rule' }).click();
      await page.getByLabel('Name', { exact: true }).fill('e2e-quiet');
      await page.getByRole('button', { name: /^Simulate on/ }).click();
      const simulation = page.locator('section[aria-labelledby="sim-h"]');
      await waitFor('a simulation', async () => ((await simulation.innerText()).includes('Run the draft') ? undefined : true), 10);
      // The template proposes nothing, whatever the data.
      await simulation.getByText('The draft proposes nothing for today.').waitFor();
      await page.getByRole('button', { name: 'Add today’s snapshot as a fixture' }).click();
      await waitFor('a fixture', async () => ((await page.getByLabel('Fixtures (JSON)').inputValue()).includes('"snapshot"') ? true : undefined), 10);
      await page.getByRole('button', { name: 'Save version' }).click();
      await page.getByText(/Version 1 is in force/).waitFor();
      await page.getByRole('heading', { name: 'Versions' }).waitFor();

      await page.getByLabel('Script (rhai)').fill('let x = ;; this does not compile (');
      await page.getByRole('button', { name: 'Save version' }).click();
      const refused = page.getByRole('alert').filter({ hasText: /not put in force|compile|syntax|error/i });
      await refused.first().waitFor();
      await shot(page, 'rule-editor');
    });
  });

  describe('as an admin', () => {
    let page: Page;
    before(async () => {
      page = await newPage();
      await login(page, data.admin);
    });

    test('verifies the audit chain and filters the log by actor', async () => {
      await page.goto('/admin/audit');
      await heading(page, 'Audit log');
      await page.locator('main table tbody tr').first().waitFor();
      await page.getByRole('button', { name: 'Verify the audit chain' }).click();
      const result = page.locator('.verify-result');
      await result.waitFor();
      const api = await gql(server.url, data.admin.token, '{ verifyAuditLog { intact checked } }');
      assert.equal(api.verifyAuditLog.intact, true);
      assert.match(await result.innerText(), /The chain is intact: \d+ entries checked/);
      await shot(page, 'admin-audit');

      // Filter by actor: the rows are the API's, and paging appears only past one page (50).
      const mine = await gql(server.url, data.admin.token, 'query($a: ID) { auditLog(filter: { actorId: $a }, first: 200) { edges { node { seq } } } }', { a: data.admin.id });
      const expected = mine.auditLog.edges.length as number;
      assert.ok(expected > 0, 'the admin has audited actions');
      await page.getByLabel('Actor', { exact: true }).selectOption(data.admin.id);
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await page.waitForURL(/actorId=/);
      const rows = page.locator('main table.audit > tbody > tr');
      await waitFor('the filtered rows', async () => ((await rows.count()) === Math.min(50, expected) ? true : undefined), 10);
      const first = mine.auditLog.edges[0].node.seq;
      assert.match(await page.locator('table.audit caption').innerText(), new RegExp(`^Entries ${first}–`));
      assert.equal(await page.getByRole('link', { name: 'Older entries' }).count(), expected > 50 ? 1 : 0);
    });

    test('acts as an athlete with a reason, under a banner, audited, and comes back', async () => {
      await gql(server.url, data.owner.token, 'mutation($u: ID!) { grantPermission(userId: $u, permission: IMPERSONATE, reason: "support rota") { id } }', { u: data.admin.id });
      const support = await newPage();
      await login(support, data.admin);
      await support.goto('/admin/users');
      await heading(support, 'Users and invites');
      const card = support.locator('ul.cards > li', { hasText: data.ben.email });
      await card.getByText(`Act as ${data.ben.displayName}`, { exact: true }).first().click();
      // A reason is required.
      await card.getByRole('button', { name: `Act as ${data.ben.displayName}` }).click();
      await card.getByText(/say why you need to act as this user/).first().waitFor();
      await card.getByLabel('Reason').last().fill('ticket 7: his week looks empty');
      await card.getByRole('button', { name: `Act as ${data.ben.displayName}` }).click();
      const banner = support.getByRole('status').filter({ hasText: 'is acting as' });
      await banner.waitFor();
      assert.match(await banner.innerText(), new RegExp(`Ada Admin is acting as ${data.ben.displayName}[\\s\\S]*ticket 7: his week looks empty`));
      await shot(support, 'impersonation');
      // The password cannot be changed from here.
      const refused = await support.evaluate(async () => {
        const r = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-stride-console': '1' },
          body: JSON.stringify({ query: 'mutation { changePassword(currentPassword: "x", newPassword: "yyyyyyyyyyyy") { token } }' }),
        });
        return (await r.json()).errors[0].extensions.code;
      });
      assert.equal(refused, 'FORBIDDEN');
      await support.getByRole('button', { name: `Stop acting as ${data.ben.displayName}` }).click();
      await heading(support, 'Users and invites');
      assert.equal(await support.getByRole('status').filter({ hasText: 'is acting as' }).count(), 0);
      const log = await gql(server.url, data.owner.token, '{ auditLog(filter: { action: "impersonation.start" }, first: 5) { edges { node { actorId targetId reason } } } }');
      assert.deepEqual(log.auditLog.edges[0].node, { actorId: data.admin.id, targetId: data.ben.id, reason: 'ticket 7: his week looks empty' });
    });

    test('users and invites, plugins and ingestion pages load', async () => {
      await page.goto('/admin/users');
      await heading(page, 'Users and invites');
      await page.getByText(data.ben.email).first().waitFor();
      await page.getByText('cleo@stride.test').first().waitFor();
      await page.getByLabel('Role').first().selectOption('COACH');
      await page.getByLabel('Email (optional)').fill('eve@stride.test');
      await page.getByRole('button', { name: 'Create invite' }).click();
      await page.getByText('eve@stride.test').first().waitFor();

      await page.goto('/admin/plugins');
      await heading(page, 'Plugins');
      await page.goto('/admin/ingestion');
      await heading(page, 'Ingestion');
      await page.getByRole('heading', { name: 'The brake' }).waitFor();
    });
  });

  test('GraphiQL is served from the bundle and makes no outside request', async () => {
    const page = await newPage();
    const response = await page.goto('/graphql');
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
    // Ask it something, to see it talk to /graphql.
    await page.locator('.graphiql-query-editor .CodeMirror, .graphiql-editor .CodeMirror').first().waitFor();
    await page.waitForLoadState('networkidle');
  });

  test('on a phone-sized screen: no sideways scrolling, and the menu opens', async () => {
    const page = await newPage(PHONE);
    await login(page, data.ann);
    for (const path of ['/', '/performance', '/proposals?state=', '/plan', '/connections', '/days?to=2026-03-07', '/insights', '/digest']) {
      await page.goto(path);
      await page.locator('main h1').waitFor();
      await page.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => undefined);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px`);
    }
    await page.goto('/');
    await heading(page, 'Today');
    await shot(page, 'phone-today');
    const toggle = page.getByRole('button', { name: 'Menu' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await page.getByRole('link', { name: 'Performance' }).click();
    await heading(page, 'Performance');
  });

  test('nothing left 127.0.0.1, broke the CSP or threw', () => {
    assert.deepEqual(problems, []);
  });
});
