import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice, Facts, Input, Loading, Notice, Page } from '../components/ui';
import { graphql } from '../gql';
import type { ConnectionsQuery, FileImportQuery, ImportFilesMutation } from '../gql/graphql';
import { asApiError, request, type ApiError } from '../lib/api';
import { instant } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { uploadRequest, type UploadProgress } from '../lib/upload';
import { useSubscription } from '../lib/ws';

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

      <RelayTokens />
      <ImportFiles />
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

const RelayTokensQuery = graphql(`
  query RelayTokens {
    relayTokens {
      id
      plugin
      name
      url
      createdAt
      lastUsedAt
      revokedAt
    }
  }
`);

const CreateRelayToken = graphql(`
  mutation CreateRelayToken($plugin: String!, $name: String!) {
    createRelayToken(plugin: $plugin, name: $name) {
      token
      relayToken {
        id
        name
        url
      }
    }
  }
`);

const RevokeRelayToken = graphql(`
  mutation RevokeRelayToken($id: ID!) {
    revokeRelayToken(id: $id)
  }
`);

const ImportFilesDoc = graphql(`
  mutation ImportFiles($files: [Upload!]!, $athleteId: ID) {
    importFiles(files: $files, athleteId: $athleteId) {
      fileName
      filesRead
      activities
      duplicates
      refused
      problems {
        item
        message
      }
      error
    }
  }
`);

/** A value with a button that copies it (and says so). */
function CopyField(props: { label: string; value: string; name: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <div class="copy-field">
      <Input label={props.label} name={props.name} value={props.value} readOnly class="mono" onFocus={(e) => e.currentTarget.select()} />
      <button
        type="button"
        class="secondary"
        aria-label={`Copy ${props.label.toLowerCase()}`}
        onClick={() => {
          navigator.clipboard?.writeText(props.value).then(
            () => setCopied('yes'),
            () => setCopied('no'),
          ) ?? setCopied('no');
        }}
      >
        Copy
      </button>
      <span class="small muted" role="status">
        {copied === 'yes' ? 'Copied.' : copied === 'no' ? 'Select the text and copy it yourself.' : ''}
      </span>
    </div>
  );
}

