//! Privileged actions land in the hash-chained audit log, and tampering is detected.

use serde_json::json;
use sqlx::Connection;
use stride_e2e::TestApp;

async fn tamper(app: &TestApp, sql: &str) {
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
}

#[tokio::test]
async fn privileged_actions_are_chained_and_tampering_is_named() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let coach = app.invite_user(&owner, "COACH", "coach@example.test").await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ) { id } }",
        json!({ "e": coach.email }),
    )
    .await
    .ok();
    app.gql(Some(&owner.token), "mutation($u: ID!) { setUserRole(userId: $u, role: ADMIN, reason: \"runs the club\") { role } }", json!({ "u": coach.id }))
        .await
        .ok();

    let store = &app.state.store;
    let entries = store.audit_entries_from(0, 100).await.expect("entries");
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "user.create_owner",
            "user.login",
            "invite.create",
            "user.sign_up",
            "invite.create",
            "user.sign_up",
            "grant.create",
            "user.set_role"
        ]
    );
    let role_change = entries.last().expect("entry");
    assert_eq!(role_change.reason.as_deref(), Some("runs the club"));
    assert_eq!(
        role_change.real_actor_id.map(|id| id.to_string()),
        Some(owner.id.clone())
    );
    assert!(
        role_change.payload.contains("\"to\":\"admin\""),
        "{}",
        role_change.payload
    );

    let intact = app.state.audit.chain().verify(None).await.expect("verify");
    assert_eq!(intact.first_broken, None);
    assert_eq!(intact.checked, 8);

    tamper(
        &app,
        "UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 8",
    )
    .await;
    let edited = app.state.audit.chain().verify(None).await.expect("verify");
    let (seq, reason) = edited.first_broken.expect("tampering is detected");
    assert_eq!(seq, 8);
    assert!(reason.contains("changed after it was written"), "{reason}");

    tamper(
        &app,
        "UPDATE audit_log SET reason = 'runs the club' WHERE seq = 8",
    )
    .await;
    assert_eq!(
        app.state
            .audit
            .chain()
            .verify(None)
            .await
            .expect("verify")
            .first_broken,
        None,
        "restoring the row restores the chain"
    );

    tamper(&app, "DELETE FROM audit_log WHERE seq = 3").await;
    let deleted = app.state.audit.chain().verify(None).await.expect("verify");
    assert_eq!(deleted.first_broken.map(|(seq, _)| seq), Some(3));
}

#[tokio::test]
async fn removing_the_newest_entries_is_detected() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let newest = app
        .state
        .audit
        .chain()
        .verify(None)
        .await
        .expect("verify")
        .checked;
    tamper(&app, &format!("DELETE FROM audit_log WHERE seq = {newest}")).await;
    let truncated = app.state.audit.chain().verify(None).await.expect("verify");
    let (seq, reason) = truncated.first_broken.expect("detected");
    assert_eq!(seq, newest);
    assert!(reason.contains("removed"), "{reason}");
}

