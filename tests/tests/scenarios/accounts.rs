//! Sign-up with and without invites; login, logout, password change and session revocation.

use chrono::TimeDelta;
use serde_json::json;
use stride_e2e::TestApp;

const ME: &str = "{ me { id email role } }";

#[tokio::test]
async fn sign_up_needs_a_valid_unused_invite() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;

    let bogus = app
        .try_sign_up("stride_i_not-a-real-invite", "ann@example.test")
        .await;
    assert_eq!(
        bogus.expect_code("BAD_INPUT"),
        "inviteToken: this invite does not exist"
    );

    let invite = app.create_invite(&owner, "ATHLETE", None).await;
    let ann = app.sign_up(&invite, "ann@example.test").await;
    let me = app.gql(Some(&ann.token), ME, json!({})).await;
    assert_eq!(me.ok()["me"]["role"], "ATHLETE");
    assert_eq!(me.ok()["me"]["email"], "ann@example.test");

    let reused = app.try_sign_up(&invite, "bob@example.test").await;
    assert_eq!(
        reused.expect_code("BAD_INPUT"),
        "inviteToken: this invite has already been used"
    );
    let login = app.gql(None, "mutation { login(email: \"bob@example.test\", password: \"password-bob@example.test\") { token } }", json!({})).await;
    login.expect_code("UNAUTHENTICATED");
}

#[tokio::test]
async fn expired_withdrawn_and_email_locked_invites_are_refused() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;

    let expiring = app.create_invite(&owner, "ATHLETE", None).await;
    app.clock.advance(TimeDelta::days(8));
    let late = app.try_sign_up(&expiring, "late@example.test").await;
    assert_eq!(
        late.expect_code("BAD_INPUT"),
        "inviteToken: this invite has expired; ask for a new one"
    );

    let owner = app.login("owner@example.test", "owner-password-1").await;
    let answer = app
        .gql(
            Some(&owner.token),
            "mutation { createInvite(role: ATHLETE) { token invite { id status } } }",
            json!({}),
        )
        .await;
    assert_eq!(answer.ok()["createInvite"]["invite"]["status"], "PENDING");
    let token = answer.ok()["createInvite"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let id = answer.ok()["createInvite"]["invite"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.gql(
        Some(&owner.token),
        "mutation($id: ID!) { revokeInvite(id: $id) }",
        json!({ "id": id }),
    )
    .await
    .ok();
    let withdrawn = app.try_sign_up(&token, "withdrawn@example.test").await;
    assert_eq!(
        withdrawn.expect_code("BAD_INPUT"),
        "inviteToken: this invite was withdrawn"
    );

    let locked = app
        .create_invite(&owner, "COACH", Some("coach@example.test"))
        .await;
    let wrong = app.try_sign_up(&locked, "someone@example.test").await;
    assert_eq!(wrong.bad_fields(), ["email"]);
    let coach = app.sign_up(&locked, "Coach@Example.test").await;
    let me = app.gql(Some(&coach.token), ME, json!({})).await;
    assert_eq!(me.ok()["me"]["role"], "COACH");
    assert_eq!(me.ok()["me"]["email"], "coach@example.test");
}

#[tokio::test]
async fn duplicate_emails_and_weak_passwords_are_refused() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let invite = app.create_invite(&owner, "ATHLETE", None).await;
    let again = app.try_sign_up(&invite, "ANN@example.test").await;
    assert_eq!(
        again.expect_code("CONFLICT"),
        "an account with this email already exists"
    );

    let weak = app
        .gql(
            None,
            "mutation($i: SignUpInput!) { signUp(input: $i) { token } }",
            json!({ "i": { "inviteToken": invite, "email": "new@example.test", "password": "short", "displayName": "N" } }),
        )
        .await;
    assert_eq!(weak.bad_fields(), ["password"]);
    let bad_zone = app
        .gql(
            None,
            "mutation($i: SignUpInput!) { signUp(input: $i) { token } }",
            json!({ "i": { "inviteToken": invite, "email": "new@example.test", "password": "long-enough-pw", "displayName": "N", "timeZone": "Mars/Olympus" } }),
        )
        .await;
    assert_eq!(bad_zone.bad_fields(), ["timeZone"]);
    // The failed attempts did not use the invite up.
    app.sign_up(&invite, "new@example.test").await;
}