/** Relay tokens: a phone app (Health Auto Export) posts the athlete's Apple Health data with one. */
function RelayTokens() {
  const q = useQuery(RelayTokensQuery, {});
  const [made, setMade] = useState<{ token: string; url: string; name: string } | null>(null);
  const create = useAction(async (name: string) => {
    const answer = await request(CreateRelayToken, { plugin: 'apple-health', name });
    const t = answer.createRelayToken;
    setMade({ token: t.token, url: t.relayToken.url, name: t.relayToken.name });
    q.reload();
    return true;
  });
  const revoke = useAction(async (id: string) => {
    await request(RevokeRelayToken, { id });
    q.reload();
  });
  const tokens = q.data?.relayTokens ?? [];
  return (
    <section class="panel" id="relay" aria-labelledby="relay-h">
      <h2 id="relay-h">iPhone (Apple Health) relay</h2>
      <p>
        Apple Health has no server Stride can ask, so your iPhone sends the data itself with the <strong>Health Auto Export</strong> app. Make a relay token
        for it here, then paste the URL and the token into the app.
      </p>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const name = String(new FormData(form).get('relayName') ?? '').trim() || 'iPhone';
          void create.run(name).then((ok) => ok && form.reset());
        }}
      >
        <Input label="Name for the token" name="relayName" placeholder="iPhone" maxLength={100} error={create.error?.byField.name} />
        <button type="submit" disabled={create.busy}>
          {create.busy ? 'Making…' : 'Make a relay token'}
        </button>
      </form>
      <ErrorNotice error={create.error} />
      {made && (
        <div class="notice success new-token" role="region" aria-label="The new relay token">
          <p>
            <strong>Relay token “{made.name}” made.</strong> Copy it now: it is shown only this once (Stride keeps only a fingerprint of it).
          </p>
          <CopyField label="URL" name="relayUrl" value={made.url} />
          <CopyField label="Token" name="relayToken" value={made.token} />
          <CopyField label="Authorization header value" name="relayHeader" value={`Bearer ${made.token}`} />
          <h3>In Health Auto Export</h3>
          <ol class="relay-steps">
            <li>
              <strong>Automations → New Automation → REST API</strong>.
            </li>
            <li>
              <strong>URL</strong>: <code>{made.url}</code>
            </li>
            <li>
              <strong>Headers</strong>: add <code>Authorization</code> with the value <code>Bearer</code> followed by a space and the token (the “Authorization header
              value” above). If the app cannot set it, use the header <code>X-Stride-Relay-Token</code> with the token alone.
            </li>
            <li>
              <strong>Export Format</strong>: JSON. <strong>Export Version</strong>: 2 (1 also works).
            </li>
            <li>
              <strong>Data Type: Health Metrics</strong>, with Heart Rate Variability, Resting Heart Rate, Sleep Analysis, Weight &amp; Body Mass, Body Fat
              Percentage, VO2 Max, Respiratory Rate and Step Count (others are ignored). Make a second automation with <strong>Data Type: Workouts</strong> (route
              and heart rate on) and the same URL and header.
            </li>
            <li>
              <strong>Date Range</strong>: Since Last Sync. Turn on <strong>Batch Requests</strong> to send a long history once.
            </li>
          </ol>
          <p class="small">Sending the same data twice is harmless. When the app has delivered, “Last used” below shows when.</p>
          <button type="button" class="secondary" onClick={() => setMade(null)}>
            I have copied it
          </button>
        </div>
      )}
      <ErrorNotice error={q.error ?? revoke.error} retry={q.error ? q.reload : undefined} />
      {!q.data && !q.error && <Loading what="relay tokens" />}
      {q.data && tokens.length === 0 && <p class="muted">No relay tokens yet.</p>}
      {tokens.length > 0 && (
        <div class="table-wrap">
          <table class="relay-tokens">
            <caption>Your relay tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">For</th>
                <th scope="col">Made</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>{t.plugin}</td>
                  <td>{instant(t.createdAt)}</td>
                  <td>{t.lastUsedAt ? instant(t.lastUsedAt) : 'never'}</td>
                  <td>
                    {t.revokedAt ? (
                      <span class="tag bad">revoked {instant(t.revokedAt)}</span>
                    ) : (
                      <button
                        type="button"
                        class="danger secondary small"
                        disabled={revoke.busy}
                        aria-label={`Revoke ${t.name}`}
                        onClick={() => {
                          if (window.confirm(`Revoke the relay token “${t.name}”? The app's next delivery with it is refused.`)) void revoke.run(t.id);
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const StartFileImportDoc = graphql(`
  mutation StartFileImport($files: [Upload!]!, $athleteId: ID) {
    startFileImport(files: $files, athleteId: $athleteId) {
      id
    }
  }
`);

const FileImportDoc = graphql(`
  query FileImport($id: ID!, $athleteId: ID) {
    fileImport(id: $id, athleteId: $athleteId) {
      id
      status
      files {
        name
        size
      }
      filesDone
      filesRead
      activities
      duplicates
      refused
      problems {
        item
        message
      }
      finishedAt
    }
  }
`);

const FileImportProgressDoc = graphql(`
  subscription FileImportProgress {
    backfillProgress(provider: "files") {
      status
      pagesDone
      activitiesDone
      note
    }
  }
`);

/** Uploads larger than this go to the background by default. */
const BACKGROUND_BYTES = 16 * 1024 * 1024;

type Background = NonNullable<FileImportQuery['fileImport']>;

/**
 * Follows an import that runs as a job: over the subscription for the viewer's own imports,
 * by asking again every two seconds for an athlete's (the subscription is the viewer's own).
 */
function BackgroundImport(props: { id: string; athleteId?: string | null }) {
  const [run, setRun] = useState<Background | null>(null);
  const [live, setLive] = useState<{ pagesDone: number; activitiesDone: number; note?: string | null } | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const own = !props.athleteId;
  const refresh = async () => {
    try {
      const answer = await request(FileImportDoc, { id: props.id, athleteId: props.athleteId ?? null });
      setRun(answer.fileImport ?? null);
    } catch (failure) {
      setError(asApiError(failure));
    }
  };
  const finished = run?.status === 'done' || run?.status === 'failed';
  useEffect(() => void refresh(), [props.id, props.athleteId]);
  useEffect(() => {
    if (own || finished) return;
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [props.id, props.athleteId, own, finished]);
  useSubscription(
    FileImportProgressDoc,
    {},
    (data) => {
      const p = data.backfillProgress;
      setLive({ pagesDone: p.pagesDone, activitiesDone: p.activitiesDone, note: p.note });
      if (p.status === 'done' || p.status === 'failed') void refresh();
    },
    own && !finished,
  );
  if (error) return <ErrorNotice error={error} retry={() => void refresh()} />;
  if (!run) return <Loading />;
  if (!finished) {
    const read = Math.max(live?.pagesDone ?? 0, run.filesRead);
    const stored = Math.max(live?.activitiesDone ?? 0, run.activities);
    return (
      <div class="upload-progress" role="status" aria-label="Background import">
        <p>
          Importing in the background: {stored === 1 ? '1 activity' : `${stored} activities`} from {read === 1 ? '1 file' : `${read} files`} so far. You can leave
          this page; the import goes on.
        </p>
        {live?.note && <p class="small muted">{live.note}</p>}
        <progress aria-label="Import progress" />
      </div>
    );
  }
  return (
    <div class="import-results" role="region" aria-label="Import results">
      <Notice kind={run.status === 'failed' || run.problems.length > 0 ? 'warning' : 'success'} live>
        <p>
          {run.activities === 1 ? '1 activity' : `${run.activities} activities`} imported from {run.filesRead === 1 ? '1 file' : `${run.filesRead} files`}
          {run.duplicates ? `, ${run.duplicates === 1 ? '1 was a workout' : `${run.duplicates} were workouts`} already stored from another source` : ''}.
          {run.problems.length > 0 && ` ${run.problems.length === 1 ? '1 problem' : `${run.problems.length} problems`}: see below.`}
        </p>
      </Notice>
      {run.problems.length > 0 && (
        <ul class="problems">
          {run.problems.map((p, j) => (
            <li key={j}>
              <strong>{p.item}</strong>: {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type FileResult = ImportFilesMutation['importFiles'][number];

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Upload FIT, GPX, TCX (gzipped or not) and zip archives; show each file's result. */
export function ImportFiles(props: { athleteId?: string | null }) {
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [results, setResults] = useState<FileResult[] | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [background, setBackground] = useState<boolean | null>(null);
  const [job, setJob] = useState<string | null>(null);
  const busy = progress !== null;
  const total = files.reduce((s, f) => s + f.size, 0);
  const inBackground = background ?? total > BACKGROUND_BYTES;
  const start = async () => {
    if (!files.length) return;
    setError(undefined);
    setResults(null);
    setJob(null);
    setProgress({ loaded: 0, total, sent: false });
    try {
      if (inBackground) {
        const answer = await uploadRequest(StartFileImportDoc, { athleteId: props.athleteId ?? null }, files, setProgress);
        setJob(answer.startFileImport.id);
      } else {
        const answer = await uploadRequest(ImportFilesDoc, { athleteId: props.athleteId ?? null }, files, setProgress);
        setResults(answer.importFiles);
      }
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setProgress(null);
    }
  };
  const pct = progress && progress.total ? Math.min(100, Math.round((progress.loaded / progress.total) * 100)) : null;
  const imported = results?.reduce((s, r) => s + r.activities, 0) ?? 0;
  const duplicates = results?.reduce((s, r) => s + r.duplicates, 0) ?? 0;
  const troubled = results?.filter((r) => r.error || r.problems.length > 0).length ?? 0;
  return (
    <section class="panel" id="upload" aria-labelledby="upload-h">
      <h2 id="upload-h">Import files</h2>
      <p>
        FIT, GPX and TCX files (gzipped or not), and zip archives of them such as a Garmin or Strava bulk export. Importing a file again changes nothing; a
        workout Stride already has from another source is kept as a copy of it.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <div class="field">
          <label for="import-files">Files</label>
          <input
            id="import-files"
            name="files"
            type="file"
            multiple
            accept=".fit,.gpx,.tcx,.gz,.zip,.FIT,.GPX,.TCX"
            disabled={busy}
            onChange={(e) => {
              setFiles(Array.from(e.currentTarget.files ?? []));
              setResults(null);
              setJob(null);
              setError(undefined);
            }}
          />
        </div>
        {files.length > 0 && (
          <p class="small muted">
            {files.length === 1 ? '1 file' : `${files.length} files`}, {bytes(total)}
          </p>
        )}
        <div class="check">
          <input id="import-background" type="checkbox" checked={inBackground} disabled={busy} onChange={(e) => setBackground(e.currentTarget.checked)} />
          <label for="import-background">Import in the background (for exports of years: follow it here, or leave and come back)</label>
        </div>
        <div class="actions">
          <button type="submit" disabled={busy || files.length === 0}>
            {busy ? 'Importing…' : files.length > 1 ? `Import ${files.length} files` : 'Import'}
          </button>
        </div>
      </form>
      {progress && (
        <div class="upload-progress" role="status">
          <label for="upload-bar">
            {progress.sent ? (inBackground ? 'Uploaded; Stride is storing the files…' : 'Uploaded; Stride is reading the files…') : `Uploading… ${pct ?? 0}%`}
          </label>
          <progress id="upload-bar" max={100} value={progress.sent ? undefined : (pct ?? undefined)} />
        </div>
      )}
      <ErrorNotice error={error} retry={files.length ? () => void start() : undefined} />
      {job && <BackgroundImport id={job} athleteId={props.athleteId} />}
      {results && (
        <div class="import-results" role="region" aria-label="Import results">
          <Notice kind={troubled > 0 ? 'warning' : 'success'} live>
            <p>
              {imported === 1 ? '1 activity' : `${imported} activities`} imported
              {duplicates ? `, ${duplicates === 1 ? '1 was a workout' : `${duplicates} were workouts`} already stored from another source` : ''}.
              {troubled > 0 && ` ${troubled === 1 ? '1 file has' : `${troubled} files have`} problems: see below.`}
            </p>
          </Notice>
          <ul class="cards">
            {results.map((r, i) => (
              <li key={`${r.fileName}-${i}`} class={r.error ? 'failed' : undefined}>
                <h3 class="file-name">{r.fileName}</h3>
                {r.error ? (
                  <p class="field-error">Could not be read: {r.error}</p>
                ) : (
                  <Facts
                    class="plain"
                    items={[
                      ['Files read', r.filesRead],
                      ['Activities', r.activities],
                      ['Already stored', r.duplicates],
                      ['Refused', r.refused],
                    ]}
                  />
                )}
                {r.problems.length > 0 && (
                  <>
                    <h4>Problems</h4>
                    <ul class="problems">
                      {r.problems.map((p, j) => (
                        <li key={j}>
                          <strong>{p.item}</strong>: {p.message}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
