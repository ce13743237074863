//! Connections, backfill progress (a query and a subscription), the athlete's to-do list, and
//! the admins' view of ingestion: the brake, the queue, rate budgets and refused records.

use async_graphql::{Context, ID, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures::Stream;

use super::types::Activity;
use super::{parse_id, parse_opt_id, state, viewer};
use stride_domain::people::GrantAccess;
use stride_store::{BackfillRow, Connection};

/// A connected provider account.
pub struct ProviderConnection(pub Connection, pub Option<BackfillRow>);

/// How far a history import has come.
#[derive(SimpleObject, Clone, PartialEq)]
pub struct Backfill {
    /// The provider.
    pub provider: String,
    /// queued, running, deferred, held, done, failed.
    pub status: String,
    /// Pages fetched.
    pub pages_done: i32,
    /// Activities imported.
    pub activities_done: i32,
    /// When a deferred import resumes (the provider's rate window resets).
    pub deferred_until: Option<DateTime<Utc>>,
    /// The latest note.
    pub note: Option<String>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Last progress.
    pub updated_at: DateTime<Utc>,
}

impl From<BackfillRow> for Backfill {
    fn from(row: BackfillRow) -> Self {
        Backfill {
            provider: row.provider,
            status: row.status.as_str().to_owned(),
            pages_done: row.pages_done,
            activities_done: row.items_done,
            deferred_until: row.deferred_until,
            note: row.note,
            started_at: row.started_at,
            updated_at: row.updated_at,
        }
    }
}

#[Object]
impl ProviderConnection {
    /// The provider (plugin id).
    async fn provider(&self) -> &str {
        &self.0.provider
    }

    /// active, revoked or error.
    async fn status(&self) -> &str {
        self.0.status.as_str()
    }

    /// Scopes the athlete granted.
    async fn scopes(&self) -> Vec<String> {
        self.0
            .scopes
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The athlete's id at the provider.
    async fn external_athlete_id(&self) -> &str {
        &self.0.external_athlete_id
    }

    /// When it was first connected.
    async fn connected_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The history import.
    async fn backfill(&self) -> Option<Backfill> {
        self.1.clone().map(Backfill::from)
    }
}

/// A link to authorize Stride at the provider.
#[derive(SimpleObject)]
pub struct ConnectLink {
    /// Open this in the browser.
    pub authorize_url: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// Something the athlete should do.
pub struct AthleteTask(pub stride_store::TaskRow);

#[Object]
impl AthleteTask {
    /// Task id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// `rate_activity`: tell Stride how hard an imported session felt (RPE); `notice`:
    /// something an integration asks of the athlete (see `message`).
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// For a notice: what to do, in the integration's words.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// For a notice: the integration (plugin id) that filed it.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }

    /// When it appeared.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The activity concerned.
    async fn activity(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Activity>> {
        let Some(id) = self.0.activity_id else {
            return Ok(None);
        };
        let viewer = viewer(ctx)?;
        Ok(Some(Activity(
            state(ctx)
                .training
                .activity(viewer, id, stride_domain::people::GrantAccess::Read)
                .await?,
        )))
    }
}

/// The ingestion brake.
#[derive(SimpleObject)]
pub struct IngestionBrake {
    /// Whether new ingestion is held.
    pub paused: bool,
    /// Why.
    pub reason: String,
    /// Since when.
    pub since: DateTime<Utc>,
}

/// Jobs by state.
#[derive(SimpleObject)]
pub struct JobCounts {
    /// Waiting (deferred ones included).
    pub queued: i64,
    /// Held by the brake.
    pub held: i64,
    /// Running.
    pub running: i64,
    /// Failed for good.
    pub failed: i64,
}

/// One provider rate window.
#[derive(SimpleObject)]
pub struct RateWindow {
    /// Provider.
    pub provider: String,
    /// Budget (`overall`, `read`).
    pub budget: String,
    /// Window kind (`m15`, `day`).
    pub window: String,
    /// Window start.
    pub starts_at: DateTime<Utc>,
    /// Requests counted (ours and, as the provider reports, every replica's).
    pub usage: i32,
    /// Limit.
    pub limit: i32,
}

/// A record a plugin delivered that validation refused.
#[derive(SimpleObject)]
pub struct IngestRejection {
    /// Plugin.
    pub plugin: String,
    /// Athlete.
    pub athlete_id: Option<ID>,
    /// The provider's id of the record.
    pub external_id: Option<String>,
    /// Why, naming the field.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The state of ingestion, for admins.
#[derive(SimpleObject)]
pub struct IngestionStatus {
    /// The brake.
    pub brake: IngestionBrake,
    /// The queue.
    pub jobs: JobCounts,
    /// Rate windows of the last day, newest first.
    pub rate_windows: Vec<RateWindow>,
    /// The most recent refused records.
    pub rejections: Vec<IngestRejection>,
}

async fn ingestion_status(
    ctx: &Context<'_>,
    provider: Option<String>,
) -> async_graphql::Result<IngestionStatus> {
    let report = state(ctx)
        .ingest
        .status(viewer(ctx)?, provider.as_deref())
        .await?;
    Ok(IngestionStatus {
        brake: IngestionBrake {
            paused: report.brake.paused,
            reason: report.brake.reason,
            since: report.brake.since,
        },
        jobs: JobCounts {
            queued: report.jobs.queued,
            held: report.jobs.held,
            running: report.jobs.running,
            failed: report.jobs.failed,
        },
        rate_windows: report
            .rate_windows
            .into_iter()
            .map(|w| RateWindow {
                provider: w.provider,
                budget: w.budget,
                window: w.window_kind,
                starts_at: w.window_start,
                usage: w.usage,
                limit: w.usage_limit,
            })
            .collect(),
        rejections: report
            .rejections
            .into_iter()
            .map(|r| IngestRejection {
                plugin: r.plugin_id,
                athlete_id: r.user_id.map(|id| ID(id.to_string())),
                external_id: r.external_id,
                reason: r.reason,
                at: r.at,
            })
            .collect(),
    })
}

/// Ingestion queries.
#[derive(Default)]
pub struct IngestionQuery;

#[Object]
impl IngestionQuery {
    /// The viewer's relay tokens (never the tokens themselves: those are shown once).
    async fn relay_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RelayToken>> {
        let app = state(ctx);
        Ok(app
            .connections
            .relay_tokens(viewer(ctx)?)
            .await?
            .into_iter()
            .map(|token| RelayToken::new(token, &app.config.public_url))
            .collect())
    }

    /// The viewer's connected provider accounts, with their history imports.
    async fn connections(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ProviderConnection>> {
        let viewer = viewer(ctx)?;
        let app = state(ctx);
        let mut out = Vec::new();
        for connection in app.connections.list(viewer).await? {
            let backfill = app
                .connections
                .backfill(viewer, &connection.provider)
                .await?;
            out.push(ProviderConnection(connection, backfill));
        }
        Ok(out)
    }

    /// The viewer's history import from a provider.
    async fn backfill(
        &self,
        ctx: &Context<'_>,
        provider: String,
    ) -> async_graphql::Result<Option<Backfill>> {
        Ok(state(ctx)
            .connections
            .backfill(viewer(ctx)?, &provider)
            .await?
            .map(Backfill::from))
    }

    /// File imports that ran as jobs (`startFileImport`) for the viewer, or for an athlete
    /// who granted the viewer access; newest first.
    async fn file_imports(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        #[graphql(default = 20, validator(minimum = 1, maximum = 100))] first: i32,
    ) -> async_graphql::Result<Vec<FileImportRun>> {
        let athlete = import_athlete(ctx, athlete_id.as_ref(), GrantAccess::Read).await?;
        Ok(state(ctx)
            .ingest
            .file_imports(athlete.id, u32::try_from(first).unwrap_or(20))
            .await?
            .into_iter()
            .map(FileImportRun)
            .collect())
    }

    /// One file import that ran as a job, if it is the viewer's or a granting athlete's.
    async fn file_import(
        &self,
        ctx: &Context<'_>,
        id: ID,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<Option<FileImportRun>> {
        let athlete = import_athlete(ctx, athlete_id.as_ref(), GrantAccess::Read).await?;
        Ok(state(ctx)
            .ingest
            .file_import(athlete.id, parse_id(&id, "id")?)
            .await?
            .map(FileImportRun))
    }

    /// The viewer's open to-dos (e.g. rate an imported session's effort).
    async fn my_tasks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AthleteTask>> {
        Ok(state(ctx)
            .training
            .open_tasks(viewer(ctx)?)
            .await?
            .into_iter()
            .map(AthleteTask)
            .collect())
    }

    /// The brake, the queue, rate budgets and refused records. Needs `MANAGE_INGESTION`.
    async fn ingestion(
        &self,
        ctx: &Context<'_>,
        provider: Option<String>,
    ) -> async_graphql::Result<IngestionStatus> {
        ingestion_status(ctx, provider).await
    }
}

/// Ingestion mutations.
#[derive(Default)]
pub struct IngestionMutation;

#[Object]
impl IngestionMutation {
    /// Makes a relay token for a phone app that posts the viewer's data (Health Auto Export:
    /// plugin `apple-health`). The token is in this answer only; paste it into the app with
    /// the URL. Audited.
    async fn create_relay_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = "apple-health")] plugin: String,
        name: String,
    ) -> async_graphql::Result<NewRelayToken> {
        let app = state(ctx);
        let (token, secret) = app
            .connections
            .create_relay_token(viewer(ctx)?, &plugin, &name)
            .await?;
        Ok(NewRelayToken {
            relay_token: RelayToken::new(token, &app.config.public_url),
            token: secret,
        })
    }

    /// Revokes one of the viewer's relay tokens: the app's next delivery is refused. Audited.
    async fn revoke_relay_token(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        state(ctx)
            .connections
            .revoke_relay_token(viewer(ctx)?, parse_id(&id, "id")?)
            .await?;
        Ok(true)
    }

    /// Imports activity files (FIT, GPX, TCX, gzipped or not, and zip archives of them such
    /// as a Garmin or Strava bulk export) for the viewer, or for an athlete who granted the
    /// viewer read-write access. A GraphQL multipart request (one file or many); each file
    /// gets its own result, and a broken file never stops the others.
    async fn import_files(
        &self,
        ctx: &Context<'_>,
        files: Vec<async_graphql::Upload>,
        athlete_id: Option<ID>,
        #[graphql(
            default = "files",
            desc = "The plugin that reads them (`files`, the built-in importer, unless another is installed)."
        )]
        plugin: String,
    ) -> async_graphql::Result<Vec<FileImport>> {
        let viewer = viewer(ctx)?;
        let app = state(ctx);
        let athlete_id = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        let athlete = app
            .training
            .athlete(
                viewer,
                athlete_id,
                stride_domain::people::GrantAccess::ReadWrite,
            )
            .await?;
        if files.is_empty() {
            return Err(crate::error::AppError::bad_input("files", "no file was sent").into());
        }
        let mut results = Vec::with_capacity(files.len());
        for file in files {
            let value = file
                .value(ctx)
                .map_err(|e| crate::error::AppError::Internal(e.into()))?;
            let name = value.filename.clone();
            let body = crate::ingest::uploads::FileBody::new(value.content)
                .map_err(|e| crate::error::AppError::Internal(e.into()))?;
            let upload = crate::ingest::uploads::Upload {
                kind: stride_sandbox::contract::UploadKind::Files,
                name: Some(name.clone()),
                content_type: value.content_type,
                headers: Vec::new(),
                body: std::sync::Arc::new(body),
            };
            results.push(
                match app
                    .ingest
                    .receive_upload(&plugin, &athlete, upload, |_| {})
                    .await
                {
                    Ok(report) => FileImport::from_report(name, report),
                    Err(crate::error::AppError::Internal(detail)) => {
                        tracing::error!(error = ?detail, file = %name, "a file import failed");
                        FileImport::failed(
                            name,
                            "something went wrong on our side; try again".to_owned(),
                        )
                    }
                    Err(error) => FileImport::failed(name, error.to_string()),
                },
            );
        }
        Ok(results)
    }

    /// Starts importing activity files as a job, for the viewer or for an athlete who granted
    /// the viewer read-write access, and answers as soon as the files are stored: for an
    /// export of years, where `importFiles` would hold the request open for minutes. The
    /// athlete follows it with the `backfillProgress(provider: "files")` subscription (or the
    /// `fileImport` query); each file's problems are listed with it when it is done.
    async fn start_file_import(
        &self,
        ctx: &Context<'_>,
        files: Vec<async_graphql::Upload>,
        athlete_id: Option<ID>,
        #[graphql(
            default = "files",
            desc = "The plugin that reads them (`files`, the built-in importer, unless another is installed)."
        )]
        plugin: String,
    ) -> async_graphql::Result<FileImportRun> {
        let viewer = viewer(ctx)?;
        let athlete = import_athlete(ctx, athlete_id.as_ref(), GrantAccess::ReadWrite).await?;
        let mut taken = Vec::with_capacity(files.len());
        for file in files {
            let value = file
                .value(ctx)
                .map_err(|e| crate::error::AppError::Internal(e.into()))?;
            taken.push(crate::ingest::imports::ImportedFile {
                name: value.filename,
                content_type: value.content_type,
                file: value.content,
            });
        }
        Ok(FileImportRun(
            state(ctx)
                .ingest
                .start_file_import(&plugin, &athlete, viewer.id(), taken)
                .await?,
        ))
    }

    /// A link to connect the viewer's account at a provider (e.g. `strava`).
    async fn connect_provider(
        &self,
        ctx: &Context<'_>,
        provider: String,
    ) -> async_graphql::Result<ConnectLink> {
        let link = state(ctx)
            .connections
            .connect_link(viewer(ctx)?, &provider)?;
        Ok(ConnectLink {
            authorize_url: link.authorize_url,
            expires_at: link.expires_at,
        })
    }

    /// Disconnects the viewer from a provider: deauthorizes there and erases the tokens here.
    async fn disconnect_provider(
        &self,
        ctx: &Context<'_>,
        provider: String,
    ) -> async_graphql::Result<bool> {
        state(ctx)
            .connections
            .disconnect(viewer(ctx)?, &provider)
            .await?;
        Ok(true)
    }

    /// Pulls (or releases) the emergency brake on ingestion. Needs `MANAGE_INGESTION`;
    /// audited.
    async fn set_ingestion_paused(
        &self,
        ctx: &Context<'_>,
        paused: bool,
        reason: String,
    ) -> async_graphql::Result<IngestionBrake> {
        let brake = state(ctx)
            .jobs
            .set_brake(viewer(ctx)?, paused, &reason)
            .await?;
        Ok(IngestionBrake {
            paused: brake.paused,
            reason: brake.reason,
            since: brake.since,
        })
    }
}

