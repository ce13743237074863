//! Host bindings of each supported plugin API version, generated from the SDK's frozen WIT,
//! and their conversions to and from the host's own types ([`crate::contract`]).
//!
//! One module per version, as Zed does for its extension API. The generated types never leave
//! this crate: the latest version converts field for field; older versions convert into the
//! latest shapes (1.0's history convention, a `backfill` job whose payload carries
//! `{page, run}`, is translated here into `import-history`).

use crate::contract as c;

/// Plugin API 1.0.x.
pub(crate) mod since_v1_0_0 {
    wasmtime::component::bindgen!({
        path: "../../sdk/wit/since_v1.0.0",
        world: "plugin",
        imports: { default: async | trappable },
        exports: { default: async },
    });
}

/// Plugin API 1.1.x.
pub(crate) mod since_v1_1_0 {
    wasmtime::component::bindgen!({
        path: "../../sdk/wit/since_v1.1.0",
        world: "plugin",
        imports: { default: async | trappable },
        exports: { default: async },
    });
}

/// The job kind through which a 1.0 plugin imports history.
pub(crate) const V1_0_HISTORY_JOB: &str = "backfill";

/// Conversions shared by every version whose types have the same shape (generated once per
/// version module).
macro_rules! same_shape_conversions {
    ($types:path) => {
        use $types as t;

        impl From<t::Header> for c::Header {
            fn from(h: t::Header) -> Self {
                c::Header {
                    name: h.name,
                    value: h.value,
                }
            }
        }

        impl From<c::Header> for t::Header {
            fn from(h: c::Header) -> Self {
                t::Header {
                    name: h.name,
                    value: h.value,
                }
            }
        }

        impl From<t::RateBudget> for c::RateBudget {
            fn from(b: t::RateBudget) -> Self {
                c::RateBudget {
                    name: b.name,
                    reads_only: b.reads_only,
                    limit_header: b.limit_header,
                    usage_header: b.usage_header,
                    windows: b
                        .windows
                        .into_iter()
                        .map(|w| match w {
                            t::RateWindow::AlignedMinutes(m) => c::RateWindow::AlignedMinutes(m),
                            t::RateWindow::UtcDay => c::RateWindow::UtcDay,
                        })
                        .collect(),
                    default_limits: b.default_limits,
                }
            }
        }

        impl From<c::WebhookRequest> for t::WebhookRequest {
            fn from(r: c::WebhookRequest) -> Self {
                t::WebhookRequest {
                    method: r.method,
                    path: r.path,
                    query: r.query,
                    headers: r.headers.into_iter().map(Into::into).collect(),
                    body: r.body,
                }
            }
        }

        impl From<t::NewJob> for c::NewJob {
            fn from(j: t::NewJob) -> Self {
                c::NewJob {
                    kind: j.kind,
                    payload: j.payload,
                    athlete_external_id: j.athlete_external_id,
                    dedupe_key: j.dedupe_key,
                    not_before_ms: j.not_before_ms,
                }
            }
        }

        impl From<t::WebhookOutcome> for c::WebhookOutcome {
            fn from(o: t::WebhookOutcome) -> Self {
                c::WebhookOutcome {
                    reply: c::WebhookReply {
                        status: o.reply.status,
                        headers: o.reply.headers.into_iter().map(Into::into).collect(),
                        body: o.reply.body,
                    },
                    event_key: o.event_key,
                    jobs: o.jobs.into_iter().map(Into::into).collect(),
                }
            }
        }

        impl From<c::AthleteRef> for t::AthleteRef {
            fn from(a: c::AthleteRef) -> Self {
                t::AthleteRef {
                    id: a.id,
                    external_id: a.external_id,
                    time_zone: a.time_zone,
                }
            }
        }

        impl From<c::JobRequest> for t::JobRequest {
            fn from(j: c::JobRequest) -> Self {
                t::JobRequest {
                    kind: j.kind,
                    payload: j.payload,
                    athlete: j.athlete.map(Into::into),
                    attempt: j.attempt,
                }
            }
        }

        impl From<t::Progress> for c::Progress {
            fn from(p: t::Progress) -> Self {
                c::Progress {
                    pages_done: p.pages_done,
                    items_done: p.items_done,
                    total_hint: p.total_hint,
                    note: p.note,
                }
            }
        }

        impl From<t::PluginError> for c::PluginError {
            fn from(e: t::PluginError) -> Self {
                match e {
                    t::PluginError::BadInput(m) => c::PluginError::BadInput(m),
                    t::PluginError::Unauthorized(m) => c::PluginError::Unauthorized(m),
                    t::PluginError::Retryable(m) => c::PluginError::Retryable(m),
                    t::PluginError::Permanent(m) => c::PluginError::Permanent(m),
                }
            }
        }

        impl From<t::PlanProposal> for c::PlanProposal {
            fn from(p: t::PlanProposal) -> Self {
                c::PlanProposal {
                    athlete_id: p.athlete_id,
                    kind: p.kind,
                    reason: p.reason,
                    receipts: p.receipts,
                    change: p.change,
                }
            }
        }

        impl From<t::HttpRequest> for crate::imports::PluginHttpRequest {
            fn from(r: t::HttpRequest) -> Self {
                crate::imports::PluginHttpRequest {
                    method: r.method,
                    url: r.url,
                    headers: r.headers.into_iter().map(|h| (h.name, h.value)).collect(),
                    body: r.body,
                    on_behalf_of: r.on_behalf_of,
                    timeout_ms: r.timeout_ms,
                }
            }
        }

        impl From<crate::net::InboundResponse> for t::HttpResponse {
            fn from(r: crate::net::InboundResponse) -> Self {
                t::HttpResponse {
                    status: r.status,
                    headers: r
                        .headers
                        .into_iter()
                        .map(|(name, value)| t::Header { name, value })
                        .collect(),
                    body: r.body,
                }
            }
        }

        impl From<c::HttpError> for t::HttpError {
            fn from(e: c::HttpError) -> Self {
                match e {
                    c::HttpError::Denied(m) => t::HttpError::Denied(m),
                    c::HttpError::RateLimited(at) => t::HttpError::RateLimited(at),
                    c::HttpError::NotConnected(m) => t::HttpError::NotConnected(m),
                    c::HttpError::TooLarge(m) => t::HttpError::TooLarge(m),
                    c::HttpError::Timeout => t::HttpError::Timeout,
                    c::HttpError::Connection(m) => t::HttpError::Connection(m),
                    c::HttpError::Invalid(m) => t::HttpError::Invalid(m),
                }
            }
        }

        impl From<t::LogLevel> for crate::imports::LogLevel {
            fn from(l: t::LogLevel) -> Self {
                match l {
                    t::LogLevel::Trace => crate::imports::LogLevel::Trace,
                    t::LogLevel::Debug => crate::imports::LogLevel::Debug,
                    t::LogLevel::Info => crate::imports::LogLevel::Info,
                    t::LogLevel::Warn => crate::imports::LogLevel::Warn,
                    t::LogLevel::Error => crate::imports::LogLevel::Error,
                }
            }
        }
    };
}

