//! Large file imports as jobs. The uploaded files are kept in the database, in pieces, so
//! whichever replica claims the job can read them. The job reads plugin call after plugin
//! call, writing where it stands (the file and the plugin's cursor in it) and its counts as it
//! goes; it reports as the athlete's history import from the plugin, so the existing
//! `backfillProgress` subscription follows it. A run hands on to a fresh job after
//! `imports.slice_s` seconds, so no run outlives its lease, and a replica that dies mid-import
//! costs at most the work since the last saved position (those records are stored already and
//! are recognised when read again).

use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt as _;

use serde::{Deserialize, Serialize};
use stride_domain::ids::AthleteId;
use stride_sandbox::contract::UploadKind;
use stride_sandbox::services::BoxFuture;
use stride_store::{BackfillStatus, FileImportRow, FileImportStatus, User};
use uuid::Uuid;

use super::Ingest;
use super::uploads::{FileBody, Upload, UploadProblem, UploadReport};
use crate::error::{AppError, AppResult};
use crate::jobs::{Handler, JobKind, JobMeta, Verdict};

/// How file imports that run as jobs are carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportSettings {
    /// How long one job run reads before handing on to the next, seconds (keep it well under
    /// `jobs.lease_s`).
    pub slice_s: u64,
    /// How often progress is saved (and the subscription told), milliseconds.
    pub progress_ms: u64,
    /// The size of the pieces uploaded files are kept in, bytes.
    pub chunk_bytes: usize,
}

impl Default for ImportSettings {
    fn default() -> Self {
        Self {
            slice_s: 20,
            progress_ms: 1_000,
            chunk_bytes: 4 << 20,
        }
    }
}

/// One run of a file import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFiles {
    /// The import.
    pub import: Uuid,
    /// The plugin reading the files.
    pub plugin: String,
}

impl JobKind for ImportFiles {
    const NAME: &'static str = "files.import";
    const PRIORITY: i32 = 8;
    const INGESTION: bool = true;

    fn dedupe_key(&self, _athlete: Option<AthleteId>) -> Option<String> {
        Some(format!("file-import:{}", self.import))
    }

    fn plugin(&self) -> Option<&str> {
        Some(&self.plugin)
    }
}

/// A file handed to an import.
#[derive(Debug)]
pub struct ImportedFile {
    /// Its name.
    pub name: String,
    /// Its declared content type.
    pub content_type: Option<String>,
    /// The file (a GraphQL upload is spooled to a temporary file).
    pub file: std::fs::File,
}

/// A file of an import, as listed with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedFile {
    /// Its name.
    pub name: String,
    /// Its declared content type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Bytes.
    pub size: u64,
}

/// An import and its progress, as the API shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileImport {
    /// The stored row.
    pub row: FileImportRow,
    /// Its files.
    pub files: Vec<ListedFile>,
    /// What could not be used.
    pub problems: Vec<UploadProblem>,
}

#[derive(Serialize, Deserialize)]
struct StoredProblem {
    item: String,
    message: String,
}

impl FileImport {
    /// Reads a stored row.
    pub fn from_row(row: FileImportRow) -> AppResult<Self> {
        let files: Vec<ListedFile> = serde_json::from_str(&row.files)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("file import {}: {e}", row.id)))?;
        let problems: Vec<StoredProblem> = serde_json::from_str(&row.problems)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("file import {}: {e}", row.id)))?;
        Ok(Self {
            row,
            files,
            problems: problems
                .into_iter()
                .map(|p| UploadProblem {
                    item: p.item,
                    message: p.message,
                })
                .collect(),
        })
    }

    fn store_problems(&mut self) {
        let stored: Vec<StoredProblem> = self
            .problems
            .iter()
            .map(|p| StoredProblem {
                item: p.item.clone(),
                message: p.message.clone(),
            })
            .collect();
        self.row.problems = serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned());
    }

    fn absorb(&mut self, file: &str, report: UploadReport) {
        let to_i32 = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        self.row.items = self.row.items.saturating_add(to_i32(report.items));
        self.row.activities = self
            .row
            .activities
            .saturating_add(to_i32(report.summary.activities));
        self.row.duplicates = self
            .row
            .duplicates
            .saturating_add(to_i32(report.summary.duplicates));
        self.row.refused = self
            .row
            .refused
            .saturating_add(to_i32(report.summary.rejected));
        for problem in report.problems {
            self.problem(file, problem.item, problem.message);
        }
    }

    /// A file that could not be read at all: it counts as read, with its reason.
    fn unreadable(&mut self, file: &str, message: String) {
        self.row.items = self.row.items.saturating_add(1);
        self.problem(file, String::new(), message);
    }

    fn problem(&mut self, file: &str, item: String, message: String) {
        let item = if item.is_empty() || item == file {
            file.to_owned()
        } else {
            format!("{file}: {item}")
        };
        self.problems.push(UploadProblem { item, message });
    }

    /// "2,500 activities from 2,501 files; 3 duplicates; 1 problem", for the progress note.
    pub fn summary(&self) -> String {
        let mut said = format!(
            "{} activities from {} files read",
            self.row.activities, self.row.items
        );
        if self.row.duplicates > 0 {
            said.push_str(&format!("; {} already stored", self.row.duplicates));
        }
        if self.row.refused > 0 {
            said.push_str(&format!("; {} refused", self.row.refused));
        }
        if !self.problems.is_empty() {
            said.push_str(&format!("; {} problems", self.problems.len()));
        }
        said
    }
}

