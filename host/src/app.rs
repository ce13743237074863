//! Building and running the application: services wired to one store and one clock, served
//! on a listener the caller can choose (port 0 in tests).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::auth::Accounts;
use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::store::Store;
use crate::training::Training;

/// The services every request can reach. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Configuration in force.
    pub config: Arc<Config>,
    /// The database.
    pub store: Store,
    /// The source of "now".
    pub clock: SharedClock,
    /// Accounts and access.
    pub accounts: Accounts,
    /// Athlete data.
    pub training: Training,
}

impl AppState {
    /// Wires the services over `store` and `clock`.
    pub fn new(config: Config, store: Store, clock: SharedClock) -> Self {
        let accounts = Accounts::new(store.clone(), clock.clone(), config.auth.clone());
        let training = Training::new(store.clone(), clock.clone(), accounts.clone());
        Self {
            config: Arc::new(config),
            store,
            clock,
            accounts,
            training,
        }
    }
}

/// A built application, bound to its listener and ready to serve.
pub struct Application {
    state: AppState,
    listener: TcpListener,
}

impl Application {
    /// Connects to the database, migrates it and binds `config.listen`.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Like [`Application::build`], with a chosen clock (tests move time with it).
    pub async fn build_with_clock(config: Config, clock: SharedClock) -> anyhow::Result<Self> {
        let store = Store::connect(
            config.database_url.expose(),
            config.database_max_connections,
        )
        .await
        .with_context(|| {
            format!(
                "connecting to the database at {}",
                config.database_url.redacted()
            )
        })?;
        store.migrate().await.context("migrating the database")?;
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        Ok(Self {
            state: AppState::new(config, store, clock),
            listener,
        })
    }

    /// The address actually bound (the real port when configured with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| self.state.config.listen)
    }

    /// The services, for bootstrapping and tests.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests and returns.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let router = crate::api::router(self.state.clone());
        axum::serve(self.listener, router)
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving HTTP")?;
        self.state.store.close().await;
        Ok(())
    }
}
