//! Bulk data for benchmarks: athletes, activities and mornings written straight through the
//! store (no password hashing, no per-row recomputation), then brought up to date once through
//! the services, so large populations are set up in seconds rather than hours.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use stride::auth::Viewer;
use stride_domain::activity::{ActivityDraft, Sport};
use stride_domain::metrics::DailyValues;
use stride_domain::people::{HrvKind, NotificationPrefs, Profile, Role, Units};
use stride_store::{ActivityRecord, NewUser, User};
use uuid::Uuid;

use crate::TestApp;

/// A deterministic history of about five sessions a week over `days` days ending the day
/// before `end`: `(date, session RPE load)` with loads between 100 and 600.
pub fn history(end: NaiveDate, days: u64, seed: u64) -> Vec<(NaiveDate, f64)> {
    let first = end - Days::new(days);
    let mut x = seed | 1;
    (0..days)
        .filter_map(|day| {
            // xorshift64: cheap, deterministic, good enough to vary the week.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 7 < 5).then(|| (first + Days::new(day), 100.0 + (x % 500) as f64))
        })
        .collect()
}

/// Creates an athlete directly (no invite, no password) living in UTC.
pub async fn athlete(app: &TestApp, email: &str) -> User {
    let store = &app.state.store;
    let mut tx = store.begin().await.expect("transaction");
    let user = store
        .insert_user(
            &mut tx,
            &NewUser {
                email: email.to_owned(),
                password_hash: "not-a-login".to_owned(),
                role: Role::Athlete,
                profile: Profile {
                    display_name: email.to_owned(),
                    birth_date: None,
                    sex: None,
                    weight_kg: None,
                    height_cm: None,
                    time_zone: chrono_tz::UTC,
                    units: Units::Metric,
                    notifications: NotificationPrefs::default(),
                },
            },
            app.clock_now(),
        )
        .await
        .expect("user");
    tx.commit().await.expect("commit");
    user
}

/// The athlete as the viewer of their own requests.
pub fn viewer(user: &User) -> Viewer {
    Viewer {
        user: user.clone(),
        session_id: Uuid::nil(),
        impersonator_id: None,
        impersonation: None,
    }
}

/// One run per `(date, load)`: 07:00 UTC, an hour long, the load as RPE × minutes.
pub fn run_on(date: NaiveDate, load: f64) -> ActivityDraft {
    let rpe = ((load / 60.0).round() as i32).clamp(1, 10);
    ActivityDraft {
        sport: Sport::Run,
        name: format!("Run on {date}"),
        start_time: Utc.from_utc_datetime(&date.and_hms_opt(7, 0, 0).expect("time")),
        duration_s: 3_600,
        moving_time_s: None,
        distance_m: Some(10_000.0),
        elevation_gain_m: None,
        avg_hr: None,
        max_hr: None,
        rpe: Some(rpe),
        feeling: None,
        notes: None,
        private: false,
    }
}

/// Stores the activities in one transaction (stats are not recomputed: call
/// `records.recompute_all_stats` once afterwards).
pub async fn activities(app: &TestApp, user: Uuid, sessions: &[(NaiveDate, f64)]) {
    let store = &app.state.store;
    let now = app.clock_now();
    let mut tx = store.begin().await.expect("transaction");
    for (date, load) in sessions {
        let draft = run_on(*date, *load);
        let load_rpe = draft.rpe.map(|rpe| f64::from(rpe) * 60.0);
        store
            .insert_activity(
                &mut tx,
                &ActivityRecord {
                    user_id: user,
                    source: "manual".to_owned(),
                    external_id: None,
                    draft,
                    local_date: *date,
                    utc_offset_s: 0,
                    load_rpe,
                    load_trimp: None,
                    load_detail: None,
                    received_at: now,
                    extras: Default::default(),
                },
                now,
            )
            .await
            .expect("activity");
    }
    tx.commit().await.expect("commit");
}

/// Mornings from `from` to `to` inclusive, with `today`'s values on the last one.
pub async fn mornings(
    app: &TestApp,
    user: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    usual: DailyValues,
    last: DailyValues,
) {
    let store = &app.state.store;
    let now = app.clock_now();
    let mut tx = store.begin().await.expect("transaction");
    let mut date = from;
    while date <= to {
        let values = if date == to { &last } else { &usual };
        store
            .upsert_daily_metrics(&mut tx, user, date, "manual", values, now)
            .await
            .expect("metrics");
        date = date.succ_opt().expect("next day");
    }
    tx.commit().await.expect("commit");
}

/// A good morning: resting HR 48, HRV 70 ms (RMSSD), 7.5 hours of good sleep.
pub fn good_morning() -> DailyValues {
    DailyValues {
        resting_hr: Some(48),
        hrv: Some((70.0, HrvKind::Rmssd)),
        sleep_duration_min: Some(450),
        sleep_quality: Some(4),
        ..DailyValues::default()
    }
}

/// A poor one: HRV crashed, a short poor night.
pub fn poor_morning() -> DailyValues {
    DailyValues {
        resting_hr: Some(54),
        hrv: Some((40.0, HrvKind::Rmssd)),
        sleep_duration_min: Some(280),
        sleep_quality: Some(2),
        ..DailyValues::default()
    }
}
