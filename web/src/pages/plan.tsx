import { useMemo, useState } from 'preact/hooks';
import { AvailabilityFields, CreatePlan, GoalFields, errorsOf, readAvailability, readGoal } from '../components/plan-form';
import { ErrorNotice, Facts, Input, Json, Loading, Notice, Page } from '../components/ui';
import { graphql } from '../gql';
import type { PlanCalendarQuery } from '../gql/graphql';
import { request } from '../lib/api';
import { distance, instant, longDay, minutes, shortDay, todayIn, weekday, words } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { useMe, useScope } from '../lib/session';

const PlanCalendar = graphql(`
  query PlanCalendar($athleteId: ID) {
    trainingPlan(athleteId: $athleteId) {
      id
      name
      version
      goalRaceName
      goalRaceDate
      goalDistanceMeters
      startDate
      daysPerWeek
      longRunDay
      updatedAt
      phases {
        kind
        start
        end
      }
      weeks {
        index
        start
        end
        phase
        targetMinutes
        deload
      }
      workouts {
        id
        date
        kind
        targetDurationSeconds
        targetDistanceMeters
        intensityZone
        description
        state
        activityId
        planVersion
      }
      adherence {
        completed
        missed
        skipped
        planned
      }
    }
  }
`);

const PlanActivities = graphql(`
  query PlanActivities($athleteId: ID, $from: NaiveDate, $to: NaiveDate) {
    activities(athleteId: $athleteId, from: $from, to: $to, first: 200) {
      nodes {
        id
        name
        sport
        localDate
        durationSeconds
      }
    }
  }
`);

const PlanHistory = graphql(`
  query PlanHistory($athleteId: ID, $before: Int) {
    planHistory(athleteId: $athleteId, first: 20, before: $before) {
      version
      reason
      actorId
      createdAt
      snapshot
    }
  }
`);

const Regenerate = graphql(`
  mutation RegeneratePlan($athleteId: ID, $input: PlanRegenerateInput!) {
    regeneratePlan(athleteId: $athleteId, input: $input) {
      id
      version
    }
  }
`);

type Plan = NonNullable<PlanCalendarQuery['trainingPlan']>;

export default function PlanPage() {
  const scope = useScope();
  const q = useQuery(PlanCalendar, { athleteId: scope.athleteId });
  const title = scope.self ? 'Plan' : `${scope.name}: plan`;
  return (
    <Page title={title}>
      <ErrorNotice error={q.error} retry={q.reload} />
      {q.loading && !q.data && <Loading what="the plan" />}
      {q.data && !q.data.trainingPlan && <NoPlan onCreated={q.reload} />}
      {q.data?.trainingPlan && <PlanView plan={q.data.trainingPlan} reload={q.reload} />}
    </Page>
  );
}

function NoPlan(props: { onCreated: () => void }) {
  const scope = useScope();
  const [problems, setProblems] = useState<Record<string, string>>({});
  const create = useAction(async (form: HTMLFormElement) => {
    const { goal, problems } = readGoal(form);
    setProblems(problems);
    if (!goal) return;
    await request(CreatePlan, { athleteId: scope.athleteId, input: { ...goal, availability: readAvailability(form) } });
    props.onCreated();
  });
  const errors = { ...problems, ...errorsOf(create.error) };
  return (
    <>
      <p>There is no active plan.</p>
      {scope.canWrite && (
        <form
          class="panel"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void create.run(e.currentTarget);
          }}
        >
          <h2>Make a plan toward a goal race</h2>
          <GoalFields errors={errors} timeZone={scope.timeZone} />
          <AvailabilityFields errors={errors} />
          <ErrorNotice error={create.error} />
          <button type="submit" disabled={create.busy}>
            Create the plan
          </button>
        </form>
      )}
    </>
  );
}