/// The host functions a plugin imports, implemented once per version over the version-free
/// implementations in [`crate::imports`].
macro_rules! host_imports {
    ($plugin:path) => {
        use $plugin as wit;

        impl wit::types::Host for crate::imports::CallState {}

        impl wit::http::Host for crate::imports::CallState {
            async fn send(
                &mut self,
                request: wit::types::HttpRequest,
            ) -> wasmtime::Result<Result<wit::types::HttpResponse, wit::types::HttpError>> {
                Ok(self
                    .http_send(request.into())
                    .await
                    .map(Into::into)
                    .map_err(Into::into))
            }
        }

        impl wit::kv::Host for crate::imports::CallState {
            async fn get(
                &mut self,
                scope: wit::kv::Scope,
                key: String,
            ) -> wasmtime::Result<Option<Vec<u8>>> {
                let scope = match scope {
                    wit::kv::Scope::Plugin => None,
                    wit::kv::Scope::Athlete(id) => Some(id),
                };
                self.kv_get(scope, key).await
            }

            async fn set(
                &mut self,
                scope: wit::kv::Scope,
                key: String,
                value: Vec<u8>,
            ) -> wasmtime::Result<Result<(), String>> {
                let scope = match scope {
                    wit::kv::Scope::Plugin => None,
                    wit::kv::Scope::Athlete(id) => Some(id),
                };
                self.kv_set(scope, key, value).await
            }

            async fn delete(&mut self, scope: wit::kv::Scope, key: String) -> wasmtime::Result<()> {
                let scope = match scope {
                    wit::kv::Scope::Plugin => None,
                    wit::kv::Scope::Athlete(id) => Some(id),
                };
                self.kv_delete(scope, key).await
            }
        }

        impl wit::log::Host for crate::imports::CallState {
            async fn log(
                &mut self,
                level: wit::types::LogLevel,
                target: String,
                message: String,
                fields: Vec<wit::types::LogField>,
            ) -> wasmtime::Result<()> {
                let fields = fields.into_iter().map(|f| (f.key, f.value)).collect();
                self.log(level.into(), target, message, fields);
                Ok(())
            }
        }

        impl wit::clock::Host for crate::imports::CallState {
            async fn now_ms(&mut self) -> wasmtime::Result<i64> {
                Ok(self.clock_now_ms())
            }
        }

        impl wit::config::Host for crate::imports::CallState {
            async fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
                Ok(self.setting(&key))
            }
        }

        impl wit::secrets::Host for crate::imports::CallState {
            async fn equals(&mut self, name: String, candidate: String) -> wasmtime::Result<bool> {
                Ok(self.secret_equals(&name, &candidate))
            }
        }

        impl wit::plans::Host for crate::imports::CallState {
            async fn propose(
                &mut self,
                proposal: wit::types::PlanProposal,
            ) -> wasmtime::Result<Result<String, String>> {
                Ok(self.propose(proposal.into()).await)
            }
        }
    };
}

