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

    let intact = stride::audit::verify(store).await.expect("verify");
    assert_eq!(intact.first_broken, None);
    assert_eq!(intact.checked, 7);

    tamper(
        &app,
        "UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 7",
    )
    .await;
    let edited = stride::audit::verify(store).await.expect("verify");
    let (seq, reason) = edited.first_broken.expect("tampering is detected");
    assert_eq!(seq, 7);
    assert!(reason.contains("changed after it was written"), "{reason}");

    tamper(
        &app,
        "UPDATE audit_log SET reason = 'runs the club' WHERE seq = 7",
    )
    .await;
    assert_eq!(
        stride::audit::verify(store)
            .await
            .expect("verify")
            .first_broken,
        None,
        "restoring the row restores the chain"
    );

    tamper(&app, "DELETE FROM audit_log WHERE seq = 3").await;
    let deleted = stride::audit::verify(store).await.expect("verify");
    assert_eq!(deleted.first_broken.map(|(seq, _)| seq), Some(3));
}

#[tokio::test]
async fn removing_the_newest_entries_is_detected() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    tamper(&app, "DELETE FROM audit_log WHERE seq = 3").await;
    let truncated = stride::audit::verify(&app.state.store)
        .await
        .expect("verify");
    let (seq, reason) = truncated.first_broken.expect("detected");
    assert_eq!(seq, 3);
    assert!(reason.contains("removed"), "{reason}");
}