#[tokio::test]
async fn login_logout_and_password_change_revoke_sessions() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;

    let wrong = app.gql(None, "mutation { login(email: \"ann@example.test\", password: \"nope-nope-nope\") { token } }", json!({})).await;
    assert_eq!(
        wrong.expect_code("UNAUTHENTICATED"),
        "the email or password is wrong"
    );
    let unknown = app.gql(None, "mutation { login(email: \"nobody@example.test\", password: \"nope-nope-nope\") { token } }", json!({})).await;
    assert_eq!(
        unknown.message(),
        wrong.message(),
        "unknown and wrong look the same"
    );

    let laptop = app
        .login("ann@example.test", "password-ann@example.test")
        .await;
    assert_eq!(
        app.gql(Some(&laptop.token), ME, json!({})).await.ok()["me"]["id"],
        ann.id.as_str()
    );

    app.gql(Some(&laptop.token), "mutation { logout }", json!({}))
        .await
        .ok();
    let after_logout = app.gql(Some(&laptop.token), ME, json!({})).await;
    assert_eq!(
        after_logout.expect_code("UNAUTHENTICATED"),
        "this session was ended; log in again"
    );
    // Logging out one session leaves the others.
    app.gql(Some(&ann.token), ME, json!({})).await.ok();

    let phone = app
        .login("ann@example.test", "password-ann@example.test")
        .await;
    let bad_current = app
        .gql(Some(&ann.token), "mutation { changePassword(currentPassword: \"guess-guess\", newPassword: \"a-brand-new-secret\") { token } }", json!({}))
        .await;
    assert_eq!(bad_current.bad_fields(), ["currentPassword"]);
    let changed = app
        .gql(
            Some(&ann.token),
            "mutation($c: String!) { changePassword(currentPassword: $c, newPassword: \"a-brand-new-secret\") { token } }",
            json!({ "c": "password-ann@example.test" }),
        )
        .await;
    let fresh = changed.ok()["changePassword"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    for stale in [&ann.token, &phone.token] {
        app.gql(Some(stale), ME, json!({}))
            .await
            .expect_code("UNAUTHENTICATED");
    }
    app.gql(Some(&fresh), ME, json!({})).await.ok();
    app.gql(None, "mutation { login(email: \"ann@example.test\", password: \"password-ann@example.test\") { token } }", json!({}))
        .await
        .expect_code("UNAUTHENTICATED");
    app.login("ann@example.test", "a-brand-new-secret").await;
}

#[tokio::test]
async fn sessions_expire_and_disabled_accounts_are_locked_out() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;

    let disable = app
        .gql(Some(&owner.token), "mutation($u: ID!) { setUserDisabled(userId: $u, disabled: true, reason: \"left the club\") { disabledAt } }", json!({ "u": ann.id }))
        .await;
    assert!(disable.ok()["setUserDisabled"]["disabledAt"].is_string());
    app.gql(Some(&ann.token), ME, json!({}))
        .await
        .expect_code("UNAUTHENTICATED");
    let login = app.gql(None, "mutation { login(email: \"ann@example.test\", password: \"password-ann@example.test\") { token } }", json!({})).await;
    assert_eq!(
        login.expect_code("UNAUTHENTICATED"),
        "this account is disabled; ask an admin"
    );

    app.gql(
        Some(&owner.token),
        "mutation($u: ID!) { setUserDisabled(userId: $u, disabled: false) { id } }",
        json!({ "u": ann.id }),
    )
    .await
    .ok();
    let ann = app
        .login("ann@example.test", "password-ann@example.test")
        .await;
    app.clock.advance(TimeDelta::days(31));
    let expired = app.gql(Some(&ann.token), ME, json!({})).await;
    assert_eq!(
        expired.expect_code("UNAUTHENTICATED"),
        "this session has expired; log in again"
    );
}

