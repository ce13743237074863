import { useState } from 'preact/hooks';
import { ErrorNotice, Input, Loading, Notice, Page, Select } from '../components/ui';
import { graphql } from '../gql';
import type { ProposalFieldsFragment } from '../gql/graphql';
import { request } from '../lib/api';
import { DASH, instant, longDay, minutes, words } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { navigate, useLocation } from '../lib/router';
import { useScope } from '../lib/session';
import { useSubscription } from '../lib/ws';

graphql(`
  fragment ProposalFields on Proposal {
    id
    athleteId
    state
    kind
    reason
    source {
      kind
      reference
      version
    }
    receipts {
      label
      value
      date
      activityId
    }
    changes {
      date
      workoutId
      before {
        kind
        targetDurationSeconds
        targetDistanceMeters
        intensityZone
        description
      }
      after {
        kind
        targetDurationSeconds
        targetDistanceMeters
        intensityZone
        description
      }
    }
    basePlanVersion
    createdAt
    expiresAt
    decidedAt
    decisionReason
    appliedAt
  }
`);

const ProposalsQuery = graphql(`
  query Proposals($athleteId: ID, $state: ProposalState) {
    proposals(athleteId: $athleteId, state: $state) {
      ...ProposalFields
    }
  }
`);

const ProposalCreated = graphql(`
  subscription ProposalCreated($athleteId: ID) {
    proposalCreated(athleteId: $athleteId) {
      ...ProposalFields
    }
  }
`);

const Confirm = graphql(`
  mutation ConfirmProposal($id: ID!) {
    confirmProposal(id: $id) {
      ...ProposalFields
    }
  }
`);

const Reject = graphql(`
  mutation RejectProposal($id: ID!, $reason: String) {
    rejectProposal(id: $id, reason: $reason) {
      ...ProposalFields
    }
  }
`);

type Proposal = ProposalFieldsFragment;
type ProposalState = Proposal['state'];

const STATES: [string, string][] = [
  ['PENDING', 'Waiting for a decision'],
  ['', 'All'],
  ['APPLIED', 'Applied'],
  ['REJECTED', 'Rejected'],
  ['EXPIRED', 'Expired'],
  ['SUPERSEDED', 'Superseded'],
  ['STALE', 'Stale'],
];

const STATE_TAG: Record<string, string> = { PENDING: 'warn', APPLIED: 'good', CONFIRMED: 'good', REJECTED: 'bad', STALE: 'bad' };

export default function Proposals() {
  const scope = useScope();
  const { query } = useLocation();
  const state = (query.has('state') ? query.get('state') : 'PENDING') || null;
  const list = useQuery(ProposalsQuery, { athleteId: scope.athleteId, state: state as ProposalState | null });
  const [arrived, setArrived] = useState<string>('');
  const live = useSubscription(ProposalCreated, { athleteId: scope.athleteId }, (data) => {
    const p = data.proposalCreated;
    if (state && p.state !== state) return;
    list.setData((old) => (old && !old.proposals.some((x) => x.id === p.id) ? { proposals: [p, ...old.proposals] } : old));
    setArrived(`New proposal: ${p.reason}`);
  });
  const title = scope.self ? 'Proposals' : `${scope.name}: proposals`;
  const replace = (next: Proposal) => list.setData((old) => old && { proposals: old.proposals.map((p) => (p.id === next.id ? next : p)) });

  return (
    <Page
      title={title}
      lead="Plan changes wait here until they are confirmed or rejected: nothing in a plan changes silently."
      actions={
        <span class={`live${live === 'live' ? ' on' : ''}`}>
          <span class="dot" aria-hidden="true" />
          {live === 'live' ? 'Live: new proposals appear here' : live === 'connecting' ? 'Connecting…' : 'Not live (reconnecting)'}
        </span>
      }
    >
      <div role="status" aria-live="polite" class={arrived ? 'notice' : 'visually-hidden'}>
        {arrived}
      </div>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const chosen = String(new FormData(e.currentTarget).get('state') ?? '');
          navigate(`${scope.base}/proposals?state=${chosen}`);
        }}
      >
        <Select label="Show" name="state" defaultValue={state ?? ''} key={state ?? 'all'} options={STATES} />
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      <ErrorNotice error={list.error} retry={list.reload} />
      {list.loading && !list.data && <Loading what="proposals" />}
      {list.data && list.data.proposals.length === 0 && <p>{state === 'PENDING' ? 'Nothing is waiting for a decision.' : 'No proposals.'}</p>}
      {list.data && (
        <ul class="cards proposals">
          {list.data.proposals.map((p) => (
            <ProposalCard key={p.id} proposal={p} canDecide={scope.canWrite} onChange={replace} onStale={list.reload} planHref={`${scope.base}/plan`} />
          ))}
        </ul>
      )}
    </Page>
  );
}