impl Ingest {
    /// Starts importing `files` for `athlete` as a job, and answers at once. The files are
    /// stored first, so the answer means they are safe; progress follows as the athlete's
    /// history import from `plugin`. Callers authorize the requester first.
    pub async fn start_file_import(
        &self,
        plugin: &str,
        athlete: &User,
        requested_by: Uuid,
        files: Vec<ImportedFile>,
    ) -> AppResult<FileImport> {
        let loaded = self
            .plugins
            .get(plugin)
            .ok_or_else(|| AppError::NotFound(format!("no plugin `{plugin}` is installed")))?;
        if !loaded.manifest.uploads.contains(&UploadKind::Files) {
            return Err(AppError::bad_input(
                "plugin",
                format!("`{plugin}` does not read uploaded files"),
            ));
        }
        if files.is_empty() {
            return Err(AppError::bad_input("files", "no file was sent"));
        }
        let now = self.clock.now();
        let mut listed = Vec::with_capacity(files.len());
        for file in &files {
            let size = file
                .file
                .metadata()
                .map_err(|e| AppError::Internal(e.into()))?
                .len();
            listed.push(ListedFile {
                name: file.name.clone(),
                content_type: file.content_type.clone(),
                size,
            });
        }
        let row = FileImportRow {
            id: Uuid::new_v4(),
            user_id: athlete.id,
            requested_by: Some(requested_by),
            plugin: plugin.to_owned(),
            status: FileImportStatus::Queued,
            files: serde_json::to_string(&listed).map_err(anyhow::Error::from)?,
            file_index: 0,
            cursor: None,
            items: 0,
            activities: 0,
            duplicates: 0,
            refused: 0,
            problems: "[]".to_owned(),
            created_at: now,
            updated_at: now,
            finished_at: None,
        };
        let chunk_bytes = self.import_settings.chunk_bytes.max(64 << 10);
        let mut tx = self.store.begin().await?;
        self.store.create_file_import(&mut tx, &row).await?;
        for (index, file) in files.into_iter().enumerate() {
            let index = i32::try_from(index).unwrap_or(i32::MAX);
            let mut source = tokio::fs::File::from_std(file.file);
            let mut seq = 0;
            loop {
                let piece = read_piece(&mut source, chunk_bytes)
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?;
                if piece.is_empty() {
                    break;
                }
                self.store
                    .add_file_import_chunk(&mut tx, row.id, index, seq, &piece)
                    .await?;
                seq += 1;
            }
        }
        self.store
            .start_backfill(
                &mut tx,
                athlete.id,
                plugin,
                row.id,
                BackfillStatus::Queued,
                now,
            )
            .await?;
        self.jobs
            .enqueue(
                &mut tx,
                Some(AthleteId(athlete.id)),
                &ImportFiles {
                    import: row.id,
                    plugin: plugin.to_owned(),
                },
                now,
            )
            .await?;
        tx.commit().await?;
        self.jobs.wake();
        self.events_backfill(athlete.id, plugin).await;
        FileImport::from_row(row)
    }

    /// One of `athlete`'s imports.
    pub async fn file_import(&self, athlete: Uuid, id: Uuid) -> AppResult<Option<FileImport>> {
        match self.store.file_import(id).await? {
            Some(row) if row.user_id == athlete => Ok(Some(FileImport::from_row(row)?)),
            _ => Ok(None),
        }
    }

    /// `athlete`'s imports, newest first.
    pub async fn file_imports(&self, athlete: Uuid, limit: u32) -> AppResult<Vec<FileImport>> {
        self.store
            .file_imports_of(athlete, limit)
            .await?
            .into_iter()
            .map(FileImport::from_row)
            .collect()
    }

