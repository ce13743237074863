import { useState } from 'preact/hooks';
import { AccountQueryDoc, UNIT_OPTIONS, UpdateProfile } from '../components/account';
import { Checkbox, ErrorNotice, Loading, Notice, Page, Radios, Select } from '../components/ui';
import { graphql } from '../gql';
import type { DigestSettingsQuery, Units } from '../gql/graphql';
import { request } from '../lib/api';
import { DASH, instant, longDay } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { useMe, useSession } from '../lib/session';

const DigestSettingsDoc = graphql(`
  query DigestSettings {
    digestSettings {
      email
      weekday
      hour
      emailConfigured
    }
    digestEmails {
      weekStart
      state
      detail
      sentAt
    }
  }
`);

const UpdateDigestSettings = graphql(`
  mutation UpdateDigestSettings($email: Boolean, $weekday: Int, $hour: Int) {
    updateDigestSettings(email: $email, weekday: $weekday, hour: $hour) {
      email
      weekday
      hour
      emailConfigured
    }
  }
`);

/** ISO weekdays, 1 (Monday) to 7 (Sunday), as the API numbers them. */
const WEEKDAYS = [
  ['1', 'Monday'],
  ['2', 'Tuesday'],
  ['3', 'Wednesday'],
  ['4', 'Thursday'],
  ['5', 'Friday'],
  ['6', 'Saturday'],
  ['7', 'Sunday'],
] as const;

const HOURS = Array.from({ length: 24 }, (_, h) => [String(h), `${String(h).padStart(2, '0')}:00`] as const);

const SEND_WORDS: Record<string, string> = { queued: 'queued', sent: 'sent', skipped: 'not sent', failed: 'failed' };
const SEND_TAG: Record<string, string> = { sent: 'good', skipped: '', queued: '', failed: 'bad' };

export default function Settings() {
  const q = useQuery(AccountQueryDoc, {});
  const session = useSession();
  const [saved, setSaved] = useState(false);
  const save = useAction(async (form: HTMLFormElement) => {
    const data = new FormData(form);
    // The weekly summary is the digest email, set in its own section below.
    await request(UpdateProfile, {
      input: {
        units: String(data.get('units')) as Units,
        notifyProposals: data.has('notifyProposals'),
        notifyRiskAlerts: data.has('notifyRiskAlerts'),
      },
    });
    setSaved(true);
    await session.refresh();
    q.reload();
  });
  const n = q.data?.me.profile.notifications;
  return (
    <Page title="Settings">
      <ErrorNotice error={q.error} retry={q.reload} />
      {!q.data && !q.error && <Loading />}
      {q.data && n && (
        <form
          class="panel"
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            void save.run(e.currentTarget);
          }}
        >
          <Radios legend="Units" name="units" options={UNIT_OPTIONS} defaultValue={q.data.me.units} />
          <fieldset>
            <legend>Notifications</legend>
            <Checkbox name="notifyProposals" label="Plan-change proposals" defaultChecked={n.proposals} />
            <Checkbox name="notifyRiskAlerts" label="Load and injury-risk alerts" defaultChecked={n.riskAlerts} />
          </fieldset>
          <ErrorNotice error={save.error} />
          {saved && (
            <Notice kind="success" live>
              <p>Saved.</p>
            </Notice>
          )}
          <button type="submit" disabled={save.busy}>
            Save settings
          </button>
        </form>
      )}
      <DigestSettings />
    </Page>
  );
}

type DigestSettingsValue = DigestSettingsQuery['digestSettings'];

/** The digest's email switch, weekday and hour (the pickers hold their own value). */
function DigestForm(props: {
  settings: DigestSettingsValue;
  timeZone: string;
  saved: boolean;
  onSaving: () => void;
  onSaved: (next: DigestSettingsValue) => void;
}) {
  const { settings } = props;
  const [weekday, setWeekday] = useState(String(settings.weekday));
  const [hour, setHour] = useState(String(settings.hour));
  const save = useAction(async (form: HTMLFormElement) => {
    const answer = await request(UpdateDigestSettings, {
      email: new FormData(form).has('digestEmail'),
      weekday: Number(weekday),
      hour: Number(hour),
    });
    props.onSaved(answer.updateDigestSettings);
  });
  const errors = save.error?.byField ?? {};
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        props.onSaving();
        void save.run(e.currentTarget);
      }}
    >
      {!settings.emailConfigured && (
        <Notice kind="info">
          <p>This server does not send email; the digest is in the app. The email setting is kept for when an administrator sets up a mail server.</p>
        </Notice>
      )}
      <Checkbox name="digestEmail" label="Email me the weekly digest" defaultChecked={settings.email} hint="Each email has a link that turns this off." />
      <div class="row">
        <Select label="Arrives on" name="digestWeekday" value={weekday} onChange={(e) => setWeekday(e.currentTarget.value)} options={WEEKDAYS} error={errors.weekday} />
        <Select
          label="At"
          name="digestHour"
          value={hour}
          onChange={(e) => setHour(e.currentTarget.value)}
          options={HOURS}
          hint={`Your time (${props.timeZone})`}
          error={errors.hour}
        />
      </div>
      <ErrorNotice error={save.error} />
      {props.saved && !save.busy && !save.error && (
        <Notice kind="success" live>
          <p>Digest settings saved.</p>
        </Notice>
      )}
      <button type="submit" disabled={save.busy}>
        Save digest settings
      </button>
    </form>
  );
}

/** When the weekly digest arrives, whether it is emailed, and the emails sent so far. */
function DigestSettings() {
  const me = useMe();
  const q = useQuery(DigestSettingsDoc, {});
  const [saved, setSaved] = useState(false);
  const settings = q.data?.digestSettings;
  const emails = q.data?.digestEmails ?? [];
  return (
    <section class="panel" id="digest" aria-labelledby="digest-h">
      <h2 id="digest-h">Weekly digest</h2>
      <p>
        Every week Stride sums up the week before: sessions against the plan, load and form, alerts, plan changes waiting for a decision and the newest
        insight. It is always in the app, on the <a href="/digest">Digest page</a>; it can also be emailed.
      </p>
      <ErrorNotice error={q.error} retry={q.reload} />
      {!q.data && !q.error && <Loading what="digest settings" />}
      {settings && (
        <DigestForm
          key={`${settings.email}-${settings.weekday}-${settings.hour}`}
          settings={settings}
          timeZone={me.timeZone}
          saved={saved}
          onSaving={() => setSaved(false)}
          onSaved={(next) => {
            q.setData((previous) => previous && { ...previous, digestSettings: next });
            setSaved(true);
          }}
        />
      )}
      {q.data && (
        <>
          <h3>Recent digest emails</h3>
          {emails.length === 0 ? (
            <p class="muted">No digest email yet.</p>
          ) : (
            <div class="table-wrap">
              <table class="digest-emails">
                <caption class="visually-hidden">Digest emails, newest week first</caption>
                <thead>
                  <tr>
                    <th scope="col">Week of</th>
                    <th scope="col">State</th>
                    <th scope="col">Sent</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {emails.map((m) => (
                    <tr key={m.weekStart}>
                      <th scope="row">
                        <a href={`/digest?week=${m.weekStart}`}>{longDay(m.weekStart)}</a>
                      </th>
                      <td>
                        <span class={`tag ${SEND_TAG[m.state] ?? ''}`}>{SEND_WORDS[m.state] ?? m.state}</span>
                      </td>
                      <td>{m.sentAt ? instant(m.sentAt) : DASH}</td>
                      <td>{m.detail ?? DASH}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
