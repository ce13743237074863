import { ErrorNotice, Input, Page, formValues } from '../components/ui';
import { sessionRequest } from '../lib/api';
import { useAction } from '../lib/hooks';
import { navigate } from '../lib/router';
import { sessionEvents } from '../lib/session';

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export default function SignUp() {
  const invite = new URLSearchParams(location.search).get('invite') ?? '';
  const signUp = useAction(async (values: Record<string, string>) => {
    await sessionRequest('POST', '/console/signup', {
      inviteToken: values.inviteToken ?? '',
      email: values.email ?? '',
      password: values.password ?? '',
      displayName: values.displayName ?? '',
      timeZone: values.timeZone,
    });
    // Once the session is known, the console goes on to the set-up wizard.
    navigate('/signup?next=/onboarding', { replace: true });
    await sessionEvents.refresh();
  });
  const errors = signUp.error?.byField ?? {};
  return (
    <Page title="Create your Stride account" lead="You need an invite from your coach or the people who run this Stride.">
      <form
        class="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void signUp.run(formValues(event.currentTarget));
        }}
      >
        <Input label="Invite token" name="inviteToken" defaultValue={invite} required autocomplete="off" error={errors.inviteToken ?? errors.invite_token ?? errors.invite} />
        <Input label="Your name" name="displayName" required autocomplete="name" error={errors.displayName ?? errors.display_name} />
        <Input label="Email" name="email" type="email" required autocomplete="username" error={errors.email} />
        <Input label="Password" name="password" type="password" required autocomplete="new-password" hint="At least 10 characters." error={errors.password} />
        <Input label="Time zone" name="timeZone" defaultValue={browserTimeZone()} hint="Your “today” follows it, e.g. Europe/Oslo." error={errors.timeZone ?? errors.time_zone} />
        <ErrorNotice error={signUp.error} />
        <div class="actions">
          <button type="submit" disabled={signUp.busy}>
            {signUp.busy ? 'Creating…' : 'Create account'}
          </button>
        </div>
      </form>
      <p>
        Already have an account? <a href="/login">Log in</a>.
      </p>
    </Page>
  );
}