/// Live updates.
#[derive(Default)]
pub struct IngestionSubscription;

#[Subscription]
impl IngestionSubscription {
    /// The viewer's history import from `provider`, each time it moves, until it is done.
    async fn backfill_progress(
        &self,
        ctx: &Context<'_>,
        provider: String,
    ) -> async_graphql::Result<impl Stream<Item = Backfill>> {
        Ok(super::live::backfill(ctx, state(ctx), viewer(ctx)?, provider).await?)
    }
}

/// A relay token (the token itself is shown once, when made).
pub struct RelayToken(stride_store::RelayToken, String);

impl RelayToken {
    fn new(token: stride_store::RelayToken, public_url: &str) -> Self {
        let url = format!(
            "{}/relay/{}",
            public_url.trim_end_matches('/'),
            token.plugin
        );
        Self(token, url)
    }
}

#[Object]
impl RelayToken {
    /// Token id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The plugin that reads what the relay posts (`apple-health`).
    async fn plugin(&self) -> &str {
        &self.0.plugin
    }

    /// The athlete's name for it ("iPhone").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Where the relay app posts (with the token as `Authorization: Bearer …`).
    async fn url(&self) -> &str {
        &self.1
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When a relay last delivered with it.
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }

    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A relay token just made.
#[derive(SimpleObject)]
pub struct NewRelayToken {
    /// The token as listed from now on.
    pub relay_token: RelayToken,
    /// The token itself: shown this once, kept by Stride only as a hash.
    pub token: String,
}

/// Something in an uploaded file that could not be used.
#[derive(SimpleObject, Clone)]
pub struct ImportProblem {
    /// The file (inside an archive: its path there) or item.
    pub item: String,
    /// What is wrong, in words that say what to do.
    pub message: String,
}

/// What became of one uploaded file.
#[derive(SimpleObject)]
pub struct FileImport {
    /// The file's name as uploaded.
    pub file_name: String,
    /// Files it held that were read (1 for a single file; the entries of an archive).
    pub files_read: i32,
    /// Activities stored (new or updated).
    pub activities: i32,
    /// Activities recognised as a workout already stored from another source.
    pub duplicates: i32,
    /// Records refused by validation.
    pub refused: i32,
    /// What could not be used, per file.
    pub problems: Vec<ImportProblem>,
    /// Set when the file could not be read at all.
    pub error: Option<String>,
}

impl FileImport {
    fn from_report(file_name: String, report: crate::ingest::uploads::UploadReport) -> Self {
        let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        Self {
            file_name,
            files_read: count(report.items),
            activities: count(report.summary.activities),
            duplicates: count(report.summary.duplicates),
            refused: count(report.summary.rejected),
            problems: report
                .problems
                .into_iter()
                .map(|p| ImportProblem {
                    item: p.item,
                    message: p.message,
                })
                .collect(),
            error: None,
        }
    }