mod v1_0 {
    use super::c;
    use super::since_v1_0_0::stride::plugin::types as v;

    same_shape_conversions!(super::since_v1_0_0::stride::plugin::types);
    host_imports!(super::since_v1_0_0::stride::plugin);

    impl From<v::OauthConfig> for c::OauthConfig {
        fn from(o: v::OauthConfig) -> Self {
            c::OauthConfig {
                authorize_url: o.authorize_url,
                token_url: o.token_url,
                deauthorize_url: o.deauthorize_url,
                scopes: o.scopes,
                scope_separator: o.scope_separator,
                pkce: o.pkce,
                athlete_id_pointer: o.athlete_id_pointer,
                athlete_id_url: None,
                // 1.0 named no API hosts: the token goes to the token URL's host only.
                api_hosts: Vec::new(),
            }
        }
    }

    impl From<v::Manifest> for c::Manifest {
        fn from(m: v::Manifest) -> Self {
            // 1.0 imports history through a job called `backfill`.
            let history_import = m.job_kinds.iter().any(|k| k == super::V1_0_HISTORY_JOB);
            c::Manifest {
                id: m.id,
                version: m.version,
                display_name: m.display_name,
                oauth: m.oauth.map(Into::into),
                allowed_hosts: m.allowed_hosts,
                rate_budgets: m.rate_budgets.into_iter().map(Into::into).collect(),
                webhook_kinds: m.webhook_kinds,
                job_kinds: m.job_kinds,
                secrets: m.secrets,
                history_import,
                uploads: Vec::new(),
            }
        }
    }

