//! Data exports: asking for one, listing them with their progress and download links, and a
//! live subscription to one export's progress.

use async_graphql::{Context, Enum, ID, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures::Stream;
use uuid::Uuid;

use super::live::{Slot, reserve};
use super::{parse_id, parse_opt_id, state, viewer};
use crate::app::AppState;
use crate::auth::Viewer;
use crate::events::{Event, Listener, Received};
use crate::privacy::Exports;
use stride_store::ExportRow;

/// Where a data export stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum DataExportState {
    /// Waiting for a worker.
    Queued,
    /// Being built.
    Running,
    /// Ready to download until `expiresAt`.
    Ready,
    /// Could not be built; request a new one.
    Failed,
    /// Its archive was deleted.
    Expired,
}

impl DataExportState {
    fn parse(text: &str) -> Self {
        match text {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "ready" => Self::Ready,
            "expired" => Self::Expired,
            _ => Self::Failed,
        }
    }

    fn is_final(self) -> bool {
        matches!(self, Self::Ready | Self::Failed | Self::Expired)
    }
}

/// The absolute download URL of a ready export.
fn download_url(app: &AppState, id: Uuid, state: DataExportState) -> Option<String> {
    (state == DataExportState::Ready).then(|| {
        format!(
            "{}{}",
            app.config.public_url.trim_end_matches('/'),
            Exports::download_path(id)
        )
    })
}

/// An archive of everything Stride holds about one athlete.
pub struct DataExport(ExportRow);

#[Object]
impl DataExport {
    /// Export id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Whose data it holds.
    async fn athlete_id(&self) -> ID {
        ID(self.0.user_id.to_string())
    }

    /// Who asked for it (the athlete, or an admin on their behalf).
    async fn requested_by(&self) -> Option<ID> {
        self.0.requested_by.map(|id| ID(id.to_string()))
    }

    /// Where it stands.
    async fn state(&self) -> DataExportState {
        DataExportState::parse(&self.0.state)
    }

    /// Steps of the build done (one per file section, one per activity).
    async fn steps_done(&self) -> i32 {
        self.0.steps_done
    }

    /// Steps the build takes (0 until it starts).
    async fn steps_total(&self) -> i32 {
        self.0.steps_total
    }

    /// The archive's size in bytes, once ready.
    async fn size_bytes(&self) -> Option<i64> {
        self.0.size_bytes
    }

    /// Why it failed.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// When it was requested.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last moved.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// When it became ready (or failed).
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }

    /// When the archive is deleted.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }

    /// Where to download it while it is ready: `GET` with the same session as the API (the
    /// bearer token, or the console's cookie).
    async fn download_url(&self, ctx: &Context<'_>) -> Option<String> {
        download_url(state(ctx), self.0.id, DataExportState::parse(&self.0.state))
    }
}

/// One step of an export's build, as it happens.
#[derive(SimpleObject, Clone, PartialEq, Debug)]
pub struct DataExportProgress {
    /// The export.
    pub export_id: ID,
    /// Whose data.
    pub athlete_id: ID,
    /// Where it stands.
    pub state: DataExportState,
    /// Steps done.
    pub steps_done: i32,
    /// Steps in all (0 until the build starts).
    pub steps_total: i32,
    /// Where to download it, once ready.
    pub download_url: Option<String>,
}

/// Data-export queries.
#[derive(Default)]
pub struct PrivacyQuery;

