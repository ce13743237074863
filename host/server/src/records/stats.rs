//! Keeping an athlete's stored rolling stats current after their activities change.

use chrono::{Days, NaiveDate};
use uuid::Uuid;

use stride_domain::stats::{StatsSeed, compute_days, daily_loads};

use super::Records;
use crate::error::AppResult;

impl Records {
    /// Recomputes an athlete's stored stats after activities dated `changed` were added,
    /// edited or removed: from the earliest of those days on (or from the start of history,
    /// when the first day moved). Serialized per athlete.
    pub async fn recompute_stats(&self, athlete_id: Uuid, changed: &[NaiveDate]) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        self.recompute_stats_in(&mut tx, athlete_id, changed)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// [`Records::recompute_stats`] inside `tx`.
    pub(super) async fn recompute_stats_in(
        &self,
        tx: &mut stride_store::Tx,
        athlete_id: Uuid,
        changed: &[NaiveDate],
    ) -> AppResult<()> {
        let settings = self.settings.stats;
        // Holding the athlete's row lock serializes recomputations across replicas.
        self.store.lock_user(tx, athlete_id).await?;
        let (activities, stored) = self
            .store
            .activity_and_stats_spans(Some(&mut *tx), athlete_id)
            .await?;
        let Some((first_activity, last_activity)) = activities else {
            self.store.clear_stats(tx, athlete_id).await?;
            return Ok(());
        };
        let earliest_change = changed.iter().min().copied().unwrap_or(first_activity);
        let (start, seed) = match stored {
            Some((first_stored, last_stored))
                if first_stored == first_activity && earliest_change > first_stored =>
            {
                // Days after the last stored one are rest days still to be written.
                let start = earliest_change.min(last_stored.succ_opt().unwrap_or(last_stored));
                let needed = StatsSeed::days_needed(&settings) as u64;
                let before = start
                    .checked_sub_days(Days::new(needed))
                    .unwrap_or(first_stored);
                let previous = self
                    .store
                    .stats_between(
                        Some(&mut *tx),
                        athlete_id,
                        before,
                        start.pred_opt().unwrap_or(before),
                    )
                    .await?;
                (start, StatsSeed::from_previous(&previous, &settings))
            }
            // No stats yet, or history now starts on another day: recompute everything.
            _ => {
                self.store.clear_stats(tx, athlete_id).await?;
                (first_activity, StatsSeed::start())
            }
        };
        let days = if start <= last_activity {
            let loads = self
                .daily_loads(tx, athlete_id, start, last_activity)
                .await?;
            compute_days(&seed, start, &loads, &settings)
        } else {
            Vec::new()
        };
        self.store
            .replace_stats_from(tx, athlete_id, start, &days)
            .await?;
        Ok(())
    }

    /// Recomputes an athlete's stats from the start of history (benchmarks and repairs).
    pub async fn recompute_all_stats(&self, athlete_id: Uuid) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        self.store.clear_stats(&mut tx, athlete_id).await?;
        tx.commit().await?;
        self.recompute_stats(athlete_id, &[]).await
    }

    async fn daily_loads(
        &self,
        tx: &mut stride_store::Tx,
        athlete_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<f64>> {
        let metric = self.settings.stats.load_metric;
        let rows = self
            .store
            .activity_loads(Some(tx), athlete_id, from, to)
            .await?;
        let loads: Vec<(NaiveDate, f64)> = rows
            .iter()
            .filter_map(|r| {
                metric
                    .select(r.load_rpe, r.load_trimp)
                    .map(|l| (r.local_date, l))
            })
            .collect();
        Ok(daily_loads(&loads, from, to))
    }
}
