import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice, Input, Loading, Page, Select } from '../components/ui';
import { graphql } from '../gql';
import type { ActivitiesQuery } from '../gql/graphql';
import { request } from '../lib/api';
import { averagePace, distance, duration, fixed, words } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { navigate, useLocation } from '../lib/router';
import { useMe, useScope } from '../lib/session';

const Activities = graphql(`
  query Activities($athleteId: ID, $from: NaiveDate, $to: NaiveDate, $first: Int, $after: String) {
    activities(athleteId: $athleteId, from: $from, to: $to, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        sport
        localDate
        durationSeconds
        distanceMeters
        averageHeartRate
        rpe
        rpeLoad
        trimp
        source
        hasSamples
        private
      }
    }
  }
`);

type Row = ActivitiesQuery['activities']['nodes'][number];

export const SPORTS = [
  'RUN',
  'TRAIL_RUN',
  'WALK',
  'HIKE',
  'RIDE',
  'VIRTUAL_RIDE',
  'MOUNTAIN_BIKE_RIDE',
  'SWIM',
  'ROW',
  'NORDIC_SKI',
  'STRENGTH',
  'YOGA',
  'CARDIO',
  'PADDLE',
  'ALPINE_SKI',
  'CLIMB',
  'TEAM_SPORT',
  'OTHER',
] as const;

const PAGE = 25;

export default function ActivitiesPage() {
  const scope = useScope();
  const me = useMe();
  const { query } = useLocation();
  const from = query.get('from') || null;
  const to = query.get('to') || null;
  const sport = query.get('sport') || '';
  const first = useQuery(Activities, { athleteId: scope.athleteId, from, to, first: PAGE, after: null });
  const [more, setMore] = useState<Row[]>([]);
  const [cursor, setCursor] = useState<{ hasNextPage: boolean; endCursor: string | null } | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(null);
  }, [first.data]);
  const next = useAction(async () => {
    const page = cursor ?? first.data!.activities.pageInfo;
    const answer = await request(Activities, { athleteId: scope.athleteId, from, to, first: PAGE, after: page.endCursor });
    setMore((rows) => [...rows, ...answer.activities.nodes]);
    setCursor(answer.activities.pageInfo);
  });
  const base = `${scope.base}/activities`;
  const rows = [...(first.data?.activities.nodes ?? []), ...more];
  const shown = sport ? rows.filter((a) => a.sport === sport) : rows;
  const hasNext = (cursor ?? first.data?.activities.pageInfo)?.hasNextPage ?? false;
  const title = scope.self ? 'Activities' : `${scope.name}: activities`;

  return (
    <Page
      title={title}
      actions={
        scope.canWrite && (
          <a class="button" href={`${scope.base}/log`}>
            Log a session
          </a>
        )
      }
    >
      <form
        class="panel row"
        role="search"
        aria-label="Filter activities"
        onSubmit={(e) => {
          e.preventDefault();
          const params = new URLSearchParams();
          new FormData(e.currentTarget).forEach((v, k) => typeof v === 'string' && v && params.set(k, v));
          navigate(`${base}${params.size ? `?${params}` : ''}`);
        }}
      >
        <Input label="From" name="from" type="date" defaultValue={from ?? ''} key={`f${from}`} />
        <Input label="To" name="to" type="date" defaultValue={to ?? ''} key={`t${to}`} />
        <Select label="Sport" name="sport" defaultValue={sport} key={`s${sport}`} options={[['', 'Any sport'], ...SPORTS.map((s) => [s, words(s)] as const)]} />
        <div class="actions">
          <button type="submit">Filter</button>
          {(from || to || sport) && (
            <a class="button secondary" href={base}>
              Clear
            </a>
          )}
        </div>
      </form>
      {sport && <p class="muted small">The sport filter applies to the activities loaded so far; load more to search further back.</p>}
      <ErrorNotice error={first.error} retry={first.reload} />
      {first.loading && !first.data && <Loading what="activities" />}
      {first.data && shown.length === 0 && <p>No activities {from || to || sport ? 'match these filters' : 'yet'}.</p>}
      {shown.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Activities, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Activity</th>
                <th scope="col" class="num">Time</th>
                <th scope="col" class="num">Distance</th>
                <th scope="col" class="num">Pace</th>
                <th scope="col" class="num">Avg HR</th>
                <th scope="col" class="num">RPE</th>
                <th scope="col" class="num">Load</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <tr key={a.id}>
                  <td>{a.localDate}</td>
                  <td>
                    <a href={`${base}/${a.id}`}>{a.name}</a>
                    <br />
                    <span class="muted small">
                      {words(a.sport)} · {a.source}
                      {a.private ? ' · private' : ''}
                      {a.hasSamples ? ' · samples' : ''}
                    </span>
                  </td>
                  <td class="num">{duration(a.durationSeconds)}</td>
                  <td class="num">{distance(a.distanceMeters, me.units)}</td>
                  <td class="num">{averagePace(a.distanceMeters, a.durationSeconds, me.units)}</td>
                  <td class="num">{fixed(a.averageHeartRate, 0)}</td>
                  <td class="num">{a.rpe ?? '—'}</td>
                  <td class="num">{fixed(a.rpeLoad ?? a.trimp, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorNotice error={next.error} />
      {hasNext && (
        <button type="button" class="secondary" onClick={() => void next.run()} disabled={next.busy}>
          {next.busy ? 'Loading…' : 'Load more'}
        </button>
      )}
    </Page>
  );
}
