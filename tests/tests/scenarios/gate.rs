//! No plan changes silently: rules propose with receipts, the athlete (or a coach they gave
//! read-write access) confirms, the host applies the change as a new plan version, and every
//! step lands in the audit chain. Stale, expired and unauthorised decisions are refused.

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};
use stride_e2e::{Session, TestApp, wait_for};

const METRICS: &str = "mutation($i: DailyMetricsInput!) { logDailyMetrics(input: $i) { id } }";
const PROPOSAL: &str = "id athleteId state kind reason basePlanVersion expiresAt decidedBy decisionReason \
     source { kind reference version } receipts { label value date } \
     changes { workoutId date before { kind targetDurationSeconds intensityZone description } after { kind targetDurationSeconds intensityZone description } }";
const TODAY: &str = "2026-03-02";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// An athlete with two good weeks of mornings behind her and a plan that trains every day
/// from today (Monday 2 March 2026) to a half marathon on 10 May.
async fn athlete_with_plan(app: &TestApp, owner: &Session, email: &str) -> Session {
    let ann = app.invite_user(owner, "ATHLETE", email).await;
    app.gql(
        Some(&ann.token),
        "mutation { updateBaselines(input: { restingHeartRate: 48, maxHeartRate: 190, hrvMs: 70, hrvKind: RMSSD }) { maxHeartRate } }",
        json!({}),
    )
    .await
    .ok();
    let mut date = day(2026, 2, 16);
    let mut n = 0.0;
    while date < day(2026, 3, 2) {
        app.gql(
            Some(&ann.token),
            METRICS,
            json!({ "i": { "date": date.to_string(), "restingHeartRate": 48, "hrvMs": 68.0 + n % 5.0, "hrvKind": "RMSSD", "sleepDurationMinutes": 470, "sleepQuality": 4 } }),
        )
        .await
        .ok();
        date += Duration::days(1);
        n += 1.0;
    }
    app.gql(
        Some(&ann.token),
        "mutation { createPlan(input: { goalRaceName: \"Spring Half\", goalRaceDate: \"2026-05-10\", goalDistanceMeters: 21097.5, availability: { daysPerWeek: 7, longRunDay: SUNDAY, unavailableWeekdays: [] } }) { version } }",
        json!({}),
    )
    .await
    .ok();
    ann
}

/// This morning: HRV far below her baseline and a short, poor night.
async fn poor_morning(app: &TestApp, ann: &Session) {
    app.gql(
        Some(&ann.token),
        METRICS,
        json!({ "i": { "date": TODAY, "restingHeartRate": 50, "hrvMs": 40.0, "hrvKind": "RMSSD", "sleepDurationMinutes": 280, "sleepQuality": 2 } }),
    )
    .await
    .ok();
}

/// The athlete's active plan between two days.
async fn plan(app: &TestApp, who: &Session, athlete: &str, from: &str, to: &str) -> Value {
    app.gql(
        Some(&who.token),
        "query($a: ID, $f: NaiveDate, $t: NaiveDate) { trainingPlan(athleteId: $a, from: $f, to: $t) { version workouts { id date kind state targetDurationSeconds intensityZone description planVersion } } }",
        json!({ "a": athlete, "f": from, "t": to }),
    )
    .await
    .ok()["trainingPlan"]
        .clone()
}

async fn proposals(app: &TestApp, who: &Session, athlete: &str) -> Vec<Value> {
    let query = format!("query($a: ID) {{ proposals(athleteId: $a) {{ {PROPOSAL} }} }}");
    app.gql(Some(&who.token), &query, json!({ "a": athlete }))
        .await
        .ok()["proposals"]
        .as_array()
        .expect("a list")
        .clone()
}

/// Waits until the rule `rule` has filed a pending proposal for `athlete`.
async fn pending_from(app: &TestApp, who: &Session, athlete: &str, rule: &str) -> Value {
    wait_for(&format!("a proposal from {rule}"), 20, || async {
        proposals(app, who, athlete)
            .await
            .into_iter()
            .find(|p| p["state"] == "PENDING" && p["source"]["reference"] == rule)
    })
    .await
}

async fn confirm(app: &TestApp, who: &Session, id: &str) -> stride_e2e::Answer {
    let query = format!("mutation($id: ID!) {{ confirmProposal(id: $id) {{ {PROPOSAL} }} }}");
    app.gql(Some(&who.token), &query, json!({ "id": id })).await
}

/// (action, actor) of every audit entry about one proposal, oldest first.
async fn proposal_trail(app: &TestApp, owner: &Session, id: &str) -> Vec<(String, String)> {
    let answer = app
        .gql(
            Some(&owner.token),
            "query($id: String!) { auditLog(filter: { targetKind: \"proposal\", targetId: $id }, first: 50) { edges { node { action actorId } } } }",
            json!({ "id": id }),
        )
        .await;
    let mut trail: Vec<(String, String)> = answer.ok()["auditLog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["node"]["action"].as_str().unwrap_or_default().to_owned(),
                e["node"]["actorId"].as_str().unwrap_or("system").to_owned(),
            )
        })
        .collect();
    trail.reverse();
    trail
}

async fn audit_intact(app: &TestApp, owner: &Session) {
    let verified = app
        .gql(
            Some(&owner.token),
            "{ verifyAuditLog { checked intact firstBrokenSeq problem } }",
            json!({}),
        )
        .await;
    let verified = &verified.ok()["verifyAuditLog"];
    assert_eq!(verified["intact"], true, "{verified}");
}

