//! Reads for a batch of athletes at once: what a rules evaluation reads of each athlete, with
//! one query per table for the whole batch instead of one per athlete. The nightly pass
//! evaluates every athlete; most of an evaluation's cost was these reads' round trips.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use stride_domain::people::Baselines;
use stride_domain::stats::DayStats;
use uuid::Uuid;

use crate::accounts::BaselinesDb;
use crate::athletes::{DailyMetricsDb, METRICS_COLUMNS};
use crate::proposals::PROPOSAL_COLUMNS;
use crate::training::{
    DayStatsDb, PLAN_COLUMNS, PlanDb, STATS_COLUMNS, WORKOUT_COLUMNS, WorkoutDb,
};
use crate::{
    ActivityLoadRow, DailyMetricsRecord, ProposalRow, RuleRow, RuleVersionRow, SessionLogRow,
    Store, StoreResult, StoredPlan, StoredWorkout, on_pool,
};

/// Ids per statement. SQLite resolves placeholders by name in a list it scans, so statements
/// stay small.
const IDS_PER_STATEMENT: usize = 200;

/// `ids` without repeats, in their first order: an athlete asked for twice is read once (two
/// copies in different chunks would read their rows twice).
fn distinct(ids: &[Uuid]) -> Vec<Uuid> {
    let mut seen = HashSet::with_capacity(ids.len());
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// `$first, $first+1, …` for `n` placeholders.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(sqlx::FromRow)]
struct UserBaselinesDb {
    user_id: Uuid,
    #[sqlx(flatten)]
    baselines: BaselinesDb,
}

#[derive(sqlx::FromRow)]
struct UserDayStatsDb {
    user_id: Uuid,
    #[sqlx(flatten)]
    day: DayStatsDb,
}

#[derive(sqlx::FromRow)]
struct UserActivityLoadDb {
    user_id: Uuid,
    #[sqlx(flatten)]
    load: ActivityLoadRow,
}

/// Runs `$sql` (built by `$build` from the chunk's placeholders) for each chunk of `$ids`,
/// binding the chunk's ids then `$extra`, and collects the rows.
macro_rules! by_chunks {
    ($store:expr, $ids:expr, $row:ty, $build:expr, [$($extra:expr),*]) => {{
        let mut out: Vec<$row> = Vec::new();
        for chunk in distinct(&$ids).chunks(IDS_PER_STATEMENT) {
            let sql: String = $build(placeholders(1, chunk.len()), chunk.len());
            let rows: Vec<$row> = on_pool!($store, pool => {
                let mut query = sqlx::query_as(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                $(query = query.bind($extra);)*
                query.fetch_all(pool).await?
            });
            out.extend(rows);
        }
        out
    }};
}

/// A session log found for an activity asked about: its own, or another copy's.
#[derive(sqlx::FromRow)]
struct GroupLogRow {
    requested: Uuid,
    #[sqlx(flatten)]
    log: SessionLogRow,
}

impl Store {
    /// The fuelling of each of `activities` that has any: the log of the activity itself or,
    /// when it has none, the newest log of another copy of the same workout. One statement per
    /// chunk, for a list of activities that each ask for theirs.
    pub async fn session_logs_for(
        &self,
        activities: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, SessionLogRow>> {
        let rows = by_chunks!(
            self,
            activities,
            GroupLogRow,
            |list: String, _| format!(
                "SELECT a.id AS requested, s.activity_id AS activity_id, \
                 s.carbs_before_g AS carbs_before_g, s.carbs_during_g AS carbs_during_g, \
                 s.caffeine_mg AS caffeine_mg, s.fluid_ml AS fluid_ml, s.notes AS notes, \
                 s.updated_at AS updated_at \
                 FROM activities a JOIN activities c ON (c.id = a.id OR c.id = a.duplicate_of \
                   OR c.duplicate_of = COALESCE(a.duplicate_of, a.id)) \
                 JOIN session_logs s ON s.activity_id = c.id WHERE a.id IN ({list})"
            ),
            []
        );
        let mut out: HashMap<Uuid, SessionLogRow> = HashMap::new();
        for GroupLogRow { requested, log } in rows {
            let better = out.get(&requested).is_none_or(|kept| {
                kept.activity_id != requested
                    && (log.activity_id == requested || log.updated_at > kept.updated_at)
            });
            if better {
                out.insert(requested, log);
            }
        }
        Ok(out)
    }

    /// The newest `most` pending proposals of each of `users`, newest first (as
    /// [`Store::proposals_for`] with the pending state), an empty list for one with none.
    pub async fn pending_proposals_of(
        &self,
        users: &[Uuid],
        most: u32,
    ) -> StoreResult<HashMap<Uuid, Vec<ProposalRow>>> {
        let rows = by_chunks!(
            self,
            users,
            ProposalRow,
            |list: String, n: usize| format!(
                "SELECT {PROPOSAL_COLUMNS} FROM (SELECT {PROPOSAL_COLUMNS}, ROW_NUMBER() OVER \
                 (PARTITION BY user_id ORDER BY created_at DESC, id DESC) AS place \
                 FROM proposals WHERE state = 'pending' AND user_id IN ({list})) AS pending \
                 WHERE place <= ${} ORDER BY user_id, created_at DESC, id DESC",
                n + 1
            ),
            [i64::from(most)]
        );
        let mut out: HashMap<Uuid, Vec<ProposalRow>> =
            users.iter().map(|u| (*u, Vec::new())).collect();
        for row in rows {
            out.entry(row.user_id).or_default().push(row);
        }
        Ok(out)
    }

    /// The baselines of each of `users` (the defaults for one who set none).
    pub async fn baselines_of(&self, users: &[Uuid]) -> StoreResult<HashMap<Uuid, Baselines>> {
        let rows = by_chunks!(
            self,
            users,
            UserBaselinesDb,
            |list: String, _| format!(
                "SELECT user_id, resting_hr, hrv_ms, hrv_kind, max_hr, threshold_hr \
             FROM athlete_baselines WHERE user_id IN ({list})"
            ),
            []
        );
        let mut out: HashMap<Uuid, Baselines> =
            users.iter().map(|u| (*u, Baselines::default())).collect();
        for row in rows {
            out.insert(row.user_id, row.baselines.try_into()?);
        }
        Ok(out)
    }

    /// Every source's daily metrics of `users` on days in `from..=to`, each athlete's oldest
    /// first (as [`Store::daily_metrics_between`]).
    pub async fn daily_metrics_of(
        &self,
        users: &[Uuid],
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DailyMetricsRecord>> {
        let rows = by_chunks!(
            self,
            users,
            DailyMetricsDb,
            |list: String, n: usize| format!(
                "SELECT {METRICS_COLUMNS} FROM daily_metrics WHERE user_id IN ({list}) \
             AND date >= ${} AND date <= ${} ORDER BY user_id, date, id",
                n + 1,
                n + 2
            ),
            [from, to]
        );
        rows.into_iter().map(DailyMetricsRecord::try_from).collect()
    }

    /// The RPE of `users`' activities on days in `from..=to`, each athlete's oldest first (as
    /// [`Store::recent_rpes`]).
    pub async fn rpes_of(
        &self,
        users: &[Uuid],
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(Uuid, NaiveDate, i32)>> {
        Ok(by_chunks!(
            self,
            users,
            (Uuid, NaiveDate, i32),
            |list: String, n: usize| format!(
                "SELECT user_id, local_date, rpe FROM activities WHERE user_id IN ({list}) \
                 AND duplicate_of IS NULL AND local_date >= ${} AND local_date <= ${} \
                 AND rpe IS NOT NULL ORDER BY user_id, local_date, id",
                n + 1,
                n + 2
            ),
            [from, to]
        ))
    }

    /// The first and last day with stored stats of each of `users` who has any.
    pub async fn stats_spans_of(
        &self,
        users: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, (NaiveDate, NaiveDate)>> {
        let rows = by_chunks!(
            self,
            users,
            (Uuid, NaiveDate, NaiveDate),
            |list: String, _| format!(
                "SELECT user_id, MIN(date), MAX(date) FROM daily_stats WHERE user_id IN ({list}) \
             GROUP BY user_id"
            ),
            []
        );
        Ok(rows
            .into_iter()
            .map(|(user, first, last)| (user, (first, last)))
            .collect())
    }

    /// Stored stats for each `(athlete, from, to)`: the athlete's days in `from..=to`, oldest
    /// first (as [`Store::stats_between`]).
    pub async fn stats_of(
        &self,
        ranges: &[(Uuid, NaiveDate, NaiveDate)],
    ) -> StoreResult<Vec<(Uuid, DayStats)>> {
        let mut out = Vec::new();
        let mut seen = HashSet::with_capacity(ranges.len());
        let ranges: Vec<_> = ranges.iter().filter(|r| seen.insert(**r)).collect();
        // Three parameters a range.
        for chunk in ranges.chunks(IDS_PER_STATEMENT / 3) {
            let terms: Vec<String> = (0..chunk.len())
                .map(|i| {
                    format!(
                        "(user_id = ${} AND date >= ${} AND date <= ${})",
                        3 * i + 1,
                        3 * i + 2,
                        3 * i + 3
                    )
                })
                .collect();
            let sql = format!(
                "SELECT user_id, {STATS_COLUMNS} FROM daily_stats WHERE {} ORDER BY user_id, date",
                terms.join(" OR ")
            );
            let rows: Vec<UserDayStatsDb> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(&sql);
                for (user, from, to) in chunk {
                    query = query.bind(*user).bind(*from).bind(*to);
                }
                query.fetch_all(pool).await?
            });
            out.extend(rows.into_iter().map(|r| (r.user_id, DayStats::from(r.day))));
        }
        Ok(out)
    }

    /// The loads of `users`' activities on days in `from..=to`, each athlete's oldest first
    /// (as [`Store::activity_loads`]).
    pub async fn activity_loads_of(
        &self,
        users: &[Uuid],
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(Uuid, ActivityLoadRow)>> {
        let rows = by_chunks!(
            self,
            users,
            UserActivityLoadDb,
            |list: String, n: usize| format!(
                "SELECT user_id, id, local_date, load_rpe, load_trimp FROM activities \
             WHERE user_id IN ({list}) AND duplicate_of IS NULL AND local_date >= ${} \
             AND local_date <= ${} ORDER BY user_id, local_date, id",
                n + 1,
                n + 2
            ),
            [from, to]
        );
        Ok(rows.into_iter().map(|r| (r.user_id, r.load)).collect())
    }

    /// The active plan of each of `users` who has one.
    pub async fn active_plans_of(&self, users: &[Uuid]) -> StoreResult<Vec<StoredPlan>> {
        let rows = by_chunks!(
            self,
            users,
            PlanDb,
            |list: String, _| format!(
                "SELECT {PLAN_COLUMNS} FROM training_plans WHERE user_id IN ({list}) AND status = 'active'"
            ),
            []
        );
        rows.into_iter().map(StoredPlan::try_from).collect()
    }

    /// The workouts of `plans` on days in `from..=to`, each plan's in date order (as
    /// [`Store::plan_workouts`]).
    pub async fn plan_workouts_of(
        &self,
        plans: &[Uuid],
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<StoredWorkout>> {
        let rows = by_chunks!(
            self,
            plans,
            WorkoutDb,
            |list: String, n: usize| format!(
                "SELECT {WORKOUT_COLUMNS} FROM scheduled_workouts WHERE plan_id IN ({list}) \
             AND date >= ${} AND date <= ${} ORDER BY plan_id, date, id",
                n + 1,
                n + 2
            ),
            [from, to]
        );
        rows.into_iter().map(StoredWorkout::try_from).collect()
    }

    /// The custom rules in force for each of `athletes`, with their active versions: the
    /// athlete's own, then the team rules of coaches the athlete gave read-write access; each
    /// kind oldest first.
    pub async fn rules_for_athletes(
        &self,
        athletes: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, Vec<(RuleRow, RuleVersionRow)>>> {
        let grants = by_chunks!(
            self,
            athletes,
            (Uuid, Uuid),
            |list: String, _| format!(
                "SELECT athlete_id, coach_id FROM coach_grants WHERE athlete_id IN ({list}) \
             AND revoked_at IS NULL AND access = 'read_write'"
            ),
            []
        );
        let coaches: Vec<Uuid> = grants
            .iter()
            .map(|(_, coach)| *coach)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let rule_columns =
            "id, name, scope_kind, scope_id, active_version, created_by, created_at, updated_at";
        let mut rules = by_chunks!(
            self,
            athletes,
            RuleRow,
            |list: String, _| format!(
                "SELECT {rule_columns} FROM rules WHERE active_version IS NOT NULL \
             AND scope_kind = 'athlete' AND scope_id IN ({list})"
            ),
            []
        );
        rules.extend(by_chunks!(
            self,
            coaches,
            RuleRow,
            |list: String, _| format!(
                "SELECT {rule_columns} FROM rules WHERE active_version IS NOT NULL \
             AND scope_kind = 'team' AND scope_id IN ({list})"
            ),
            []
        ));
        rules.sort_by(|a, b| {
            (&a.scope_kind, a.created_at, a.id).cmp(&(&b.scope_kind, b.created_at, b.id))
        });
        let ids: Vec<Uuid> = rules.iter().map(|r| r.id).collect();
        let versions = by_chunks!(
            self,
            ids,
            RuleVersionRow,
            |list: String, _| format!(
                "SELECT v.rule_id, v.version, v.source, v.fixtures, v.status, v.report, v.created_by, \
             v.created_at FROM rule_versions v JOIN rules r ON r.id = v.rule_id \
             AND v.version = r.active_version WHERE r.id IN ({list})"
            ),
            []
        );
        let versions: HashMap<Uuid, RuleVersionRow> =
            versions.into_iter().map(|v| (v.rule_id, v)).collect();
        let mut coaches_of: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
        for (athlete, coach) in grants {
            coaches_of.entry(athlete).or_default().insert(coach);
        }
        let athletes = distinct(athletes);
        let mut out: HashMap<Uuid, Vec<(RuleRow, RuleVersionRow)>> = HashMap::new();
        for rule in rules {
            // A version that vanished between the two reads (a concurrent change) is left out;
            // the next evaluation sees the rule as it is then.
            let Some(version) = versions.get(&rule.id) else {
                continue;
            };
            for athlete in &athletes {
                let applies = match rule.scope_kind.as_str() {
                    "athlete" => rule.scope_id == *athlete,
                    _ => coaches_of
                        .get(athlete)
                        .is_some_and(|c| c.contains(&rule.scope_id)),
                };
                if applies {
                    out.entry(*athlete)
                        .or_default()
                        .push((rule.clone(), version.clone()));
                }
            }
        }
        Ok(out)
    }
}