    fn failed(file_name: String, error: String) -> Self {
        Self {
            file_name,
            files_read: 0,
            activities: 0,
            duplicates: 0,
            refused: 0,
            problems: Vec::new(),
            error: Some(error),
        }
    }
}

/// The athlete an import concerns: the viewer, or one who granted the viewer `access`.
async fn import_athlete(
    ctx: &Context<'_>,
    athlete_id: Option<&ID>,
    access: GrantAccess,
) -> async_graphql::Result<stride_store::User> {
    let viewer = viewer(ctx)?;
    let athlete_id = parse_opt_id(athlete_id, "athleteId")?.unwrap_or(viewer.id());
    Ok(state(ctx)
        .training
        .athlete(viewer, athlete_id, access)
        .await?)
}

/// A file import that runs as a job, and how far it has come.
pub struct FileImportRun(pub crate::ingest::imports::FileImport);

/// A file of an import.
#[derive(SimpleObject)]
pub struct ImportedFileInfo {
    /// Its name as uploaded.
    pub name: String,
    /// Bytes.
    pub size: f64,
}

#[Object]
impl FileImportRun {
    /// Import id.
    async fn id(&self) -> ID {
        ID(self.0.row.id.to_string())
    }

    /// The plugin reading the files.
    async fn plugin(&self) -> &str {
        &self.0.row.plugin
    }

