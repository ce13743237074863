//! Builders for the records a plugin returns, so plugin code reads like the domain.

use crate::{
    Activity, ActivityUpdate, Header, HistoryOutcome, JobOutcome, Manifest, NewJob, Progress,
    RecordItem, Sport, UploadOutcome, UploadProblem, WebhookOutcome, WebhookReply,
};

impl Manifest {
    /// A manifest with no OAuth, no hosts, no jobs and no secrets; add what the plugin needs.
    pub fn new(id: &str, version: &str, display_name: &str) -> Self {
        Manifest {
            id: id.to_owned(),
            version: version.to_owned(),
            display_name: display_name.to_owned(),
            oauth: None,
            allowed_hosts: Vec::new(),
            rate_budgets: Vec::new(),
            webhook_kinds: Vec::new(),
            job_kinds: Vec::new(),
            secrets: Vec::new(),
            history_import: false,
            uploads: Vec::new(),
        }
    }
}

impl Activity {
    /// An activity with the required fields; everything else starts empty.
    pub fn new(
        external_id: impl Into<String>,
        sport: Sport,
        name: impl Into<String>,
        start_ms: i64,
        duration_s: i64,
    ) -> Self {
        Activity {
            external_id: external_id.into(),
            sport,
            sport_detail: None,
            name: name.into(),
            start_ms,
            utc_offset_s: None,
            duration_s,
            moving_time_s: None,
            distance_m: None,
            elevation_gain_m: None,
            avg_hr: None,
            max_hr: None,
            avg_power_w: None,
            avg_cadence: None,
            energy_kcal: None,
            rpe: None,
            private: false,
            device: None,
            parent_external_id: None,
            samples: None,
            laps: Vec::new(),
        }
    }

    /// Checks what a plugin can know is wrong before the host validates it fully.
    pub fn check(&self) -> Result<(), String> {
        if self.external_id.is_empty() {
            return Err("external_id must not be empty".to_owned());
        }
        if self.duration_s <= 0 {
            return Err(format!(
                "duration_s must be positive, got {}",
                self.duration_s
            ));
        }
        if let Some(samples) = &self.samples {
            let n = samples.time_s.len();
            let channels = [
                &samples.heart_rate,
                &samples.speed_mps,
                &samples.distance_m,
                &samples.altitude_m,
                &samples.power_w,
                &samples.cadence,
            ];
            if channels
                .iter()
                .any(|c| c.as_ref().is_some_and(|values| values.len() != n))
            {
                return Err("every sample channel must have one value per time entry".to_owned());
            }
        }
        Ok(())
    }
}

impl ActivityUpdate {
    /// An update that changes nothing yet.
    pub fn new(external_id: impl Into<String>) -> Self {
        ActivityUpdate {
            external_id: external_id.into(),
            name: None,
            sport: None,
            private: None,
        }
    }
}

impl WebhookOutcome {
    /// A plain-text reply with no event and no jobs.
    pub fn text(status: u16, body: &str) -> Self {
        WebhookOutcome {
            reply: WebhookReply {
                status,
                headers: vec![Header {
                    name: "content-type".to_owned(),
                    value: "text/plain; charset=utf-8".to_owned(),
                }],
                body: body.as_bytes().to_vec(),
            },
            event_key: None,
            jobs: Vec::new(),
        }
    }

    /// A JSON reply with no event and no jobs.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        WebhookOutcome {
            reply: WebhookReply {
                status,
                headers: vec![Header {
                    name: "content-type".to_owned(),
                    value: "application/json".to_owned(),
                }],
                body: body.to_string().into_bytes(),
            },
            event_key: None,
            jobs: Vec::new(),
        }
    }

    /// Names the event so redeliveries are recognised.
    pub fn event(mut self, key: impl Into<String>) -> Self {
        self.event_key = Some(key.into());
        self
    }

    /// Enqueues a job (only the first time the event is seen).
    pub fn enqueue(mut self, job: NewJob) -> Self {
        self.jobs.push(job);
        self
    }
}

impl NewJob {
    /// A job of `kind` with a JSON payload.
    pub fn new(kind: &str, payload: &serde_json::Value) -> Self {
        NewJob {
            kind: kind.to_owned(),
            payload: payload.to_string(),
            athlete_external_id: None,
            dedupe_key: None,
            not_before_ms: None,
        }
    }

    /// The provider's id of the athlete it concerns.
    pub fn for_athlete(mut self, external_id: impl Into<String>) -> Self {
        self.athlete_external_id = Some(external_id.into());
        self
    }

    /// Deduplicates with other pending jobs of the same key.
    pub fn dedupe(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    /// Not before this time.
    pub fn not_before(mut self, ms: i64) -> Self {
        self.not_before_ms = Some(ms);
        self
    }
}

impl JobOutcome {
    /// Finished, with nothing produced yet.
    pub fn done() -> Self {
        JobOutcome {
            records: Vec::new(),
            follow_ups: Vec::new(),
            progress: None,
            defer_until_ms: None,
            defer_reason: None,
        }
    }

    /// Adds a record.
    pub fn record(mut self, item: RecordItem) -> Self {
        self.records.push(item);
        self
    }

    /// Adds a follow-up job.
    pub fn follow_up(mut self, job: NewJob) -> Self {
        self.follow_ups.push(job);
        self
    }

    /// Reports progress.
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Asks to run this job again at `until_ms` (not a failure).
    pub fn defer_until(mut self, until_ms: i64, reason: impl Into<String>) -> Self {
        self.defer_until_ms = Some(until_ms);
        self.defer_reason = Some(reason.into());
        self
    }
}

impl HistoryOutcome {
    /// The last page: nothing more to import.
    pub fn done() -> Self {
        HistoryOutcome {
            records: Vec::new(),
            follow_ups: Vec::new(),
            next_cursor: None,
            progress: None,
            defer_until_ms: None,
            defer_reason: None,
        }
    }

    /// Adds a record.
    pub fn record(mut self, item: RecordItem) -> Self {
        self.records.push(item);
        self
    }

    /// Adds a follow-up job.
    pub fn follow_up(mut self, job: NewJob) -> Self {
        self.follow_ups.push(job);
        self
    }

    /// Asks for another page, to be called with `cursor`.
    pub fn next(mut self, cursor: impl Into<String>) -> Self {
        self.next_cursor = Some(cursor.into());
        self
    }

    /// Reports progress.
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Asks to run this page again at `until_ms` (not a failure).
    pub fn defer_until(mut self, until_ms: i64, reason: impl Into<String>) -> Self {
        self.defer_until_ms = Some(until_ms);
        self.defer_reason = Some(reason.into());
        self
    }
}

impl UploadOutcome {
    /// Nothing read yet.
    pub fn empty() -> Self {
        UploadOutcome {
            records: Vec::new(),
            problems: Vec::new(),
            items_done: 0,
            next_cursor: None,
        }
    }

    /// Adds a record.
    pub fn record(mut self, item: RecordItem) -> Self {
        self.records.push(item);
        self
    }

    /// Records that `item` could not be used, and why.
    pub fn problem(mut self, item: impl Into<String>, message: impl Into<String>) -> Self {
        self.problems.push(UploadProblem {
            item: item.into(),
            message: message.into(),
        });
        self
    }
}