#[tokio::test]
async fn requests_without_a_session_are_unauthenticated() {
    let app = TestApp::spawn().await;
    let anonymous = app.gql(None, ME, json!({})).await;
    assert!(
        anonymous
            .expect_code("UNAUTHENTICATED")
            .contains("Authorization: Bearer")
    );
    let garbage = app.gql(Some("stride_s_garbage"), ME, json!({})).await;
    assert_eq!(
        garbage.expect_code("UNAUTHENTICATED"),
        "this session token is not valid"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_athlete_sees_their_sessions_and_ends_one_or_all_but_this_one() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let password = "password-ann@example.test";
    let phone = app.login("ann@example.test", password).await;
    let laptop = app.login("ann@example.test", password).await;

    const SESSIONS: &str = "{ mySessions { id current lastUsedAt createdAt } }";
    let listed = app.gql(Some(&laptop.token), SESSIONS, json!({})).await;
    let sessions = listed.ok()["mySessions"].as_array().expect("list").clone();
    assert_eq!(sessions.len(), 3, "sign-up, phone and laptop: {sessions:?}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let current = sessions
        .iter()
        .find(|s| s["current"] == true)
        .and_then(|s| s["id"].as_str())
        .expect("current")
        .to_owned();

    // The phone is lost: ended from the laptop, its token stops working at once.
    let phone_id = app.gql(Some(&phone.token), SESSIONS, json!({})).await.ok()["mySessions"]
        .as_array()
        .expect("list")
        .iter()
        .find(|s| s["current"] == true)
        .and_then(|s| s["id"].as_str())
        .expect("phone's own")
        .to_owned();
    app.gql(
        Some(&laptop.token),
        "mutation($id: ID!) { revokeSession(id: $id) }",
        json!({ "id": phone_id }),
    )
    .await
    .ok();
    app.gql(Some(&phone.token), ME, json!({}))
        .await
        .expect_code("UNAUTHENTICATED");

    // Someone else's session is not theirs to end (nor to learn of).
    let owners = app.gql(Some(&owner.token), SESSIONS, json!({})).await;
    let owners_id = owners.ok()["mySessions"][0]["id"].clone();
    app.gql(
        Some(&laptop.token),
        "mutation($id: ID!) { revokeSession(id: $id) }",
        json!({ "id": owners_id }),
    )
    .await
    .expect_code("NOT_FOUND");
    app.gql(Some(&owner.token), ME, json!({})).await.ok();

    // Everything but this one.
    let ended = app
        .gql(
            Some(&laptop.token),
            "mutation { revokeAllSessions }",
            json!({}),
        )
        .await;
    assert_eq!(
        ended.ok()["revokeAllSessions"],
        1,
        "only the sign-up session was left"
    );
    app.gql(Some(&ann.token), ME, json!({}))
        .await
        .expect_code("UNAUTHENTICATED");
    let left = app.gql(Some(&laptop.token), SESSIONS, json!({})).await;
    assert_eq!(left.ok()["mySessions"].as_array().map(Vec::len), Some(1));
    assert_eq!(left.ok()["mySessions"][0]["id"], current.as_str());

    // Both are in the audit log.
    let audit = app
        .gql(
            Some(&owner.token),
            "{ auditLog(first: 100) { edges { node { action } } } }",
            json!({}),
        )
        .await;
    let actions = audit.ok().to_string();
    assert!(actions.contains("session.revoke\"") && actions.contains("session.revoke_all"));
}

/// A session records when it was last used (at most once a minute, written in batches off
/// the request path), for the sessions list and the idle limit; one left unused past the
/// limit ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_records_its_last_use_and_one_left_unused_idles_out() {
    let app = TestApp::spawn_with(|c| c.auth.session_idle_hours = 2).await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    const SESSIONS: &str = "{ mySessions { current lastUsedAt } }";
    let last_used = |listed: &stride_e2e::Answer| {
        let sessions = listed.ok()["mySessions"].as_array().expect("list").clone();
        let current = sessions
            .iter()
            .find(|s| s["current"] == true)
            .expect("the current session");
        chrono::DateTime::parse_from_rfc3339(current["lastUsedAt"].as_str().expect("a time"))
            .expect("RFC 3339")
            .with_timezone(&chrono::Utc)
    };
    let began = app.clock_now();
    let listed = app.gql(Some(&ann.token), SESSIONS, json!({})).await;
    assert_eq!(last_used(&listed), began);

    // Used 90 minutes later: noted, and in the database once written.
    app.clock.advance(TimeDelta::minutes(90));
    app.gql(Some(&ann.token), ME, json!({})).await.ok();
    app.state
        .accounts
        .flush_session_uses()
        .await
        .expect("written");
    let listed = app.gql(Some(&ann.token), SESSIONS, json!({})).await;
    assert_eq!(last_used(&listed), began + TimeDelta::minutes(90));

    // Past the idle limit of its last use (not of its start), it has ended.
    app.clock.advance(TimeDelta::minutes(119));
    app.gql(Some(&ann.token), ME, json!({})).await.ok();
    app.clock.advance(TimeDelta::minutes(121));
    let idle = app.gql(Some(&ann.token), ME, json!({})).await;
    assert!(
        idle.expect_code("UNAUTHENTICATED")
            .contains("unused too long"),
        "{idle:?}"
    );
}

/// A cached session is read again in the background before its deadline, while requests go
/// on being answered from memory: a change whose notice was lost (here written straight to
/// the database) is picked up within the cache's time limit. (That the request finding the
/// entry due is answered from it is the cache's unit test.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_session_is_read_again_in_the_background_before_its_deadline() {
    // Four seconds: each entry lives 3 to 4 s and is read again from its last second.
    let app = TestApp::spawn_with(|c| c.auth.session_cache_s = 4).await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    app.gql(Some(&ann.token), ME, json!({})).await.ok();
    let id: uuid::Uuid = ann.id.parse().expect("uuid");
    let store = &app.state.store;
    let mut tx = store.begin().await.expect("transaction");
    store
        .set_disabled(&mut tx, id, Some(app.clock_now()), app.clock_now())
        .await
        .expect("disabled");
    tx.commit().await.expect("commit");
    // No notice: the cached session still answers.
    app.gql(Some(&ann.token), ME, json!({})).await.ok();
    // Before the entry's deadline (3 s at the earliest) a request finds it due, is answered
    // from it, and the read it started finds the account disabled.
    stride_e2e::wait_for("the cached session to be read again", 10, || async {
        let me = app.gql(Some(&ann.token), ME, json!({})).await;
        (me.code() == Some("UNAUTHENTICATED")).then_some(())
    })
    .await;
    let refused = app.gql(Some(&ann.token), ME, json!({})).await;
    assert_eq!(
        refused.expect_code("UNAUTHENTICATED"),
        "this account is disabled; ask an admin"
    );
}