function PlanView(props: { plan: Plan; reload: () => void }) {
  const { plan } = props;
  const scope = useScope();
  const me = useMe();
  const today = todayIn(scope.timeZone);
  const [showPast, setShowPast] = useState(false);
  const last = plan.weeks[plan.weeks.length - 1];
  const acts = useQuery(PlanActivities, { athleteId: scope.athleteId, from: plan.startDate, to: last ? last.end : plan.goalRaceDate });
  const byDay = useMemo(() => {
    const map = new Map<string, Plan['workouts']>();
    for (const w of plan.workouts) map.set(w.date, [...(map.get(w.date) ?? []), w]);
    return map;
  }, [plan.workouts]);
  const activitiesByDay = useMemo(() => {
    const map = new Map<string, { id: string; name: string; durationSeconds: number }[]>();
    for (const a of acts.data?.activities.nodes ?? []) map.set(a.localDate, [...(map.get(a.localDate) ?? []), a]);
    return map;
  }, [acts.data]);
  const weeks = plan.weeks.filter((w) => showPast || w.end >= today);
  const hidden = plan.weeks.length - weeks.length;

  return (
    <>
      <section class="panel" aria-labelledby="plan-h">
        <h2 id="plan-h">
          {plan.name} <span class="tag">version {plan.version}</span>
        </h2>
        <Facts
          items={[
            ['Race', `${plan.goalRaceName ?? plan.name}, ${distance(plan.goalDistanceMeters, me.units)}`],
            ['Race day', longDay(plan.goalRaceDate)],
            ['Run days a week', plan.daysPerWeek],
            ['Long-run day', words(plan.longRunDay)],
            ['Completed', plan.adherence.completed],
            ['Missed', plan.adherence.missed],
            ['Skipped', plan.adherence.skipped],
            ['Still ahead', plan.adherence.planned],
          ]}
        />
        <h3>Phases</h3>
        <ol class="phases">
          {plan.phases.map((p) => (
            <li key={p.kind} class={p.start <= today && today <= p.end ? 'current' : ''}>
              <strong>{words(p.kind)}</strong> {shortDay(p.start)} – {shortDay(p.end)}
              {p.start <= today && today <= p.end && <span class="tag good">now</span>}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="calendar-h">
        <div class="page-head">
          <h2 id="calendar-h">Calendar</h2>
          {plan.weeks.length > 0 && (
            <button type="button" class="secondary small" aria-pressed={showPast} onClick={() => setShowPast(!showPast)}>
              {showPast ? 'Hide past weeks' : `Show past weeks${hidden ? ` (${hidden})` : ''}`}
            </button>
          )}
        </div>
        <p class="muted small">
          <span class="tag">Planned</span> <span class="tag good">Completed</span> <span class="tag bad">Missed</span> <span class="tag warn">Skipped</span> — each
          week shows its target and the minutes actually trained.
        </p>
        {weeks.map((week) => {
          const days: string[] = [];
          for (let d = week.start; d <= week.end; d = nextDay(d)) days.push(d);
          const done = days.reduce((sum, d) => sum + (activitiesByDay.get(d) ?? []).reduce((s, a) => s + a.durationSeconds, 0), 0) / 60;
          const current = week.start <= today && today <= week.end;
          return (
            <article key={week.index} class={`week${current ? ' current' : ''}`} aria-labelledby={`week-${week.index}`}>
              <header>
                <h3 id={`week-${week.index}`}>
                  Week {week.index + 1}: {shortDay(week.start)} – {shortDay(week.end)}
                </h3>
                <span class="tag">{words(week.phase)}</span>
                {week.deload && <span class="tag warn">deload</span>}
                {current && <span class="tag good">this week</span>}
                <span class="small">
                  target {Math.round(week.targetMinutes)} min · done {Math.round(done)} min
                </span>
                <span class="bar" role="img" aria-label={`${Math.round(Math.min(100, (done / Math.max(1, week.targetMinutes)) * 100))}% of the target done`}>
                  <span
                    ref={(el) => {
                      if (el) el.style.width = `${Math.min(100, (done / Math.max(1, week.targetMinutes)) * 100)}%`;
                    }}
                  />
                </span>
              </header>
              <ul class="days">
                {days.map((d) => {
                  const workouts = byDay.get(d) ?? [];
                  const extra = (activitiesByDay.get(d) ?? []).filter((a) => !workouts.some((w) => w.activityId === a.id));
                  return workouts.length === 0 && extra.length === 0 ? (
                    <li key={d} class={`rest${d === today ? ' today' : ''}`}>
                      <span class="date">
                        {weekday(d)} {shortDay(d)}
                      </span>
                      Nothing planned
                    </li>
                  ) : (
                    <li key={d} class={`${workouts[0] ? (workouts[0].kind === 'REST' ? 'rest' : workouts[0].state.toLowerCase()) : 'completed'}${d === today ? ' today' : ''}`}>
                      <span class="date">
                        {weekday(d)} {shortDay(d)}
                        {d === today && ' (today)'}
                      </span>
                      {workouts.map((w) => (
                        <div key={w.id} class="workout">
                          <span class="kind">{words(w.kind)}</span>
                          {w.targetDurationSeconds ? ` · ${minutes(w.targetDurationSeconds)}` : ''}
                          {w.kind !== 'REST' && <span class={`state-${w.state.toLowerCase()}`}> · {words(w.state)}</span>}
                          <details>
                            <summary class="small">Details</summary>
                            <p class="small">{w.description}</p>
                            <p class="small muted">
                              {w.intensityZone ? `Zone ${w.intensityZone}. ` : ''}From plan version {w.planVersion}.
                            </p>
                          </details>
                          {w.activityId && (
                            <a class="small" href={`${scope.base}/activities/${w.activityId}`}>
                              Done: see the session
                            </a>
                          )}
                        </div>
                      ))}
                      {extra.map((a) => (
                        <p key={a.id} class="small">
                          Also: <a href={`${scope.base}/activities/${a.id}`}>{a.name}</a> ({minutes(a.durationSeconds)})
                        </p>
                      ))}
                    </li>
                  );
                })}
              </ul>
            </article>
          );
        })}
      </section>

      {scope.canWrite && <RegenerateForm plan={plan} onDone={props.reload} />}
      <History key={plan.version} />
    </>
  );
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function RegenerateForm(props: { plan: Plan; onDone: () => void }) {
  const scope = useScope();
  const [done, setDone] = useState(0);
  const regenerate = useAction(async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const factor = String(data.get('reduceVolumePercent') ?? '');
    const answer = await request(Regenerate, {
      athleteId: scope.athleteId,
      input: {
        reason: String(data.get('reason') ?? '').trim(),
        availability: data.get('changeAvailability') ? readAvailability(form) : null,
        reduceVolumeFactor: factor ? 1 - Number(factor) / 100 : null,
      },
    });
    setDone(answer.regeneratePlan.version);
    props.onDone();
  });
  const errors = errorsOf(regenerate.error);
  const [changeAvailability, setChangeAvailability] = useState(false);
  return (
    <details class="panel">
      <summary>Change the plan from today</summary>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void regenerate.run(e.currentTarget);
        }}
      >
        <p class="muted small">Past and completed workouts stay; a new plan version is made and the change is audited.</p>
        <Input label="Why" name="reason" required error={errors.reason} />
        <Input
          label="Lower future volume by (%)"
          name="reduceVolumePercent"
          type="number"
          min="0"
          max="90"
          step="5"
          hint="Leave empty to keep the volume."
          error={errors.reduceVolumeFactor}
        />
        <div class="check">
          <input type="checkbox" id="change-availability" name="changeAvailability" checked={changeAvailability} onChange={(e) => setChangeAvailability(e.currentTarget.checked)} />
          <label for="change-availability">Change the weekly availability too</label>
        </div>
        {changeAvailability && <AvailabilityFields errors={errors} initial={{ daysPerWeek: props.plan.daysPerWeek, longRunDay: props.plan.longRunDay }} />}
        <ErrorNotice error={regenerate.error} />
        {done > 0 && (
          <Notice kind="success" live>
            <p>The plan is now version {done}.</p>
          </Notice>
        )}
        <button type="submit" disabled={regenerate.busy}>
          Make a new version
        </button>
      </form>
    </details>
  );
}

function History() {
  const scope = useScope();
  const me = useMe();
  const history = useQuery(PlanHistory, { athleteId: scope.athleteId, before: null });
  return (
    <section class="panel" aria-labelledby="history-h">
      <h2 id="history-h">Versions</h2>
      <ErrorNotice error={history.error} retry={history.reload} />
      {!history.data && !history.error && <Loading what="versions" />}
      {history.data && (
        <ol class="versions" reversed>
          {history.data.planHistory.map((v) => (
            <li key={v.version}>
              <strong>Version {v.version}</strong> · {instant(v.createdAt)} · {v.actorId === null ? 'by Stride' : v.actorId === me.id ? 'by you' : v.actorId === scope.athleteId ? `by ${scope.name}` : 'by a coach'}
              <p>{v.reason}</p>
              <details>
                <summary class="small">Snapshot</summary>
                <Json value={v.snapshot} />
              </details>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
