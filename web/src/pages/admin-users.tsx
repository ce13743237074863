import { useState } from 'preact/hooks';
import { ErrorNotice, Input, Loading, Notice, Page, Select, formValues, int } from '../components/ui';
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';
import { ApiError, request, sessionRequest } from '../lib/api';
import { instant, words } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { can, useMe } from '../lib/session';

const Users = graphql(`
  query AdminUsers {
    users {
      id
      email
      displayName
      role
      createdAt
      disabledAt
    }
  }
`);

const Invites = graphql(`
  query AdminInvites {
    invites {
      id
      email
      role
      createdAt
      expiresAt
      usedAt
      revokedAt
      status
    }
  }
`);

const CreateInvite = graphql(`
  mutation CreateInvite($role: Role!, $email: String, $expiresInHours: Int) {
    createInvite(role: $role, email: $email, expiresInHours: $expiresInHours) {
      token
      invite {
        id
        expiresAt
      }
    }
  }
`);

const RevokeInvite = graphql(`
  mutation RevokeInvite($id: ID!) {
    revokeInvite(id: $id)
  }
`);

const SetRole = graphql(`
  mutation SetUserRole($userId: ID!, $role: Role!, $reason: String) {
    setUserRole(userId: $userId, role: $role, reason: $reason) {
      id
      role
    }
  }
`);

const SetDisabled = graphql(`
  mutation SetUserDisabled($userId: ID!, $disabled: Boolean!, $reason: String) {
    setUserDisabled(userId: $userId, disabled: $disabled, reason: $reason) {
      id
      disabledAt
    }
  }
`);

const ROLES: [Role, string][] = [
  ['ATHLETE', 'Athlete'],
  ['COACH', 'Coach'],
  ['ADMIN', 'Admin'],
  ['OWNER', 'Owner'],
];

export default function UsersPage() {
  const me = useMe();
  const roles = can(me, 'MANAGE_ADMINS') ? ROLES : ROLES.slice(0, 2);
  return (
    <Page title="Users and invites">
      {can(me, 'INVITE_USERS') && <InvitesSection roles={roles} />}
      {can(me, 'MANAGE_USERS') && <UsersSection roles={roles} />}
    </Page>
  );
}

