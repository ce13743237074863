//! Every role's allowed and forbidden operations.

use serde_json::json;
use stride_e2e::{Session, TestApp};

struct Cast {
    owner: Session,
    admin: Session,
    coach: Session,
    athlete: Session,
    other_athlete: Session,
}

async fn cast(app: &TestApp) -> Cast {
    let owner = app.owner().await;
    let admin = app.invite_user(&owner, "ADMIN", "admin@example.test").await;
    let coach = app.invite_user(&owner, "COACH", "coach@example.test").await;
    let athlete = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let other_athlete = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;
    Cast {
        owner,
        admin,
        coach,
        athlete,
        other_athlete,
    }
}

/// Runs `query` as `who` and checks it is allowed (no error) or forbidden.
async fn check(
    app: &TestApp,
    who: &Session,
    allowed: bool,
    query: &str,
    variables: serde_json::Value,
) {
    let answer = app.gql(Some(&who.token), query, variables).await;
    if allowed {
        answer.ok();
    } else {
        answer.expect_code("FORBIDDEN");
    }
}

#[tokio::test]
async fn invites_follow_permissions() {
    let app = TestApp::spawn().await;
    let c = cast(&app).await;
    let invite_athlete = "mutation { createInvite(role: ATHLETE) { token } }";
    let invite_coach = "mutation { createInvite(role: COACH) { token } }";
    let invite_admin = "mutation { createInvite(role: ADMIN) { token } }";
    let list = "{ invites { id role status } }";
    for (who, can_invite, can_invite_admin) in [
        (&c.owner, true, true),
        (&c.admin, true, false),
        (&c.coach, false, false),
        (&c.athlete, false, false),
    ] {
        check(&app, who, can_invite, invite_athlete, json!({})).await;
        check(&app, who, can_invite, invite_coach, json!({})).await;
        check(&app, who, can_invite_admin, invite_admin, json!({})).await;
        check(&app, who, can_invite, list, json!({})).await;
    }
}

#[tokio::test]
async fn user_administration_follows_permissions() {
    let app = TestApp::spawn().await;
    let c = cast(&app).await;
    let users = "{ users { id role } }";
    let set_role = "mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { role } }";
    let disable = "mutation($u: ID!) { setUserDisabled(userId: $u, disabled: false) { id } }";

    for (who, allowed) in [
        (&c.owner, true),
        (&c.admin, true),
        (&c.coach, false),
        (&c.athlete, false),
    ] {
        check(&app, who, allowed, users, json!({})).await;
        check(
            &app,
            who,
            allowed,
            disable,
            json!({ "u": c.other_athlete.id }),
        )
        .await;
    }
    // Admins manage athletes and coaches, but not admins.
    check(
        &app,
        &c.admin,
        true,
        set_role,
        json!({ "u": c.other_athlete.id, "r": "COACH" }),
    )
    .await;
    check(
        &app,
        &c.admin,
        false,
        set_role,
        json!({ "u": c.other_athlete.id, "r": "ADMIN" }),
    )
    .await;
    check(
        &app,
        &c.admin,
        false,
        set_role,
        json!({ "u": c.owner.id, "r": "ATHLETE" }),
    )
    .await;
    check(
        &app,
        &c.coach,
        false,
        set_role,
        json!({ "u": c.athlete.id, "r": "COACH" }),
    )
    .await;
    check(
        &app,
        &c.athlete,
        false,
        set_role,
        json!({ "u": c.athlete.id, "r": "OWNER" }),
    )
    .await;
    // Owners may make admins, but nobody changes their own role.
    check(
        &app,
        &c.owner,
        true,
        set_role,
        json!({ "u": c.other_athlete.id, "r": "ADMIN" }),
    )
    .await;
    check(
        &app,
        &c.owner,
        false,
        set_role,
        json!({ "u": c.owner.id, "r": "ATHLETE" }),
    )
    .await;

    let me = app
        .gql(
            Some(&c.other_athlete.token),
            "{ me { role permissions } }",
            json!({}),
        )
        .await;
    assert_eq!(me.ok()["me"]["role"], "ADMIN");
    assert!(
        me.ok()["me"]["permissions"]
            .as_array()
            .is_some_and(|p| p.contains(&json!("READ_AUDIT")))
    );
}

#[tokio::test]
async fn only_coaches_receive_grants() {
    let app = TestApp::spawn().await;
    let c = cast(&app).await;
    let grant = "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ) { id } }";
    let to_coach = app
        .gql(Some(&c.athlete.token), grant, json!({ "e": c.coach.email }))
        .await;
    to_coach.ok();
    for not_a_coach in [&c.other_athlete, &c.admin] {
        let answer = app
            .gql(
                Some(&c.athlete.token),
                grant,
                json!({ "e": not_a_coach.email }),
            )
            .await;
        assert_eq!(answer.bad_fields(), ["coachEmail"]);
    }
    let twice = app
        .gql(Some(&c.athlete.token), grant, json!({ "e": c.coach.email }))
        .await;
    twice.expect_code("CONFLICT");
    let to_self = app
        .gql(Some(&c.coach.token), grant, json!({ "e": c.coach.email }))
        .await;
    assert_eq!(to_self.bad_fields(), ["coachEmail"]);
}

#[tokio::test]
async fn admins_do_not_see_athletes_health_data() {
    let app = TestApp::spawn().await;
    let c = cast(&app).await;
    let profile = "query($a: ID!) { activities(athleteId: $a) { edges { node { id } } } }";
    for who in [&c.admin, &c.owner, &c.coach] {
        check(&app, who, false, profile, json!({ "a": c.athlete.id })).await;
    }
    let listed = app
        .gql(
            Some(&c.admin.token),
            "{ users { email profile { weightKg } } }",
            json!({}),
        )
        .await;
    listed.expect_code("FORBIDDEN");
}
