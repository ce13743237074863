import { useMemo, useState } from 'preact/hooks';
import { ErrorNotice, Input, Json, Loading, Notice, Page, Select } from '../components/ui';
import { graphql } from '../gql';
import type { AuditFilterInput } from '../gql/graphql';
import { request } from '../lib/api';
import { instant } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { navigate, useLocation } from '../lib/router';

const AuditLog = graphql(`
  query AuditLog($filter: AuditFilterInput, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          seq
          at
          actorId
          realActorId
          action
          targetKind
          targetId
          reason
          payload
          hash
        }
      }
    }
  }
`);

const Verify = graphql(`
  query VerifyAuditLog {
    verifyAuditLog {
      checked
      intact
      firstBrokenSeq
      problem
    }
  }
`);

const People = graphql(`
  query AuditPeople {
    users {
      id
      displayName
      email
    }
  }
`);

const KINDS = ['', 'user', 'invite', 'grant', 'proposal', 'plan', 'rule', 'plugin', 'ingestion'];
const FIELDS = ['actorId', 'targetKind', 'targetId', 'action', 'since', 'until'] as const;
const PAGE = 50;

function toInstant(local: string | null): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export default function Audit() {
  const { query } = useLocation();
  const after = query.get('after');
  const filter = useMemo<AuditFilterInput>(
    () => ({
      actorId: query.get('actorId') || null,
      targetKind: query.get('targetKind') || null,
      targetId: query.get('targetId') || null,
      action: query.get('action') || null,
      since: toInstant(query.get('since')),
      until: toInstant(query.get('until')),
    }),
    [query.toString()],
  );
  const log = useQuery(AuditLog, { filter, first: PAGE, after });
  const people = useQuery(People, {});
  const names = useMemo(() => new Map((people.data?.users ?? []).map((u) => [u.id, u.displayName])), [people.data]);
  const [verification, setVerification] = useState<{ checked: number; intact: boolean; firstBrokenSeq: number | null; problem: string | null } | null>(null);
  const verify = useAction(async () => {
    setVerification(null);
    setVerification((await request(Verify, {})).verifyAuditLog);
  });
  const filtered = FIELDS.some((f) => query.get(f));
  const pageQuery = (cursor: string | null) => {
    const params = new URLSearchParams(query);
    params.delete('after');
    if (cursor) params.set('after', cursor);
    return `/admin/audit${params.size ? `?${params}` : ''}`;
  };
  const who = (id: string | null) => (id === null ? 'Stride' : names.get(id) ?? id);

  return (
    <Page title="Audit log" lead="Every privileged or plan-changing action, newest first. Each entry carries the hash of the one before it.">
      <section class="panel" aria-labelledby="verify-h">
        <h2 id="verify-h">Verify the chain</h2>
        <p class="muted small">Recomputes every entry’s hash from the start and names the first one that does not match.</p>
        <button type="button" onClick={() => void verify.run()} disabled={verify.busy}>
          {verify.busy ? 'Verifying…' : 'Verify the audit chain'}
        </button>
        <ErrorNotice error={verify.error} />
        {verification &&
          (verification.intact ? (
            <Notice kind="success" live>
              <p class="verify-result">
                The chain is intact: {verification.checked} entries checked.
              </p>
            </Notice>
          ) : (
            <div class="notice error" role="alert">
              <p class="verify-result">
                The chain is broken at entry {verification.firstBrokenSeq}: {verification.problem} ({verification.checked} entries checked).
              </p>
            </div>
          ))}
      </section>

      <form
        class="panel"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          const params = new URLSearchParams();
          new FormData(e.currentTarget).forEach((v, k) => typeof v === 'string' && v.trim() && params.set(k, v.trim()));
          navigate(`/admin/audit${params.size ? `?${params}` : ''}`);
        }}
      >
        <div class="row">
          {people.data ? (
            <Select
              label="Actor"
              name="actorId"
              defaultValue={query.get('actorId') ?? ''}
              options={[['', 'Anyone'], ...people.data.users.map((u) => [u.id, `${u.displayName} (${u.email})`] as const)]}
            />
          ) : (
            <Input label="Actor id" name="actorId" defaultValue={query.get('actorId') ?? ''} />
          )}
          <Select label="Target kind" name="targetKind" defaultValue={query.get('targetKind') ?? ''} options={KINDS.map((k) => [k, k || 'Any'] as const)} />
          <Input label="Target id" name="targetId" defaultValue={query.get('targetId') ?? ''} />
          <Input label="Action" name="action" defaultValue={query.get('action') ?? ''} hint="e.g. proposal.apply" />
        </div>
        <div class="row">
          <Input label="Since" name="since" type="datetime-local" defaultValue={query.get('since') ?? ''} />
          <Input label="Until" name="until" type="datetime-local" defaultValue={query.get('until') ?? ''} />
          <div class="actions">
            <button type="submit">Filter</button>
            {filtered && (
              <a class="button secondary" href="/admin/audit">
                Clear
              </a>
            )}
          </div>
        </div>
      </form>

      <ErrorNotice error={log.error} retry={log.reload} />
      {log.loading && !log.data && <Loading what="entries" />}
      {log.data && (
        <>
          {log.data.auditLog.edges.length === 0 && <p>No entries{filtered ? ' match' : ''}.</p>}
          {log.data.auditLog.edges.length > 0 && (
            <div class="table-wrap">
              <table class="audit">
                <caption>
                  Entries {log.data.auditLog.edges[0]!.node.seq}–{log.data.auditLog.edges[log.data.auditLog.edges.length - 1]!.node.seq}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" class="num">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {log.data.auditLog.edges.map(({ node: e }) => (
                    <tr key={e.seq}>
                      <td class="num">{e.seq}</td>
                      <td>{instant(e.at)}</td>
                      <td>
                        {who(e.actorId)}
                        {e.realActorId && e.realActorId !== e.actorId && <span class="small muted"> (really {who(e.realActorId)})</span>}
                      </td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>
                        {e.targetKind}
                        {e.targetId && (
                          <>
                            <br />
                            <a class="small" href={`/admin/audit?targetKind=${encodeURIComponent(e.targetKind)}&targetId=${encodeURIComponent(e.targetId)}`}>
                              {names.get(e.targetId) ?? e.targetId}
                            </a>
                          </>
                        )}
                      </td>
                      <td>
                        {e.reason && <p class="small">{e.reason}</p>}
                        <details>
                          <summary class="small">Payload and hash</summary>
                          <Json value={e.payload} />
                          <p class="small">
                            Hash <code>{e.hash}</code>
                          </p>
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav class="actions" aria-label="Pages">
            {after && (
              <a class="button secondary" href={pageQuery(null)}>
                Newest entries
              </a>
            )}
            {after && (
              <button type="button" class="secondary" onClick={() => history.back()}>
                Previous page
              </button>
            )}
            {log.data.auditLog.pageInfo.hasNextPage && (
              <a class="button secondary" href={pageQuery(log.data.auditLog.pageInfo.endCursor)}>
                Older entries
              </a>
            )}
          </nav>
        </>
      )}
    </Page>
  );
}