    fn sport(s: v::Sport) -> c::Sport {
        match s {
            v::Sport::Run => c::Sport::Run,
            v::Sport::TrailRun => c::Sport::TrailRun,
            v::Sport::Walk => c::Sport::Walk,
            v::Sport::Hike => c::Sport::Hike,
            v::Sport::Ride => c::Sport::Ride,
            v::Sport::VirtualRide => c::Sport::VirtualRide,
            v::Sport::MountainBikeRide => c::Sport::MountainBikeRide,
            v::Sport::Swim => c::Sport::Swim,
            v::Sport::Row => c::Sport::Row,
            v::Sport::NordicSki => c::Sport::NordicSki,
            v::Sport::Strength => c::Sport::Strength,
            v::Sport::Yoga => c::Sport::Yoga,
            v::Sport::Other => c::Sport::Other,
        }
    }

    fn hrv_kind(k: v::HrvKind) -> c::HrvKind {
        match k {
            v::HrvKind::Rmssd => c::HrvKind::Rmssd,
            v::HrvKind::Sdnn => c::HrvKind::Sdnn,
        }
    }

    impl From<v::RecordItem> for c::RecordItem {
        fn from(r: v::RecordItem) -> Self {
            match r {
                v::RecordItem::Activity(a) => c::RecordItem::Activity(Box::new(c::Activity {
                    external_id: a.external_id,
                    sport: sport(a.sport),
                    sport_detail: None,
                    name: a.name,
                    start_ms: a.start_ms,
                    utc_offset_s: a.utc_offset_s,
                    duration_s: a.duration_s,
                    moving_time_s: a.moving_time_s,
                    distance_m: a.distance_m,
                    elevation_gain_m: a.elevation_gain_m,
                    avg_hr: a.avg_hr.map(f64::from),
                    max_hr: a.max_hr.map(f64::from),
                    avg_power_w: None,
                    avg_cadence: None,
                    energy_kcal: None,
                    rpe: a.rpe,
                    private: a.private,
                    device: None,
                    parent_external_id: None,
                    samples: a.samples.map(|s| c::Samples {
                        time_s: s.time_s,
                        heart_rate: s.heart_rate,
                        speed_mps: s.speed_mps,
                        distance_m: s.distance_m,
                        altitude_m: s.altitude_m,
                        power_w: s.power_w,
                        cadence: s.cadence,
                    }),
                    laps: Vec::new(),
                })),
                v::RecordItem::ActivityUpdate(u) => {
                    c::RecordItem::ActivityUpdate(c::ActivityUpdate {
                        external_id: u.external_id,
                        name: u.name,
                        sport: u.sport.map(sport),
                        private: u.private,
                    })
                }
                v::RecordItem::ActivityDeleted(id) => c::RecordItem::ActivityDeleted(id),
                v::RecordItem::DailyMetrics(m) => c::RecordItem::DailySummary(c::DailySummary {
                    date: m.date,
                    resting_hr: m.resting_hr.map(f64::from),
                    weight_kg: m.weight_kg,
                    readiness: m.readiness,
                    stress: m.stress,
                    ..c::DailySummary::default()
                }),
                v::RecordItem::Sleep(s) => c::RecordItem::Sleep(c::Sleep {
                    date: s.date,
                    asleep_min: s.duration_min,
                    quality: s.quality,
                    r#final: true,
                    ..c::Sleep::default()
                }),
                v::RecordItem::Hrv(h) => c::RecordItem::Hrv(c::Hrv {
                    summary_id: None,
                    date: h.date,
                    value_ms: h.value_ms,
                    kind: hrv_kind(h.kind),
                }),
                v::RecordItem::ConnectionRevoked(why) => c::RecordItem::ConnectionRevoked(why),
            }
        }
    }

    impl From<v::JobOutcome> for c::JobOutcome {
        fn from(o: v::JobOutcome) -> Self {
            c::JobOutcome {
                records: o.records.into_iter().map(Into::into).collect(),
                follow_ups: o.follow_ups.into_iter().map(Into::into).collect(),
                progress: o.progress.map(Into::into),
                defer_until_ms: o.defer_until_ms,
                defer_reason: o.defer_reason,
            }
        }
    }

