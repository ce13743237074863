import { useState } from 'preact/hooks';
import { ErrorNotice, Facts, Loading, Page } from '../components/ui';
import { graphql } from '../gql';
import type { ConnectionsQuery } from '../gql/graphql';
import { request } from '../lib/api';
import { instant } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';

const Connections = graphql(`
  query Connections {
    connections {
      provider
      status
      scopes
      externalAthleteId
      connectedAt
      backfill {
        status
        pagesDone
        activitiesDone
        deferredUntil
        note
        updatedAt
      }
    }
  }
`);

const Connect = graphql(`
  mutation ConnectProvider($provider: String!) {
    connectProvider(provider: $provider) {
      authorizeUrl
      expiresAt
    }
  }
`);

const Disconnect = graphql(`
  mutation DisconnectProvider($provider: String!) {
    disconnectProvider(provider: $provider)
  }
`);

// The API has no list of providers an athlete may connect (see web/NEEDS.md); these are the
// ones Stride integrates with. A provider this server has no plugin for answers with an error.
export const PROVIDERS: [string, string][] = [
  ['strava', 'Strava'],
  ['garmin', 'Garmin'],
];

/** Each provider with its connection and the buttons to connect or disconnect. */
export function ProviderList(props: { onChange?: () => void }) {
  const q = useQuery(Connections, {});
  const reload = () => {
    q.reload();
    props.onChange?.();
  };
  return (
    <>
      <ErrorNotice error={q.error} retry={q.reload} />
      {!q.data && !q.error && <Loading what="connections" />}
      {q.data && (
        <ul class="cards">
          {PROVIDERS.map(([id, name]) => (
            <Provider key={id} id={id} name={name} connection={q.data!.connections.find((c) => c.provider === id)} reload={reload} />
          ))}
        </ul>
      )}
    </>
  );
}

export default function ConnectionsPage() {
  return (
    <Page title="Connections" lead="Connect a device account and Stride imports your history, then follows new sessions as they arrive.">
      <ProviderList />

      {/*
        UPLOAD: file upload with progress (FIT, GPX, TCX) goes here once the server has an
        upload API (plugin API 1.1 `receive-upload`; no GraphQL/HTTP endpoint yet). See NEEDS.md.
      */}
      <section class="panel" id="upload" aria-labelledby="upload-h">
        <h2 id="upload-h">Upload a file</h2>
        <p class="muted">Uploading FIT, GPX or TCX files is coming in a later version of Stride. Until then, connect a device account above or log a session by hand.</p>
      </section>
    </Page>
  );
}

type Connection = ConnectionsQuery['connections'][number];

function Provider(props: { id: string; name: string; connection: Connection | undefined; reload: () => void }) {
  const c = props.connection;
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const connect = useAction(async () => {
    const answer = await request(Connect, { provider: props.id });
    setLink({ url: answer.connectProvider.authorizeUrl, expiresAt: answer.connectProvider.expiresAt });
  });
  const disconnect = useAction(async () => {
    await request(Disconnect, { provider: props.id });
    props.reload();
  });
  const connected = c && c.status === 'active';
  return (
    <li>
      <h2 class="h3">{props.name}</h2>
      {c ? (
        <Facts
          class="plain"
          items={[
            ['Status', c.status],
            ['Connected', instant(c.connectedAt)],
            ['Account', c.externalAthleteId],
            ['Permissions', c.scopes.join(', ') || '—'],
            ['History import', c.backfill ? `${c.backfill.status}: ${c.backfill.activitiesDone} activities, ${c.backfill.pagesDone} pages` : '—'],
            ...(c.backfill?.deferredUntil ? ([['Resumes', instant(c.backfill.deferredUntil)]] as [string, string][]) : []),
          ]}
        />
      ) : (
        <p>Not connected.</p>
      )}
      {c?.backfill?.note && <p class="small muted">{c.backfill.note}</p>}
      <ErrorNotice error={connect.error ?? disconnect.error} />
      {link && (
        <div class="notice">
          <p>
            <a href={link.url} target="_blank" rel="noopener noreferrer">
              Continue at {props.name} to allow Stride (opens a new tab)
            </a>
          </p>
          <p class="small">The link works once, until {instant(link.expiresAt)}. Come back here afterwards and refresh.</p>
        </div>
      )}
      <div class="actions">
        {!connected && (
          <button type="button" onClick={() => void connect.run()} disabled={connect.busy}>
            {connect.busy ? 'Preparing…' : `Connect ${props.name}`}
          </button>
        )}
        {c && (
          <button type="button" class="secondary" onClick={props.reload}>
            Refresh status
          </button>
        )}
        {connected && (
          <button
            type="button"
            class="danger secondary"
            disabled={disconnect.busy}
            onClick={() => {
              if (window.confirm(`Disconnect ${props.name}? Stride stops importing and erases its tokens; imported sessions stay.`)) void disconnect.run();
            }}
          >
            Disconnect
          </button>
        )}
      </div>
    </li>
  );
}