/// The attacks an unkeyed chain could not stop, by someone who can write to the database but
/// does not hold the audit key.
#[tokio::test]
async fn a_rechained_or_rolled_back_log_is_detected_by_its_signatures() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    for n in 0..4 {
        app.invite_user(&owner, "ATHLETE", &format!("a{n}@example.test"))
            .await;
    }
    let audit = app.state.audit.chain();
    let store = &app.state.store;
    let before = audit.verify(None).await.expect("verify");
    assert_eq!(before.first_broken, None);
    let head = before.checked;
    assert!(head >= 9, "{head}");
    // An operator keeps a signed checkpoint outside the database.
    let exported = audit.checkpoint(app.clock_now()).await.expect("checkpoint");
    assert_eq!(exported.seq, head);

    // 1. Edit entry 4 and re-chain every hash after it, moving the head's hash too: every
    // entry hash matches, but the head's signature no longer does.
    let mut entries = store.audit_entries_from(0, 1_000).await.expect("entries");
    entries[3].reason = Some("nothing happened".to_owned());
    let mut prev = entries[2].hash.clone();
    for entry in entries.iter_mut().skip(3) {
        entry.prev_hash = prev.clone();
        entry.personal_digest = stride::audit::personal_digest(entry).map(|d| d.to_vec());
        entry.hash = stride::audit::entry_hash(entry).to_vec();
        prev = entry.hash.clone();
    }
    for entry in entries.iter().skip(3) {
        tamper(
            &app,
            &format!(
                "UPDATE audit_log SET reason = {}, personal_digest = {}, prev_hash = {}, hash = {} WHERE seq = {}",
                entry
                    .reason
                    .as_deref()
                    .map_or("reason".to_owned(), |r| format!("'{r}'")),
                blob(&app, entry.personal_digest.as_deref().unwrap_or_default()),
                blob(&app, &entry.prev_hash),
                blob(&app, &entry.hash),
                entry.seq
            ),
        )
        .await;
    }
    tamper(
        &app,
        &format!(
            "UPDATE audit_head SET hash = {} WHERE id = 1",
            blob(&app, &prev)
        ),
    )
    .await;
    let rechained = audit.verify(None).await.expect("verify");
    let (_, why) = rechained.first_broken.expect("re-chaining is detected");
    assert!(why.contains("valid signature"), "{why}");

    // 2. On a fresh log: drop the newest entries and move the head back to the last entry
    // kept. Its signature covers the old (seq, hash), so it fails.
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    for n in 0..4 {
        app.invite_user(&owner, "ATHLETE", &format!("b{n}@example.test"))
            .await;
    }
    let audit = app.state.audit.chain();
    let store = &app.state.store;
    // (The attacker also saved the head as it was here, signature and all.)
    let saved = store.audit_head().await.expect("head");
    app.invite_user(&owner, "ATHLETE", "late@example.test")
        .await;
    // The operator exports a checkpoint after those entries.
    let exported = audit.checkpoint(app.clock_now()).await.expect("checkpoint");
    tamper(
        &app,
        &format!("DELETE FROM audit_log WHERE seq > {}", saved.seq),
    )
    .await;
    tamper(
        &app,
        &format!(
            "UPDATE audit_head SET seq = {}, hash = {} WHERE id = 1",
            saved.seq,
            blob(&app, &saved.hash)
        ),
    )
    .await;
    let truncated = audit.verify(None).await.expect("verify");
    let (_, why) = truncated.first_broken.expect("truncation is detected");
    assert!(why.contains("valid signature"), "{why}");

    // 3. Restoring the saved head with its own valid signature rolls the log back to a state
    // that was once genuine: the database alone cannot tell (its stored checkpoints are
    // removed with the rows), the exported checkpoint can.
    tamper(
        &app,
        &format!(
            "UPDATE audit_head SET signature = {} WHERE id = 1",
            blob(&app, saved.signature.as_deref().expect("signed"))
        ),
    )
    .await;
    tamper(&app, "DELETE FROM audit_checkpoints").await;
    assert_eq!(audit.verify(None).await.expect("verify").first_broken, None);
    let against_export = audit.verify(Some(&exported)).await.expect("verify");
    let (_, why) = against_export
        .first_broken
        .expect("the rollback shows against the exported checkpoint");
    assert!(why.contains("were removed"), "{why}");

    // 4. A forged checkpoint (signed without the key) is refused.
    let mut forged = exported.clone();
    forged.hash[0] ^= 0xff;
    let app = TestApp::spawn().await;
    app.owner().await;
    let result = app
        .state
        .audit
        .chain()
        .verify(Some(&forged))
        .await
        .expect("verify");
    assert!(result.first_broken.is_some());
}

/// Verification while entries are being written never reports tampering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verifying_while_entries_are_written_reports_nothing_false() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let writer = {
        let app_url = app.url("/graphql");
        let token = owner.token.clone();
        let client = app.http().clone();
        tokio::spawn(async move {
            for n in 0..40 {
                client
                    .post(&app_url)
                    .bearer_auth(&token)
                    .json(&json!({ "query": format!("mutation {{ createInvite(role: ATHLETE, email: \"w{n}@example.test\") {{ token }} }}") }))
                    .send()
                    .await
                    .expect("invite");
            }
        })
    };
    let audit = app.state.audit.chain();
    let mut runs = 0;
    while !writer.is_finished() {
        let result = audit.verify(None).await.expect("verify");
        assert_eq!(result.first_broken, None, "false tampering at {runs}");
        runs += 1;
    }
    writer.await.expect("writer");
    assert!(runs > 0);
    assert_eq!(audit.verify(None).await.expect("verify").first_broken, None);
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A binary literal in the test database's own syntax.
fn blob(app: &TestApp, bytes: &[u8]) -> String {
    if app.database_url.starts_with("postgres") {
        format!("'\\x{}'::bytea", hex_of(bytes))
    } else {
        format!("X'{}'", hex_of(bytes))
    }
}