    /// A history page as 1.0's `backfill` job: the payload is the previous page's follow-up
    /// payload (the cursor), with this page's number and run.
    pub(crate) fn history_job(request: c::HistoryRequest) -> v::JobRequest {
        let mut payload = request
            .cursor
            .as_deref()
            .and_then(|cursor| serde_json::from_str::<serde_json::Value>(cursor).ok())
            .filter(serde_json::Value::is_object)
            .unwrap_or_else(|| serde_json::json!({}));
        payload["page"] = serde_json::json!(request.page);
        payload["run"] = serde_json::json!(request.run);
        v::JobRequest {
            kind: super::V1_0_HISTORY_JOB.to_owned(),
            payload: payload.to_string(),
            athlete: Some(request.athlete.into()),
            attempt: request.attempt,
        }
    }

    /// A 1.0 `backfill` outcome as a history page: its `backfill` follow-up is the next
    /// page's cursor; other follow-ups stay jobs.
    pub(crate) fn history_outcome(outcome: v::JobOutcome) -> c::HistoryOutcome {
        let outcome: c::JobOutcome = outcome.into();
        let (next, follow_ups): (Vec<c::NewJob>, Vec<c::NewJob>) = outcome
            .follow_ups
            .into_iter()
            .partition(|job| job.kind == super::V1_0_HISTORY_JOB);
        c::HistoryOutcome {
            records: outcome.records,
            follow_ups,
            next_cursor: next.into_iter().next().map(|job| job.payload),
            progress: outcome.progress,
            defer_until_ms: outcome.defer_until_ms,
            defer_reason: outcome.defer_reason,
        }
    }
}

mod v1_1 {
    use super::c;
    use super::since_v1_1_0::stride::plugin::types as v;

    same_shape_conversions!(super::since_v1_1_0::stride::plugin::types);
    host_imports!(super::since_v1_1_0::stride::plugin);

    impl From<v::OauthConfig> for c::OauthConfig {
        fn from(o: v::OauthConfig) -> Self {
            c::OauthConfig {
                authorize_url: o.authorize_url,
                token_url: o.token_url,
                deauthorize_url: o.deauthorize_url,
                scopes: o.scopes,
                scope_separator: o.scope_separator,
                pkce: o.pkce,
                athlete_id_pointer: o.athlete_id_pointer,
                athlete_id_url: o.athlete_id_url,
                api_hosts: o.api_hosts,
            }
        }
    }

    impl super::since_v1_1_0::stride::plugin::upload::Host for crate::imports::CallState {
        async fn size(&mut self) -> wasmtime::Result<u64> {
            Ok(self.upload_size())
        }

        async fn read(
            &mut self,
            offset: u64,
            len: u32,
        ) -> wasmtime::Result<Result<Vec<u8>, String>> {
            Ok(self.upload_read(offset, len))
        }
    }

    fn upload_kind(k: v::UploadKind) -> c::UploadKind {
        match k {
            v::UploadKind::Files => c::UploadKind::Files,
            v::UploadKind::Relay => c::UploadKind::Relay,
        }
    }

    impl From<v::Manifest> for c::Manifest {
        fn from(m: v::Manifest) -> Self {
            c::Manifest {
                id: m.id,
                version: m.version,
                display_name: m.display_name,
                oauth: m.oauth.map(Into::into),
                allowed_hosts: m.allowed_hosts,
                rate_budgets: m.rate_budgets.into_iter().map(Into::into).collect(),
                webhook_kinds: m.webhook_kinds,
                job_kinds: m.job_kinds,
                secrets: m.secrets,
                history_import: m.history_import,
                uploads: m.uploads.into_iter().map(upload_kind).collect(),
            }
        }
    }

