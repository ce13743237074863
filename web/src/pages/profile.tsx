import { useState } from 'preact/hooks';
import { AccountQueryDoc, BodyFields, HeartFields, SEX_OPTIONS, UpdateBaselines, UpdateProfile, readBody, readHeart, sexOf, type Account } from '../components/account';
import { ErrorNotice, Facts, Input, Loading, Notice, Page, Select, formValues } from '../components/ui';
import { graphql } from '../gql';
import { request } from '../lib/api';
import { instant, words } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { navigate } from '../lib/router';
import { trains, useSession } from '../lib/session';

const ChangePassword = graphql(`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {
      expiresAt
    }
  }
`);

export default function Profile() {
  const q = useQuery(AccountQueryDoc, {});
  const session = useSession();
  return (
    <Page title="Profile">
      <ErrorNotice error={q.error} retry={q.reload} />
      {!q.data && !q.error && <Loading />}
      {q.data && (
        <>
          <section class="panel" aria-labelledby="account-h">
            <h2 id="account-h">Account</h2>
            <Facts
              class="plain"
              items={[
                ['Email', q.data.me.email],
                ['Role', words(q.data.me.role)],
                ['Member since', instant(q.data.me.createdAt)],
              ]}
            />
            {trains(session.me) && (
              <p>
                <a href="/onboarding">Go through the set-up steps again</a>
              </p>
            )}
          </section>
          <ProfileForm account={q.data.me} onSaved={() => (q.reload(), void session.refresh())} />
          {trains(session.me) && <BaselinesForm account={q.data.me} onSaved={q.reload} />}
          <PasswordForm />
        </>
      )}
    </Page>
  );
}

function ProfileForm(props: { account: Account; onSaved: () => void }) {
  const a = props.account;
  const [saved, setSaved] = useState(false);
  const save = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form);
    await request(UpdateProfile, {
      input: {
        displayName: v.displayName ?? '',
        timeZone: v.timeZone ?? a.timeZone,
        birthDate: v.birthDate ?? null,
        sex: sexOf(v.sex),
        ...readBody(v, a.units),
      },
    });
    setSaved(true);
    props.onSaved();
  });
  const errors = save.error?.byField ?? {};
  return (
    <section class="panel" aria-labelledby="profile-h">
      <h2 id="profile-h">About you</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void save.run(e.currentTarget);
        }}
      >
        <div class="row">
          <Input label="Name" name="displayName" defaultValue={a.displayName} required error={errors.displayName} />
          <Input label="Time zone" name="timeZone" defaultValue={a.timeZone} hint="IANA name, e.g. Europe/Oslo; your “today” follows it." error={errors.timeZone} />
        </div>
        <div class="row">
          <Input label="Birth date" name="birthDate" type="date" defaultValue={a.profile.birthDate ?? ''} error={errors.birthDate} />
          <Select label="Sex (for heart-rate load formulas)" name="sex" defaultValue={a.profile.sex ?? ''} options={SEX_OPTIONS} error={errors.sex} />
        </div>
        <BodyFields account={a} units={a.units} errors={errors} />
        <ErrorNotice error={save.error} />
        {saved && (
          <Notice kind="success" live>
            <p>Saved.</p>
          </Notice>
        )}
        <button type="submit" disabled={save.busy}>
          Save
        </button>
      </form>
    </section>
  );
}

function BaselinesForm(props: { account: Account; onSaved: () => void }) {
  const [saved, setSaved] = useState(false);
  const save = useAction(async (form: HTMLFormElement) => {
    await request(UpdateBaselines, { athleteId: null, input: readHeart(formValues(form), true) });
    setSaved(true);
    props.onSaved();
  });
  const errors = save.error?.byField ?? {};
  return (
    <section class="panel" aria-labelledby="baselines-h">
      <h2 id="baselines-h">Baselines</h2>
      <p class="muted small">Heart-rate load (TRIMP) and readiness compare against these.</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void save.run(e.currentTarget);
        }}
      >
        <HeartFields account={props.account} errors={errors} full />
        <ErrorNotice error={save.error} />
        {saved && (
          <Notice kind="success" live>
            <p>Saved.</p>
          </Notice>
        )}
        <button type="submit" disabled={save.busy}>
          Save baselines
        </button>
      </form>
    </section>
  );
}

function PasswordForm() {
  const [problems, setProblems] = useState<Record<string, string>>({});
  const change = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form);
    const local: Record<string, string> = {};
    if (!v.currentPassword) local.currentPassword = 'Enter your current password.';
    if (!v.newPassword) local.newPassword = 'Enter a new password.';
    else if (v.newPassword !== v.repeat) local.repeat = 'The two new passwords differ.';
    setProblems(local);
    if (Object.keys(local).length) return;
    // The answer carries a new bearer token; the console never keeps one. Changing the
    // password ends every session, this one included, so log in again.
    await request(ChangePassword, { currentPassword: v.currentPassword!, newPassword: v.newPassword! });
    navigate('/login?changed=1', { replace: true });
    location.reload();
  });
  const errors = { ...problems, ...(change.error?.byField ?? {}) };
  return (
    <section class="panel" aria-labelledby="password-h">
      <h2 id="password-h">Password</h2>
      <p class="muted small">Changing it logs you out everywhere, here too.</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void change.run(e.currentTarget);
        }}
      >
        <Input label="Current password" name="currentPassword" type="password" autocomplete="current-password" error={errors.currentPassword} />
        <div class="row">
          <Input label="New password" name="newPassword" type="password" autocomplete="new-password" hint="At least 10 characters." error={errors.newPassword} />
          <Input label="New password again" name="repeat" type="password" autocomplete="new-password" error={errors.repeat} />
        </div>
        <ErrorNotice error={change.error} />
        <button type="submit" disabled={change.busy}>
          Change password
        </button>
      </form>
    </section>
  );
}
