// Seeds a running server through the GraphQL API with bearer tokens, as a real deployment
// would fill up: invites and sign-ups (an admin, a coach, two athletes), grants (READ_WRITE
// and READ), baselines, a plan, weeks of activities (some with samples), mornings, and a poor
// morning today that makes the built-in traffic-light rule file a proposal.
import { OWNER } from './server.ts';

export interface Account {
  email: string;
  password: string;
  displayName: string;
  id: string;
  token: string;
}

export interface Seed {
  url: string;
  today: string;
  owner: Account;
  admin: Account;
  coach: Account;
  ann: Account;
  ben: Account;
  /** The traffic-light proposal filed by Ann's poor morning. */
  trafficLightProposalId: string;
  /** The change Ann's coach proposed for tomorrow. */
  coachProposalId: string;
}

export class GraphqlError extends Error {
  constructor(
    message: string,
    readonly errors: unknown[],
  ) {
    super(message);
  }
}

export async function gql<T = any>(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    if (response.status === 429 && attempt < 10) {
      const wait = Number(response.headers.get('retry-after') ?? '1');
      await new Promise((r) => setTimeout(r, wait * 1000));
      continue;
    }
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) {
      throw new GraphqlError(
        `${body.errors.map((e) => e.message).join('; ')} (in ${query.slice(0, 80)}…)`,
        body.errors,
      );
    }
    return body.data as T;
  }
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return isoDay(date);
}

async function login(url: string, email: string, password: string, displayName: string): Promise<Account> {
  const data = await gql(url, null, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id displayName } } }', {
    e: email,
    p: password,
  });
  return { email, password, displayName: data.login.user.displayName ?? displayName, id: data.login.user.id, token: data.login.token };
}

async function invite(url: string, inviter: Account, role: string, email: string, displayName: string): Promise<Account> {
  const password = `${email.split('@')[0]}-password-1`;
  const created = await gql(url, inviter.token, 'mutation($r: Role!, $e: String) { createInvite(role: $r, email: $e) { token } }', {
    r: role,
    e: email,
  });
  const signed = await gql(url, null, 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }', {
    i: { inviteToken: created.createInvite.token, email, password, displayName, timeZone: 'UTC' },
  });
  return { email, password, displayName, id: signed.signUp.user.id, token: signed.signUp.token };
}

/** A small deterministic generator (xorshift32) so every run seeds the same history. */
function generator(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) % 10_000) / 10_000;
  };
}

/** Five-second samples of a steady run with a hill in the middle. */
function runSamples(minutes: number, speed: number, baseHr: number, withPower: boolean) {
  const timeSeconds: number[] = [];
  const heartRate: number[] = [];
  const speedMps: number[] = [];
  const distanceMeters: number[] = [];
  const altitudeMeters: number[] = [];
  const cadence: number[] = [];
  const powerWatts: number[] = [];
  let distance = 0;
  for (let t = 0; t <= minutes * 60; t += 5) {
    const phase = t / (minutes * 60);
    const hill = Math.sin(Math.PI * phase) * 40;
    const v = speed * (1 - 0.08 * Math.sin(2 * Math.PI * phase)) + 0.05 * Math.sin(t / 37);
    distance += t === 0 ? 0 : v * 5;
    timeSeconds.push(t);
    heartRate.push(Math.round((baseHr + 12 * phase + 4 * Math.sin(t / 90)) * 10) / 10);
    speedMps.push(Math.round(v * 100) / 100);
    distanceMeters.push(Math.round(distance * 10) / 10);
    altitudeMeters.push(Math.round((120 + hill) * 10) / 10);
    cadence.push(Math.round(170 + 4 * Math.sin(t / 60)));
    powerWatts.push(Math.round(230 + 25 * Math.sin(t / 45)));
  }
  return {
    timeSeconds,
    heartRate,
    speedMps,
    distanceMeters,
    altitudeMeters,
    cadence,
    ...(withPower ? { powerWatts } : {}),
  };
}

const LOG_ACTIVITY = 'mutation($a: ID, $i: ActivityInput!) { logActivity(athleteId: $a, input: $i) { id } }';
const LOG_METRICS = 'mutation($a: ID, $i: DailyMetricsInput!) { logDailyMetrics(athleteId: $a, input: $i) { id } }';

