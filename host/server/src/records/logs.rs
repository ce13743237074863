//! What an athlete may choose to log beside mornings and sessions: life load (work stress,
//! travel, illness), a day's caffeine, alcohol and nutrition notes, and the fuelling of one
//! session. Never required; each is an input to the athlete's insights.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{Effects, Records};
use crate::audit::AuditEvent;
use crate::error::AppResult;
use stride_domain::Change;
use stride_domain::validation::{Checks, EARLIEST_DAY, ValidationError};
use stride_store::{DayLogRow, SessionLogRow, User};

/// Changes to what an athlete logged about a day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayLogPatch {
    /// Work stress, 1–10.
    pub work_stress: Change<i32>,
    /// Travelled.
    pub travel: Change<bool>,
    /// Ill.
    pub illness: Change<bool>,
    /// Caffeine over the day, mg.
    pub caffeine_mg: Change<f64>,
    /// Alcohol, standard units.
    pub alcohol_units: Change<f64>,
    /// Notes on eating and drinking.
    pub nutrition_notes: Change<String>,
}

/// Changes to the fuelling logged for a session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionLogPatch {
    /// Carbohydrate in the hours before, g.
    pub carbs_before_g: Change<f64>,
    /// Carbohydrate during, g.
    pub carbs_during_g: Change<f64>,
    /// Caffeine before, mg.
    pub caffeine_mg: Change<f64>,
    /// Fluid during, ml.
    pub fluid_ml: Change<f64>,
    /// Notes.
    pub notes: Change<String>,
}

fn validate_day(row: &DayLogRow, today: NaiveDate) -> Result<(), ValidationError> {
    let mut checks = Checks::new();
    if row.date < EARLIEST_DAY {
        checks.fail("date", format!("{} is before {EARLIEST_DAY}", row.date));
    }
    if row.date > today {
        checks.fail(
            "date",
            format!(
                "{} is in the future: the athlete's today is {today}",
                row.date
            ),
        );
    }
    checks.int_range(
        "workStress",
        row.work_stress.map(i64::from),
        1,
        10,
        "(1 none – 10 extreme)",
    );
    checks.float_range("caffeineMg", row.caffeine_mg, 0.0, 2_000.0, "mg");
    checks.float_range("alcoholUnits", row.alcohol_units, 0.0, 50.0, "units");
    checks.text(
        "nutritionNotes",
        row.nutrition_notes.as_deref(),
        2_000,
        false,
    );
    checks.finish()
}

fn validate_session(row: &SessionLogRow) -> Result<(), ValidationError> {
    let mut checks = Checks::new();
    checks.float_range("carbsBeforeGrams", row.carbs_before_g, 0.0, 500.0, "g");
    checks.float_range("carbsDuringGrams", row.carbs_during_g, 0.0, 2_000.0, "g");
    checks.float_range("caffeineMg", row.caffeine_mg, 0.0, 2_000.0, "mg");
    checks.float_range("fluidMl", row.fluid_ml, 0.0, 20_000.0, "ml");
    checks.text("notes", row.notes.as_deref(), 2_000, false);
    checks.finish()
}

impl Records {
    /// Applies `patch` to what the athlete logged about `date` and stores it (an entry left
    /// empty is removed). Given values replace, cleared values go, others stay.
    pub async fn log_day_inputs(
        &self,
        athlete: &User,
        date: NaiveDate,
        patch: DayLogPatch,
        audit: Option<AuditEvent>,
    ) -> AppResult<DayLogRow> {
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        let mut row = self
            .store
            .day_logs_between(athlete.id, date, date)
            .await?
            .pop()
            .unwrap_or(DayLogRow {
                date,
                ..DayLogRow::default()
            });
        patch.work_stress.apply(&mut row.work_stress);
        patch.travel.apply(&mut row.travel);
        patch.illness.apply(&mut row.illness);
        patch.caffeine_mg.apply(&mut row.caffeine_mg);
        patch.alcohol_units.apply(&mut row.alcohol_units);
        patch.nutrition_notes.apply(&mut row.nutrition_notes);
        if row
            .nutrition_notes
            .as_deref()
            .is_some_and(|n| n.trim().is_empty())
        {
            row.nutrition_notes = None;
        }
        validate_day(&row, self.today_for(athlete))?;
        row.updated_at = self.clock.now();
        self.store.put_day_log(&mut tx, athlete.id, &row).await?;
        self.audit(&mut tx, audit).await?;
        tx.commit().await?;
        let mut effects = Effects::default();
        effects.logged();
        self.follow(athlete.id, effects).await?;
        Ok(row)
    }

    /// Applies `patch` to the fuelling logged for `activity` (an activity of `athlete`; the
    /// caller has authorized the viewer) and stores it.
    pub async fn log_session_fuel(
        &self,
        athlete: Uuid,
        activity: Uuid,
        patch: SessionLogPatch,
        audit: Option<AuditEvent>,
    ) -> AppResult<SessionLogRow> {
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete).await?;
        let mut row = self
            .store
            .session_logs_for(&[activity])
            .await?
            .remove(&activity)
            .filter(|log| log.activity_id == activity)
            .unwrap_or(SessionLogRow {
                activity_id: activity,
                ..SessionLogRow::default()
            });
        patch.carbs_before_g.apply(&mut row.carbs_before_g);
        patch.carbs_during_g.apply(&mut row.carbs_during_g);
        patch.caffeine_mg.apply(&mut row.caffeine_mg);
        patch.fluid_ml.apply(&mut row.fluid_ml);
        patch.notes.apply(&mut row.notes);
        if row.notes.as_deref().is_some_and(|n| n.trim().is_empty()) {
            row.notes = None;
        }
        validate_session(&row)?;
        row.updated_at = self.clock.now();
        self.store.put_session_log(&mut tx, athlete, &row).await?;
        self.audit(&mut tx, audit).await?;
        tx.commit().await?;
        let mut effects = Effects::default();
        effects.logged();
        self.follow(athlete, effects).await?;
        Ok(row)
    }
}