    async fn run_file_import(&self, job: ImportFiles, meta: &JobMeta) -> Verdict {
        let error = match self.import_slice(&job).await {
            Ok(()) => return Verdict::Done,
            Err(error) => error,
        };
        let failure = format!("file import {}: {error}", job.import);
        if !meta.is_last_attempt() {
            return Verdict::Retry(failure);
        }
        // No attempt is left: the import ends as failed, with what it read so far kept, so
        // the athlete is not left watching a "running" import for ever.
        if let Err(saving) = self.give_up(&job, &error).await {
            tracing::error!(error = %saving, import = %job.import, "could not mark a failed file import");
        }
        Verdict::Fail(failure)
    }

    /// Marks an import failed after its last attempt, naming the file it stopped at.
    async fn give_up(&self, job: &ImportFiles, error: &AppError) -> AppResult<()> {
        let Some(row) = self.store.file_import(job.import).await? else {
            return Ok(());
        };
        if matches!(
            row.status,
            FileImportStatus::Done | FileImportStatus::Failed
        ) {
            return Ok(());
        }
        let mut import = FileImport::from_row(row)?;
        let at = usize::try_from(import.row.file_index).unwrap_or(usize::MAX);
        let stopped_at = import
            .files
            .get(at)
            .map_or_else(|| "the import".to_owned(), |file| file.name.clone());
        let why = match error {
            AppError::Internal(_) => {
                "something went wrong on our side; the import stopped here after every retry"
                    .to_owned()
            }
            other => format!("the import stopped here after every retry: {other}"),
        };
        import.problem(&stopped_at, String::new(), why);
        import.row.status = FileImportStatus::Failed;
        import.row.finished_at = Some(self.clock.now());
        self.save_import(&import).await?;
        // What was stored of the upload is of no further use, nor is the file being read.
        let _ = std::fs::remove_file(spool_path(import.row.id, import.row.file_index));
        self.store
            .drop_file_import_chunks(import.row.id, i32::MAX)
            .await?;
        Ok(())
    }

    /// Reads on from where the import stands until it is done or the slice is used up.
    async fn import_slice(&self, job: &ImportFiles) -> AppResult<()> {
        let Some(row) = self.store.file_import(job.import).await? else {
            return Ok(()); // its athlete was erased
        };
        if matches!(
            row.status,
            FileImportStatus::Done | FileImportStatus::Failed
        ) {
            return Ok(());
        }
        let athlete = match self.store.user(row.user_id).await {
            Ok(athlete) => athlete,
            Err(stride_store::StoreError::NotFound) => return Ok(()),
            Err(error) => return Err(error.into()),
        };
        let mut import = FileImport::from_row(row)?;
        let settings = self.import_settings;
        let started = Instant::now();
        let slice = Duration::from_secs(settings.slice_s);
        let every = Duration::from_millis(settings.progress_ms);
        let mut saved = Instant::now();
        import.row.status = FileImportStatus::Running;
        if !self.save_import(&import).await? {
            return Ok(());
        }
        let total = import.files.len();
        while let Some(file) = usize::try_from(import.row.file_index)
            .ok()
            .and_then(|i| import.files.get(i))
            .cloned()
        {
            let index = import.row.file_index;
            let (body, spooled) = match self.spool(&import.row, index, &file).await {
                Ok(spooled) => spooled,
                Err(error) => {
                    tracing::error!(%error, import = %import.row.id, "could not read back an uploaded file");
                    return Err(error);
                }
            };
            let upload = Upload {
                kind: UploadKind::Files,
                name: Some(file.name.clone()),
                content_type: file.content_type.clone(),
                headers: Vec::new(),
                body: std::sync::Arc::new(body),
            };
            loop {
                let step = self
                    .upload_step(
                        &import.row.plugin,
                        &athlete,
                        &upload,
                        import.row.cursor.take(),
                    )
                    .await;
                let next = match step {
                    Ok(step) => {
                        import.absorb(&file.name, step.report);
                        step.next_cursor
                    }
                    Err(AppError::Internal(detail)) => {
                        tracing::error!(error = ?detail, import = %import.row.id, file = %file.name, "a file of an import failed");
                        import.unreadable(
                            &file.name,
                            "something went wrong on our side reading this file; the rest of the import went on".to_owned(),
                        );
                        None
                    }
                    Err(error) => {
                        import.unreadable(&file.name, error.to_string());
                        None
                    }
                };
                match next {
                    Some(cursor) => import.row.cursor = Some(cursor),
                    None => {
                        import.row.file_index += 1;
                        import.row.cursor = None;
                    }
                }
                let finished_file = import.row.cursor.is_none();
                let handing_on = started.elapsed() >= slice;
                if finished_file || handing_on || saved.elapsed() >= every {
                    if !self.save_import(&import).await? {
                        return Ok(());
                    }
                    saved = Instant::now();
                }
                if finished_file {
                    let _ = std::fs::remove_file(&spooled);
                    self.store
                        .drop_file_import_chunks(import.row.id, import.row.file_index)
                        .await?;
                    break;
                }
                if handing_on {
                    return self.hand_on(job, &import).await;
                }
            }
            if started.elapsed() >= slice
                && usize::try_from(import.row.file_index).unwrap_or(0) < total
            {
                return self.hand_on(job, &import).await;
            }
        }
        import.row.status = FileImportStatus::Done;
        import.row.finished_at = Some(self.clock.now());
        self.save_import(&import).await?;
        Ok(())
    }

