import { useState } from 'preact/hooks';
import { AccountQueryDoc, UNIT_OPTIONS, UpdateProfile } from '../components/account';
import { Checkbox, ErrorNotice, Loading, Notice, Page, Radios } from '../components/ui';
import type { Units } from '../gql/graphql';
import { request } from '../lib/api';
import { useAction, useQuery } from '../lib/hooks';
import { useSession } from '../lib/session';

export default function Settings() {
  const q = useQuery(AccountQueryDoc, {});
  const session = useSession();
  const [saved, setSaved] = useState(false);
  const save = useAction(async (form: HTMLFormElement) => {
    const data = new FormData(form);
    await request(UpdateProfile, {
      input: {
        units: String(data.get('units')) as Units,
        notifyProposals: data.has('notifyProposals'),
        notifyRiskAlerts: data.has('notifyRiskAlerts'),
        notifyWeeklySummary: data.has('notifyWeeklySummary'),
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
            <Checkbox name="notifyWeeklySummary" label="A weekly summary" defaultChecked={n.weeklySummary} />
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
    </Page>
  );
}
