//! Proposals (the confirm-apply gate's records) and coach-editable rules.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Store, StoreError, StoreResult, StoredWorkout, Tx, on_pool, on_tx, on_write};

/// A proposal as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ProposalRow {
    /// Proposal id.
    pub id: Uuid,
    /// The athlete whose plan it changes.
    pub user_id: Uuid,
    /// The plan.
    pub plan_id: Option<Uuid>,
    /// The plan version it was computed against.
    pub base_plan_version: Option<i32>,
    /// `rule`, `plugin` or `coach`.
    pub source_kind: String,
    /// Rule name, plugin id or coach id.
    pub source_ref: String,
    /// Rule or plugin version.
    pub source_version: Option<String>,
    /// `workout_change` or `plan_regenerate`.
    pub kind: String,
    /// The draft as proposed (JSON).
    pub diff: String,
    /// Receipts (JSON).
    pub receipts: String,
    /// Why.
    pub reason: String,
    /// pending, confirmed, applied, rejected, expired, superseded, stale.
    pub state: String,
    /// When it lapses.
    pub expires_at: DateTime<Utc>,
    /// Proposed.
    pub created_at: DateTime<Utc>,
    /// Decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// Decided by.
    pub decided_by: Option<Uuid>,
    /// Applied.
    pub applied_at: Option<DateTime<Utc>>,
    /// What it changes (`workout:<id>`, `plan`).
    pub target: Option<String>,
    /// Why it was rejected, or why it went stale or expired.
    pub decision_reason: Option<String>,
}

pub(crate) const PROPOSAL_COLUMNS: &str = "id, user_id, plan_id, base_plan_version, source_kind, source_ref, source_version, kind, diff, \
     receipts, reason, state, expires_at, created_at, decided_at, decided_by, applied_at, target, decision_reason";

