import { useState } from 'preact/hooks';
import { ErrorNotice, Facts, Input, Loading, Page } from '../components/ui';
import { graphql } from '../gql';
import { request } from '../lib/api';
import { instant } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';

const Ingestion = graphql(`
  query AdminIngestion {
    ingestion {
      brake {
        paused
        reason
        since
      }
      jobs {
        queued
        held
        running
        failed
      }
      rateWindows {
        provider
        budget
        window
        startsAt
        usage
        limit
      }
      rejections {
        plugin
        athleteId
        externalId
        reason
        at
      }
    }
  }
`);

const SetPaused = graphql(`
  mutation SetIngestionPaused($paused: Boolean!, $reason: String!) {
    setIngestionPaused(paused: $paused, reason: $reason) {
      paused
      reason
      since
    }
  }
`);

export default function IngestionPage() {
  const q = useQuery(Ingestion, {});
  const [reasonError, setReasonError] = useState('');
  const brake = useAction(async (paused: boolean, reason: string) => {
    await request(SetPaused, { paused, reason });
    q.reload();
  });
  const s = q.data?.ingestion;
  return (
    <Page
      title="Ingestion"
      actions={
        <button type="button" class="secondary" onClick={q.reload}>
          Refresh
        </button>
      }
    >
      <ErrorNotice error={q.error} retry={q.reload} />
      {!s && !q.error && <Loading />}
      {s && (
        <>
          <section class={`panel${s.brake.paused ? ' braked' : ''}`} aria-labelledby="brake-h">
            <h2 id="brake-h">The brake</h2>
            <p>
              {s.brake.paused ? (
                <>
                  <span class="tag bad">Ingestion is paused</span> since {instant(s.brake.since)}: {s.brake.reason}
                </>
              ) : (
                <span class="tag good">Ingestion is running</span>
              )}
            </p>
            <form
              class="row"
              onSubmit={(e) => {
                e.preventDefault();
                const reason = String(new FormData(e.currentTarget).get('reason') ?? '').trim();
                setReasonError(reason ? '' : 'Say why; it goes into the audit log.');
                if (reason) void brake.run(!s.brake.paused, reason);
              }}
            >
              <Input label="Reason" name="reason" error={reasonError || brake.error?.byField.reason} />
              <button type="submit" class={s.brake.paused ? '' : 'danger'} disabled={brake.busy}>
                {s.brake.paused ? 'Release the brake' : 'Pull the brake: pause all ingestion'}
              </button>
            </form>
            <ErrorNotice error={brake.error} />
          </section>
          <section class="panel" aria-labelledby="queue-h">
            <h2 id="queue-h">Queue</h2>
            <Facts
              items={[
                ['Queued', s.jobs.queued],
                ['Held by the brake', s.jobs.held],
                ['Running', s.jobs.running],
                ['Failed for good', s.jobs.failed],
              ]}
            />
          </section>
          <section class="panel" aria-labelledby="rates-h">
            <h2 id="rates-h">Rate budgets (last day)</h2>
            {s.rateWindows.length === 0 ? (
              <p>No provider calls in the last day.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Provider</th>
                      <th scope="col">Budget</th>
                      <th scope="col">Window</th>
                      <th scope="col">Starts</th>
                      <th scope="col" class="num">Used</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.rateWindows.map((w, i) => (
                      <tr key={i}>
                        <td>{w.provider}</td>
                        <td>{w.budget}</td>
                        <td>{w.window}</td>
                        <td>{instant(w.startsAt)}</td>
                        <td class="num">
                          {w.usage} / {w.limit}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section class="panel" aria-labelledby="rejections-h">
            <h2 id="rejections-h">Refused records</h2>
            {s.rejections.length === 0 ? (
              <p>No record was refused.</p>
            ) : (
              <ul>
                {s.rejections.map((r, i) => (
                  <li key={i}>
                    {instant(r.at)} · {r.plugin}
                    {r.externalId && <> · record {r.externalId}</>}
                    {r.athleteId && <> · athlete {r.athleteId}</>}: {r.reason}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </Page>
  );
}