function sourceWords(p: Proposal): string {
  switch (p.source.kind) {
    case 'RULE':
      return `Rule “${p.source.reference}”${p.source.version ? ` (version ${p.source.version})` : ''}`;
    case 'PLUGIN':
      return `Plugin ${p.source.reference}${p.source.version ? ` ${p.source.version}` : ''}`;
    default:
      return 'A coach';
  }
}

function receiptValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function session(s: Proposal['changes'][number]['before']): string {
  if (!s) return DASH;
  const parts = [words(s.kind)];
  if (s.targetDurationSeconds) parts.push(minutes(s.targetDurationSeconds));
  if (s.intensityZone) parts.push(`zone ${s.intensityZone}`);
  return parts.join(', ');
}

function ProposalCard(props: { proposal: Proposal; canDecide: boolean; onChange: (p: Proposal) => void; onStale: () => void; planHref: string }) {
  const p = props.proposal;
  const [rejecting, setRejecting] = useState(false);
  const [done, setDone] = useState('');
  const confirm = useAction(async () => {
    try {
      const answer = await request(Confirm, { id: p.id });
      props.onChange(answer.confirmProposal);
      setDone('Confirmed and applied to the plan.');
    } catch (error) {
      props.onStale();
      throw error;
    }
  });
  const reject = useAction(async (reason: string) => {
    const answer = await request(Reject, { id: p.id, reason: reason || null });
    props.onChange(answer.rejectProposal);
    setDone('Rejected; the plan stays as it was.');
  });
  const headingId = `proposal-${p.id}`;
  return (
    <li aria-labelledby={headingId}>
      <h3 id={headingId}>{p.reason}</h3>
      <p class="small">
        <span class={`tag ${STATE_TAG[p.state] ?? ''}`}>{words(p.state)}</span> {sourceWords(p)} · proposed {instant(p.createdAt)}
        {p.state === 'PENDING' && <> · lapses {instant(p.expiresAt)}</>}
        {p.basePlanVersion !== null && <> · against plan version {p.basePlanVersion}</>}
      </p>
      {p.decisionReason && <p class="small">Why: {p.decisionReason}</p>}

      <div class="table-wrap">
        <table class="diff">
          <caption>What changes</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {p.changes.map((c) => (
              <tr key={`${c.date}-${c.workoutId ?? ''}`}>
                <th scope="row">{longDay(c.date)}</th>
                <td class="before">
                  <del>
                    <span class="visually-hidden">Before: </span>
                    <strong>{session(c.before)}</strong>
                    {c.before && <p class="small">{c.before.description}</p>}
                  </del>
                </td>
                <td class="after">
                  <ins>
                    <span class="visually-hidden">After: </span>
                    <strong>{c.after ? session(c.after) : 'Removed'}</strong>
                    {c.after && <p class="small">{c.after.description}</p>}
                  </ins>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {p.receipts.length > 0 && (
        <details>
          <summary>Receipts ({p.receipts.length})</summary>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">What the proposal rests on</caption>
              <tbody>
                {p.receipts.map((r, i) => (
                  <tr key={i}>
                    <th scope="row">{r.label.replace(/_/g, ' ')}</th>
                    <td>
                      {receiptValue(r.value)}
                      {r.date && <span class="muted"> ({r.date})</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}

      {done && (
        <Notice kind="success" live>
          <p>
            {done} <a href={props.planHref}>See the plan</a>.
          </p>
        </Notice>
      )}
      <ErrorNotice error={confirm.error ?? reject.error} />
      {props.canDecide && p.state === 'PENDING' && (
        <div class="decision">
          {!rejecting ? (
            <div class="actions">
              <button type="button" onClick={() => void confirm.run()} disabled={confirm.busy}>
                {confirm.busy ? 'Confirming…' : 'Confirm'}
              </button>
              <button type="button" class="secondary" onClick={() => setRejecting(true)}>
                Reject…
              </button>
            </div>
          ) : (
            <form
              class="row"
              onSubmit={(e) => {
                e.preventDefault();
                void reject.run(String(new FormData(e.currentTarget).get('reason') ?? '').trim());
              }}
            >
              <Input label="Why (optional)" name="reason" autoFocus />
              <div class="actions">
                <button type="submit" class="danger" disabled={reject.busy}>
                  Reject
                </button>
                <button type="button" class="secondary" onClick={() => setRejecting(false)}>
                  Cancel
                </button>
              </div>
            </form>
          )}
        </div>
      )}
    </li>
  );
}
