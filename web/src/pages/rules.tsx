import { useState } from 'preact/hooks';
import { ErrorNotice, Input, Json, Loading, Notice, Page, Radios, TextArea } from '../components/ui';
import { graphql } from '../gql';
import type { RuleScopeKind } from '../gql/graphql';
import { request } from '../lib/api';
import { instant, words } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { can, useMe, useScope } from '../lib/session';

const RulesInForce = graphql(`
  query RulesInForce($athleteId: ID) {
    rulesInForce(athleteId: $athleteId) {
      name
      origin
      ruleId
      version
      source
    }
    ruleFailures(athleteId: $athleteId) {
      rule
      version
      error
      at
    }
  }
`);

const RuleVersions = graphql(`
  query RuleVersions($ruleId: ID!) {
    ruleVersions(ruleId: $ruleId) {
      version
      status
      source
      fixtures
      problems
      createdBy
      createdAt
    }
  }
`);

const Snapshot = graphql(`
  query RuleSnapshot($athleteId: ID) {
    ruleSnapshot(athleteId: $athleteId)
  }
`);

const Simulate = graphql(`
  mutation SimulateRule($athleteId: ID, $source: String!) {
    simulateRule(athleteId: $athleteId, source: $source) {
      kind
      reason
      draft
    }
  }
`);

const Save = graphql(`
  mutation SaveRule($input: RuleInput!) {
    saveRule(input: $input) {
      ruleId
      version
      accepted
      problems
    }
  }
`);

const TEMPLATE = `// A rule reads the athlete's snapshot (readiness, metrics, stats, alerts, today's workouts)
// and returns a list of proposals; an empty list proposes nothing. See rules/README.md.
let light = readiness.light;
if light != "red" {
    return [];
}
[]
`;

interface Draft {
  name: string;
  scope: RuleScopeKind;
  source: string;
  fixtures: string;
  ruleId: string | null;
}

type SimResult = { kind: string; reason: string; draft: unknown }[];

