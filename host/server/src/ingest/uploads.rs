//! Data an athlete sends directly: files they upload and deliveries from a relay app on their
//! phone. The plugin reads the body in pieces and answers with records and per-item problems;
//! a large archive is worked through call after call (the plugin's cursor), each call's
//! records stored before the next, so no call holds a whole export.

use std::sync::Arc;

use stride_domain::ids::AthleteId;
use stride_sandbox::CallError;
use stride_sandbox::contract::{AthleteRef, Header, PluginError, UploadKind, UploadRequest};
use stride_sandbox::imports::UploadBody;
use stride_sandbox::services::CallAthlete;
use stride_store::User;

use super::Ingest;
use crate::error::{AppError, AppResult};
use crate::records::DeliverySummary;

/// The plugin that reads uploaded activity files.
pub const FILES_PLUGIN: &str = "files";

/// An uploaded file on disk (a GraphQL upload is spooled to a temporary file), read in
/// pieces at the plugin's request.
#[derive(Debug)]
pub struct FileBody {
    file: std::fs::File,
    size: u64,
}

impl FileBody {
    /// Wraps an open file.
    pub fn new(file: std::fs::File) -> std::io::Result<Self> {
        let size = file.metadata()?.len();
        Ok(Self { file, size })
    }
}

impl UploadBody for FileBody {
    fn size(&self) -> u64 {
        self.size
    }

    fn read(&self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        use std::os::unix::fs::FileExt;
        let len = usize::try_from(self.size.saturating_sub(offset))
            .unwrap_or(usize::MAX)
            .min(len);
        let mut buffer = vec![0; len];
        self.file
            .read_exact_at(&mut buffer, offset)
            .map_err(|e| format!("reading the upload failed: {e}"))?;
        Ok(buffer)
    }
}

/// Most calls one upload may take (a cursor that never ends is a plugin bug).
const MAX_UPLOAD_CALLS: usize = 10_000;

/// What an athlete sent.
#[derive(Clone)]
pub struct Upload {
    /// Files or a relay delivery.
    pub kind: UploadKind,
    /// The file's name, when there is one.
    pub name: Option<String>,
    /// Its declared content type.
    pub content_type: Option<String>,
    /// A relay's request headers (none for files).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Arc<dyn UploadBody>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("size", &self.body.size())
            .finish()
    }
}

/// One item of an upload that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadProblem {
    /// The file inside an archive, a workout's id, a metric's name.
    pub item: String,
    /// Why, in words the athlete can act on.
    pub message: String,
}

/// What an upload did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadReport {
    /// What was stored.
    pub summary: DeliverySummary,
    /// Items the upload held that the plugin looked at (files of an archive, workouts).
    pub items: u32,
    /// What could not be used.
    pub problems: Vec<UploadProblem>,
}

/// What one plugin call over an upload did, and where the next call starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadStep {
    /// This call's part of the report.
    pub report: UploadReport,
    /// The plugin's cursor for the next call; `None` once the upload is read.
    pub next_cursor: Option<String>,
}

impl UploadReport {
    /// Adds a step's report to this one.
    pub fn absorb(&mut self, step: UploadReport) {
        self.items += step.items;
        self.problems.extend(step.problems);
        self.summary.activities += step.summary.activities;
        self.summary.deleted += step.summary.deleted;
        self.summary.metrics += step.summary.metrics;
        self.summary.rejected += step.summary.rejected;
        self.summary.notices += step.summary.notices;
        self.summary.duplicates += step.summary.duplicates;
    }
}

impl Ingest {
    /// Hands `upload` to `plugin` for `athlete` and stores what it finds, call after call
    /// until the plugin has read everything. Callers authenticate the athlete first.
    pub async fn receive_upload(
        &self,
        plugin: &str,
        athlete: &User,
        upload: Upload,
        mut progress: impl FnMut(&UploadReport),
    ) -> AppResult<UploadReport> {
        let mut report = UploadReport::default();
        let mut cursor = None;
        for _ in 0..MAX_UPLOAD_CALLS {
            let step = self
                .upload_step(plugin, athlete, &upload, cursor.take())
                .await?;
            report.absorb(step.report);
            progress(&report);
            match step.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(report),
            }
        }
        Err(AppError::Internal(anyhow::anyhow!(
            "the `{plugin}` plugin did not finish reading the upload in {MAX_UPLOAD_CALLS} calls"
        )))
    }

    /// One plugin call over `upload`, from `cursor` (the start when `None`), with what it
    /// found stored before it returns. A caller that keeps the returned cursor can carry on
    /// later, in another process.
    pub async fn upload_step(
        &self,
        plugin: &str,
        athlete: &User,
        upload: &Upload,
        cursor: Option<String>,
    ) -> AppResult<UploadStep> {
        let loaded = self
            .plugins
            .get(plugin)
            .ok_or_else(|| AppError::NotFound(format!("no plugin `{plugin}` is installed")))?;
        if !loaded.manifest.uploads.contains(&upload.kind) {
            return Err(AppError::bad_input(
                "plugin",
                format!("`{plugin}` does not accept {:?} uploads", upload.kind),
            ));
        }
        let call_athlete = CallAthlete {
            id: AthleteId(athlete.id),
            external_id: athlete.id.to_string(),
            time_zone: athlete.profile.time_zone.name().to_owned(),
        };
        let request = UploadRequest {
            athlete: AthleteRef {
                id: athlete.id.to_string(),
                external_id: call_athlete.external_id.clone(),
                time_zone: call_athlete.time_zone.clone(),
            },
            kind: upload.kind,
            name: upload.name.clone(),
            content_type: upload.content_type.clone(),
            headers: upload
                .headers
                .iter()
                .map(|(name, value)| Header {
                    name: name.clone(),
                    value: value.clone(),
                })
                .collect(),
            size: upload.body.size(),
            cursor,
        };
        let call = self
            .plugins
            .receive_upload(plugin, request, upload.body.clone(), call_athlete)
            .await;
        let outcome = call.result.map_err(|error| upload_error(plugin, error))?;
        let summary = self.deliver(plugin, athlete, outcome.records).await?;
        Ok(UploadStep {
            report: UploadReport {
                summary,
                items: outcome.items_done,
                problems: outcome
                    .problems
                    .into_iter()
                    .map(|p| UploadProblem {
                        item: p.item,
                        message: p.message,
                    })
                    .collect(),
            },
            next_cursor: outcome.next_cursor,
        })
    }
}

/// A failed upload call, in terms the sender can act on.
fn upload_error(plugin: &str, error: CallError) -> AppError {
    match error {
        CallError::Plugin(PluginError::BadInput(message)) => AppError::bad_input("upload", message),
        CallError::Plugin(PluginError::Unauthorized(message)) => AppError::Forbidden(message),
        CallError::Plugin(other) => AppError::Internal(anyhow::anyhow!(
            "the `{plugin}` plugin could not read the upload: {other:?}"
        )),
        CallError::Failed(failure) => AppError::bad_input(
            "upload",
            format!(
                "the `{plugin}` plugin stopped while reading it ({}); nothing after that point was stored",
                failure.message
            ),
        ),
        other => AppError::Conflict(other.to_string()),
    }
}
