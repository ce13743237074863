//! Runs the fake Strava on its own, so a local Stride can be connected to it without a Strava
//! account. See the README ("Try Strava without a Strava account").

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use stride_domain::clock::{SharedClock, SystemClock};
use stride_e2e::fake_strava::FakeStrava;

fn arg(name: &str, default: &str) -> String {
    let mut args = std::env::args().skip_while(|a| a != name);
    args.nth(1).unwrap_or_else(|| default.to_owned())
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!("fake-strava [--port 7070] [--athlete 1001] [--activities 120]");
        return;
    }
    let port: u16 = arg("--port", "7070").parse().unwrap_or(7070);
    let athlete: u64 = arg("--athlete", "1001").parse().unwrap_or(1001);
    let activities: u64 = arg("--activities", "120").parse().unwrap_or(120);
    let clock: SharedClock = Arc::new(SystemClock);
    let fake = FakeStrava::start_on(clock, SocketAddr::from(([127, 0, 0, 1], port))).await;
    fake.log_in_as(athlete, None);
    fake.add_history(athlete, activities, Utc::now() - TimeDelta::days(1));
    let (client_id, client_secret) = fake.client();
    let url = fake.url();
    println!("Fake Strava on {url}: athlete {athlete} with {activities} activities.");
    println!();
    println!("Add this to stride.toml and start Stride with `--config stride.toml serve`:");
    println!();
    println!("[plugins]\nallow_private_networks = true\nallow_plain_http = true\n");
    println!(
        "[plugin.strava]\nextra_allowed_hosts = [\"127.0.0.1\"]\noauth_client_id = \"{client_id}\"\noauth_client_secret = \"{client_secret}\""
    );
    println!(
        "oauth_authorize_url = \"{url}/oauth/authorize\"\noauth_token_url = \"{url}/oauth/token\"\noauth_deauthorize_url = \"{url}/oauth/deauthorize\"\n"
    );
    println!(
        "[plugin.strava.settings]\napi_base = \"{url}\"\nsubscription_id = \"{}\"\n\n[plugin.strava.secrets]\nverify_token = \"local-verify-token\"",
        stride_e2e::fake_strava::SUBSCRIPTION_ID
    );
    println!();
    println!(
        "Webhooks:   curl -X POST {url}/api/v3/push_subscriptions -d client_id={client_id} -d client_secret={client_secret} \\"
    );
    println!(
        "              -d callback_url=http://127.0.0.1:8080/webhooks/strava -d verify_token=local-verify-token"
    );
    println!(
        "New run:    curl -X POST '{url}/_fake/new-activity?athlete={athlete}&name=Evening%20run'"
    );
    println!("Revoke:     curl -X POST '{url}/_fake/deauthorize?athlete={athlete}'");
    let _ = tokio::signal::ctrl_c().await;
}
