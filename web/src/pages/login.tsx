import { useState } from 'preact/hooks';
import { ErrorNotice, Input, Page, formValues } from '../components/ui';
import { sessionRequest } from '../lib/api';
import { useAction } from '../lib/hooks';
import { sessionEvents } from '../lib/session';

export default function Login() {
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const login = useAction(async (email: string, password: string) => {
    await sessionRequest('POST', '/console/session', { email, password });
    await sessionEvents.refresh();
  });
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const values = formValues(event.currentTarget as HTMLFormElement);
    const missing: Record<string, string> = {};
    if (!values.email) missing.email = 'Enter your email.';
    if (!values.password) missing.password = 'Enter your password.';
    setFieldErrors(missing);
    if (Object.keys(missing).length) return;
    await login.run(values.email!, values.password!);
  };
  const errors = { ...fieldErrors, ...(login.error?.byField ?? {}) };
  return (
    <Page title="Log in to Stride">
      <form class="stack" onSubmit={onSubmit} noValidate>
        <Input label="Email" name="email" type="email" autocomplete="username" required error={errors.email} />
        <Input label="Password" name="password" type="password" autocomplete="current-password" required error={errors.password} />
        <ErrorNotice error={login.error} />
        <div class="actions">
          <button type="submit" disabled={login.busy}>
            {login.busy ? 'Logging in…' : 'Log in'}
          </button>
        </div>
      </form>
      <p>
        Have an invite? <a href="/signup">Create your account</a>.
      </p>
      <p class="muted">
        Developers: the API and GraphiQL are at <a href="/graphql">/graphql</a>.
      </p>
    </Page>
  );
}