/// A rule and its active version.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RuleRow {
    /// Rule id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// `athlete` or `team`.
    pub scope_kind: String,
    /// The athlete, or the coach of the team.
    pub scope_id: Uuid,
    /// The version in force.
    pub active_version: Option<i32>,
    /// Who created it.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// One version of a rule.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RuleVersionRow {
    /// The rule.
    pub rule_id: Uuid,
    /// Version number.
    pub version: i32,
    /// rhai source.
    pub source: String,
    /// Fixtures (JSON).
    pub fixtures: String,
    /// active, retired or rejected.
    pub status: String,
    /// Validation report (JSON).
    pub report: String,
    /// Author.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Stores a new pending proposal inside `tx`.
    pub async fn insert_proposal(&self, tx: &mut Tx, p: &ProposalRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO proposals ({PROPOSAL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16, $17, $18, $19)"
        );
        on_tx!(tx, conn => sqlx::query(&sql)
            .bind(p.id)
            .bind(p.user_id)
            .bind(p.plan_id)
            .bind(p.base_plan_version)
            .bind(&p.source_kind)
            .bind(&p.source_ref)
            .bind(&p.source_version)
            .bind(&p.kind)
            .bind(&p.diff)
            .bind(&p.receipts)
            .bind(&p.reason)
            .bind(&p.state)
            .bind(p.expires_at)
            .bind(p.created_at)
            .bind(p.decided_at)
            .bind(p.decided_by)
            .bind(p.applied_at)
            .bind(&p.target)
            .bind(&p.decision_reason)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// One proposal.
    pub async fn proposal(&self, id: Uuid) -> StoreResult<ProposalRow> {
        let sql = format!("SELECT {PROPOSAL_COLUMNS} FROM proposals WHERE id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_one(pool).await?))
    }

    /// An athlete's proposals, newest first, optionally only in `state`.
    pub async fn proposals_for(
        &self,
        user_id: Uuid,
        state: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<ProposalRow>> {
        let sql = format!(
            "SELECT {PROPOSAL_COLUMNS} FROM proposals WHERE user_id = $1 AND ($2 IS NULL OR state = $2) \
             ORDER BY created_at DESC, id DESC LIMIT $3"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).bind(state).bind(i64::from(limit)).fetch_all(pool).await?),
        )
    }

    /// Moves a pending proposal to `to` inside `tx`; false when it was no longer pending
    /// (someone else decided it first).
    pub async fn settle_proposal(
        &self,
        tx: &mut Tx,
        id: Uuid,
        to: &str,
        decided_by: Option<Uuid>,
        decision_reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_tx!(tx, conn => sqlx::query(
            "UPDATE proposals SET state = $2, decided_by = COALESCE($3, decided_by), decision_reason = COALESCE($4, decision_reason), \
             decided_at = CASE WHEN $2 IN ('confirmed', 'applied', 'rejected') THEN COALESCE(decided_at, $5) ELSE decided_at END, \
             applied_at = CASE WHEN $2 = 'applied' THEN $5 ELSE applied_at END \
             WHERE id = $1 AND state = 'pending'",
        )
        .bind(id)
        .bind(to)
        .bind(decided_by)
        .bind(decision_reason)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Pending proposals from `source_ref` on `target` for an athlete (to supersede).
    pub async fn pending_like(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        source_ref: &str,
        target: &str,
    ) -> StoreResult<Vec<Uuid>> {
        Ok(on_tx!(tx, conn => sqlx::query_scalar(
            "SELECT id FROM proposals WHERE user_id = $1 AND source_ref = $2 AND target = $3 AND state = 'pending'",
        )
        .bind(user_id)
        .bind(source_ref)
        .bind(target)
        .fetch_all(conn)
        .await?))
    }

    /// Whether the same source proposed the same change to the same target since `since`
    /// (whatever became of it): rules do not repeat themselves within a day.
    pub async fn proposed_since(
        &self,
        user_id: Uuid,
        source_ref: &str,
        target: &str,
        diff: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM proposals WHERE user_id = $1 AND source_ref = $2 AND target = $3 AND diff = $4 AND created_at >= $5",
        )
        .bind(user_id)
        .bind(source_ref)
        .bind(target)
        .bind(diff)
        .bind(since)
        .fetch_one(pool)
        .await?);
        Ok(n > 0)
    }

    /// Pending proposals past their expiry (any athlete), oldest first.
    pub async fn overdue_proposals(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<ProposalRow>> {
        let sql = format!(
            "SELECT {PROPOSAL_COLUMNS} FROM proposals WHERE state = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(now).bind(i64::from(limit)).fetch_all(pool).await?),
        )
    }

    /// One athlete's pending proposals whose time is up (at most `limit`).
    pub async fn overdue_proposals_of(
        &self,
        user_id: Uuid,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<ProposalRow>> {
        let sql = format!(
            "SELECT {PROPOSAL_COLUMNS} FROM proposals WHERE user_id = $1 AND state = 'pending' AND expires_at <= $2 ORDER BY expires_at LIMIT $3"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).bind(now).bind(i64::from(limit)).fetch_all(pool).await?),
        )
    }

    /// One scheduled workout.
    pub async fn workout(&self, id: Uuid) -> StoreResult<StoredWorkout> {
        let plan_id: Uuid = on_pool!(self, pool => sqlx::query_scalar("SELECT plan_id FROM scheduled_workouts WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?);
        self.plan_workouts(plan_id, super::FAR_PAST, super::FAR_FUTURE)
            .await?
            .into_iter()
            .find(|w| w.id == id)
            .ok_or(StoreError::NotFound)
    }

    /// Rewrites a scheduled workout's session inside `tx` (the gate applying a change), while it
    /// is still planned; returns whether it was.
    pub async fn rewrite_workout(
        &self,
        tx: &mut Tx,
        id: Uuid,
        workout: &stride_domain::plan::PlannedWorkout,
        plan_version: i32,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let rewritten = on_tx!(tx, conn => sqlx::query(
            "UPDATE scheduled_workouts SET kind = $2, target_duration_s = $3, target_distance_m = $4, intensity_zone = $5, \
             description = $6, plan_version = $7, updated_at = $8 WHERE id = $1 AND state = 'planned'",
        )
        .bind(id)
        .bind(workout.kind.as_str())
        .bind(workout.target_duration_s)
        .bind(workout.target_distance_m)
        .bind(workout.intensity_zone)
        .bind(&workout.description)
        .bind(plan_version)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(rewritten == 1)
    }

    /// How many proposals there are by source kind and state: (source kind, state, count).
    pub async fn proposal_counts(&self) -> StoreResult<Vec<(String, String, i64)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT source_kind, state, COUNT(*) FROM proposals GROUP BY source_kind, state ORDER BY source_kind, state",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Records a rule that failed for an athlete.
    pub async fn record_rule_failure(
        &self,
        user_id: Uuid,
        rule: &str,
        version: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query("INSERT INTO rule_failures (id, user_id, rule, version, error, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(Uuid::now_v7())
            .bind(user_id)
            .bind(rule)
            .bind(version)
            .bind(error)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Recent rule failures for an athlete, newest first.
    pub async fn rule_failures(
        &self,
        user_id: Uuid,
        limit: u32,
    ) -> StoreResult<Vec<(String, String, String, DateTime<Utc>)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT rule, version, error, at FROM rule_failures WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?))
    }

    /// Claims the nightly check of an athlete's day; false when already done.
    pub async fn claim_nightly(
        &self,
        user_id: Uuid,
        date: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_write!(self, pool => sqlx::query(
            "INSERT INTO nightly_runs (user_id, date, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(date)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Every account's id and time zone (for the nightly scheduler).
    pub async fn user_zones(&self) -> StoreResult<Vec<(Uuid, String)>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as("SELECT id, time_zone FROM users WHERE disabled_at IS NULL ORDER BY id")
            .fetch_all(pool)
            .await?),
        )
    }

    /// A rule by scope and name.
    pub async fn rule_by_name(
        &self,
        scope_kind: &str,
        scope_id: Uuid,
        name: &str,
    ) -> StoreResult<Option<RuleRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, name, scope_kind, scope_id, active_version, created_by, created_at, updated_at FROM rules \
             WHERE scope_kind = $1 AND scope_id = $2 AND name = $3",
        )
        .bind(scope_kind)
        .bind(scope_id)
        .bind(name)
        .fetch_optional(pool)
        .await?))
    }

    /// A rule by id.
    pub async fn rule(&self, id: Uuid) -> StoreResult<RuleRow> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, name, scope_kind, scope_id, active_version, created_by, created_at, updated_at FROM rules WHERE id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await?))
    }

    /// Creates a rule (no version yet) inside `tx`.
    pub async fn insert_rule(
        &self,
        tx: &mut Tx,
        name: &str,
        scope_kind: &str,
        scope_id: Uuid,
        created_by: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<RuleRow> {
        Ok(on_tx!(tx, conn => sqlx::query_as(
            "INSERT INTO rules (id, name, scope_kind, scope_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) \
             RETURNING id, name, scope_kind, scope_id, active_version, created_by, created_at, updated_at",
        )
        .bind(Uuid::now_v7())
        .bind(name)
        .bind(scope_kind)
        .bind(scope_id)
        .bind(created_by)
        .bind(now)
        .fetch_one(conn)
        .await?))
    }

    /// Adds a version to a rule inside `tx`; an active one becomes the rule's version in force
    /// (and the previous active one is retired).
    pub async fn add_rule_version(&self, tx: &mut Tx, version: &RuleVersionRow) -> StoreResult<()> {
        on_tx!(tx, conn => {
            if version.status == "active" {
                sqlx::query("UPDATE rule_versions SET status = 'retired' WHERE rule_id = $1 AND status = 'active'")
                    .bind(version.rule_id)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO rule_versions (rule_id, version, source, fixtures, status, report, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(version.rule_id)
            .bind(version.version)
            .bind(&version.source)
            .bind(&version.fixtures)
            .bind(&version.status)
            .bind(&version.report)
            .bind(version.created_by)
            .bind(version.created_at)
            .execute(&mut *conn)
            .await?;
            if version.status == "active" {
                sqlx::query("UPDATE rules SET active_version = $2, updated_at = $3 WHERE id = $1")
                    .bind(version.rule_id)
                    .bind(version.version)
                    .bind(version.created_at)
                    .execute(&mut *conn)
                    .await?;
            }
            0u64
        });
        Ok(())
    }

    /// The next version number of a rule.
    pub async fn next_rule_version(&self, tx: &mut Tx, rule_id: Uuid) -> StoreResult<i32> {
        let max: Option<i32> = on_tx!(tx, conn => sqlx::query_scalar("SELECT MAX(version) FROM rule_versions WHERE rule_id = $1")
            .bind(rule_id)
            .fetch_one(conn)
            .await?);
        Ok(max.unwrap_or(0) + 1)
    }

    /// One version of a rule.
    pub async fn rule_version(&self, rule_id: Uuid, version: i32) -> StoreResult<RuleVersionRow> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT rule_id, version, source, fixtures, status, report, created_by, created_at FROM rule_versions \
             WHERE rule_id = $1 AND version = $2",
        )
        .bind(rule_id)
        .bind(version)
        .fetch_one(pool)
        .await?))
    }

    /// Every version of a rule, newest first.
    pub async fn rule_versions(&self, rule_id: Uuid) -> StoreResult<Vec<RuleVersionRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT rule_id, version, source, fixtures, status, report, created_by, created_at FROM rule_versions \
             WHERE rule_id = $1 ORDER BY version DESC",
        )
        .bind(rule_id)
        .fetch_all(pool)
        .await?))
    }

    /// Rules a coach or athlete owns (team rules of a coach, athlete rules of an athlete).
    pub async fn rules_owned(&self, scope_kind: &str, scope_id: Uuid) -> StoreResult<Vec<RuleRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, name, scope_kind, scope_id, active_version, created_by, created_at, updated_at FROM rules \
             WHERE scope_kind = $1 AND scope_id = $2 ORDER BY name",
        )
        .bind(scope_kind)
        .bind(scope_id)
        .fetch_all(pool)
        .await?))
    }
}
