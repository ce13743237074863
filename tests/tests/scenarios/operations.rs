//! Operating Stride: impersonation (explicit, reasoned, time-limited, visible, audited) and
//! erasure (nothing personal left in any table; the audit chain still verifies).

use chrono::TimeDelta;
use serde_json::{Value, json};
use sqlx::{Connection, Row};
use stride_e2e::strava_world::{athlete_activities, connect, settle, world};
use stride_e2e::{Session, TestApp};

const START: &str = "mutation($u: ID!, $r: String!, $m: Int) { startImpersonation(userId: $u, reason: $r, minutes: $m) { token expiresAt user { id } } }";
const LOG_RUN: &str = "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }";

async fn log_run(app: &TestApp, who: &Session, start: &str) -> String {
    app.gql(
        Some(&who.token),
        LOG_RUN,
        json!({ "i": { "sport": "RUN", "startTime": start, "durationSeconds": 3600, "distanceMeters": 10000, "rpe": 5 } }),
    )
    .await
    .ok()["logActivity"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn impersonation_is_granted_explicitly_reasoned_time_limited_visible_and_audited() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let admin = app.invite_user(&owner, "ADMIN", "ada@example.test").await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let run = log_run(&app, &ann, "2026-03-01T07:00:00Z").await;
    let start = |who: &Session, target: &Session, reason: &str, minutes: Option<i32>| {
        let (token, target, reason) = (who.token.clone(), target.id.clone(), reason.to_owned());
        let app = &app;
        async move {
            app.gql(
                Some(&token),
                START,
                json!({ "u": target, "r": reason, "m": minutes }),
            )
            .await
        }
    };

    // An admin's role does not carry it: the owner grants it explicitly.
    start(&admin, &ann, "ticket 42: empty dashboard", None)
        .await
        .expect_code("FORBIDDEN");
    let granted = app
        .gql(
            Some(&owner.token),
            "mutation($u: ID!) { grantPermission(userId: $u, permission: IMPERSONATE, reason: \"support rota\") { grantedPermissions permissions } }",
            json!({ "u": admin.id }),
        )
        .await;
    assert_eq!(
        granted.ok()["grantPermission"]["grantedPermissions"],
        json!(["IMPERSONATE"])
    );
    // Only admins receive grants.
    app.gql(
        Some(&owner.token),
        "mutation($u: ID!) { grantPermission(userId: $u, permission: IMPERSONATE) { id } }",
        json!({ "u": ann.id }),
    )
    .await
    .expect_code("BAD_INPUT");
    // No reason, too long, or someone above the admin: refused.
    let no_reason = start(&admin, &ann, " ", None).await;
    no_reason.expect_code("BAD_INPUT");
    assert_eq!(no_reason.bad_fields(), ["reason"]);
    let too_long = start(&admin, &ann, "ticket 42: empty dashboard", Some(61)).await;
    assert_eq!(too_long.bad_fields(), ["minutes"]);
    start(&admin, &owner, "curious about the owner", Some(5))
        .await
        .expect_code("FORBIDDEN");

    let opened = start(&admin, &ann, "ticket 42: empty dashboard", Some(10)).await;
    let opened = &opened.ok()["startImpersonation"];
    assert_eq!(opened["user"]["id"], json!(ann.id));
    let as_ann = Session {
        token: opened["token"].as_str().expect("token").to_owned(),
        id: ann.id.clone(),
        email: ann.email.clone(),
    };

    // Every answer says so: in the data the console reads, the extensions and a header.
    let response = app
        .http()
        .post(app.url("/graphql"))
        .bearer_auth(&as_ann.token)
        .json(&json!({ "query": "{ me { id } impersonation { by { id } reason until } activities(first: 5) { edges { node { id } } } }" }))
        .send()
        .await
        .expect("request");
    let header = response
        .headers()
        .get("stride-impersonation")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("the Stride-Impersonation header");
    assert!(
        header.starts_with(&format!("by={}; until=", admin.id)),
        "{header}"
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["data"]["me"]["id"], json!(ann.id));
    assert_eq!(body["data"]["impersonation"]["by"]["id"], json!(admin.id));
    assert_eq!(
        body["data"]["impersonation"]["reason"],
        json!("ticket 42: empty dashboard")
    );
    assert_eq!(body["extensions"]["impersonation"]["by"], json!(admin.id));
    // What Ann sees, the admin sees.
    assert_eq!(
        body["data"]["activities"]["edges"][0]["node"]["id"],
        json!(run)
    );
    // Ann's own answers carry no such mark.
    let own = app
        .gql(Some(&ann.token), "{ impersonation { reason } }", json!({}))
        .await;
    assert_eq!(own.ok()["impersonation"], Value::Null);
    assert!(
        own.body
            .get("extensions")
            .is_none_or(|e| e.get("impersonation").is_none())
    );

    // The password and new secrets are out of reach.
    for (what, query) in [
        (
            "password",
            "mutation { changePassword(currentPassword: \"password-ann@example.test\", newPassword: \"a-new-password-1\") { token } }",
        ),
        (
            "relay token",
            "mutation { createRelayToken(name: \"phone\") { token } }",
        ),
        (
            "invite",
            "mutation { createInvite(role: ATHLETE) { token } }",
        ),
        (
            "nested impersonation",
            "mutation { startImpersonation(userId: \"00000000-0000-0000-0000-000000000000\", reason: \"nested one\") { token } }",
        ),
        ("ending every session", "mutation { revokeAllSessions }"),
        (
            "erasure",
            "mutation { deleteMyAccount(password: \"password-ann@example.test\") { accountsRemoved } }",
        ),
    ] {
        let refused = app.gql(Some(&as_ann.token), query, json!({})).await;
        let message = refused.expect_code("FORBIDDEN");
        assert!(message.contains("impersonat"), "{what}: {message}");
    }
    // Ann's password still works: nothing changed it.
    app.login("ann@example.test", "password-ann@example.test")
        .await;

    // An action taken is audited with both identities.
    app.gql(
        Some(&as_ann.token),
        "mutation { updateProfile(input: { sex: FEMALE }) { id } }",
        json!({}),
    )
    .await
    .ok();
    let entries = app
        .state
        .store
        .audit_entries_from(0, 500)
        .await
        .expect("audit");
    let ann_id: uuid::Uuid = ann.id.parse().expect("uuid");
    let admin_id: uuid::Uuid = admin.id.parse().expect("uuid");
    let start_entry = entries
        .iter()
        .find(|e| e.action == "impersonation.start")
        .expect("impersonation.start");
    assert_eq!(start_entry.actor_id, Some(admin_id));
    assert_eq!(start_entry.target_id.as_deref(), Some(ann.id.as_str()));
    assert_eq!(
        start_entry.reason.as_deref(),
        Some("ticket 42: empty dashboard")
    );
    let acted: Vec<&str> = entries
        .iter()
        .filter(|e| e.actor_id == Some(ann_id) && e.real_actor_id == Some(admin_id))
        .map(|e| e.action.as_str())
        .collect();
    assert!(
        acted.contains(&"impersonation.mutation"),
        "the profile edit is not audited with both identities: {acted:?}"
    );
    let attempts: Vec<&str> = entries
        .iter()
        .filter(|e| e.action == "impersonation.mutation")
        .map(|e| e.payload.as_str())
        .collect();
    // Refused attempts are on record too.
    assert!(
        attempts.contains(&r#"{"fields":["changePassword"],"ok":false}"#),
        "{attempts:?}"
    );
    assert!(
        attempts.contains(&r#"{"fields":["updateProfile"],"ok":true}"#),
        "{attempts:?}"
    );
    // Ann sees the session in her list, with who and why.
    let sessions = app
        .gql(
            Some(&ann.token),
            "{ mySessions { impersonatedBy impersonationReason } }",
            json!({}),
        )
        .await;
    assert!(
        sessions.ok()["mySessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .any(|s| s["impersonatedBy"] == json!(admin.id)
                && s["impersonationReason"] == json!("ticket 42: empty dashboard")),
        "{}",
        sessions.body
    );

    // It ends on time.
    app.clock.advance(TimeDelta::minutes(11));
    app.gql(Some(&as_ann.token), "{ me { id } }", json!({}))
        .await
        .expect_code("UNAUTHENTICATED");

    // Or earlier, when the admin stops it; and without the grant there is no new one.
    let again = start(&admin, &ann, "ticket 43: follow-up", Some(5)).await;
    let token = again.ok()["startImpersonation"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let stopped = app
        .gql(Some(&token), "mutation { stopImpersonation }", json!({}))
        .await;
    assert_eq!(stopped.ok()["stopImpersonation"], json!(true));
    app.gql(Some(&token), "{ me { id } }", json!({}))
        .await
        .expect_code("UNAUTHENTICATED");
    app.gql(
        Some(&owner.token),
        "mutation($u: ID!) { revokePermission(userId: $u, permission: IMPERSONATE, reason: \"rota over\") { grantedPermissions } }",
        json!({ "u": admin.id }),
    )
    .await
    .ok();
    start(&admin, &ann, "ticket 44: one more look", Some(5))
        .await
        .expect_code("FORBIDDEN");
    let actions: Vec<String> = app
        .state
        .store
        .audit_entries_from(0, 500)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "permission.grant",
        "impersonation.start",
        "impersonation.end",
        "permission.revoke",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
    let verified = app.state.audit.chain().verify(None).await.expect("verify");
    assert_eq!(verified.first_broken, None);
}

/// Every `table.column` whose contents mention one of `needles` (as text, or as the bytes of
/// a UUID or a string in a binary column), on either backend.
async fn mentions(app: &TestApp, user_id: uuid::Uuid, needles: &[&str]) -> Vec<String> {
    let mut texts: Vec<String> = needles.iter().map(|n| n.to_string()).collect();
    texts.push(user_id.to_string());
    texts.push(user_id.simple().to_string());
    let mut found = Vec::new();
    if app.database_url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(&app.database_url)
            .await
            .expect("connect");
        let columns = sqlx::query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(&mut conn)
        .await
        .expect("columns");
        for column in columns {
            let (table, name): (String, String) = (column.get(0), column.get(1));
            for text in &texts {
                let hex: String = text.bytes().map(|b| format!("{b:02x}")).collect();
                let sql = format!(
                    "SELECT count(*) FROM \"{table}\" WHERE \"{name}\"::text ILIKE $1 OR \"{name}\"::text ILIKE $2"
                );
                let n: i64 = sqlx::query_scalar(&sql)
                    .bind(format!("%{text}%"))
                    .bind(format!("%{hex}%"))
                    .fetch_one(&mut conn)
                    .await
                    .expect("search");
                if n > 0 {
                    found.push(format!("{table}.{name} ({text}: {n})"));
                }
            }
        }
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
            .await
            .expect("connect");
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
        )
        .fetch_all(&mut conn)
        .await
        .expect("tables");
        for table in tables {
            let names: Vec<String> =
                sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(&mut conn)
                    .await
                    .expect("columns");
            for name in names {
                for text in &texts {
                    let hex: String = text.bytes().map(|b| format!("{b:02X}")).collect();
                    let raw: String = if *text == user_id.simple().to_string() {
                        user_id
                            .as_bytes()
                            .iter()
                            .map(|b| format!("{b:02X}"))
                            .collect()
                    } else {
                        hex.clone()
                    };
                    let sql = format!(
                        "SELECT count(*) FROM \"{table}\" WHERE CAST(\"{name}\" AS TEXT) LIKE ?1 OR hex(\"{name}\") LIKE ?2 OR hex(\"{name}\") LIKE ?3"
                    );
                    let n: i64 = sqlx::query_scalar(&sql)
                        .bind(format!("%{text}%"))
                        .bind(format!("%{hex}%"))
                        .bind(format!("%{raw}%"))
                        .fetch_one(&mut conn)
                        .await
                        .expect("search");
                    if n > 0 {
                        found.push(format!("{table}.{name} ({text}: {n})"));
                    }
                }
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasing_an_account_leaves_nothing_personal_anywhere_and_the_chain_verifies() {
    let w = world(50, 100, |_| {}).await;
    let app = &w.app;
    let owner = &w.owner;
    let coach = app
        .invite_user(owner, "COACH", "coach.karl@example.test")
        .await;
    let ann = app
        .invite_user(owner, "ATHLETE", "annika.erase@example.test")
        .await;
    let bob = app.invite_user(owner, "ATHLETE", "bob@example.test").await;
    let ann_id: uuid::Uuid = ann.id.parse().expect("uuid");
    app.gql(
        Some(&ann.token),
        "mutation { updateProfile(input: { displayName: \"Annika Eraseme\", sex: FEMALE }) { id } }",
        json!({}),
    )
    .await
    .ok();
    // Her data, from everywhere: Strava history with streams, a manual run, a coach grant,
    // a pending invite to her address, a failed login.
    w.fake
        .add_history(8001, 4, app.clock_now() - TimeDelta::days(1));
    assert_eq!(connect(&w, &ann, 8001, None).await, 200);
    settle(&w, &ann).await;
    assert!(athlete_activities(&w, &ann).await.len() >= 4);
    log_run(app, &ann, "2026-02-20T07:00:00Z").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
        json!({ "e": coach.email }),
    )
    .await
    .ok();
    app.create_invite(owner, "ATHLETE", Some("annika.erase@example.test"))
        .await;
    app.gql(
        None,
        "mutation { login(email: \"annika.erase@example.test\", password: \"wrong-password\") { token } }",
        json!({}),
    )
    .await;
    let bob_run = log_run(app, &bob, "2026-02-21T07:00:00Z").await;
    let needles = ["annika.erase@example.test", "Annika Eraseme"];
    assert!(
        !mentions(app, ann_id, &needles).await.is_empty(),
        "the search finds her before the erasure"
    );

    // Wrong password: nothing happens.
    app.gql(
        Some(&ann.token),
        "mutation { deleteMyAccount(password: \"not-it\") { accountsRemoved } }",
        json!({}),
    )
    .await
    .expect_code("BAD_INPUT");
    let erased = app
        .gql(
            Some(&ann.token),
            "mutation { deleteMyAccount(password: \"password-annika.erase@example.test\") { auditEntriesErased accountsRemoved invitesRemoved providersDisconnected } }",
            json!({}),
        )
        .await;
    let erased = &erased.ok()["deleteMyAccount"];
    assert_eq!(erased["accountsRemoved"], json!(1));
    assert_eq!(erased["providersDisconnected"], json!(["strava"]));
    assert!(
        erased["auditEntriesErased"].as_i64().expect("n") > 3,
        "{erased}"
    );
    assert!(
        erased["invitesRemoved"].as_i64().expect("n") >= 2,
        "{erased}"
    );

    // Nothing about her remains, in any column of any table.
    let left = mentions(app, ann_id, &needles).await;
    assert!(left.is_empty(), "still mentioned: {left:?}");
    // Strava was told to forget the connection; her session and login are gone.
    assert!(!w.fake.authorized(8001), "Strava still honours her token");
    app.gql(Some(&ann.token), "{ me { id } }", json!({}))
        .await
        .expect_code("UNAUTHENTICATED");
    app.gql(
        None,
        "mutation { login(email: \"annika.erase@example.test\", password: \"password-annika.erase@example.test\") { token } }",
        json!({}),
    )
    .await
    .expect_code("UNAUTHENTICATED");
    // The chain still verifies, and says what happened without saying who.
    let verified = app.state.audit.chain().verify(None).await.expect("verify");
    assert_eq!(verified.first_broken, None, "{verified:?}");
    let entries = app
        .state
        .store
        .audit_entries_from(0, 1_000)
        .await
        .expect("audit");
    let record = entries
        .iter()
        .find(|e| e.action == "account.erase")
        .expect("erasure record");
    assert_eq!(record.actor_id, None);
    assert_eq!(record.target_id, None);
    let blanked = entries.iter().filter(|e| e.erased_at.is_some()).count() as i64;
    assert_eq!(Some(blanked), erased["auditEntriesErased"].as_i64());
    // Others keep their data; the coach no longer sees her.
    let bobs = app
        .gql(
            Some(&bob.token),
            "{ activities(first: 5) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        bobs.ok()["activities"]["edges"][0]["node"]["id"],
        json!(bob_run)
    );
    let athletes = app
        .gql(Some(&coach.token), "{ myAthletes { id } }", json!({}))
        .await;
    assert_eq!(athletes.ok()["myAthletes"], json!([]));

    // An admin erases another account with a reason; an athlete may not; the last owner
    // cannot erase themselves.
    app.gql(
        Some(&coach.token),
        "mutation($u: ID!) { eraseUser(userId: $u, reason: \"asked by email\") { accountsRemoved } }",
        json!({ "u": bob.id }),
    )
    .await
    .expect_code("FORBIDDEN");
    let by_owner = app
        .gql(
            Some(&owner.token),
            "mutation($u: ID!) { eraseUser(userId: $u, reason: \"asked by email on 1 March\") { accountsRemoved } }",
            json!({ "u": bob.id }),
        )
        .await;
    assert_eq!(by_owner.ok()["eraseUser"]["accountsRemoved"], json!(1));
    let bob_id: uuid::Uuid = bob.id.parse().expect("uuid");
    let left = mentions(app, bob_id, &["bob@example.test"]).await;
    assert!(left.is_empty(), "still mentioned: {left:?}");
    app.gql(
        Some(&owner.token),
        "mutation { deleteMyAccount(password: \"owner-password-1\") { accountsRemoved } }",
        json!({}),
    )
    .await
    .expect_code("FORBIDDEN");
    let verified = app.state.audit.chain().verify(None).await.expect("verify");
    assert_eq!(verified.first_broken, None, "{verified:?}");
}

/// Marking an entry erased is how an erasure blanks it; someone editing the database cannot
/// use that to hide an edit, because only the entries an erasure record lists may differ.
#[tokio::test]
async fn an_entry_marked_erased_without_an_erasure_record_breaks_the_chain() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    app.invite_user(&owner, "ATHLETE", "cara@example.test")
        .await;
    let verified = app.state.audit.chain().verify(None).await.expect("verify");
    assert_eq!(verified.first_broken, None);
    let sql = if app.database_url.starts_with("postgres") {
        "UPDATE audit_log SET payload = '{}', reason = NULL, erased_at = now() WHERE seq = 3"
    } else {
        "UPDATE audit_log SET payload = '{}', reason = NULL, erased_at = '2026-03-01T00:00:00Z' WHERE seq = 3"
    };
    if app.database_url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(&app.database_url)
            .await
            .expect("connect");
        sqlx::query(sql).execute(&mut conn).await.expect("tamper");
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
            .await
            .expect("connect");
        sqlx::query(sql).execute(&mut conn).await.expect("tamper");
    }
    let verified = app.state.audit.chain().verify(None).await.expect("verify");
    let (seq, why) = verified.first_broken.expect("detected");
    assert_eq!(seq, 3);
    assert!(why.contains("no erasure record lists it"), "{why}");
}
