//! Runs the fake Garmin on its own, so a local Stride can be connected to it without a Garmin
//! developer account.

use std::net::SocketAddr;
use std::sync::Arc;

use stride_domain::clock::{SharedClock, SystemClock};
use stride_e2e::fake_garmin::{FakeGarmin, Options, PARTNER_GATEWAY_PATH, WELLNESS_PATH};

fn arg(name: &str, default: &str) -> String {
    let mut args = std::env::args().skip_while(|a| a != name);
    args.nth(1).unwrap_or_else(|| default.to_owned())
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!(
            "fake-garmin [--port 7071] [--user garmin-user-1] [--partner-gateway] \
             [--webhook http://127.0.0.1:8080/webhooks/garmin]"
        );
        return;
    }
    let port: u16 = arg("--port", "7071").parse().unwrap_or(7071);
    let user = arg("--user", "garmin-user-1");
    let webhook = arg("--webhook", "http://127.0.0.1:8080/webhooks/garmin");
    let base_path = if std::env::args().any(|a| a == "--partner-gateway") {
        PARTNER_GATEWAY_PATH
    } else {
        WELLNESS_PATH
    };
    let clock: SharedClock = Arc::new(SystemClock);
    let fake = FakeGarmin::start_with(
        clock,
        SocketAddr::from(([127, 0, 0, 1], port)),
        Options {
            base_path: base_path.to_owned(),
            ..Options::default()
        },
    )
    .await;
    fake.log_in_as(&user, None);
    fake.set_webhook(&webhook);
    let (client_id, client_secret) = fake.client();
    let url = fake.url();
    println!(
        "Fake Garmin on {url} (API at {}): user {user}.",
        fake.api_url()
    );
    println!("Pushes go to {webhook}.");
    println!();
    println!("Add this to stride.toml and start Stride with `--config stride.toml serve`:");
    println!();
    println!("[plugins]\nallow_private_networks = true\nallow_plain_http = true\n");
    println!(
        "[plugin.garmin]\nextra_allowed_hosts = [\"127.0.0.1:{port}\"]\nextra_token_hosts = [\"127.0.0.1:{port}\"]\noauth_client_id = \"{client_id}\"\noauth_client_secret = \"{client_secret}\""
    );
    println!(
        "oauth_authorize_url = \"{}\"\noauth_token_url = \"{}\"\n",
        fake.authorize_url(),
        fake.token_url()
    );
    println!(
        "[plugin.garmin.settings]\napi_base = \"{url}\"\napi_path = \"{base_path}\"\nclient_id = \"{client_id}\""
    );
    println!();
    println!("Push a day:   curl -X POST '{url}/_fake/push?user={user}&kind=dailies'");
    println!("Push a night: curl -X POST '{url}/_fake/push?user={user}&kind=sleeps'");
    println!("Deregister:   curl -X POST '{url}/_fake/deregister?user={user}'");
    let _ = tokio::signal::ctrl_c().await;
}