/// Sessions that miss the cache together are read together (two statements for a batch):
/// each request must still be its own user's, and an ended or unknown token in the same
/// batch is refused with its own reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_read_together_are_each_their_own_users() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let mut people = Vec::new();
    for n in 0..6 {
        let role = if n % 3 == 0 { "COACH" } else { "ATHLETE" };
        people.push(
            app.invite_user(&owner, role, &format!("u{n}@example.test"))
                .await,
        );
    }
    // A second session of the first person, and one of the second ended before its first use.
    let again = app
        .login(&people[0].email, &format!("password-{}", people[0].email))
        .await;
    let ended = app
        .login(&people[1].email, &format!("password-{}", people[1].email))
        .await;
    app.gql(Some(&ended.token), "mutation { logout }", json!({}))
        .await
        .ok();
    // The logout dropped the entry it had cached: every request below misses, at once.
    let mut tokens: Vec<(Option<&str>, &str)> = people
        .iter()
        .map(|p| (Some(p.email.as_str()), p.token.as_str()))
        .collect();
    tokens.push((Some(again.email.as_str()), again.token.as_str()));
    tokens.push((None, ended.token.as_str()));
    tokens.push((None, "st_not-a-token-anyone-was-given"));
    let answers = futures::future::join_all(
        tokens
            .iter()
            .map(|(_, token)| app.gql(Some(token), ME, json!({}))),
    )
    .await;
    for ((email, token), answer) in tokens.iter().zip(answers) {
        match email {
            Some(email) => assert_eq!(answer.ok()["me"]["email"], *email, "{token}"),
            None if *token == ended.token => assert_eq!(
                answer.expect_code("UNAUTHENTICATED"),
                "this session was ended; log in again"
            ),
            None => assert_eq!(
                answer.expect_code("UNAUTHENTICATED"),
                "this session token is not valid"
            ),
        }
    }
}