function InvitesSection(props: { roles: [Role, string][] }) {
  const q = useQuery(Invites, {});
  const [created, setCreated] = useState<{ token: string; expiresAt: string } | null>(null);
  const create = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form);
    const answer = await request(CreateInvite, { role: (v.role ?? 'ATHLETE') as Role, email: v.email ?? null, expiresInHours: int(v.expiresInHours) ?? null });
    setCreated({ token: answer.createInvite.token, expiresAt: answer.createInvite.invite.expiresAt });
    form.reset();
    q.reload();
  });
  const revoke = useAction(async (id: string) => {
    await request(RevokeInvite, { id });
    q.reload();
  });
  const errors = create.error?.byField ?? {};
  const link = created ? `${location.origin}/signup?invite=${encodeURIComponent(created.token)}` : '';
  return (
    <>
      <section class="panel" aria-labelledby="invite-h">
        <h2 id="invite-h">Invite someone</h2>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setCreated(null);
            void create.run(e.currentTarget);
          }}
        >
          <div class="row">
            <Select label="Role" name="role" defaultValue="ATHLETE" options={props.roles} error={errors.role} />
            <Input label="Email (optional)" name="email" type="email" hint="Only this address may use the invite." error={errors.email} />
            <Input label="Valid for (hours)" name="expiresInHours" type="number" min="1" inputMode="numeric" hint="Empty: the server’s default." error={errors.expiresInHours} />
          </div>
          <ErrorNotice error={create.error} />
          <button type="submit" disabled={create.busy}>
            Create invite
          </button>
        </form>
        {created && (
          <Notice kind="success" live>
            <p>
              The invite is ready. Send this link; it is <strong>shown only now</strong> and works until {instant(created.expiresAt)}.
            </p>
            <p class="token">{link}</p>
            <button type="button" class="secondary small" onClick={() => void navigator.clipboard?.writeText(link)}>
              Copy the link
            </button>
          </Notice>
        )}
      </section>
      <section class="panel" aria-labelledby="invites-h">
        <h2 id="invites-h">Invites</h2>
        <ErrorNotice error={q.error ?? revoke.error} retry={q.reload} />
        {!q.data && !q.error && <Loading />}
        {q.data && q.data.invites.length === 0 && <p>No invites yet.</p>}
        {q.data && q.data.invites.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">For</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {q.data.invites.map((i) => (
                  <tr key={i.id}>
                    <td>{i.email ?? 'anyone with the link'}</td>
                    <td>{words(i.role)}</td>
                    <td>
                      <span class={`tag ${i.status === 'PENDING' ? 'warn' : i.status === 'USED' ? 'good' : ''}`}>{words(i.status)}</span>
                    </td>
                    <td>{instant(i.expiresAt)}</td>
                    <td>
                      {i.status === 'PENDING' && (
                        <button type="button" class="danger secondary small" disabled={revoke.busy} onClick={() => void revoke.run(i.id)}>
                          Withdraw <span class="visually-hidden">the invite for {i.email ?? 'anyone'}</span>
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
    </>
  );
}

function UsersSection(props: { roles: [Role, string][] }) {
  const me = useMe();
  const q = useQuery(Users, {});
  return (
    <section class="panel" aria-labelledby="users-h">
      <h2 id="users-h">Users</h2>
      <ErrorNotice error={q.error} retry={q.reload} />
      {!q.data && !q.error && <Loading />}
      {q.data && (
        <ul class="cards">
          {q.data.users.map((u) => (
            <UserRow key={u.id} user={u} roles={props.roles} self={u.id === me.id} onChange={q.reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

type User = { id: string; email: string; displayName: string; role: Role; createdAt: string; disabledAt: string | null };

function UserRow(props: { user: User; roles: [Role, string][]; self: boolean; onChange: () => void }) {
  const u = props.user;
  const setRole = useAction(async (role: Role, reason: string) => {
    await request(SetRole, { userId: u.id, role, reason: reason || null });
    props.onChange();
  });
  const setDisabled = useAction(async (disabled: boolean, reason: string) => {
    await request(SetDisabled, { userId: u.id, disabled, reason: reason || null });
    props.onChange();
  });
  const manageable = !props.self && props.roles.some(([r]) => r === u.role);
  const me = useMe();
  const actAs = useAction(async (reason: string, minutes: number | null) => {
    if (reason.trim().length < 5) {
      throw new ApiError('a reason is needed', 'BAD_INPUT', [
        { field: 'reason', reason: 'say why you need to act as this user (at least 5 characters); it is kept in the audit log' },
      ]);
    }
    await sessionRequest('POST', '/console/impersonation', { userId: u.id, reason, minutes });
    location.assign('/');
  });
  const impersonable = !props.self && !u.disabledAt && can(me, 'IMPERSONATE') && (can(me, 'MANAGE_ADMINS') || u.role === 'ATHLETE' || u.role === 'COACH');
  return (
    <li>
      <h3>
        {u.displayName} {u.disabledAt && <span class="tag bad">disabled</span>}
      </h3>
      <p class="small">
        {u.email} · {words(u.role)} · joined {instant(u.createdAt)}
        {u.disabledAt && <> · disabled {instant(u.disabledAt)}</>}
      </p>
      {manageable && (
        <details>
          <summary>Change role or access</summary>
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              const v = formValues(e.currentTarget);
              void setRole.run((v.role ?? u.role) as Role, v.reason ?? '');
            }}
          >
            <Select label="Role" name="role" defaultValue={u.role} options={props.roles} />
            <Input label="Reason" name="reason" />
            <button type="submit" class="secondary" disabled={setRole.busy}>
              Change role
            </button>
          </form>
          <ErrorNotice error={setRole.error} />
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              void setDisabled.run(!u.disabledAt, formValues(e.currentTarget).reason ?? '');
            }}
          >
            <Input label="Reason" name="reason" />
            <button type="submit" class={u.disabledAt ? 'secondary' : 'danger secondary'} disabled={setDisabled.busy}>
              {u.disabledAt ? 'Enable the account' : 'Disable the account'}
            </button>
          </form>
          <ErrorNotice error={setDisabled.error} />
        </details>
      )}
      {impersonable && (
        <details>
          <summary>Act as {u.displayName}</summary>
          <p class="small">See exactly what they see, for a limited time. The reason is kept in the audit log, and the password and new secrets stay out of reach.</p>
          <form
            class="row"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const v = formValues(e.currentTarget);
              void actAs.run(v.reason ?? '', int(v.minutes) ?? null);
            }}
          >
            <Input label="Reason" name="reason" required error={actAs.error?.byField?.reason} />
            <Input label="Minutes" name="minutes" type="number" min="1" max="60" inputMode="numeric" defaultValue="30" error={actAs.error?.byField?.minutes} />
            <button type="submit" class="secondary" disabled={actAs.busy}>
              Act as {u.displayName}
            </button>
          </form>
          <ErrorNotice error={actAs.error} />
        </details>
      )}
    </li>
  );
}