    fn sport(s: v::Sport) -> c::Sport {
        match s {
            v::Sport::Run => c::Sport::Run,
            v::Sport::TrailRun => c::Sport::TrailRun,
            v::Sport::Walk => c::Sport::Walk,
            v::Sport::Hike => c::Sport::Hike,
            v::Sport::Ride => c::Sport::Ride,
            v::Sport::VirtualRide => c::Sport::VirtualRide,
            v::Sport::MountainBikeRide => c::Sport::MountainBikeRide,
            v::Sport::Swim => c::Sport::Swim,
            v::Sport::Row => c::Sport::Row,
            v::Sport::NordicSki => c::Sport::NordicSki,
            v::Sport::Strength => c::Sport::Strength,
            v::Sport::Yoga => c::Sport::Yoga,
            v::Sport::Other => c::Sport::Other,
            v::Sport::Cardio => c::Sport::Cardio,
            v::Sport::Paddle => c::Sport::Paddle,
            v::Sport::AlpineSki => c::Sport::AlpineSki,
            v::Sport::Climb => c::Sport::Climb,
            v::Sport::TeamSport => c::Sport::TeamSport,
        }
    }

    fn hrv_kind(k: v::HrvKind) -> c::HrvKind {
        match k {
            v::HrvKind::Rmssd => c::HrvKind::Rmssd,
            v::HrvKind::Sdnn => c::HrvKind::Sdnn,
        }
    }

    fn measure(m: v::Measure) -> c::Measure {
        match m {
            v::Measure::Hrv => c::Measure::Hrv,
            v::Measure::RestingHeartRate => c::Measure::RestingHeartRate,
            v::Measure::Weight => c::Measure::Weight,
            v::Measure::BodyFat => c::Measure::BodyFat,
            v::Measure::Vo2max => c::Measure::Vo2max,
            v::Measure::RespiratoryRate => c::Measure::RespiratoryRate,
            v::Measure::Steps => c::Measure::Steps,
        }
    }

    impl From<v::RecordItem> for c::RecordItem {
        fn from(r: v::RecordItem) -> Self {
            match r {
                v::RecordItem::Activity(a) => c::RecordItem::Activity(Box::new(c::Activity {
                    external_id: a.external_id,
                    sport: sport(a.sport),
                    sport_detail: a.sport_detail,
                    name: a.name,
                    start_ms: a.start_ms,
                    utc_offset_s: a.utc_offset_s,
                    duration_s: a.duration_s,
                    moving_time_s: a.moving_time_s,
                    distance_m: a.distance_m,
                    elevation_gain_m: a.elevation_gain_m,
                    avg_hr: a.avg_hr,
                    max_hr: a.max_hr,
                    avg_power_w: a.avg_power_w,
                    avg_cadence: a.avg_cadence,
                    energy_kcal: a.energy_kcal,
                    rpe: a.rpe,
                    private: a.private,
                    device: a.device,
                    parent_external_id: a.parent_external_id,
                    samples: a.samples.map(|s| c::Samples {
                        time_s: s.time_s,
                        heart_rate: s.heart_rate,
                        speed_mps: s.speed_mps,
                        distance_m: s.distance_m,
                        altitude_m: s.altitude_m,
                        power_w: s.power_w,
                        cadence: s.cadence,
                    }),
                    laps: a
                        .laps
                        .into_iter()
                        .map(|l| c::Lap {
                            start_s: l.start_s,
                            duration_s: l.duration_s,
                            distance_m: l.distance_m,
                            avg_hr: l.avg_hr,
                            max_hr: l.max_hr,
                            avg_power_w: l.avg_power_w,
                            avg_cadence: l.avg_cadence,
                        })
                        .collect(),
                })),
                v::RecordItem::ActivityUpdate(u) => {
                    c::RecordItem::ActivityUpdate(c::ActivityUpdate {
                        external_id: u.external_id,
                        name: u.name,
                        sport: u.sport.map(sport),
                        private: u.private,
                    })
                }
                v::RecordItem::ActivityDeleted(id) => c::RecordItem::ActivityDeleted(id),
                v::RecordItem::DailySummary(d) => c::RecordItem::DailySummary(c::DailySummary {
                    summary_id: d.summary_id,
                    date: d.date,
                    resting_hr: d.resting_hr,
                    stress_score: d.stress_score,
                    body_battery_high: d.body_battery_high,
                    body_battery_low: d.body_battery_low,
                    steps: d.steps,
                    active_kcal: d.active_kcal,
                    weight_kg: d.weight_kg,
                    readiness: d.readiness,
                    stress: d.stress,
                }),
                v::RecordItem::Sleep(s) => c::RecordItem::Sleep(c::Sleep {
                    summary_id: s.summary_id,
                    date: s.date,
                    start_ms: s.start_ms,
                    end_ms: s.end_ms,
                    asleep_min: s.asleep_min,
                    in_bed_min: s.in_bed_min,
                    deep_min: s.deep_min,
                    light_min: s.light_min,
                    rem_min: s.rem_min,
                    awake_min: s.awake_min,
                    score: s.score,
                    quality: s.quality,
                    r#final: s.final_,
                }),
                v::RecordItem::Hrv(h) => c::RecordItem::Hrv(c::Hrv {
                    summary_id: h.summary_id,
                    date: h.date,
                    value_ms: h.value_ms,
                    kind: hrv_kind(h.kind),
                }),
                v::RecordItem::Measurement(m) => c::RecordItem::Measurement(c::Measurement {
                    measure: measure(m.measure),
                    at_ms: m.at_ms,
                    value: m.value,
                    hrv_kind: m.hrv_kind.map(hrv_kind),
                    device: m.device,
                }),
                v::RecordItem::Notice(n) => c::RecordItem::Notice(c::Notice {
                    kind: n.kind,
                    message: n.message,
                }),
                v::RecordItem::ConnectionRevoked(why) => c::RecordItem::ConnectionRevoked(why),
            }
        }
    }

