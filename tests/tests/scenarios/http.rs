//! The HTTP edge: probes, GraphiQL, malformed requests and query limits.

use serde_json::json;
use stride_e2e::TestApp;

#[tokio::test]
async fn health_and_readiness_probes_answer() {
    let app = TestApp::spawn().await;
    let health = app
        .http()
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = app
        .http()
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["ready"], true);
    assert_eq!(
        body["migrations"]["applied"],
        body["migrations"]["expected"]
    );
}

#[tokio::test]
async fn graphiql_is_served_on_get() {
    let app = TestApp::spawn().await;
    let page = app
        .http()
        .get(app.url("/graphql"))
        .send()
        .await
        .expect("graphiql");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("graphiql"));
}

#[tokio::test]
async fn malformed_graphql_gets_an_error_that_names_the_problem() {
    let app = TestApp::spawn().await;
    let syntax = app.gql(None, "{ me { id ", json!({})).await;
    assert!(
        syntax.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("expected")),
        "{}",
        syntax.body
    );
    let unknown = app.gql(None, "{ nothing }", json!({})).await;
    assert!(
        unknown.message().contains("Unknown field \"nothing\""),
        "{}",
        unknown.body
    );
    let not_json = app
        .http()
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("answer");
    assert_eq!(not_json.status(), 400);
    let bad_id = app.owner().await;
    let answer = app
        .gql(
            Some(&bad_id.token),
            "{ activity(id: \"42\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(answer.bad_fields(), ["id"]);
}

#[tokio::test]
async fn deep_and_expensive_queries_are_refused() {
    let app = TestApp::spawn_with(|config| {
        config.graphql.max_depth = 3;
        config.graphql.max_complexity = 50;
    })
    .await;
    let owner = app.owner().await;
    let deep = app
        .gql(
            Some(&owner.token),
            "{ myAthletes { athlete { baselines { maxHeartRate } } coach { id } } }",
            json!({}),
        )
        .await;
    assert!(deep.message().contains("nested too deep"), "{}", deep.body);
    let wide = app
        .gql(
            Some(&owner.token),
            "{ activities(first: 100) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    assert!(wide.message().contains("too complex"), "{}", wide.body);
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let open = TestApp::spawn_with(|config| config.graphql.public_introspection = true).await;
    let answer = open
        .gql(None, "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(answer.ok()["__schema"]["queryType"]["name"], "Query");
    // Switched off, not even signed-in users are answered.
    let closed = TestApp::spawn_with(|config| config.graphql.introspection = false).await;
    let owner = closed.owner().await;
    let answer = closed
        .gql(
            Some(&owner.token),
            "{ __schema { queryType { name } } __type(name: \"User\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(
        answer.ok()["__schema"],
        serde_json::Value::Null,
        "{}",
        answer.body
    );
    assert_eq!(
        answer.ok()["__type"],
        serde_json::Value::Null,
        "{}",
        answer.body
    );
}