    /// queued, running, done or failed.
    async fn status(&self) -> &str {
        self.0.row.status.as_str()
    }

    /// The files sent, in order.
    async fn files(&self) -> Vec<ImportedFileInfo> {
        self.0
            .files
            .iter()
            .map(|f| ImportedFileInfo {
                name: f.name.clone(),
                size: f.size as f64,
            })
            .collect()
    }

    /// Files sent that have been read to the end.
    async fn files_done(&self) -> i32 {
        self.0.row.file_index
    }

    /// Items read so far (files, and the entries of archives).
    async fn files_read(&self) -> i32 {
        self.0.row.items
    }

    /// Activities stored (new or updated).
    async fn activities(&self) -> i32 {
        self.0.row.activities
    }

    /// Activities recognised as a workout already stored from another source.
    async fn duplicates(&self) -> i32 {
        self.0.row.duplicates
    }

    /// Records refused by validation.
    async fn refused(&self) -> i32 {
        self.0.row.refused
    }

    /// What could not be used, each named by its file (inside an archive: its path there).
    async fn problems(&self) -> Vec<ImportProblem> {
        self.0
            .problems
            .iter()
            .map(|p| ImportProblem {
                item: p.item.clone(),
                message: p.message.clone(),
            })
            .collect()
    }

    /// When it was started.
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.row.created_at
    }

    /// Last progress.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.row.updated_at
    }

    /// When it finished.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.row.finished_at
    }
}