export async function seed(url: string): Promise<Seed> {
  const today = isoDay(new Date());
  const owner = await login(url, OWNER.email, OWNER.password, 'Olive Owner');
  const admin = await invite(url, owner, 'ADMIN', 'admin@stride.test', 'Ada Admin');
  const coach = await invite(url, admin, 'COACH', 'coach@stride.test', 'Cora Coach');
  const ann = await invite(url, admin, 'ATHLETE', 'ann@stride.test', 'Ann Runner');
  const ben = await invite(url, admin, 'ATHLETE', 'ben@stride.test', 'Ben Rider');
  // An invite still pending, for the admin's list.
  await gql(url, admin.token, 'mutation { createInvite(role: ATHLETE, email: "cleo@stride.test") { token } }');

  await gql(url, ann.token, 'mutation($i: ProfileInput!) { updateProfile(input: $i) { id } }', {
    i: { heightCm: 168, weightKg: 58.5, sex: 'FEMALE', birthDate: '1992-04-18', units: 'METRIC' },
  });
  await gql(url, ann.token, 'mutation { updateBaselines(input: { restingHeartRate: 48, maxHeartRate: 190, thresholdHeartRate: 172, hrvMs: 70, hrvKind: RMSSD }) { maxHeartRate } }');
  await gql(url, ben.token, 'mutation($i: ProfileInput!) { updateProfile(input: $i) { id } }', {
    i: { heightCm: 181, weightKg: 74, sex: 'MALE', units: 'IMPERIAL' },
  });
  await gql(url, ben.token, 'mutation { updateBaselines(input: { restingHeartRate: 52, maxHeartRate: 186 }) { maxHeartRate } }');

  // Three good weeks of mornings before today.
  const random = generator(20260302);
  for (let d = -21; d < 0; d++) {
    await gql(url, ann.token, LOG_METRICS, {
      i: {
        date: addDays(today, d),
        restingHeartRate: 47 + Math.round(random() * 2),
        hrvMs: 68 + Math.round(random() * 50) / 10,
        hrvKind: 'RMSSD',
        sleepDurationMinutes: 450 + Math.round(random() * 40),
        sleepQuality: 4,
        soreness: 3,
        stress: 3,
      },
    });
  }

  // A plan toward a half marathon ten weeks out, training every day from today.
  await gql(url, ann.token, 'mutation($i: PlanCreateInput!) { createPlan(input: $i) { version } }', {
    i: {
      goalRaceName: 'Spring Half',
      goalRaceDate: addDays(today, 70),
      goalDistanceMeters: 21097.5,
      availability: { daysPerWeek: 7, longRunDay: 'SUNDAY', unavailableWeekdays: [] },
    },
  });

  // Six weeks of sessions before today: five a week, steady loads.
  const recent: string[] = [];
  for (let d = -42; d < 0; d++) {
    const day = addDays(today, d);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday === 1 || weekday === 5) continue; // Mondays and Fridays off
    const long = weekday === 0;
    const minutes = long ? 80 + Math.round(random() * 15) : 40 + Math.round(random() * 20);
    const speed = long ? 3.1 : 3.3 + random() * 0.3;
    const withSamples = d >= -4;
    const ride = weekday === 3 && d >= -14;
    const input: Record<string, unknown> = {
      sport: ride ? 'RIDE' : 'RUN',
      name: ride ? 'Easy spin' : long ? 'Long run' : 'Morning run',
      startTime: `${day}T06:30:00Z`,
      durationSeconds: minutes * 60,
      movingTimeSeconds: minutes * 60 - 30,
      distanceMeters: Math.round((ride ? speed * 2.4 : speed) * minutes * 60),
      elevationGainMeters: 40 + Math.round(random() * 80),
      averageHeartRate: 140 + Math.round(random() * 12),
      maxHeartRate: 168 + Math.round(random() * 10),
      rpe: long ? 5 : 3 + Math.round(random() * 2),
      feeling: 4,
    };
    if (withSamples) input.samples = runSamples(minutes, ride ? speed * 2.4 : speed, 138, ride);
    const logged = await gql(url, ann.token, LOG_ACTIVITY, { i: input });
    recent.push(logged.logActivity.id);
  }

  // Ben: three weeks of rides, a few mornings.
  for (let d = -21; d < 0; d += 2) {
    const day = addDays(today, d);
    await gql(url, ben.token, LOG_ACTIVITY, {
      i: { sport: 'RIDE', name: 'Tempo ride', startTime: `${day}T17:00:00Z`, durationSeconds: 5400, distanceMeters: 48000, averageHeartRate: 142, rpe: 5 },
    });
  }
  for (let d = -5; d <= 0; d++) {
    await gql(url, ben.token, LOG_METRICS, {
      i: { date: addDays(today, d), restingHeartRate: 52, sleepDurationMinutes: 430, sleepQuality: 3 },
    });
  }

  // Grants: Ann lets her coach read and write; Ben lets the coach read only.
  await gql(url, ann.token, 'mutation { grantCoachAccess(coachEmail: "coach@stride.test", access: READ_WRITE) { id } }');
  await gql(url, ben.token, 'mutation { grantCoachAccess(coachEmail: "coach@stride.test", access: READ) { id } }');

  // This morning: HRV far below Ann's baseline and a short, poor night.
  await gql(url, ann.token, LOG_METRICS, {
    i: { date: today, restingHeartRate: 55, hrvMs: 41, hrvKind: 'RMSSD', sleepDurationMinutes: 285, sleepQuality: 2, soreness: 6 },
  });
  const trafficLightProposalId = await waitFor('a traffic-light proposal', async () => {
    const data = await gql(url, ann.token, '{ proposals(state: PENDING) { id source { reference } } }');
    return data.proposals.find((p: any) => p.source.reference === 'traffic-light')?.id as string | undefined;
  });

  // The coach proposes an easier day tomorrow.
  const plan = await gql(url, coach.token, 'query($a: ID, $f: NaiveDate, $t: NaiveDate) { trainingPlan(athleteId: $a, from: $f, to: $t) { workouts { id date kind } } }', {
    a: ann.id,
    f: addDays(today, 1),
    t: addDays(today, 7),
  });
  const tomorrow = plan.trainingPlan.workouts.find((w: any) => w.kind !== 'REST') ?? plan.trainingPlan.workouts[0];
  const proposed = await gql(url, coach.token, 'mutation($w: ID!, $c: WorkoutChangesInput!, $r: String!) { proposeWorkoutChange(workoutId: $w, changes: $c, reason: $r) { id } }', {
    w: tomorrow.id,
    c: { kind: 'EASY', targetDurationSeconds: 1800, intensityZone: 1, description: 'Easy 30 min, conversational' },
    r: 'Keep tomorrow easy after a rough night',
  });

  return {
    url,
    today,
    owner,
    admin,
    coach,
    ann,
    ben,
    trafficLightProposalId,
    coachProposalId: proposed.proposeWorkoutChange.id,
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, seconds = 30): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * An athlete whose own history holds one clear association for the insights page: eight weeks
 * of mornings in which self-rated readiness rises with the night's sleep (about 1.6 points per
 * hour, with noise), a work-stress rating unrelated to anything, and three days of travel
 * logged (too few to test). Returns the athlete, logged in.
 */
export async function seedInsightAthlete(url: string, admin: Account, today: string, days = 56): Promise<Account> {
  const ivy = await invite(url, admin, 'ATHLETE', 'ivy@stride.test', 'Ivy Sleeper');
  const random = generator(20261202);
  const normal = () => (random() + random() + random() - 1.5) * 2; // mean 0, sd 1
  for (let d = -days; d < 0; d++) {
    const sleepHours = 7.2 + 0.9 * normal();
    const readiness = Math.min(10, Math.max(1, Math.round(5 + 1.6 * (sleepHours - 7.2) + 0.7 * normal())));
    await gql(url, ivy.token, LOG_METRICS, {
      i: { date: addDays(today, d), sleepDurationMinutes: Math.round(sleepHours * 60), readiness, stress: 2 + Math.round(random() * 6) },
    });
  }
  for (const d of [-30, -16, -9]) {
    await gql(url, ivy.token, 'mutation($d: NaiveDate!) { logDay(date: $d, input: { travel: true }) { date } }', { d: addDays(today, d) });
  }
  return ivy;
}