    impl From<v::JobOutcome> for c::JobOutcome {
        fn from(o: v::JobOutcome) -> Self {
            c::JobOutcome {
                records: o.records.into_iter().map(Into::into).collect(),
                follow_ups: o.follow_ups.into_iter().map(Into::into).collect(),
                progress: o.progress.map(Into::into),
                defer_until_ms: o.defer_until_ms,
                defer_reason: o.defer_reason,
            }
        }
    }

    impl From<c::HistoryRequest> for v::HistoryRequest {
        fn from(r: c::HistoryRequest) -> Self {
            v::HistoryRequest {
                athlete: r.athlete.into(),
                run: r.run,
                page: r.page,
                cursor: r.cursor,
                attempt: r.attempt,
            }
        }
    }

    impl From<v::HistoryOutcome> for c::HistoryOutcome {
        fn from(o: v::HistoryOutcome) -> Self {
            c::HistoryOutcome {
                records: o.records.into_iter().map(Into::into).collect(),
                follow_ups: o.follow_ups.into_iter().map(Into::into).collect(),
                next_cursor: o.next_cursor,
                progress: o.progress.map(Into::into),
                defer_until_ms: o.defer_until_ms,
                defer_reason: o.defer_reason,
            }
        }
    }

    impl From<c::UploadRequest> for v::UploadRequest {
        fn from(r: c::UploadRequest) -> Self {
            v::UploadRequest {
                athlete: r.athlete.into(),
                kind: match r.kind {
                    c::UploadKind::Files => v::UploadKind::Files,
                    c::UploadKind::Relay => v::UploadKind::Relay,
                },
                name: r.name,
                content_type: r.content_type,
                headers: r.headers.into_iter().map(Into::into).collect(),
                size: r.size,
                cursor: r.cursor,
            }
        }
    }

    impl From<v::UploadOutcome> for c::UploadOutcome {
        fn from(o: v::UploadOutcome) -> Self {
            c::UploadOutcome {
                records: o.records.into_iter().map(Into::into).collect(),
                problems: o
                    .problems
                    .into_iter()
                    .map(|p| c::UploadProblem {
                        item: p.item,
                        message: p.message,
                    })
                    .collect(),
                items_done: o.items_done,
                next_cursor: o.next_cursor,
            }
        }
    }
}

pub(crate) use v1_0::{history_job as v1_0_history_job, history_outcome as v1_0_history_outcome};
