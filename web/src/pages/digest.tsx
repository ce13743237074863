import { useMemo } from 'preact/hooks';
import { ErrorNotice, Facts, Loading, Page } from '../components/ui';
import { graphql } from '../gql';
import type { WeeklyDigestQuery } from '../gql/graphql';
import { addDays, distance, fixed, instant, longDay, shortDay, todayIn } from '../lib/format';
import { useQuery } from '../lib/hooks';
import { useLocation } from '../lib/router';
import { useMe } from '../lib/session';

const WeeklyDigest = graphql(`
  query WeeklyDigest($weekOf: NaiveDate) {
    weeklyDigest(weekOf: $weekOf) {
      recipientName
      weekStart
      weekEnd
      forCoach
      athletes {
        athleteId
        athleteName
        sessionsDone
        sessionsPlanned
        plannedCompleted
        minutesDone
        distanceKm
        alerts
        load {
          weekLoad
          previousWeekLoad
          chronicStart
          chronicEnd
          acuteEnd
          tsbStart
          tsbEnd
          acwrEnd
        }
        pendingProposals {
          summary
          source
          createdAt
        }
        newestInsight
      }
    }
  }
`);

type AthleteWeek = WeeklyDigestQuery['weeklyDigest']['athletes'][number];

/** Monday of the week `day` falls in. */
function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

function signedWhole(value: number): string {
  const rounded = Math.round(value);
  return rounded > 0 ? `+${rounded}` : rounded < 0 ? `−${-rounded}` : '0';
}

function hoursAndMinutes(total: number): string {
  const m = Math.round(total);
  const h = Math.floor(m / 60);
  return h > 0 ? `${h} h ${String(m % 60).padStart(2, '0')} min` : `${m} min`;
}

export default function DigestPage() {
  const me = useMe();
  const where = useLocation();
  const today = useMemo(() => todayIn(me.timeZone), [me.timeZone]);
  const thisWeek = mondayOf(today);
  const asked = where.query.get('week');
  const weekOf = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? mondayOf(asked) : null;
  const q = useQuery(WeeklyDigest, { weekOf });
  const digest = q.data?.weeklyDigest;
  const start = digest?.weekStart ?? weekOf ?? addDays(thisWeek, -7);
  const previous = addDays(start, -7);
  const next = addDays(start, 7);
  return (
    <Page
      title="Weekly digest"
      lead="The week in one place: sessions done against the plan, load and form, alerts, plan changes waiting for a decision and the newest insight."
    >
      <nav class="row week-nav" aria-label="Weeks">
        <a class="button secondary small" href={`/digest?week=${previous}`}>
          ← Week of {shortDay(previous)}
        </a>
        {next <= thisWeek && (
          <a class="button secondary small" href={`/digest?week=${next}`}>
            Week of {shortDay(next)} →
          </a>
        )}
        {weekOf && (
          <a class="button secondary small" href="/digest">
            Last complete week
          </a>
        )}
      </nav>
      <p class="muted small">
        <a href="/settings#digest">Digest settings</a>: when it arrives and whether it is emailed.
      </p>
      <ErrorNotice error={q.error} retry={q.reload} />
      {q.loading && !digest && <Loading what="the digest" />}
      {digest && (
        <>
          <h2 class="week-title" aria-live="polite">
            {longDay(digest.weekStart)} to {longDay(digest.weekEnd)}
            {digest.weekStart === thisWeek && <span class="tag warn">this week, so far</span>}
          </h2>
          {digest.athletes.length === 0 ? (
            <p class="panel">
              {digest.forCoach ? 'No athlete has given you access, and you logged no training this week.' : 'Nothing to report for this week.'}
            </p>
          ) : (
            digest.athletes.map((a) => <AthleteSection key={a.athleteId} week={a} own={a.athleteId === me.id} forCoach={digest.forCoach} />)
          )}
        </>
      )}
    </Page>
  );
}

function AthleteSection(props: { week: AthleteWeek; own: boolean; forCoach: boolean }) {
  const me = useMe();
  const a = props.week;
  const base = props.own ? '' : `/athletes/${a.athleteId}`;
  const id = `week-${a.athleteId}`;
  const load = a.load;
  const change = load && load.previousWeekLoad > 0 ? ((load.weekLoad - load.previousWeekLoad) / load.previousWeekLoad) * 100 : null;
  return (
    <section class="panel athlete-week" aria-labelledby={id}>
      <h2 id={id} class="h3">
        {props.own ? (props.forCoach ? 'Your own week' : 'Your week') : <a href={base}>{a.athleteName}</a>}
      </h2>
      <h3>Sessions</h3>
      {a.sessionsDone === 0 && a.sessionsPlanned === 0 ? (
        <p>No sessions logged this week, and none were planned.</p>
      ) : (
        <Facts
          items={[
            ['Sessions done', String(a.sessionsDone)],
            ['Planned sessions completed', a.sessionsPlanned === 0 ? 'none planned' : `${a.plannedCompleted} of ${a.sessionsPlanned}`],
            ['Time', hoursAndMinutes(a.minutesDone)],
            ['Distance', distance(a.distanceKm * 1000, me.units)],
          ]}
        />
      )}
      <h3>Load and form</h3>
      {load ? (
        <Facts
          items={[
            ['Week load', fixed(load.weekLoad, 0)],
            ['The week before', `${fixed(load.previousWeekLoad, 0)}${change === null ? '' : ` (${signedWhole(change)}% since)`}`],
            ['Fitness (chronic)', `${fixed(load.chronicStart)} → ${fixed(load.chronicEnd)}`],
            ['Fatigue (acute) at the end', fixed(load.acuteEnd)],
            ['Form (TSB)', `${signedWhole(load.tsbStart)} → ${signedWhole(load.tsbEnd)}`],
            ['ACWR at the end', load.acwrEnd === null ? 'not yet (too little history)' : fixed(load.acwrEnd, 2)],
          ]}
        />
      ) : (
        <p>No load history yet.</p>
      )}
      <h3>Alerts</h3>
      {a.alerts.length === 0 ? (
        <p>No alerts this week.</p>
      ) : (
        <ul class="alerts">
          {a.alerts.map((alert, i) => (
            <li key={i}>{alert}</li>
          ))}
        </ul>
      )}
      <h3>Plan changes waiting</h3>
      {a.pendingProposals.length === 0 ? (
        <p>No plan change is waiting for a decision.</p>
      ) : (
        <>
          <ul class="plain-list">
            {a.pendingProposals.map((p, i) => (
              <li key={i}>
                {p.summary} <span class="small muted">· from {p.source}, {instant(p.createdAt)}</span>
              </li>
            ))}
          </ul>
          <p>
            {props.own ? 'They wait for your confirmation: ' : `They wait for ${a.athleteName}’s confirmation: `}
            <a href={`${base}/proposals`}>{props.own ? 'review them' : 'see them'} on the Proposals page</a>.
          </p>
        </>
      )}
      <h3>Newest insight</h3>
      {a.newestInsight ? (
        <>
          <p class="insight">{a.newestInsight}</p>
          <p class="small muted">
            An association in {props.own ? 'your' : `${a.athleteName}’s`} own history, not a cause. <a href={`${base}/insights`}>All insights and their receipts</a>
            .
          </p>
        </>
      ) : (
        <p>
          Nothing found yet. <a href={`${base}/insights`}>See what is being tested</a>.
        </p>
      )}
    </section>
  );
}
