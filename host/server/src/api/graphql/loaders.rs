//! Batched look-ups for fields that would otherwise query once per item (N+1): one query per
//! request for all the users behind the grants in a response.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use stride_store::User;
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