#[Object]
impl PrivacyQuery {
    /// An athlete's data exports (default: the viewer's), newest first. Another user's need
    /// the `manage_users` permission.
    async fn data_exports(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<Vec<DataExport>> {
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?;
        let rows = state(ctx).exports.list(viewer(ctx)?, athlete).await?;
        Ok(rows.into_iter().map(DataExport).collect())
    }
}

/// Data-export mutations.
#[derive(Default)]
pub struct PrivacyMutation;

#[Object]
impl PrivacyMutation {
    /// Asks for an archive of everything Stride holds about an athlete (default: the viewer).
    /// Another user's needs the `manage_users` permission; every request is audited
    /// (`export.request`). A job builds it; follow it with `dataExportProgress`.
    async fn request_data_export(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<DataExport> {
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?;
        let row = state(ctx).exports.request(viewer(ctx)?, athlete).await?;
        Ok(DataExport(row))
    }
}

/// Data-export subscriptions.
#[derive(Default)]
pub struct PrivacySubscription;

#[Subscription]
impl PrivacySubscription {
    /// An export's progress: where it stands now, then each step, until it is ready, failed
    /// or expired. Only for the athlete and admins with `manage_users`.
    async fn data_export_progress(
        &self,
        ctx: &Context<'_>,
        export_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = DataExportProgress>> {
        let id = parse_id(&export_id, "exportId")?;
        let app = state(ctx);
        let viewer = viewer(ctx)?;
        let row = app.exports.get(viewer, id).await?;
        let slot = reserve(ctx, app, viewer)?;
        let feed = ProgressFeed {
            listener: app.events.subscribe(),
            app: app.clone(),
            viewer: viewer.clone(),
            export: id,
            athlete: row.user_id,
            next: Some(progress_of(app, &row)),
            finished: false,
            _slot: slot,
        };
        Ok(futures::stream::unfold(feed, ProgressFeed::next))
    }
}

fn progress_of(app: &AppState, row: &ExportRow) -> DataExportProgress {
    let state = DataExportState::parse(&row.state);
    DataExportProgress {
        export_id: ID(row.id.to_string()),
        athlete_id: ID(row.user_id.to_string()),
        state,
        steps_done: row.steps_done,
        steps_total: row.steps_total,
        download_url: download_url(app, row.id, state),
    }
}

struct ProgressFeed {
    app: AppState,
    viewer: Viewer,
    export: Uuid,
    athlete: Uuid,
    listener: Listener,
    next: Option<DataExportProgress>,
    finished: bool,
    _slot: Slot,
}

impl ProgressFeed {
    /// The viewer, checked again: still a live session, still allowed to see the export.
    async fn still_allowed(&mut self) -> Option<()> {
        let viewer = self.app.accounts.recheck(&self.viewer).await.ok()?;
        Exports::may_see(&viewer, self.athlete).then_some(())?;
        self.viewer = viewer;
        Some(())
    }

    async fn next(mut self) -> Option<(DataExportProgress, Self)> {
        if self.finished {
            return None;
        }
        loop {
            if let Some(progress) = self.next.take() {
                self.finished = progress.state.is_final();
                return Some((progress, self));
            }
            match self.listener.next().await? {
                Received::Lagged => {
                    // Events were missed: say where it stands now.
                    self.still_allowed().await?;
                    let row = self.app.store.export(self.export).await.ok()?;
                    self.next = Some(progress_of(&self.app, &row));
                }
                Received::Event(event) => match &*event {
                    Event::SessionsEnded { user, session }
                        if *user == self.viewer.id()
                            && session.is_none_or(|s| s == self.viewer.session_id) =>
                    {
                        return None;
                    }
                    Event::UserChanged { user } if *user == self.viewer.id() => {
                        self.still_allowed().await?;
                    }
                    Event::ExportMoved {
                        athlete,
                        export,
                        state,
                        steps_done,
                        steps_total,
                    } if *export == self.export => {
                        self.still_allowed().await?;
                        let state = DataExportState::parse(state);
                        self.next = Some(DataExportProgress {
                            export_id: ID(export.to_string()),
                            athlete_id: ID(athlete.uuid().to_string()),
                            state,
                            steps_done: *steps_done,
                            steps_total: *steps_total,
                            download_url: download_url(&self.app, *export, state),
                        });
                    }
                    _ => {}
                },
            }
        }
    }
}
