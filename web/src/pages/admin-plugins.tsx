import { useState } from 'preact/hooks';
import { ErrorNotice, Facts, Input, Loading, Notice, Page } from '../components/ui';
import { graphql } from '../gql';
import type { AdminPluginsQuery } from '../gql/graphql';
import { request } from '../lib/api';
import { instant, words } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';

const Plugins = graphql(`
  query AdminPlugins {
    plugins {
      id
      version
      apiVersion
      displayName
      contentHash
      loadedAt
      enabled
      breaker
      consecutiveFailures
      openUntil
      calls
      failures
      limits {
        webhookDeadlineMs
        webhookCpuMs
        jobDeadlineMs
        jobCpuMs
        memoryLimitMb
      }
      capabilities {
        oauth
        oauthScopes
        allowedHosts
        webhookKinds
        jobKinds
        secrets
      }
      recentFailures(limit: 10) {
        at
        version
        call
        kind
        message
        backtrace
      }
    }
    pluginLoadErrors {
      path
      message
      at
    }
  }
`);

const SetEnabled = graphql(`
  mutation SetPluginEnabled($id: String!, $enabled: Boolean!, $reason: String!) {
    setPluginEnabled(id: $id, enabled: $enabled, reason: $reason) {
      id
      enabled
    }
  }
`);

const ResetBreaker = graphql(`
  mutation ResetPluginBreaker($id: String!) {
    resetPluginBreaker(id: $id) {
      id
      breaker
    }
  }
`);

const Reload = graphql(`
  mutation ReloadPlugins {
    reloadPlugins {
      id
      version
    }
  }
`);

type Plugin = AdminPluginsQuery['plugins'][number];

const BREAKER_TAG: Record<string, string> = { CLOSED: 'good', OPEN: 'bad', HALF_OPEN: 'warn' };

export default function PluginsPage() {
  const q = useQuery(Plugins, {});
  const [reloaded, setReloaded] = useState('');
  const reload = useAction(async () => {
    const answer = await request(Reload, {});
    setReloaded(answer.reloadPlugins.map((p) => `${p.id} ${p.version}`).join(', ') || 'no plugins');
    q.reload();
  });
  return (
    <Page
      title="Plugins"
      actions={
        <button type="button" class="secondary" onClick={() => void reload.run()} disabled={reload.busy}>
          {reload.busy ? 'Reloading…' : 'Reload from disk'}
        </button>
      }
    >
      <ErrorNotice error={reload.error} />
      {reloaded && (
        <Notice kind="success" live>
          <p>Reloaded: {reloaded}.</p>
        </Notice>
      )}
      <ErrorNotice error={q.error} retry={q.reload} />
      {!q.data && !q.error && <Loading what="plugins" />}
      {q.data && (
        <>
          {q.data.plugins.length === 0 && <p>No plugins are loaded.</p>}
          <ul class="cards">
            {q.data.plugins.map((p) => (
              <PluginCard key={p.id} plugin={p} onChange={q.reload} />
            ))}
          </ul>
          {q.data.pluginLoadErrors.length > 0 && (
            <section class="panel" aria-labelledby="load-errors-h">
              <h2 id="load-errors-h">Files that failed to load</h2>
              <ul>
                {q.data.pluginLoadErrors.map((e) => (
                  <li key={e.path}>
                    <code>{e.path}</code> ({instant(e.at)}): {e.message}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </Page>
  );
}

function PluginCard(props: { plugin: Plugin; onChange: () => void }) {
  const p = props.plugin;
  const toggle = useAction(async (reason: string) => {
    await request(SetEnabled, { id: p.id, enabled: !p.enabled, reason });
    props.onChange();
  });
  const reset = useAction(async () => {
    await request(ResetBreaker, { id: p.id });
    props.onChange();
  });
  const [reasonError, setReasonError] = useState('');
  return (
    <li>
      <h2 class="h3">
        {p.displayName} <span class="muted small">({p.id} {p.version}, plugin API {p.apiVersion})</span>
      </h2>
      <p>
        <span class={`tag ${p.enabled ? 'good' : 'bad'}`}>{p.enabled ? 'Enabled' : 'Disabled'}</span>{' '}
        <span class={`tag ${BREAKER_TAG[p.breaker] ?? ''}`}>Breaker {words(p.breaker).toLowerCase()}</span>
        {p.openUntil && <span class="small"> until {instant(p.openUntil)}</span>}
      </p>
      <Facts
        class="plain"
        items={[
          ['Calls (this host)', p.calls],
          ['Failures (this host)', p.failures],
          ['Failures in a row', p.consecutiveFailures],
          ['Loaded', instant(p.loadedAt)],
        ]}
      />
      <details>
        <summary>Limits and capabilities</summary>
        <Facts
          class="plain"
          items={[
            ['Webhook call', `${p.limits.webhookDeadlineMs} ms wall, ${p.limits.webhookCpuMs} ms CPU`],
            ['Job call', `${p.limits.jobDeadlineMs} ms wall, ${p.limits.jobCpuMs} ms CPU`],
            ['Memory', `${p.limits.memoryLimitMb} MiB`],
            ['OAuth', p.capabilities.oauth ? `yes (${p.capabilities.oauthScopes.join(', ')})` : 'no'],
            ['Hosts', p.capabilities.allowedHosts.join(', ') || '—'],
            ['Webhooks', p.capabilities.webhookKinds.join(', ') || '—'],
            ['Jobs', p.capabilities.jobKinds.join(', ') || '—'],
            ['Secrets it compares', p.capabilities.secrets.join(', ') || '—'],
          ]}
        />
        <p class="small">
          SHA-256 <code>{p.contentHash}</code>
        </p>
      </details>
      {p.recentFailures.length > 0 && (
        <details>
          <summary>Recent failures ({p.recentFailures.length})</summary>
          <ul>
            {p.recentFailures.map((f, i) => (
              <li key={i} class="small">
                {instant(f.at)} · {f.call} · {words(f.kind)}: {f.message}
                {f.backtrace && <pre class="json">{f.backtrace}</pre>}
              </li>
            ))}
          </ul>
        </details>
      )}
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const reason = String(new FormData(e.currentTarget).get('reason') ?? '').trim();
          setReasonError(reason ? '' : 'Say why; it goes into the audit log.');
          if (reason) void toggle.run(reason);
        }}
      >
        <Input label="Reason" name="reason" error={reasonError || toggle.error?.byField.reason} />
        <div class="actions">
          <button type="submit" class={p.enabled ? 'danger secondary' : 'secondary'} disabled={toggle.busy}>
            {p.enabled ? 'Disable' : 'Enable'} <span class="visually-hidden">{p.displayName}</span>
          </button>
          {p.breaker !== 'CLOSED' && (
            <button type="button" class="secondary" onClick={() => void reset.run()} disabled={reset.busy}>
              Close the breaker
            </button>
          )}
        </div>
      </form>
      <ErrorNotice error={toggle.error ?? reset.error} />
    </li>
  );
}
