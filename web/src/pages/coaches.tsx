import { useState } from 'preact/hooks';
import { ErrorNotice, Input, Loading, Notice, Page, Radios, formValues } from '../components/ui';
import { graphql } from '../gql';
import type { GrantAccess } from '../gql/graphql';
import { request } from '../lib/api';
import { instant } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';

const MyCoaches = graphql(`
  query MyCoaches {
    myCoaches {
      id
      access
      createdAt
      revokedAt
      coach {
        id
        displayName
        email
      }
    }
  }
`);

const Grant = graphql(`
  mutation GrantCoachAccess($coachEmail: String!, $access: GrantAccess!) {
    grantCoachAccess(coachEmail: $coachEmail, access: $access) {
      id
    }
  }
`);

export const RevokeGrant = graphql(`
  mutation RevokeCoachAccess($grantId: ID!) {
    revokeCoachAccess(grantId: $grantId) {
      id
      revokedAt
    }
  }
`);

const ACCESS: [GrantAccess, string][] = [
  ['READ', 'Read: see sessions, mornings, plan and stats'],
  ['READ_WRITE', 'Read and write: also log for you, change your plan and decide on proposals'],
];

export default function Coaches() {
  const q = useQuery(MyCoaches, {});
  const [granted, setGranted] = useState('');
  const grant = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form);
    await request(Grant, { coachEmail: v.coachEmail ?? '', access: (v.access ?? 'READ') as GrantAccess });
    setGranted(v.coachEmail ?? '');
    form.reset();
    q.reload();
  });
  const revoke = useAction(async (id: string) => {
    await request(RevokeGrant, { grantId: id });
    q.reload();
  });
  const live = q.data?.myCoaches.filter((g) => !g.revokedAt) ?? [];
  const past = q.data?.myCoaches.filter((g) => g.revokedAt) ?? [];
  const errors = grant.error?.byField ?? {};
  return (
    <Page title="Coaches" lead="A coach sees your data only while your grant lasts. You can revoke it at any time.">
      <ErrorNotice error={q.error} retry={q.reload} />
      {!q.data && !q.error && <Loading />}
      {q.data && (
        <section class="panel" aria-labelledby="current-h">
          <h2 id="current-h">Current coaches</h2>
          {live.length === 0 && <p>No coach has access.</p>}
          <ul class="cards">
            {live.map((g) => (
              <li key={g.id}>
                <h3>{g.coach.displayName}</h3>
                <p class="small">
                  {g.coach.email} · <span class="tag">{g.access === 'READ_WRITE' ? 'read and write' : 'read'}</span> · since {instant(g.createdAt)}
                </p>
                <button
                  type="button"
                  class="danger secondary small"
                  disabled={revoke.busy}
                  onClick={() => {
                    if (window.confirm(`Revoke ${g.coach.displayName}'s access?`)) void revoke.run(g.id);
                  }}
                >
                  Revoke access
                </button>
              </li>
            ))}
          </ul>
          <ErrorNotice error={revoke.error} />
          {past.length > 0 && (
            <details>
              <summary>Revoked ({past.length})</summary>
              <ul>
                {past.map((g) => (
                  <li key={g.id}>
                    {g.coach.displayName} ({g.access === 'READ_WRITE' ? 'read and write' : 'read'}), revoked {instant(g.revokedAt)}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
      )}
      <section class="panel" aria-labelledby="grant-h">
        <h2 id="grant-h">Give a coach access</h2>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setGranted('');
            void grant.run(e.currentTarget);
          }}
        >
          <Input label="Coach’s email" name="coachEmail" type="email" required autocomplete="off" error={errors.coachEmail ?? errors.email} />
          <Radios legend="Access" name="access" options={ACCESS} defaultValue="READ" error={errors.access} />
          <ErrorNotice error={grant.error} />
          {granted && (
            <Notice kind="success" live>
              <p>{granted} now has access.</p>
            </Notice>
          )}
          <button type="submit" disabled={grant.busy}>
            Give access
          </button>
        </form>
      </section>
    </Page>
  );
}
