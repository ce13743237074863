//! The weekly digest: in the app, and by email through a real SMTP server the test runs, once
//! per person and week whoever schedules it, with retries, and an unsubscribe link that holds.

use chrono::NaiveDate;
use serde_json::json;
use stride::config::Secret;
use stride_e2e::smtp_sink::{ParsedMail, SmtpSink};
use stride_e2e::{Session, TestApp, seed};
use uuid::Uuid;

const DIGEST: &str = "query { weeklyDigest { recipientName weekStart weekEnd forCoach athletes { athleteName sessionsDone sessionsPlanned plannedCompleted minutesDone distanceKm alerts load { weekLoad previousWeekLoad chronicStart chronicEnd tsbStart tsbEnd acwrEnd } pendingProposals { summary source } newestInsight } } }";
const SETTINGS: &str = "mutation($e: Boolean, $w: Int, $h: Int) { updateDigestSettings(email: $e, weekday: $w, hour: $h) { email weekday hour emailConfigured } }";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn uuid(session: &Session) -> Uuid {
    session.id.parse().expect("a user id")
}

/// The parts of an email that differ between runs (the server's port, the link's token),
/// replaced so a snapshot holds.
fn stable(text: &str, app: &TestApp) -> String {
    let text = text.replace(&app.url(""), "http://stride.test");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("token=") {
        let (head, tail) = rest.split_at(at + "token=".len());
        out.push_str(head);
        let hex = tail
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(tail.len());
        if hex > 0 {
            out.push_str("TOKEN");
        }
        rest = &tail[hex..];
    }
    out.push_str(rest);
    out
}

fn mail_to<'a>(mails: &'a [ParsedMail], who: &str) -> &'a ParsedMail {
    mails
        .iter()
        .find(|m| m.to.contains(who))
        .unwrap_or_else(|| panic!("a digest to {who}"))
}