export default function Rules() {
  const scope = useScope();
  const rules = useQuery(RulesInForce, { athleteId: scope.athleteId });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [editorKey, setEditorKey] = useState(0);
  const open = (next: Draft) => {
    setDraft(next);
    setEditorKey((k) => k + 1);
  };
  const title = scope.self ? 'Rules' : `${scope.name}: rules`;
  return (
    <Page
      title={title}
      lead="Rules read the athlete’s data and propose plan changes; nothing applies until it is confirmed. A version goes live only when it compiles and its fixtures pass."
    >
      {!scope.canWrite && (
        <Notice kind="warning">
          <p>You have read-only access: you can read the rules and simulate drafts on this athlete’s data, but not save them.</p>
        </Notice>
      )}
      <div class="editor-grid">
        <div>
          {draft ? (
            <Editor key={editorKey} initial={draft} onSaved={() => rules.reload()} onLoadVersion={open} />
          ) : (
            <section class="panel">
              <p>Choose a rule to read or change, or start a new one.</p>
            </section>
          )}
        </div>
        <div>
          <section class="panel" aria-labelledby="inforce-h">
            <h2 id="inforce-h">In force</h2>
            <ErrorNotice error={rules.error} retry={rules.reload} />
            {!rules.data && !rules.error && <Loading />}
            {rules.data && (
              <ul class="plain-list">
                {rules.data.rulesInForce.map((r) => (
                  <li key={`${r.origin}-${r.name}`}>
                    <strong>{r.name}</strong> <span class="tag">{words(r.origin)}</span> <span class="small muted">version {r.version}</span>{' '}
                    <button
                      type="button"
                      class="secondary small"
                      onClick={() =>
                        open({ name: r.name, scope: r.origin === 'TEAM' ? 'TEAM' : 'ATHLETE', source: r.source, fixtures: '[]', ruleId: r.ruleId })
                      }
                    >
                      {scope.canWrite ? 'Open' : 'Read'} <span class="visually-hidden">{r.name}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {scope.canWrite && (
              <button type="button" onClick={() => open({ name: '', scope: 'ATHLETE', source: TEMPLATE, fixtures: '[]', ruleId: null })}>
                New rule
              </button>
            )}
          </section>
          {rules.data && rules.data.ruleFailures.length > 0 && (
            <section class="panel" aria-labelledby="failures-h">
              <h2 id="failures-h">Recent failures</h2>
              <ul>
                {rules.data.ruleFailures.slice(0, 10).map((f, i) => (
                  <li key={i} class="small">
                    <strong>{f.rule}</strong> {f.version} at {instant(f.at)}: {f.error}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </div>
    </Page>
  );
}

function Editor(props: { initial: Draft; onSaved: (ruleId: string) => void; onLoadVersion: (d: Draft) => void }) {
  const scope = useScope();
  const me = useMe();
  const [name, setName] = useState(props.initial.name);
  const [ruleScope, setRuleScope] = useState<RuleScopeKind>(props.initial.scope);
  const [source, setSource] = useState(props.initial.source);
  const [fixtures, setFixtures] = useState(props.initial.fixtures);
  const [ruleId, setRuleId] = useState(props.initial.ruleId);
  const [simulation, setSimulation] = useState<SimResult | null>(null);
  const [saved, setSaved] = useState<{ version: number; accepted: boolean; problems: string[] } | null>(null);
  const [versionsNonce, setVersionsNonce] = useState(0);

  const simulate = useAction(async () => {
    setSimulation(null);
    const answer = await request(Simulate, { athleteId: scope.athleteId, source });
    setSimulation(answer.simulateRule);
  });
  const snapshot = useAction(async () => {
    const answer = await request(Snapshot, { athleteId: scope.athleteId });
    let list: unknown[] = [];
    try {
      const parsed: unknown = JSON.parse(fixtures || '[]');
      list = Array.isArray(parsed) ? parsed : [];
    } catch {
      throw new Error('The fixtures are not valid JSON; fix them before adding a snapshot.');
    }
    const snap = answer.ruleSnapshot as { today?: string };
    list.push({ name: `${scope.name} on ${snap.today ?? 'today'}`, snapshot: answer.ruleSnapshot, expected: [] });
    setFixtures(JSON.stringify(list, null, 2));
  });
  const save = useAction(async () => {
    setSaved(null);
    const answer = await request(Save, {
      input: { name, scope: ruleScope, athleteId: ruleScope === 'ATHLETE' ? scope.athleteId : null, source, fixtures },
    });
    setSaved(answer.saveRule);
    setRuleId(answer.saveRule.ruleId);
    setVersionsNonce((n) => n + 1);
    props.onSaved(answer.saveRule.ruleId);
  });
  const errors = { ...(save.error?.byField ?? {}), ...(simulate.error?.byField ?? {}) };
  const readOnly = !scope.canWrite;

  return (
    <>
      <section class="panel" aria-labelledby="editor-h">
        <h2 id="editor-h">{props.initial.name ? `Rule “${props.initial.name}”` : 'New rule'}</h2>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          <Input
            label="Name"
            name="name"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            readOnly={readOnly}
            hint="Lower-case letters, digits and dashes. A default rule’s name replaces that default."
            error={errors.name}
          />
          {!readOnly && (
            <Radios
              legend="Applies to"
              name="scope"
              value={ruleScope}
              onChange={(v) => setRuleScope(v as RuleScopeKind)}
              options={[
                ['ATHLETE', `${scope.self ? 'Me' : scope.name} only`],
                ...(can(me, 'MANAGE_TEAM_RULES') ? ([['TEAM', 'Every athlete who gave me read-write access']] as [string, string][]) : []),
              ]}
            />
          )}
          <TextArea
            label="Script (rhai)"
            name="source"
            value={source}
            onInput={(e) => setSource(e.currentTarget.value)}
            readOnly={readOnly}
            spellcheck={false}
            autocapitalize="off"
            error={errors.source}
            code
          />
          <TextArea
            label="Fixtures (JSON)"
            name="fixtures"
            value={fixtures}
            onInput={(e) => setFixtures(e.currentTarget.value)}
            readOnly={readOnly}
            spellcheck={false}
            hint="A list of { name, snapshot, expected }. A version goes live only if every fixture passes."
            error={errors.fixtures}
            code
          />
          <div class="actions">
            <button type="button" class="secondary" onClick={() => void simulate.run()} disabled={simulate.busy}>
              {simulate.busy ? 'Simulating…' : `Simulate on ${scope.self ? 'my' : `${scope.name}’s`} data`}
            </button>
            {!readOnly && (
              <button type="button" class="secondary" onClick={() => void snapshot.run()} disabled={snapshot.busy}>
                Add today’s snapshot as a fixture
              </button>
            )}
            {!readOnly && (
              <button type="submit" disabled={save.busy || !name}>
                {save.busy ? 'Saving…' : 'Save version'}
              </button>
            )}
          </div>
          <ErrorNotice error={snapshot.error} />
          <ErrorNotice error={save.error} />
        </form>
        {saved &&
          (saved.accepted ? (
            <Notice kind="success" live>
              <p>Version {saved.version} is in force.</p>
            </Notice>
          ) : (
            <div class="notice error" role="alert">
              <p>
                Version {saved.version} was kept but <strong>not put in force</strong>:
              </p>
              <ul>
                {saved.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ))}
      </section>

      <section class="panel" aria-labelledby="sim-h" aria-live="polite">
        <h2 id="sim-h">Simulation</h2>
        <ErrorNotice error={simulate.error} />
        {!simulation && !simulate.error && <p class="muted">Run the draft on the athlete’s real data; nothing is proposed.</p>}
        {simulation && simulation.length === 0 && <p>The draft proposes nothing for today.</p>}
        {simulation && simulation.length > 0 && (
          <ul class="cards">
            {simulation.map((s, i) => (
              <li key={i}>
                <p>
                  <strong>{s.reason}</strong> <span class="tag">{s.kind}</span>
                </p>
                <details>
                  <summary>The whole draft</summary>
                  <Json value={s.draft} />
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>

      {ruleId && <Versions key={`${ruleId}-${versionsNonce}`} ruleId={ruleId} onLoad={(v) => props.onLoadVersion({ name, scope: ruleScope, source: v.source, fixtures: v.fixtures, ruleId })} />}
    </>
  );
}

function Versions(props: { ruleId: string; onLoad: (v: { source: string; fixtures: string }) => void }) {
  const q = useQuery(RuleVersions, { ruleId: props.ruleId });
  return (
    <section class="panel" aria-labelledby="versions-h">
      <h2 id="versions-h">Versions</h2>
      <ErrorNotice error={q.error} retry={q.reload} />
      {!q.data && !q.error && <Loading />}
      {q.data && (
        <ol class="versions" reversed>
          {q.data.ruleVersions.map((v) => (
            <li key={v.version}>
              <strong>Version {v.version}</strong> <span class={`tag ${v.status === 'active' ? 'good' : v.status === 'rejected' ? 'bad' : ''}`}>{v.status}</span>{' '}
              <span class="small muted">{instant(v.createdAt)}</span>
              {v.problems.length > 0 && (
                <>
                  <p class="small">Refused because:</p>
                  <ul class="small">
                    {v.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                </>
              )}
              <button type="button" class="secondary small" onClick={() => props.onLoad(v)}>
                Load version {v.version} into the editor
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