    /// Queues the next run of an import that used up its slice.
    async fn hand_on(&self, job: &ImportFiles, import: &FileImport) -> AppResult<()> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.jobs
            .enqueue(&mut tx, Some(AthleteId(import.row.user_id)), job, now)
            .await?;
        tx.commit().await?;
        self.jobs.wake();
        Ok(())
    }

    /// Saves an import's progress and reports it as the athlete's history import; false when
    /// the import is gone (its athlete was erased).
    async fn save_import(&self, import: &FileImport) -> AppResult<bool> {
        let now = self.clock.now();
        let mut import = import.clone();
        import.row.updated_at = now;
        import.store_problems();
        let status = match import.row.status {
            FileImportStatus::Queued => BackfillStatus::Queued,
            FileImportStatus::Running => BackfillStatus::Running,
            FileImportStatus::Done => BackfillStatus::Done,
            FileImportStatus::Failed => BackfillStatus::Failed,
        };
        let finished = matches!(
            import.row.status,
            FileImportStatus::Done | FileImportStatus::Failed
        );
        let note = if finished {
            import.summary()
        } else {
            let at = usize::try_from(import.row.file_index).unwrap_or(0);
            match import.files.get(at) {
                Some(file) if import.files.len() > 1 => format!(
                    "reading {} ({} of {}); {}",
                    file.name,
                    at + 1,
                    import.files.len(),
                    import.summary()
                ),
                Some(file) => format!("reading {}; {}", file.name, import.summary()),
                None => import.summary(),
            }
        };
        let mut tx = self.store.begin().await?;
        if !self.store.update_file_import(&mut tx, &import.row).await? {
            return Ok(false);
        }
        self.store
            .update_backfill(
                &mut tx,
                import.row.user_id,
                &import.row.plugin,
                import.row.id,
                status,
                Some((import.row.items, import.row.activities)),
                None,
                Some(&note),
                now,
            )
            .await?;
        tx.commit().await?;
        self.events_backfill(import.row.user_id, &import.row.plugin)
            .await;
        Ok(true)
    }

    /// The file `index` of an import as a local file: the copy this replica already wrote if it
    /// is whole, otherwise written anew from the stored pieces.
    async fn spool(
        &self,
        row: &FileImportRow,
        index: i32,
        file: &ListedFile,
    ) -> AppResult<(FileBody, std::path::PathBuf)> {
        let path = spool_path(row.id, index);
        if let Ok(existing) = std::fs::File::open(&path)
            && existing.metadata().is_ok_and(|m| m.len() == file.size)
        {
            let body = FileBody::new(existing).map_err(|e| AppError::Internal(e.into()))?;
            return Ok((body, path));
        }
        let mut out = tokio::fs::File::create(&path)
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        let mut seq = 0;
        let mut written = 0u64;
        while let Some(piece) = self.store.file_import_chunk(row.id, index, seq).await? {
            out.write_all(&piece)
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
            written += piece.len() as u64;
            seq += 1;
        }
        out.flush()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        drop(out);
        if written != file.size {
            let _ = std::fs::remove_file(&path);
            return Err(AppError::Internal(anyhow::anyhow!(
                "file {index} of import {} has {written} of its {} bytes stored",
                row.id,
                file.size
            )));
        }
        let reopened = std::fs::File::open(&path).map_err(|e| AppError::Internal(e.into()))?;
        let body = FileBody::new(reopened).map_err(|e| AppError::Internal(e.into()))?;
        Ok((body, path))
    }
}

/// Up to `len` bytes, fewer only at the end of the file.
async fn read_piece(source: &mut tokio::fs::File, len: usize) -> std::io::Result<Vec<u8>> {
    use tokio::io::AsyncReadExt as _;
    let mut piece = vec![0; len];
    let mut filled = 0;
    while filled < len {
        let n = source.read(&mut piece[filled..]).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    piece.truncate(filled);
    Ok(piece)
}

/// Where file `index` of an import is kept on this host while it is read.
fn spool_path(import: Uuid, index: i32) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("stride-import-{import}-{index}"))
}

impl Handler<ImportFiles> for Ingest {
    fn run<'a>(&'a self, job: ImportFiles, meta: &'a JobMeta) -> BoxFuture<'a, Verdict> {
        Box::pin(self.run_file_import(job, meta))
    }
}
