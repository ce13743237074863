import { ErrorNotice, LightBadge, Loading, Page } from '../components/ui';
import { graphql } from '../gql';
import type { AthleteGlanceQuery } from '../gql/graphql';
import { longDay, signalWords, words } from '../lib/format';
import { useQuery } from '../lib/hooks';

const Athletes = graphql(`
  query CoachAthletes {
    myAthletes {
      id
      access
      createdAt
      revokedAt
      athlete {
        id
        displayName
        email
      }
    }
  }
`);

// One query per athlete: the API has no batched "home of every athlete I coach" (NEEDS.md).
const Glance = graphql(`
  query AthleteGlance($athleteId: ID!) {
    home(athleteId: $athleteId) {
      date
      readiness {
        light
        confidence
        signals {
          signal
          light
        }
      }
      alerts {
        kind
        date
        value
      }
      workouts {
        id
        kind
        state
      }
    }
    proposals(athleteId: $athleteId, state: PENDING) {
      id
    }
  }
`);

export default function AthletesPage() {
  const q = useQuery(Athletes, {});
  const live = q.data?.myAthletes.filter((g) => !g.revokedAt) ?? [];
  return (
    <Page title="Athletes" lead="Everyone who gave you access, with today’s light and alerts at a glance.">
      <ErrorNotice error={q.error} retry={q.reload} />
      {!q.data && !q.error && <Loading what="athletes" />}
      {q.data && live.length === 0 && <p>No athlete has given you access yet. Athletes add you by your email on their Coaches page.</p>}
      {live.length > 0 && (
        <ul class="cards athletes">
          {live.map((g) => (
            <AthleteCard key={g.id} id={g.athlete.id} name={g.athlete.displayName} email={g.athlete.email} access={g.access} />
          ))}
        </ul>
      )}
    </Page>
  );
}

type Glance = AthleteGlanceQuery;

function AthleteCard(props: { id: string; name: string; email: string; access: string }) {
  const q = useQuery(Glance, { athleteId: props.id });
  const home: Glance['home'] | undefined = q.data?.home;
  const base = `/athletes/${props.id}`;
  const redSignals = home?.readiness.signals.filter((s) => s.light !== 'GREEN') ?? [];
  return (
    <li>
      <h2 class="h3">
        <a href={base}>{props.name}</a>
      </h2>
      <p class="small muted">
        {props.email} · <span class={`access ${props.access === 'READ_WRITE' ? 'rw' : 'ro'}`}>{props.access === 'READ_WRITE' ? 'read-write' : 'read-only'}</span>
      </p>
      <ErrorNotice error={q.error} />
      {!q.data && !q.error && <Loading />}
      {home && q.data && (
        <>
          <p>
            <LightBadge light={home.readiness.light} /> <span class="small muted">confidence {Math.round(home.readiness.confidence * 100)}%</span>
            {redSignals.length > 0 && <span class="small"> · {redSignals.map((s) => `${signalWords(s.signal)} ${s.light.toLowerCase()}`).join(', ')}</span>}
          </p>
          <p class="small">
            Today ({longDay(home.date)}): {home.workouts.length ? home.workouts.map((w) => `${words(w.kind)} (${words(w.state).toLowerCase()})`).join(', ') : 'nothing planned'}
          </p>
          <p class="small">
            {home.alerts.length === 0 ? (
              'No load alerts this week.'
            ) : (
              <span class="tag bad">
                {home.alerts.length} alert{home.alerts.length > 1 ? 's' : ''}: {home.alerts.map((a) => (a.kind === 'ACWR_HIGH' ? 'ACWR' : 'monotony')).join(', ')}
              </span>
            )}
            {q.data.proposals.length > 0 && (
              <>
                {' '}
                · <a href={`${base}/proposals`}>{q.data.proposals.length} pending proposal{q.data.proposals.length > 1 ? 's' : ''}</a>
              </>
            )}
          </p>
        </>
      )}
      <p class="small">
        <a href={`${base}/performance`}>Performance</a> · <a href={`${base}/plan`}>Plan</a> · <a href={`${base}/rules`}>Rules</a>
      </p>
    </li>
  );
}
