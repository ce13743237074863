import { useMemo, useState } from 'preact/hooks';
import { ErrorNotice, Facts, LightBadge, Loading, Page, Select } from '../components/ui';
import { graphql } from '../gql';
import { request } from '../lib/api';
import { fixed, longDay, minutes, distance, signalWords, todayIn, words } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { ACWR_LOW, BAND_TAG, BAND_WORDS, acwrBand } from '../lib/load';
import { useMe, useScope } from '../lib/session';

const TodayQuery = graphql(`
  query Today($athleteId: ID, $today: NaiveDate!) {
    home(athleteId: $athleteId) {
      date
      workouts {
        id
        date
        kind
        description
        state
        targetDurationSeconds
        targetDistanceMeters
        intensityZone
        activityId
      }
      readiness {
        date
        light
        confidence
        signals {
          signal
          light
          reason
          values {
            name
            value
          }
        }
        missing {
          signal
          reason
        }
      }
      load {
        date
        load
        acute
        chronic
        acwr
        tsb
        monotony
        monotonyCapped
        weeklyLoad
        strain
        warmingUp
        historyDays
      }
      alerts {
        kind
        date
        value
        threshold
        receipts {
          explanation
        }
      }
    }
    proposals(athleteId: $athleteId, state: PENDING) {
      id
    }
    trainingPlan(athleteId: $athleteId) {
      id
      name
      goalRaceDate
    }
    trainingStats(athleteId: $athleteId, from: $today, to: $today) {
      convention {
        acwrAlert
        monotonyAlert
      }
    }
  }
`);

const TasksQuery = graphql(`
  query MyTasks {
    myTasks {
      id
      kind
      createdAt
      activity {
        id
        name
        sport
        localDate
        durationSeconds
      }
    }
  }
`);

const SetRpe = graphql(`
  mutation SetActivityRpe($id: ID!, $rpe: Int!) {
    setActivityRpe(id: $id, rpe: $rpe) {
      id
      rpe
    }
  }
`);