fn labels(proposal: &Value) -> Vec<String> {
    proposal["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .map(|r| r["label"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poor_hrv_and_sleep_lead_to_a_proposal_the_athlete_confirms() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = athlete_with_plan(&app, &owner, "ann@example.test").await;
    let before = plan(&app, &ann, &ann.id, TODAY, TODAY).await;
    assert_eq!(before["version"], 1);
    let today_before = before["workouts"][0].clone();
    assert_eq!(
        today_before["date"], TODAY,
        "the plan trains today: {before}"
    );

    // The athlete hears about new proposals as they are filed.
    let mut live = app
        .subscribe(
            &ann.token,
            "subscription { proposalCreated { id state source { reference } } }",
        )
        .await;
    poor_morning(&app, &ann).await;

    let proposal = pending_from(&app, &ann, &ann.id, "traffic-light").await;
    let pushed = tokio::time::timeout(std::time::Duration::from_secs(20), live.recv())
        .await
        .expect("a pushed proposal")
        .expect("the subscription is open");
    assert_eq!(pushed["proposalCreated"]["id"], proposal["id"], "{pushed}");

    // What it proposes and why, with receipts.
    assert_eq!(proposal["source"]["kind"], "RULE");
    assert!(
        proposal["source"]["version"]
            .as_str()
            .is_some_and(|v| v.starts_with("builtin-")),
        "the shipped rule's version is named: {proposal}"
    );
    assert_eq!(proposal["kind"], "workout_change");
    assert_eq!(proposal["basePlanVersion"], 1);
    assert!(
        proposal["reason"]
            .as_str()
            .is_some_and(|r| r.contains("Readiness is red")),
        "{proposal}"
    );
    let cited = labels(&proposal);
    for label in ["readiness", "confidence", "hrv", "sleep"] {
        assert!(
            cited.iter().any(|c| c == label),
            "receipts cite {label}: {cited:?}"
        );
    }
    let receipt = |label: &str| {
        proposal["receipts"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["label"] == label))
            .map(|r| r["value"].clone())
    };
    assert_eq!(receipt("readiness"), Some(json!("red")));
    let change = &proposal["changes"][0];
    assert_eq!(change["workoutId"], today_before["id"]);
    assert_eq!(change["date"], TODAY);
    assert_eq!(change["before"]["kind"], today_before["kind"]);
    assert_ne!(change["after"], change["before"]);
    assert!(
        ["RECOVERY", "REST"].contains(&change["after"]["kind"].as_str().unwrap_or_default()),
        "red turns today into rest or a recovery run: {change}"
    );
    // Nothing changed yet.
    assert_eq!(plan(&app, &ann, &ann.id, TODAY, TODAY).await, before);

    let confirmed = confirm(&app, &ann, proposal["id"].as_str().expect("id")).await;
    let confirmed = &confirmed.ok()["confirmProposal"];
    assert_eq!(confirmed["state"], "APPLIED");
    assert_eq!(confirmed["decidedBy"], json!(ann.id));

    let after = plan(&app, &ann, &ann.id, TODAY, TODAY).await;
    assert_eq!(after["version"], 2);
    let today_after = &after["workouts"][0];
    assert_eq!(today_after["id"], today_before["id"]);
    assert_eq!(today_after["kind"], change["after"]["kind"]);
    assert_eq!(
        today_after["description"], change["after"]["description"],
        "today's workout is what was proposed"
    );
    assert_eq!(today_after["planVersion"], 2);
    let history = app
        .gql(
            Some(&ann.token),
            "{ planHistory { version reason } }",
            json!({}),
        )
        .await;
    assert_eq!(
        history.ok()["planHistory"][0],
        json!({ "version": 2, "reason": proposal["reason"] })
    );

    // Confirming again is harmless: same answer, no second version, no second entry.
    let again = confirm(&app, &ann, proposal["id"].as_str().expect("id")).await;
    assert_eq!(again.ok()["confirmProposal"]["state"], "APPLIED");
    assert_eq!(plan(&app, &ann, &ann.id, TODAY, TODAY).await["version"], 2);

    let trail = proposal_trail(&app, &owner, proposal["id"].as_str().expect("id")).await;
    assert_eq!(
        trail,
        vec![
            ("proposal.create".to_owned(), "system".to_owned()),
            ("proposal.confirm".to_owned(), ann.id.clone()),
            ("proposal.apply".to_owned(), ann.id.clone()),
        ]
    );
    audit_intact(&app, &owner).await;

    // The same rule does not nag: evaluating again today files nothing new.
    let evaluated = app
        .gql(
            Some(&ann.token),
            "mutation { evaluateRules { rules proposals failures } }",
            json!({}),
        )
        .await;
    let evaluated = &evaluated.ok()["evaluateRules"];
    assert_eq!(evaluated["rules"], 3, "{evaluated}");
    assert_eq!(evaluated["failures"], json!([]));
    assert_eq!(evaluated["proposals"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_write_coach_may_confirm_and_a_read_only_coach_may_not() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = athlete_with_plan(&app, &owner, "ann@example.test").await;
    let cora = app.invite_user(&owner, "COACH", "cora@example.test").await;
    let rob = app.invite_user(&owner, "COACH", "rob@example.test").await;
    let stranger = app.invite_user(&owner, "COACH", "sam@example.test").await;
    for (coach, access) in [(&cora, "READ_WRITE"), (&rob, "READ")] {
        app.gql(
            Some(&ann.token),
            "mutation($e: String!, $a: GrantAccess!) { grantCoachAccess(coachEmail: $e, access: $a) { id } }",
            json!({ "e": coach.email, "a": access }),
        )
        .await
        .ok();
    }
    poor_morning(&app, &ann).await;
    let proposal = pending_from(&app, &cora, &ann.id, "traffic-light").await;
    let id = proposal["id"].as_str().expect("id");

    // Read access sees the proposal but may not decide on it.
    assert!(
        proposals(&app, &rob, &ann.id)
            .await
            .iter()
            .any(|p| p["id"] == proposal["id"])
    );
    confirm(&app, &rob, id).await.expect_code("FORBIDDEN");
    app.gql(
        Some(&rob.token),
        "mutation($id: ID!) { rejectProposal(id: $id) { state } }",
        json!({ "id": id }),
    )
    .await
    .expect_code("FORBIDDEN");
    // Without any grant the proposal is not there at all.
    confirm(&app, &stranger, id).await.expect_code("NOT_FOUND");
    app.gql(
        Some(&stranger.token),
        "query($a: ID) { proposals(athleteId: $a) { id } }",
        json!({ "a": ann.id }),
    )
    .await
    .expect_code("FORBIDDEN");
    assert_eq!(plan(&app, &ann, &ann.id, TODAY, TODAY).await["version"], 1);

    let confirmed = confirm(&app, &cora, id).await;
    let confirmed = &confirmed.ok()["confirmProposal"];
    assert_eq!(confirmed["state"], "APPLIED");
    assert_eq!(confirmed["decidedBy"], json!(cora.id));
    assert_eq!(plan(&app, &ann, &ann.id, TODAY, TODAY).await["version"], 2);
    let trail = proposal_trail(&app, &owner, id).await;
    assert_eq!(
        trail,
        vec![
            ("proposal.create".to_owned(), "system".to_owned()),
            ("proposal.confirm".to_owned(), cora.id.clone()),
            ("proposal.apply".to_owned(), cora.id.clone()),
        ],
        "the refused attempts changed nothing and wrote nothing"
    );

    // A coach's own proposal takes the same path: Cora (read-write access) may suggest a
    // change to tomorrow's session, Ann decides. Rob, with read access only, may not.
    let tomorrow =
        plan(&app, &ann, &ann.id, "2026-03-03", "2026-03-03").await["workouts"][0].clone();
    let ease_back = format!(
        "mutation($w: ID!) {{ proposeWorkoutChange(workoutId: $w, changes: {{ targetDurationSeconds: 1500, description: \"25 minutes easy\" }}, reason: \"Ease back in after a red day.\") {{ {PROPOSAL} }} }}"
    );
    app.gql(Some(&rob.token), &ease_back, json!({ "w": tomorrow["id"] }))
        .await
        .expect_code("FORBIDDEN");
    let suggested = app
        .gql(
            Some(&cora.token),
            &ease_back,
            json!({ "w": tomorrow["id"] }),
        )
        .await;
    let suggested = suggested.ok()["proposeWorkoutChange"].clone();
    assert_eq!(suggested["source"]["kind"], "COACH");
    assert_eq!(suggested["source"]["reference"], json!(cora.id));
    assert_eq!(suggested["basePlanVersion"], 2);
    assert_eq!(
        suggested["changes"][0]["after"]["targetDurationSeconds"],
        1500
    );
    // A made-up reason is refused; someone else's workout id reveals nothing.
    app.gql(
        Some(&cora.token),
        "mutation($w: ID!) { proposeWorkoutChange(workoutId: $w, changes: { targetDurationSeconds: 1500 }, reason: \"  \") { id } }",
        json!({ "w": tomorrow["id"] }),
    )
    .await
    .expect_code("BAD_INPUT");
    app.gql(
        Some(&stranger.token),
        "mutation($w: ID!) { proposeWorkoutChange(workoutId: $w, changes: { targetDurationSeconds: 1500 }, reason: \"mine now\") { id } }",
        json!({ "w": tomorrow["id"] }),
    )
    .await
    .expect_code("NOT_FOUND");

    let confirmed = confirm(&app, &ann, suggested["id"].as_str().expect("id")).await;
    assert_eq!(confirmed.ok()["confirmProposal"]["state"], "APPLIED");
    let tomorrow_after = plan(&app, &ann, &ann.id, "2026-03-03", "2026-03-03").await;
    assert_eq!(tomorrow_after["version"], 3);
    assert_eq!(tomorrow_after["workouts"][0]["targetDurationSeconds"], 1500);
    assert_eq!(
        tomorrow_after["workouts"][0]["description"],
        "25 minutes easy"
    );
    audit_intact(&app, &owner).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_and_expired_proposals_are_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = athlete_with_plan(&app, &owner, "ann@example.test").await;
    poor_morning(&app, &ann).await;
    let proposal = pending_from(&app, &ann, &ann.id, "traffic-light").await;
    let id = proposal["id"].as_str().expect("id").to_owned();

    // Ann regenerates her plan herself before deciding: the proposal was computed against
    // version 1 and is refused, not applied to a plan it was not made for.
    app.gql(
        Some(&ann.token),
        "mutation { regeneratePlan(input: { reason: \"new job, less time\", reduceVolumeFactor: 0.8 }) { version } }",
        json!({}),
    )
    .await
    .ok();
    let refused = confirm(&app, &ann, &id).await;
    let message = refused.expect_code("CONFLICT").to_owned();
    assert!(
        message.contains("moved on from version 1 to 2"),
        "the message says why: {message}"
    );
    let now = proposals(&app, &ann, &ann.id).await;
    let stale = now.iter().find(|p| p["id"] == json!(id)).expect("listed");
    assert_eq!(stale["state"], "STALE");
    assert!(
        stale["decisionReason"]
            .as_str()
            .is_some_and(|r| r.contains("moved on")),
        "{stale}"
    );
    assert_eq!(plan(&app, &ann, &ann.id, TODAY, TODAY).await["version"], 2);
    // Asking again gives the same clear refusal.
    confirm(&app, &ann, &id).await.expect_code("CONFLICT");

    // A coach's suggestion for today lapses at the end of today.
    let cora = app.invite_user(&owner, "COACH", "cora@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
        json!({ "e": cora.email }),
    )
    .await
    .ok();
    let today = plan(&app, &ann, &ann.id, TODAY, TODAY).await["workouts"][0].clone();
    let suggested = app
        .gql(
            Some(&cora.token),
            &format!("mutation($w: ID!) {{ proposeWorkoutChange(workoutId: $w, changes: {{ kind: REST, description: \"Rest\" }}, reason: \"Take the day.\") {{ {PROPOSAL} }} }}"),
            json!({ "w": today["id"] }),
        )
        .await;
    let suggested = suggested.ok()["proposeWorkoutChange"].clone();
    assert!(
        suggested["expiresAt"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-03-02T23:00:00")),
        "it lapses at midnight in Oslo, where Ann lives: {suggested}"
    );
    app.clock.advance(Duration::hours(13));
    let refused = confirm(&app, &ann, suggested["id"].as_str().expect("id")).await;
    assert!(
        refused.expect_code("CONFLICT").contains("expired"),
        "{}",
        refused.message()
    );
    let expired = proposals(&app, &ann, &ann.id)
        .await
        .into_iter()
        .find(|p| p["id"] == suggested["id"])
        .expect("listed");
    assert_eq!(expired["state"], "EXPIRED");
    assert_eq!(plan(&app, &ann, &ann.id, TODAY, TODAY).await["version"], 2);

    let actions: Vec<String> = proposal_trail(&app, &owner, &id)
        .await
        .into_iter()
        .map(|(action, _)| action)
        .collect();
    assert_eq!(actions, vec!["proposal.create", "proposal.stale"]);
    let actions: Vec<String> = proposal_trail(&app, &owner, suggested["id"].as_str().expect("id"))
        .await
        .into_iter()
        .map(|(action, _)| action)
        .collect();
    assert_eq!(actions, vec!["proposal.create", "proposal.expire"]);
    audit_intact(&app, &owner).await;
}

/// A fixture in the shape the rule engine reads: a red day with one easy run planned.
fn red_fixture(expected: Value) -> Value {
    json!([{
        "name": "red day",
        "snapshot": {
            "today": TODAY,
            "readiness": { "light": "red", "confidence": 1.0, "signals": [] },
            "today_workouts": [{
                "id": "0190f5c2-0000-7000-8000-000000000001",
                "date": TODAY,
                "kind": "easy",
                "target_duration_s": 2700,
                "description": "45 minutes easy",
                "state": "planned"
            }]
        },
        "expected": expected
    }])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coaches_edit_rules_in_versions_and_a_failing_rule_never_blocks_the_others() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = athlete_with_plan(&app, &owner, "ann@example.test").await;
    let cora = app.invite_user(&owner, "COACH", "cora@example.test").await;
    let rob = app.invite_user(&owner, "COACH", "rob@example.test").await;
    for (coach, access) in [(&cora, "READ_WRITE"), (&rob, "READ")] {
        app.gql(
            Some(&ann.token),
            "mutation($e: String!, $a: GrantAccess!) { grantCoachAccess(coachEmail: $e, access: $a) { id } }",
            json!({ "e": coach.email, "a": access }),
        )
        .await
        .ok();
    }
    const SAVE: &str =
        "mutation($i: RuleInput!) { saveRule(input: $i) { ruleId version accepted problems } }";
    let save = |who: &Session, name: &str, source: &str, fixtures: Value| {
        let input = json!({ "i": { "name": name, "scope": "ATHLETE", "athleteId": ann.id, "source": source, "fixtures": fixtures.to_string() } });
        let token = who.token.clone();
        let app = &app;
        async move { app.gql(Some(&token), SAVE, input).await }
    };

    // A rule that rests on every red day, with a fixture that expects nothing: it compiles,
    // but its own fixture fails, so the version is kept and not put in force.
    let source = "if readiness.light == \"red\" { today_workouts.map(|w| rest_instead(w, \"Red: rest.\", [receipt(\"readiness\", \"red\")])) } else { [] }";
    let first = save(&cora, "rest-on-red", source, red_fixture(json!([]))).await;
    let first = first.ok()["saveRule"].clone();
    assert_eq!(first["version"], 1);
    assert_eq!(first["accepted"], false);
    assert!(
        first["problems"][0]
            .as_str()
            .is_some_and(|p| p.contains("fixture `red day`")),
        "{first}"
    );
    // A version that does not compile is kept and refused, with the error.
    let broken = save(
        &cora,
        "rest-on-red",
        "if readiness.light == { [] }",
        red_fixture(json!([])),
    )
    .await;
    let broken = broken.ok()["saveRule"].clone();
    assert_eq!(broken["version"], 2);
    assert_eq!(broken["accepted"], false);
    // A read-only coach may not edit Ann's rules.
    save(&rob, "rest-on-red", source, red_fixture(json!([])))
        .await
        .expect_code("FORBIDDEN");

    // What it proposes on the fixture, recorded as the expectation: version 3 goes live.
    let simulated = app
        .gql(
            Some(&cora.token),
            "mutation($a: ID, $s: String!) { simulateRule(athleteId: $a, source: $s) { kind reason draft } }",
            json!({ "a": ann.id, "s": source }),
        )
        .await;
    assert_eq!(
        simulated.ok()["simulateRule"],
        json!([]),
        "Ann is green today, so the draft proposes nothing"
    );
    let expected = json!([{
        "type": "workout_change",
        "workout_id": "0190f5c2-0000-7000-8000-000000000001",
        "changes": { "kind": "rest", "description": "Rest day instead: Red: rest." },
        "reason": "Red: rest.",
        "receipts": [{ "label": "readiness", "value": "red" }]
    }]);
    let third = save(&cora, "rest-on-red", source, red_fixture(expected.clone())).await;
    let third = third.ok()["saveRule"].clone();
    assert_eq!(third["accepted"], true, "{third}");
    assert_eq!(third["version"], 3);
    let rule_id = third["ruleId"].as_str().expect("rule id").to_owned();

    // A rule that only misbehaves on real red days (its fixture is a green one): it goes live,
    // then loops forever on Ann's red morning.
    let green = json!([{ "name": "green day", "snapshot": { "today": TODAY, "readiness": { "light": "green" } }, "expected": [] }]);
    let looping = save(
        &cora,
        "hostile",
        "if readiness.light == \"red\" { loop { } } []",
        green.clone(),
    )
    .await;
    assert_eq!(looping.ok()["saveRule"]["accepted"], true);
    let in_force = app
        .gql(
            Some(&cora.token),
            "query($a: ID) { rulesInForce(athleteId: $a) { name origin version } }",
            json!({ "a": ann.id }),
        )
        .await;
    let names: Vec<(String, String)> = in_force.ok()["rulesInForce"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| {
            let version = r["version"].as_str().unwrap_or_default();
            (
                r["name"].as_str().unwrap_or_default().to_owned(),
                if r["origin"] == "DEFAULT" {
                    "default".to_owned()
                } else {
                    version.to_owned()
                },
            )
        })
        .collect();
    for rule in [
        ("hostile", "v1"),
        ("load-guard", "default"),
        ("missed-long-run", "default"),
        ("rest-on-red", "v3"),
        ("traffic-light", "default"),
    ] {
        assert!(
            names.contains(&(rule.0.to_owned(), rule.1.to_owned())),
            "{rule:?} in force: {names:?}"
        );
    }

    // Ann's red morning: the hostile rule is stopped and recorded; the others still propose.
    poor_morning(&app, &ann).await;
    pending_from(&app, &ann, &ann.id, "traffic-light").await;
    let from_coach_rule = pending_from(&app, &ann, &ann.id, "rest-on-red").await;
    assert_eq!(from_coach_rule["source"]["version"], "v3");
    let failures = wait_for("the hostile rule's failure", 20, || async {
        let answer = app
            .gql(
                Some(&cora.token),
                "query($a: ID) { ruleFailures(athleteId: $a) { rule version error } }",
                json!({ "a": ann.id }),
            )
            .await;
        let failures = answer.ok()["ruleFailures"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        (!failures.is_empty()).then_some(failures)
    })
    .await;
    assert_eq!(failures[0]["rule"], "hostile");
    assert!(
        failures[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("operations")),
        "the failure names the limit: {failures:?}"
    );

    // Every version is kept, with why the refused ones were refused.
    let versions = app
        .gql(
            Some(&cora.token),
            "query($r: ID!) { ruleVersions(ruleId: $r) { version status problems } }",
            json!({ "r": rule_id }),
        )
        .await;
    let versions = versions.ok()["ruleVersions"].clone();
    let statuses: Vec<(i64, String)> = versions
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap_or_default(),
                v["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            (3, "active".to_owned()),
            (2, "rejected".to_owned()),
            (1, "rejected".to_owned())
        ]
    );
    assert!(
        versions[1]["problems"][0]
            .as_str()
            .is_some_and(|p| !p.is_empty()),
        "{versions}"
    );

    // Rule changes are audited.
    let actions: Vec<String> = app
        .gql(
            Some(&owner.token),
            "query($id: String!) { auditLog(filter: { targetKind: \"rule\", targetId: $id }) { edges { node { action actorId } } } }",
            json!({ "id": rule_id }),
        )
        .await
        .ok()["auditLog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        actions,
        vec![
            "rule.activate",
            "rule.reject_version",
            "rule.reject_version"
        ]
    );
    audit_intact(&app, &owner).await;
}

#[tokio::test]
async fn the_audit_log_is_filtered_and_paged_for_those_allowed_to_read_it() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let mut invited = Vec::new();
    for n in 0..5 {
        invited.push(
            app.invite_user(&owner, "ATHLETE", &format!("a{n}@example.test"))
                .await,
        );
    }
    const LOG: &str = "query($f: AuditFilterInput, $n: Int, $after: String) { auditLog(filter: $f, first: $n, after: $after) { pageInfo { hasNextPage endCursor } edges { node { seq action actorId targetKind at } } } }";
    let page = |filter: Value, after: Option<String>| {
        let token = owner.token.clone();
        let app = &app;
        async move {
            app.gql(
                Some(&token),
                LOG,
                json!({ "f": filter, "n": 2, "after": after }),
            )
            .await
        }
    };
    // Every invite by the owner, two at a time, newest first, nothing missed or repeated.
    let filter = json!({ "action": "invite.create", "actorId": owner.id });
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let answer = page(filter.clone(), after.clone()).await;
        let log = answer.ok()["auditLog"].clone();
        for edge in log["edges"].as_array().expect("edges") {
            assert_eq!(edge["node"]["action"], "invite.create");
            assert_eq!(edge["node"]["actorId"], json!(owner.id));
            seen.push(edge["node"]["seq"].as_i64().expect("seq"));
        }
        if log["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = log["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seen:?}"
    );

    // A time window with nothing in it.
    let empty = page(json!({ "until": "2000-01-01T00:00:00Z" }), None).await;
    assert_eq!(empty.ok()["auditLog"]["edges"], json!([]));
    // A cursor that was never handed out is refused with a clear error.
    page(json!({}), Some("not-a-cursor".to_owned()))
        .await
        .expect_code("BAD_INPUT");

    // Athletes and coaches cannot read the audit log.
    app.gql(
        Some(&ann.token),
        "{ auditLog { edges { node { seq } } } }",
        json!({}),
    )
    .await
    .expect_code("FORBIDDEN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugins_proposal_takes_the_same_path_and_only_for_the_athlete_of_its_job() {
    use stride_sandbox::CallError;
    use stride_sandbox::contract::{JobRequest, PluginError};
    use stride_sandbox::services::CallAthlete;

    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = athlete_with_plan(&app, &owner, "ann@example.test").await;
    let bob = athlete_with_plan(&app, &owner, "bob@example.test").await;
    app.install_plugin("test-hostile").await;
    let today = plan(&app, &ann, &ann.id, TODAY, TODAY).await["workouts"][0].clone();
    let run = |job_for: &Session, names: &Session| {
        let job = JobRequest {
            kind: "propose".to_owned(),
            payload: json!({
                "athlete_id": names.id,
                "workout_id": today["id"],
                "changes": { "target_duration_s": 1200, "description": "20 minutes easy" },
            })
            .to_string(),
            athlete: None,
            attempt: 1,
        };
        let athlete = CallAthlete {
            id: job_for.id.parse().expect("uuid"),
            external_id: "feed-1".to_owned(),
            time_zone: "Europe/Oslo".to_owned(),
        };
        let plugins = app.state.plugins.clone();
        async move { plugins.run_job("test-hostile", job, Some(athlete)).await }
    };
    let refusal = |result: Result<_, CallError>| match result {
        Err(CallError::Plugin(PluginError::Permanent(text))) => text,
        other => panic!("expected a refusal, got {other:?}"),
    };

    // From a job for Bob, the plugin may not touch Ann's plan.
    let text = refusal(run(&bob, &ann).await.result);
    assert!(text.contains("only for the athlete of the call"), "{text}");
    // From a job for Ann, it files a proposal like any rule or coach would.
    let outcome = run(&ann, &ann).await.result.expect("proposed");
    let id = outcome
        .progress
        .and_then(|p| p.note)
        .expect("the proposal's id");
    let filed = proposals(&app, &ann, &ann.id)
        .await
        .into_iter()
        .find(|p| p["id"] == json!(id))
        .expect("listed");
    assert_eq!(filed["state"], "PENDING");
    assert_eq!(filed["source"]["kind"], "PLUGIN");
    assert_eq!(filed["source"]["reference"], "test-hostile");
    assert!(filed["source"]["version"].is_string());
    assert_eq!(filed["changes"][0]["after"]["targetDurationSeconds"], 1200);
    assert_eq!(filed["receipts"][0]["label"], "source");
    // The same proposal twice is not filed twice.
    let text = refusal(run(&ann, &ann).await.result);
    assert!(text.contains("already proposed"), "{text}");
    // Nothing changed until Ann confirms; then it is applied like the others.
    assert_eq!(plan(&app, &ann, &ann.id, TODAY, TODAY).await["version"], 1);
    let confirmed = confirm(&app, &ann, &id).await;
    assert_eq!(confirmed.ok()["confirmProposal"]["state"], "APPLIED");
    let after = plan(&app, &ann, &ann.id, TODAY, TODAY).await;
    assert_eq!(after["version"], 2);
    assert_eq!(after["workouts"][0]["targetDurationSeconds"], 1200);
    let actions: Vec<String> = proposal_trail(&app, &owner, &id)
        .await
        .into_iter()
        .map(|(action, _)| action)
        .collect();
    assert_eq!(
        actions,
        vec!["proposal.create", "proposal.confirm", "proposal.apply"]
    );
    // Bob's plan is untouched.
    assert_eq!(plan(&app, &bob, &bob.id, TODAY, TODAY).await["version"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nightly_check_marks_a_missed_long_run_and_the_rule_moves_it_ahead_of_the_intervals() {
    let app = TestApp::spawn_with(|config| config.jobs.nightly_check_s = 1).await;
    let owner = app.owner().await;
    let ann = athlete_with_plan(&app, &owner, "ann@example.test").await;
    let week = plan(&app, &ann, &ann.id, "2026-03-02", "2026-03-08").await;
    let long_run = week["workouts"]
        .as_array()
        .expect("workouts")
        .iter()
        .find(|w| w["kind"] == "LONG_RUN")
        .expect("a long run this week")
        .clone();
    assert_eq!(long_run["date"], "2026-03-08", "Sunday, as asked");

    // Ann trains nothing all week. Half an hour after her midnight (Oslo) on Sunday night the
    // nightly check marks the week missed and the missed-long-run rule proposes.
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-03-08T23:30:00Z")
            .expect("instant")
            .to_utc(),
    );
    let proposal = pending_from(&app, &ann, &ann.id, "missed-long-run").await;
    let week = plan(&app, &ann, &ann.id, "2026-03-02", "2026-03-08").await;
    assert!(
        week["workouts"]
            .as_array()
            .expect("workouts")
            .iter()
            .all(|w| w["state"] == "MISSED" || w["kind"] == "REST"),
        "{week}"
    );
    assert_eq!(proposal["kind"], "plan_regenerate");
    let receipt = proposal["receipts"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["label"] == "missed long run"))
        .expect("the miss is cited")
        .clone();
    assert_eq!(receipt["date"], "2026-03-08");

    // Confirmed, this week has a make-up long run before any intervals.
    let confirmed = confirm(&app, &ann, proposal["id"].as_str().expect("id")).await;
    assert_eq!(confirmed.ok()["confirmProposal"]["state"], "APPLIED");
    let next = plan(&app, &ann, &ann.id, "2026-03-09", "2026-03-15").await;
    assert_eq!(next["version"], 2);
    let days: Vec<(String, String)> = next["workouts"]
        .as_array()
        .expect("workouts")
        .iter()
        .map(|w| {
            (
                w["date"].as_str().unwrap_or_default().to_owned(),
                w["kind"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let first_long = days.iter().position(|(_, k)| k == "LONG_RUN");
    let first_intervals = days.iter().position(|(_, k)| k == "INTERVALS");
    assert!(first_long.is_some(), "a make-up long run: {days:?}");
    if let (Some(long), Some(intervals)) = (first_long, first_intervals) {
        assert!(long < intervals, "the long run comes first: {days:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rule_snapshot_shows_what_rules_see_to_those_who_may_read_it() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = athlete_with_plan(&app, &owner, "ann@example.test").await;
    let rob = app.invite_user(&owner, "COACH", "rob@example.test").await;
    let sam = app.invite_user(&owner, "COACH", "sam@example.test").await;
    let bea = app.invite_user(&owner, "ATHLETE", "bea@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ) { id } }",
        json!({ "e": rob.email }),
    )
    .await
    .ok();
    for (start, minutes, rpe) in [
        ("2026-02-26T07:00:00Z", 50, 5),
        ("2026-02-28T07:00:00Z", 40, 4),
        ("2026-03-01T08:00:00Z", 90, 6),
    ] {
        app.gql(
            Some(&ann.token),
            "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
            json!({ "i": { "sport": "RUN", "startTime": start, "durationSeconds": minutes * 60, "rpe": rpe } }),
        )
        .await
        .ok();
    }
    poor_morning(&app, &ann).await;
    const SNAPSHOT: &str = "query($a: ID) { ruleSnapshot(athleteId: $a) }";

    let own = app.gql(Some(&ann.token), SNAPSHOT, json!({})).await;
    let snap = own.ok()["ruleSnapshot"].clone();
    assert_eq!(snap["today"], TODAY);
    assert_eq!(snap["athlete"]["resting_hr"], 48);
    assert_eq!(snap["athlete"]["max_hr"], 190);
    assert_eq!(snap["athlete"]["hrv_kind"], "rmssd");
    // This morning, merged from what she logged.
    assert_eq!(snap["metrics"]["hrv_ms"], 40.0);
    assert_eq!(snap["metrics"]["sleep_min"], 280);
    assert_ne!(snap["readiness"]["light"], "green", "{}", snap["readiness"]);
    // The same numbers the stats query gives for today.
    let stats = app
        .gql(
            Some(&ann.token),
            "query($f: NaiveDate!, $t: NaiveDate!) { trainingStats(from: $f, to: $t) { days { date acute chronic tsb } } }",
            json!({ "f": TODAY, "t": TODAY }),
        )
        .await;
    let today = &stats.ok()["trainingStats"]["days"][0];
    assert_eq!(today["date"], TODAY);
    assert!(today["acute"].as_f64().expect("acute") > 0.0);
    assert_eq!(snap["stats"]["acute"], today["acute"]);
    assert_eq!(snap["stats"]["chronic"], today["chronic"]);
    assert_eq!(snap["stats"]["tsb"], today["tsb"]);
    // Her plan: today's workout and the week ahead; her last fortnight's activities.
    assert_eq!(snap["plan_version"], 1);
    assert_eq!(snap["today_workouts"].as_array().map(Vec::len), Some(1));
    assert_eq!(snap["week"].as_array().map(Vec::len), Some(7));
    let recent = snap["recent_activities"].as_array().expect("activities");
    assert_eq!(recent.len(), 3);
    assert!(
        recent
            .iter()
            .all(|a| a["load"].as_f64().unwrap_or(0.0) > 0.0)
    );

    // A coach she granted read access sees the same; nobody else does.
    let coach = app
        .gql(Some(&rob.token), SNAPSHOT, json!({ "a": ann.id }))
        .await;
    assert_eq!(coach.ok()["ruleSnapshot"], snap);
    for stranger in [&sam, &bea] {
        app.gql(Some(&stranger.token), SNAPSHOT, json!({ "a": ann.id }))
            .await
            .expect_code("FORBIDDEN");
    }
}

/// The ids of the athlete's pending proposals, as the Today page asks for them.
async fn pending_ids(server: &TestApp, athlete: &Session) -> Vec<String> {
    let answer = server
        .gql(
            Some(&athlete.token),
            "{ proposals(state: PENDING) { id state } }",
            json!({}),
        )
        .await;
    answer.ok()["proposals"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| {
            assert_eq!(p["state"], "PENDING", "{p}");
            p["id"].as_str().expect("id").to_owned()
        })
        .collect()
}

/// A coach suggests a rest day instead of `workout` (`note` tells suggestions apart: the same
/// suggestion again within a day is not filed twice); the proposal's id.
async fn suggest_rest(server: &TestApp, coach: &Session, workout: &Value, note: &str) -> String {
    server
        .gql(
            Some(&coach.token),
            "mutation($w: ID!, $d: String!) { proposeWorkoutChange(workoutId: $w, changes: { kind: REST, description: $d }, reason: \"Take the day.\") { id } }",
            json!({ "w": workout["id"], "d": format!("Rest: {note}") }),
        )
        .await
        .ok()["proposeWorkoutChange"]["id"]
        .as_str()
        .expect("filed")
        .to_owned()
}

/// The Today page asks for the pending proposals on every visit, so they are cached. The
/// cached list still follows every filing and decision at once, drops a proposal whose time
/// is up, and, with several replicas, follows what another replica files.
#[tokio::test]
async fn the_pending_list_follows_every_filing_decision_and_expiry() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = athlete_with_plan(&app, &owner, "ann@example.test").await;
    let cora = app.invite_user(&owner, "COACH", "cora@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
        json!({ "e": cora.email }),
    )
    .await
    .ok();
    let workouts = plan(&app, &ann, &ann.id, TODAY, "2026-03-04").await["workouts"]
        .as_array()
        .expect("workouts")
        .clone();
    assert!(pending_ids(&app, &ann).await.is_empty());
    // Filed after the empty list was read (and kept): seen at once.
    let first = suggest_rest(&app, &cora, &workouts[0], "first").await;
    assert_eq!(pending_ids(&app, &ann).await, vec![first.clone()]);
    let second = suggest_rest(&app, &cora, &workouts[1], "second").await;
    let both = pending_ids(&app, &ann).await;
    assert_eq!(both.len(), 2, "{both:?}");
    // Decisions leave the list at once.
    app.gql(
        Some(&ann.token),
        "mutation($id: ID!) { rejectProposal(id: $id) { state } }",
        json!({ "id": first }),
    )
    .await
    .ok();
    assert_eq!(pending_ids(&app, &ann).await, vec![second.clone()]);
    assert_eq!(
        confirm(&app, &ann, &second).await.ok()["confirmProposal"]["state"],
        "APPLIED"
    );
    assert!(pending_ids(&app, &ann).await.is_empty());

    // A suggestion for today lapses at the end of today: the cached list drops it then.
    let today = plan(&app, &ann, &ann.id, TODAY, TODAY).await["workouts"][0].clone();
    let lapsing = suggest_rest(&app, &cora, &today, "lapsing").await;
    assert_eq!(pending_ids(&app, &ann).await, vec![lapsing.clone()]);
    app.clock.advance(Duration::hours(13));
    assert!(pending_ids(&app, &ann).await.is_empty());
    let expired = proposals(&app, &ann, &ann.id)
        .await
        .into_iter()
        .find(|p| p["id"] == json!(lapsing))
        .expect("listed");
    assert_eq!(expired["state"], "EXPIRED");

    audit_intact(&app, &owner).await;

    if app.on_postgres() {
        // Another replica files a proposal: this one's cached list follows.
        let replica = app.spawn_replica().await;
        assert!(pending_ids(&app, &ann).await.is_empty());
        // (A day whose workout is still a run: the 3rd became a rest day above.)
        let ahead =
            plan(&app, &ann, &ann.id, "2026-03-04", "2026-03-04").await["workouts"][0].clone();
        let filed = suggest_rest(&replica, &cora, &ahead, "from the other replica").await;
        wait_for("the other replica's proposal", 10, || async {
            (pending_ids(&app, &ann).await == vec![filed.clone()]).then_some(())
        })
        .await;
        replica.stop().await;
        // The other replica signed its entries with the deployment's key: the chain holds.
        audit_intact(&app, &owner).await;
    }
}

/// The nightly pass reads a batch of athletes' snapshots and rules in force together (one
/// query per table). Each athlete's must be exactly what they get alone: their own today (in
/// their time zone), their own data, and only the rules in force for them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_athletes_is_evaluated_as_each_would_be_alone() {
    // No job runs on its own: the evaluations here are the only ones.
    let app = TestApp::spawn_with(|config| config.jobs.workers = 0).await;
    let owner = app.owner().await;
    // Ann: a plan, three runs, a poor morning, and a coach with read-write access who keeps
    // a team rule that reads her recent activities.
    let ann = athlete_with_plan(&app, &owner, "ann@example.test").await;
    for (start, minutes, rpe) in [
        ("2026-02-26T07:00:00Z", 50, 5),
        ("2026-02-28T07:00:00Z", 40, 4),
        ("2026-03-01T08:00:00Z", 90, 6),
    ] {
        app.gql(
            Some(&ann.token),
            "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
            json!({ "i": { "sport": "RUN", "startTime": start, "durationSeconds": minutes * 60, "rpe": rpe } }),
        )
        .await
        .ok();
    }
    poor_morning(&app, &ann).await;
    let cora = app.invite_user(&owner, "COACH", "cora@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
        json!({ "e": cora.email }),
    )
    .await
    .ok();
    const SAVE: &str = "mutation($i: RuleInput!) { saveRule(input: $i) { accepted problems } }";
    let quiet = json!([{ "name": "quiet", "snapshot": { "today": TODAY }, "expected": [] }]);
    let saved = app
        .gql(
            Some(&cora.token),
            SAVE,
            json!({ "i": { "name": "team-watch", "scope": "TEAM", "source": "let n = recent_activities.len(); []", "fixtures": quiet.to_string() } }),
        )
        .await;
    assert_eq!(saved.ok()["saveRule"]["accepted"], true, "{saved:?}");
    // Kai: a plan too, twelve hours ahead in Auckland (already 3 March there), and a rule of
    // his own that reads his insights.
    let kai = athlete_with_plan(&app, &owner, "kai@example.test").await;
    app.gql(
        Some(&kai.token),
        "mutation { updateProfile(input: { timeZone: \"Pacific/Auckland\" }) { id } }",
        json!({}),
    )
    .await
    .ok();
    app.gql(
        Some(&kai.token),
        "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
        json!({ "i": { "sport": "RIDE", "startTime": "2026-03-01T20:00:00Z", "durationSeconds": 3600, "rpe": 7 } }),
    )
    .await
    .ok();
    let saved = app
        .gql(
            Some(&kai.token),
            SAVE,
            json!({ "i": { "name": "mine", "scope": "ATHLETE", "source": "let n = insights.len(); []", "fixtures": quiet.to_string() } }),
        )
        .await;
    assert_eq!(saved.ok()["saveRule"]["accepted"], true, "{saved:?}");
    // Cal: nothing at all, no plan, no stats. Lea: a poor morning too, so the batch files
    // proposals for two athletes at once.
    let cal = app.invite_user(&owner, "ATHLETE", "cal@example.test").await;
    let lea = athlete_with_plan(&app, &owner, "lea@example.test").await;
    poor_morning(&app, &lea).await;

    let id = |s: &Session| uuid::Uuid::parse_str(&s.id).expect("uuid");
    let ids = [id(&ann), id(&kai), id(&cal), id(&lea)];
    let rules = &app.state.rules;
    let together = rules.snapshots(&ids).await.expect("snapshots");
    for (athlete, snapshot) in ids.iter().zip(&together) {
        let alone = rules.snapshots(&[*athlete]).await.expect("snapshot");
        assert_eq!(snapshot, &alone[0], "{athlete} read in a batch as alone");
    }
    let (ann_snap, kai_snap, cal_snap) = (&together[0], &together[1], &together[2]);
    assert_eq!(ann_snap.today, Some(day(2026, 3, 2)));
    assert_eq!(kai_snap.today, Some(day(2026, 3, 3)), "Auckland's today");
    assert_eq!(ann_snap.recent_activities.len(), 3);
    assert_eq!(kai_snap.recent_activities.len(), 1);
    assert!(cal_snap.recent_activities.is_empty());
    assert_eq!(ann_snap.metrics.hrv_ms, Some(40.0), "this morning's");
    assert_eq!(ann_snap.plan_version, Some(1));
    assert_eq!(kai_snap.plan_version, Some(1));
    assert_eq!(cal_snap.plan_version, None);
    assert!(cal_snap.week.is_empty());
    assert!(
        kai_snap
            .week
            .iter()
            .all(|w| w.date >= Some(day(2026, 3, 3))),
        "Kai's week starts on his today"
    );
    assert_eq!(ann_snap.week.len(), 7);
    assert_eq!(kai_snap.week.len(), 7);
    assert!(ann_snap.stats.acute.is_some_and(|a| a > 0.0));
    assert_ne!(ann_snap.stats, kai_snap.stats);
    // The same as alone: the stats query's numbers for Ann's today.
    let stats = app
        .gql(
            Some(&ann.token),
            "query($f: NaiveDate!, $t: NaiveDate!) { trainingStats(from: $f, to: $t) { days { acute chronic } } }",
            json!({ "f": TODAY, "t": TODAY }),
        )
        .await;
    let acute = stats.ok()["trainingStats"]["days"][0]["acute"]
        .as_f64()
        .expect("acute");
    assert!((ann_snap.stats.acute.expect("acute") - acute).abs() < 1e-9);

    // Evaluated in one batch, with an athlete who does not exist among them: each gets the
    // rules in force for them alone, and the unknown one alone fails.
    let nobody = uuid::Uuid::now_v7();
    let batch = [
        (ids[0], "test"),
        (nobody, "test"),
        (ids[1], "test"),
        (ids[2], "test"),
        (ids[3], "test"),
    ];
    let reports = rules.evaluate_many(&batch).await;
    assert_eq!(reports.len(), 5);
    let ann_report = reports[0].as_ref().expect("Ann evaluated");
    assert_eq!(ann_report.rules, 4, "the defaults and Cora's team rule");
    assert!(ann_report.failures.is_empty(), "{:?}", ann_report.failures);
    assert!(
        !ann_report.proposals.is_empty(),
        "her poor morning is acted on"
    );
    assert!(matches!(
        reports[1],
        Err(stride::error::AppError::NotFound(_))
    ));
    let kai_report = reports[2].as_ref().expect("Kai evaluated");
    assert_eq!(kai_report.rules, 4, "the defaults and his own rule");
    assert!(kai_report.failures.is_empty(), "{:?}", kai_report.failures);
    let cal_report = reports[3].as_ref().expect("Cal evaluated");
    assert_eq!(cal_report.rules, 3, "the defaults only");
    assert!(cal_report.proposals.is_empty());
    let lea_report = reports[4].as_ref().expect("Lea evaluated");
    assert!(!lea_report.proposals.is_empty(), "her poor morning too");
    // Filed together, each proposal is its athlete's, audited on the one chain.
    for (who, report) in [(&ann, ann_report), (&lea, lea_report)] {
        let theirs: Vec<String> = proposals(&app, who, &who.id)
            .await
            .iter()
            .map(|p| p["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        for filed in &report.proposals {
            assert!(
                theirs.contains(&filed.to_string()),
                "{} files their own",
                who.email
            );
            let trail = proposal_trail(&app, &owner, &filed.to_string()).await;
            assert_eq!(trail.first().map(|t| t.0.as_str()), Some("proposal.create"));
        }
    }
    audit_intact(&app, &owner).await;
    // Ann's proposal is hers, filed once: a second batch proposes nothing new.
    let pending = proposals(&app, &ann, &ann.id).await;
    assert_eq!(pending.len(), ann_report.proposals.len());
    let again = rules.evaluate_many(&batch).await;
    assert!(again[0].as_ref().expect("Ann").proposals.is_empty());
    // An athlete twice in one batch (two nightly checks claimed together) gets their own
    // rules both times.
    let twice = rules
        .evaluate_many(&[(ids[1], "test"), (ids[0], "test"), (ids[1], "test")])
        .await;
    for report in [&twice[0], &twice[2]] {
        assert_eq!(report.as_ref().expect("Kai").rules, 4, "his own rule too");
    }
    let together = rules.snapshots(&[ids[1], ids[1]]).await.expect("snapshots");
    assert_eq!(together[0], together[1]);
    assert_eq!(together[0], *kai_snap);
    assert!(proposals(&app, &kai, &kai.id).await.is_empty());
}

/// Home screens that miss the cache together are built together (one query per table for the
/// batch). Each must be the athlete's own: the same as the readiness, stats, alerts and plan
/// queries give that athlete, each on their own today.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_screens_built_together_are_each_the_athletes_own() {
    let app = TestApp::spawn_with(|config| config.jobs.workers = 0).await;
    let owner = app.owner().await;
    let mut athletes = Vec::new();
    for (n, zone) in [
        "Europe/Oslo",
        "Pacific/Auckland",
        "America/Los_Angeles",
        "Asia/Tokyo",
    ]
    .iter()
    .enumerate()
    {
        let who = athlete_with_plan(&app, &owner, &format!("a{n}@example.test")).await;
        app.gql(
            Some(&who.token),
            "mutation($z: String!) { updateProfile(input: { timeZone: $z }) { id } }",
            json!({ "z": zone }),
        )
        .await
        .ok();
        for d in 0..=n {
            app.gql(
                Some(&who.token),
                "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
                json!({ "i": { "sport": "RUN", "startTime": format!("2026-02-2{}T07:00:00Z", 4 + d), "durationSeconds": 1800 * (d + 1), "rpe": 3 + d } }),
            )
            .await
            .ok();
        }
        if n % 2 == 0 {
            poor_morning(&app, &who).await;
        }
        athletes.push(who);
    }
    athletes.push(
        app.invite_user(&owner, "ATHLETE", "nothing@example.test")
            .await,
    );

    const HOME: &str = "{ home { date readiness { light confidence signals { signal light reason } } load { date acute chronic tsb } alerts { kind date value } workouts { id kind } } }";
    let homes = futures::future::join_all(
        athletes
            .iter()
            .map(|who| app.gql(Some(&who.token), HOME, json!({}))),
    )
    .await;
    let mut dates = std::collections::BTreeSet::new();
    for (who, home) in athletes.iter().zip(&homes) {
        let home = &home.ok()["home"];
        let today = home["date"].as_str().expect("date").to_owned();
        dates.insert(today.clone());
        let week_ago = (NaiveDate::parse_from_str(&today, "%Y-%m-%d").expect("date")
            - Duration::days(6))
        .to_string();
        let theirs = app
            .gql(
                Some(&who.token),
                "query($d: NaiveDate!, $w: NaiveDate!) { readiness { light confidence signals { signal light reason } } \
                 trainingStats(from: $d, to: $d) { days { date acute chronic tsb } } \
                 riskAlerts(from: $w, to: $d) { kind date value } \
                 trainingPlan(from: $d, to: $d) { workouts { id kind } } }",
                json!({ "d": today, "w": week_ago }),
            )
            .await;
        let theirs = theirs.ok();
        assert_eq!(home["readiness"], theirs["readiness"], "{}", who.email);
        let stats_today = theirs["trainingStats"]["days"]
            .as_array()
            .and_then(|d| d.first())
            .cloned()
            .unwrap_or(Value::Null);
        assert_eq!(home["load"], stats_today, "{}", who.email);
        let mut alerts = theirs["riskAlerts"].as_array().expect("alerts").clone();
        alerts.reverse();
        assert_eq!(home["alerts"], json!(alerts), "{}", who.email);
        let planned = theirs["trainingPlan"]["workouts"].clone();
        let planned = if planned.is_null() {
            json!([])
        } else {
            planned
        };
        assert_eq!(home["workouts"], planned, "{}", who.email);
    }
    assert!(dates.len() >= 2, "the athletes' todays differ: {dates:?}");
    assert_ne!(homes[0].ok()["home"]["load"], homes[2].ok()["home"]["load"]);
    assert_eq!(homes[4].ok()["home"]["load"], Value::Null, "no history");
}

/// Pending lists that miss the cache together are read together (one statement for the
/// batch). Each athlete, and their coach, must see exactly that athlete's pending proposals,
/// newest first, as the unfiltered list shows them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_lists_read_together_are_each_the_athletes_own() {
    let app = TestApp::spawn_with(|config| config.jobs.workers = 0).await;
    let owner = app.owner().await;
    let cora = app.invite_user(&owner, "COACH", "cora@example.test").await;
    let mut athletes = Vec::new();
    for n in 0..3 {
        let who = athlete_with_plan(&app, &owner, &format!("p{n}@example.test")).await;
        app.gql(
            Some(&who.token),
            "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
            json!({ "e": cora.email }),
        )
        .await
        .ok();
        let workouts = plan(&app, &who, &who.id, "2026-03-04", "2026-03-10").await["workouts"]
            .as_array()
            .expect("workouts")
            .clone();
        for (k, workout) in workouts.iter().take(n + 1).enumerate() {
            suggest_rest(&app, &cora, workout, &format!("{n}.{k}")).await;
        }
        athletes.push(who);
    }
    athletes.push(
        app.invite_user(&owner, "ATHLETE", "none@example.test")
            .await,
    );
    // Each filing dropped its athlete's list: every read below misses, at once.
    let own = futures::future::join_all(athletes.iter().map(|who| pending_ids(&app, who))).await;
    let coached = futures::future::join_all(athletes.iter().take(3).map(|who| async {
        app.gql(
            Some(&cora.token),
            "query($a: ID) { proposals(athleteId: $a, state: PENDING) { id } }",
            json!({ "a": who.id }),
        )
        .await
        .ok()["proposals"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|p| p["id"].as_str().expect("id").to_owned())
            .collect::<Vec<_>>()
    }))
    .await;
    for (n, who) in athletes.iter().enumerate() {
        let alone: Vec<String> = proposals(&app, who, &who.id)
            .await
            .into_iter()
            .filter(|p| p["state"] == "PENDING")
            .map(|p| p["id"].as_str().expect("id").to_owned())
            .collect();
        let expected = if n < 3 { n + 1 } else { 0 };
        assert_eq!(alone.len(), expected, "{}", who.email);
        assert_eq!(own[n], alone, "{}'s own list", who.email);
        if n < 3 {
            assert_eq!(
                coached[n], alone,
                "{}'s list as the coach sees it",
                who.email
            );
        }
    }
}

/// A newer proposal from the same source for the same workout replaces the pending one: the
/// older is settled as superseded, both steps are audited, and only the newer can be decided.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_proposal_for_the_same_workout_supersedes_the_pending_one() {
    let app = TestApp::spawn_with(|config| config.jobs.workers = 0).await;
    let owner = app.owner().await;
    let ann = athlete_with_plan(&app, &owner, "ann@example.test").await;
    let cora = app.invite_user(&owner, "COACH", "cora@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
        json!({ "e": cora.email }),
    )
    .await
    .ok();
    let workouts = plan(&app, &ann, &ann.id, TODAY, "2026-03-04").await["workouts"]
        .as_array()
        .expect("workouts")
        .clone();
    let first = suggest_rest(&app, &cora, &workouts[0], "first").await;
    let other = suggest_rest(&app, &cora, &workouts[1], "another day").await;
    let second = suggest_rest(&app, &cora, &workouts[0], "second thoughts").await;
    let mut pending = pending_ids(&app, &ann).await;
    pending.sort();
    let mut expected = vec![other.clone(), second.clone()];
    expected.sort();
    assert_eq!(
        pending, expected,
        "the first was replaced, the other day's kept"
    );
    let states: Vec<(String, String)> = proposals(&app, &ann, &ann.id)
        .await
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap_or_default().to_owned(),
                p["state"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        states.contains(&(first.clone(), "SUPERSEDED".to_owned())),
        "{states:?}"
    );
    let trail = proposal_trail(&app, &owner, &first).await;
    let actions: Vec<&str> = trail.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["proposal.create", "proposal.supersede"]);
    app.gql(
        Some(&ann.token),
        "mutation($id: ID!) { confirmProposal(id: $id) { state } }",
        json!({ "id": first }),
    )
    .await
    .expect_code("CONFLICT");
    let confirmed = confirm(&app, &ann, &second).await;
    assert_eq!(confirmed.ok()["confirmProposal"]["state"], "APPLIED");
    audit_intact(&app, &owner).await;
}