#[tokio::test]
async fn weekly_digests_arrive_once_by_email_with_both_parts_and_unsubscribing_holds() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = TestApp::spawn_with(move |config| {
        config.mail.smtp_url = Some(Secret::new(url));
        config.mail.from = "Stride <digest@stride.test>".to_owned();
        config.training.insights.recompute_after_s = 0;
    })
    .await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.com").await;
    let rob = app.invite_user(&owner, "COACH", "rob@example.com").await;
    let cid = app.invite_user(&owner, "ATHLETE", "cid@example.com").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
        json!({ "e": rob.email }),
    )
    .await
    .ok();
    // A name that must be escaped in HTML.
    app.gql(
        Some(&ann.token),
        "mutation { updateProfile(input: { displayName: \"Ann <Runner> & co\" }) { displayName } }",
        json!({}),
    )
    .await
    .ok();

    // Ann's last week (23 Feb – 1 Mar): five runs, and four weeks before it.
    let sessions: Vec<(NaiveDate, f64)> = seed::history(day(2026, 3, 2), 35, 5);
    seed::activities(&app, uuid(&ann), &sessions).await;
    app.state
        .records
        .recompute_all_stats(uuid(&ann))
        .await
        .expect("stats");
    let last_week: Vec<_> = sessions
        .iter()
        .filter(|(d, _)| *d >= day(2026, 2, 23) && *d <= day(2026, 3, 1))
        .collect();
    // A plan, and a change her coach proposed that waits for her.
    app.gql(
        Some(&ann.token),
        "mutation { createPlan(input: { goalRaceName: \"Spring Half\", goalRaceDate: \"2026-05-10\", goalDistanceMeters: 21097.5, availability: { daysPerWeek: 5, longRunDay: SUNDAY, unavailableWeekdays: [] } }) { version } }",
        json!({}),
    )
    .await
    .ok();
    let snapshot = app
        .gql(Some(&ann.token), "query { ruleSnapshot }", json!({}))
        .await;
    let workout = snapshot.ok()["ruleSnapshot"]["week"][0]["id"]
        .as_str()
        .expect("a workout this week")
        .to_owned();
    app.gql(
        Some(&rob.token),
        "mutation($w: ID!) { proposeWorkoutChange(workoutId: $w, changes: { description: \"Hills instead\" }, reason: \"Hill strength before the race\") { id } }",
        json!({ "w": workout }),
    )
    .await
    .ok();

    // Settings: email off until asked for; a wrong hour is refused with its field.
    let settings = app
        .gql(
            Some(&ann.token),
            "query { digestSettings { email weekday hour emailConfigured } }",
            json!({}),
        )
        .await;
    assert_eq!(
        settings.ok()["digestSettings"],
        json!({ "email": false, "weekday": 1, "hour": 7, "emailConfigured": true })
    );
    app.gql(Some(&ann.token), SETTINGS, json!({ "h": 24 }))
        .await
        .expect_code("BAD_INPUT");
    for who in [&ann, &rob, &cid] {
        let on = app
            .gql(
                Some(&who.token),
                SETTINGS,
                json!({ "e": true, "w": 1, "h": 7 }),
            )
            .await;
        assert_eq!(on.ok()["updateDigestSettings"]["email"], true);
    }

    // The same digest in the app.
    let in_app = app.gql(Some(&ann.token), DIGEST, json!({})).await;
    let digest = in_app.ok()["weeklyDigest"].clone();
    assert_eq!(digest["weekStart"], "2026-02-23");
    assert_eq!(digest["weekEnd"], "2026-03-01");
    assert_eq!(digest["forCoach"], false);
    let mine = &digest["athletes"][0];
    assert_eq!(mine["sessionsDone"], last_week.len());
    let expected_load: f64 = last_week
        .iter()
        .map(|(_, l)| (l / 60.0).round().clamp(1.0, 10.0) * 60.0)
        .sum();
    let week_load = mine["load"]["weekLoad"].as_f64().expect("load");
    assert!(
        (week_load - expected_load).abs() < 1e-6,
        "{week_load} vs {expected_load}"
    );
    assert_eq!(
        mine["pendingProposals"],
        json!([{ "summary": "Hill strength before the race", "source": "coach" }])
    );
    let coach_view = app.gql(Some(&rob.token), DIGEST, json!({})).await;
    let coach_view = coach_view.ok()["weeklyDigest"].clone();
    assert_eq!(coach_view["forCoach"], true);
    assert_eq!(
        coach_view["athletes"][0]["athleteName"],
        "Ann <Runner> & co"
    );

    // Monday noon is past everyone's 07:00: each digest is queued once, however many
    // schedulers (replicas) race for it.
    let digests = &app.state.digests;
    let (a, b) = tokio::join!(digests.schedule(), digests.schedule());
    assert_eq!(a.expect("scheduled") + b.expect("scheduled"), 3);
    assert_eq!(digests.schedule().await.expect("scheduled"), 0);
    // Cid's mail server hiccups once: the job retries.
    sink.fail_next_data(1, "451 4.3.0 try again later");
    app.drain_jobs().await;
    app.clock.advance(chrono::TimeDelta::minutes(10));
    app.drain_jobs().await;
    let received = sink
        .wait_for(3, std::time::Duration::from_secs(20))
        .await
        .expect("three digests");
    assert_eq!(
        received.len(),
        3,
        "one each, the failed attempt not counted"
    );
    let mails: Vec<ParsedMail> = received
        .iter()
        .map(|m| m.parse().expect("a MIME message"))
        .collect();
    let anns = mail_to(&mails, "ann@example.com");
    assert!(anns.subject.starts_with("Your week"), "{}", anns.subject);
    assert!(!anns.html.contains("<Runner>"), "names are escaped in HTML");
    assert!(anns.html.contains("Ann &lt;Runner&gt; &amp; co"));
    assert!(anns.text.contains("Hill strength before the race"));
    let unsubscribe = anns
        .header("List-Unsubscribe")
        .expect("a List-Unsubscribe header")
        .trim_matches(|c| c == '<' || c == '>')
        .to_owned();
    assert!(unsubscribe.starts_with(&app.url("/digest/unsubscribe?token=")));
    assert_eq!(
        anns.header("List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(anns.text.contains(&unsubscribe) && anns.html.contains(&unsubscribe));
    insta::assert_snapshot!("ann_digest_text", stable(&anns.text, &app));
    insta::assert_snapshot!("ann_digest_html", stable(&anns.html, &app));
    let robs = mail_to(&mails, "rob@example.com");
    assert!(robs.subject.contains("athletes"), "{}", robs.subject);
    assert!(robs.text.contains("Ann <Runner> & co"));
    insta::assert_snapshot!("rob_digest_text", stable(&robs.text, &app));
    let sends = app
        .gql(
            Some(&cid.token),
            "query { digestEmails { weekStart state } }",
            json!({}),
        )
        .await;
    assert_eq!(
        sends.ok()["digestEmails"],
        json!([{ "weekStart": "2026-02-23", "state": "sent" }])
    );

    // The link: GET asks (a mail scanner following it changes nothing), POST unsubscribes.
    let page = app.http().get(&unsubscribe).send().await.expect("GET");
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .expect("page")
            .contains("<form method=\"post\"")
    );
    let email_on = app
        .gql(
            Some(&ann.token),
            "query { digestSettings { email } }",
            json!({}),
        )
        .await;
    assert_eq!(email_on.ok()["digestSettings"]["email"], true);
    let done = app
        .http()
        .post(&unsubscribe)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("POST");
    assert_eq!(done.status(), 200);
    let email_off = app
        .gql(
            Some(&ann.token),
            "query { digestSettings { email } }",
            json!({}),
        )
        .await;
    assert_eq!(email_off.ok()["digestSettings"]["email"], false);
    let forged = app
        .http()
        .post(app.url("/digest/unsubscribe?token=00ff"))
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), 404);

    // A week later: Rob and Cid get the next one, Ann does not.
    app.clock.advance(chrono::TimeDelta::days(7));
    assert_eq!(digests.schedule().await.expect("scheduled"), 2);
    app.drain_jobs().await;
    let received = sink
        .wait_for(5, std::time::Duration::from_secs(20))
        .await
        .expect("two more digests");
    assert!(
        received[3..]
            .iter()
            .all(|m| !m.to.iter().any(|to| to == "ann@example.com")),
        "unsubscribed: no more email to Ann"
    );
    let in_app_still = app.gql(Some(&ann.token), DIGEST, json!({})).await;
    assert_eq!(
        in_app_still.ok()["weeklyDigest"]["weekStart"],
        "2026-03-02",
        "the digest stays in the app"
    );
    app.stop().await;
}
