//! Erasing a person: the rows about them that do not go with their `users` row by cascade.

use uuid::Uuid;

use super::{Store, StoreResult, Tx, on_tx};

/// How many rows an erasure removed, by where they were.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ErasedRows {
    /// The account row (with every row that cascades from it: activities, samples, metrics,
    /// plans, proposals, rules, connections, sessions, grants, tasks, relay tokens…).
    pub users: u64,
    /// Invites sent to their email or used by them.
    pub invites: u64,
    /// Queued or finished jobs whose arguments name them.
    pub jobs: u64,
    /// Plugin state kept for them.
    pub plugin_state: u64,
    /// Failed-login counters of their email.
    pub login_throttle: u64,
}

impl Store {
    /// Removes every row about `user_id` inside `tx`: the rows that name them without a
    /// foreign key (invites to their email, jobs whose arguments name them, plugin state
    /// scoped to them, failed-login counters), then the account itself, from which every
    /// other table cascades. Rows of other people that only pointed at them (a plan version
    /// they wrote as a coach, a proposal they decided) keep their content and lose the link.
    pub async fn erase_user_rows(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        email: &str,
    ) -> StoreResult<ErasedRows> {
        let id_text = user_id.to_string();
        let id_pattern = format!("%{id_text}%");
        let mut erased = ErasedRows::default();
        on_tx!(tx, conn => {
            erased.invites = sqlx::query("DELETE FROM invites WHERE email = $1 OR used_by = $2 OR created_by = $2")
                .bind(email)
                .bind(user_id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            erased.jobs = sqlx::query("DELETE FROM jobs WHERE user_id = $1 OR payload LIKE $2 OR dedupe_key LIKE $2")
                .bind(user_id)
                .bind(&id_pattern)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            erased.plugin_state = sqlx::query("DELETE FROM plugin_kv WHERE scope = $1 OR scope LIKE $2 OR key LIKE $2")
                .bind(&id_text)
                .bind(&id_pattern)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            erased.login_throttle = sqlx::query("DELETE FROM login_throttle WHERE key = $1")
                .bind(format!("account:{email}"))
                .execute(&mut *conn)
                .await?
                .rows_affected();
            erased.users = sqlx::query("DELETE FROM users WHERE id = $1")
                .bind(user_id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
        });
        Ok(erased)
    }
}