/// Sessions are answered from memory (no database round trip per request), yet whatever ends
/// a session or changes an account is seen at once by the replica that made the change, and
/// within moments by every other replica on the same PostgreSQL.
#[tokio::test]
async fn cached_sessions_follow_logouts_role_and_profile_changes_on_every_replica() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let name = "{ me { displayName role } }";
    // Cached by this request.
    assert_eq!(
        app.gql(Some(&ann.token), name, json!({})).await.ok()["me"]["role"],
        "ATHLETE"
    );

    // This replica's own changes are seen by the very next request.
    app.gql(
        Some(&ann.token),
        "mutation { updateProfile(input: { displayName: \"Ann R\" }) { id } }",
        json!({}),
    )
    .await
    .ok();
    assert_eq!(
        app.gql(Some(&ann.token), name, json!({})).await.ok()["me"]["displayName"],
        "Ann R"
    );
    app.gql(
        Some(&owner.token),
        "mutation($u: ID!) { setUserRole(userId: $u, role: COACH) { id } }",
        json!({ "u": ann.id }),
    )
    .await
    .ok();
    assert_eq!(
        app.gql(Some(&ann.token), name, json!({})).await.ok()["me"]["role"],
        "COACH"
    );
    let phone = app
        .login("ann@example.test", "password-ann@example.test")
        .await;
    app.gql(Some(&phone.token), name, json!({})).await.ok();
    app.gql(Some(&phone.token), "mutation { logout }", json!({}))
        .await
        .ok();
    assert_eq!(
        app.gql(Some(&phone.token), name, json!({}))
            .await
            .expect_code("UNAUTHENTICATED"),
        "this session was ended; log in again"
    );
    app.gql(Some(&ann.token), name, json!({})).await.ok();

    if !app.on_postgres() {
        // SQLite belongs to one process: there are no other replicas.
        return;
    }
    let replica = app.spawn_replica().await;
    let laptop = replica
        .login("ann@example.test", "password-ann@example.test")
        .await;
    for server in [&app, &replica] {
        for token in [&ann.token, &laptop.token] {
            server.gql(Some(token), name, json!({})).await.ok();
        }
    }
    // A logout on one replica reaches the other's cache.
    replica
        .gql(Some(&laptop.token), "mutation { logout }", json!({}))
        .await
        .ok();
    eventually(&app, &laptop.token, name, |a| {
        a.code() == Some("UNAUTHENTICATED")
    })
    .await;
    // So do a profile change and a disabled account.
    app.gql(
        Some(&ann.token),
        "mutation { updateProfile(input: { displayName: \"Ann Runner\" }) { id } }",
        json!({}),
    )
    .await
    .ok();
    eventually(&replica, &ann.token, name, |a| {
        a.ok()["me"]["displayName"] == "Ann Runner"
    })
    .await;
    app.gql(
        Some(&owner.token),
        "mutation($u: ID!) { setUserDisabled(userId: $u, disabled: true) { id } }",
        json!({ "u": ann.id }),
    )
    .await
    .ok();
    eventually(&replica, &ann.token, name, |a| {
        a.code() == Some("UNAUTHENTICATED")
    })
    .await;
    drop(replica);
}

/// Asks `server` with `token` every 20 ms until `done` holds of the answer; fails after 5 s.
async fn eventually(
    server: &TestApp,
    token: &str,
    query: &str,
    done: impl Fn(&stride_e2e::Answer) -> bool,
) {
    for _ in 0..250 {
        if done(&server.gql(Some(token), query, json!({})).await) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{query} never answered as expected on the other replica");
}
