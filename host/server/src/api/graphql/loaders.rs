//! Batched look-ups for fields that would otherwise query once per item (N+1): one query per
//! request for all the users behind the grants in a response, and one for the fuelling of
//! all the activities in it.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use stride_store::{SessionLogRow, User};
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Viewer;

/// The users behind coach grants the viewer is party to (athletes and coaches), loaded in one
/// query per request. The accounts service decides who the viewer may see.
pub struct GrantPartyLoader {
    app: AppState,
    viewer: Viewer,
}

impl Loader<Uuid> for GrantPartyLoader {
    type Value = User;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, User>, Self::Error> {
        Ok(self.app.accounts.grant_parties(&self.viewer, keys).await?)
    }
}

/// The per-request loaders for an authenticated viewer.
pub fn for_viewer(app: &AppState, viewer: &Viewer) -> DataLoader<GrantPartyLoader> {
    DataLoader::new(
        GrantPartyLoader {
            app: app.clone(),
            viewer: viewer.clone(),
        },
        tokio::spawn,
    )
}

/// The fuelling logged for the activities in a response (`Activity.fuel`), loaded in one
/// query per request. Keyed by activities the viewer was already allowed to see.
pub struct FuelLoader {
    app: AppState,
}

impl Loader<Uuid> for FuelLoader {
    type Value = SessionLogRow;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, SessionLogRow>, Self::Error> {
        Ok(self.app.training.session_fuels(keys).await?)
    }
}

/// The per-request loader of activities' fuelling.
pub fn fuel(app: &AppState) -> DataLoader<FuelLoader> {
    DataLoader::new(FuelLoader { app: app.clone() }, tokio::spawn)
}