export default function Today() {
  const scope = useScope();
  const me = useMe();
  const today = useMemo(() => todayIn(scope.timeZone), [scope.timeZone]);
  const q = useQuery(TodayQuery, { athleteId: scope.athleteId, today });
  const title = scope.self ? 'Today' : `${scope.name}: today`;
  if (q.error && !q.data) return <Page title={title}><ErrorNotice error={q.error} retry={q.reload} /></Page>;
  if (!q.data) return <Page title={title}><Loading /></Page>;
  const { home, proposals, trainingPlan, trainingStats } = q.data;
  const r = home.readiness;
  const load = home.load;
  const alertAt = trainingStats.convention.acwrAlert;
  const band = acwrBand(load?.acwr, alertAt);
  return (
    <Page title={title} lead={longDay(home.date)}>
      {scope.self && !trainingPlan && (
        <div class="notice warning">
          <p>
            You have no training plan yet. <a href="/onboarding">Finish setting up</a> to get one toward your goal race.
          </p>
        </div>
      )}
      {proposals.length > 0 && (
        <div class="notice">
          <p>
            <a href={`${scope.base}/proposals`}>
              {proposals.length === 1 ? '1 plan change is' : `${proposals.length} plan changes are`} waiting for a decision
            </a>
            .
          </p>
        </div>
      )}
      {scope.self && <Tasks />}
      <div class="grid two">
        <section class="panel" aria-labelledby="workout-h">
          <h2 id="workout-h">Today’s workout</h2>
          {home.workouts.length === 0 && <p>{trainingPlan ? 'Nothing scheduled today.' : 'No plan, so nothing is scheduled.'}</p>}
          {home.workouts.map((w) => (
            <div class="workout" key={w.id}>
              <p>
                <span class="kind">{words(w.kind)}</span> · <span class={`state-${w.state.toLowerCase()}`}>{words(w.state)}</span>
              </p>
              <p>{w.description}</p>
              <Facts
                class="plain"
                items={[
                  ['Duration', minutes(w.targetDurationSeconds)],
                  ['Distance', distance(w.targetDistanceMeters, me.units)],
                  ['Zone', w.intensityZone ?? '—'],
                ]}
              />
              {w.activityId && <a href={`${scope.base}/activities/${w.activityId}`}>The session that completed it</a>}
            </div>
          ))}
          {trainingPlan && (
            <p class="muted small">
              Plan: <a href={`${scope.base}/plan`}>{trainingPlan.name}</a>, race day {longDay(trainingPlan.goalRaceDate)}.
            </p>
          )}
        </section>

        <section class="panel" aria-labelledby="readiness-h">
          <h2 id="readiness-h">Readiness</h2>
          <p>
            <LightBadge light={r.light} large /> <span class="muted">confidence {Math.round(r.confidence * 100)}%</span>
          </p>
          <p class="muted small">Confidence is the share of signals that could be judged today.</p>
          <ul class="signals" aria-label="Reasons">
            {r.signals.map((s) => (
              <li key={s.signal}>
                <strong>{signalWords(s.signal)}</strong>
                <LightBadge light={s.light} />
                <p>{s.reason}</p>
              </li>
            ))}
          </ul>
          {r.missing.length > 0 && (
            <>
              <h3>Not judged</h3>
              <ul>
                {r.missing.map((m) => (
                  <li key={m.signal}>
                    {signalWords(m.signal)}: {m.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p>
            {scope.canWrite && (
              <>
                <a href={`${scope.base}/log#morning`}>Log this morning</a> ·{' '}
              </>
            )}
            <a href={`${scope.base}/days`}>Recent days, sleep and device values</a>
          </p>
        </section>
      </div>

      <section class="panel" aria-labelledby="load-h">
        <h2 id="load-h">Load status</h2>
        {!load ? (
          <p>No training history yet.</p>
        ) : (
          <>
            <Facts
              items={[
                ['Acute load', fixed(load.acute)],
                ['Chronic load', fixed(load.chronic)],
                ['Form (TSB)', fixed(load.tsb)],
                [
                  'ACWR',
                  <>
                    {fixed(load.acwr, 2)} {band && <span class={`tag ${BAND_TAG[band]}`}>{BAND_WORDS[band]}</span>}
                  </>,
                ],
                ['Monotony', `${fixed(load.monotony, 2)}${load.monotonyCapped ? ' (cap)' : ''}`],
                ['Weekly load', fixed(load.weeklyLoad, 0)],
              ]}
            />
            {load.warmingUp && <p class="muted">Still warming up: {load.historyDays} days of history, so ACWR alerts are held back.</p>}
            <p class="muted small">
              ACWR under {ACWR_LOW} means less than usual; alerts above {alertAt}. <a href={`${scope.base}/performance`}>See the chart</a>.
            </p>
          </>
        )}
      </section>

      <section class="panel" aria-labelledby="alerts-h">
        <h2 id="alerts-h">Alerts of the last seven days</h2>
        {home.alerts.length === 0 ? (
          <p>No load alerts.</p>
        ) : (
          <ul class="cards">
            {home.alerts.map((a) => (
              <li key={`${a.kind}-${a.date}`}>
                <h3>
                  <span class="tag bad">{a.kind === 'ACWR_HIGH' ? 'ACWR high' : 'Monotony high'}</span> {longDay(a.date)}
                </h3>
                <p>
                  {fixed(a.value, 2)} against a threshold of {fixed(a.threshold, 2)}.
                </p>
                <details>
                  <summary>How it was computed</summary>
                  <p>{a.receipts.explanation}</p>
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}

function Tasks() {
  const tasks = useQuery(TasksQuery, {});
  const [done, setDone] = useState<string[]>([]);
  const rate = useAction((id: string, rpe: number) => request(SetRpe, { id, rpe }));
  const open = tasks.data?.myTasks.filter((t) => !done.includes(t.id) && t.activity) ?? [];
  if (open.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="tasks-h">
      <h2 id="tasks-h">To do</h2>
      <ErrorNotice error={rate.error} />
      <ul class="cards">
        {open.map((t) => (
          <li key={t.id}>
            <form
              class="row"
              onSubmit={async (e) => {
                e.preventDefault();
                const rpe = Number(new FormData(e.currentTarget).get('rpe'));
                if (await rate.run(t.activity!.id, rpe)) setDone([...done, t.id]);
              }}
            >
              <p>
                How hard was <a href={`/activities/${t.activity!.id}`}>{t.activity!.name}</a> on {longDay(t.activity!.localDate)}?
              </p>
              <Select
                label="Effort (RPE, 1–10)"
                name="rpe"
                options={Array.from({ length: 10 }, (_, i) => [String(i + 1), String(i + 1)] as const)}
                defaultValue="5"
              />
              <button type="submit" disabled={rate.busy}>
                Save
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}
