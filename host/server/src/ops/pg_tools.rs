//! Running PostgreSQL's own `pg_dump` and `pg_restore`: they know every object type and the
//! server's version, which a dump written by hand would not.

use std::ffi::OsString;
use std::process::Stdio;

use super::backup::BackupError;

/// A database URL split for the PostgreSQL tools: the URL without its password (so it never
/// shows in the process list) and the password, passed in `PGPASSWORD`.
pub(crate) struct Target {
    url: String,
    password: Option<String>,
}

/// Query parameters of sqlx's own that libpq would refuse as unknown.
const SQLX_ONLY_PARAMETERS: [&str; 2] = ["statement-cache-capacity", "ssl-mode"];

impl Target {
    /// Splits `url` (a `postgres://` URL as the configuration holds it).
    pub(crate) fn parse(url: &str) -> anyhow::Result<Self> {
        let mut parsed = url::Url::parse(url)
            .map_err(|e| anyhow::anyhow!("the database URL is not a URL: {e}"))?;
        let password = parsed.password().map(|p| {
            percent_encoding::percent_decode_str(p)
                .decode_utf8_lossy()
                .into_owned()
        });
        let _ = parsed.set_password(None);
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(key, _)| !SQLX_ONLY_PARAMETERS.contains(&key.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        parsed.set_query(None);
        if !kept.is_empty() {
            parsed.query_pairs_mut().extend_pairs(kept);
        }
        Ok(Self {
            url: parsed.to_string(),
            password,
        })
    }

    /// Runs `tool` with `args` against this database (`--dbname` is added) and fails with
    /// the tool's own words when it does.
    pub(crate) async fn run(&self, tool: &'static str, args: &[OsString]) -> anyhow::Result<()> {
        let mut command = tokio::process::Command::new(tool);
        command
            .arg(format!("--dbname={}", self.url))
            // Never wait for a password prompt nobody will answer.
            .arg("--no-password")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command.env_remove("PGPASSWORD");
        if let Some(password) = &self.password {
            command.env("PGPASSWORD", password);
        }
        let output = match command.output().await {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackupError::ToolMissing(tool).into());
            }
            Err(e) => return Err(anyhow::anyhow!("running {tool}: {e}")),
        };
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        Err(BackupError::ToolFailed {
            tool,
            status: output.status.to_string(),
            stderr: lines[lines.len().saturating_sub(10)..].join("\n"),
        }
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_and_sqlx_parameters_are_dropped() {
        let target = Target::parse(
            "postgres://stride:p%40ss@db:5432/stride?sslmode=require&statement-cache-capacity=10",
        )
        .expect("a URL");
        assert_eq!(
            target.url,
            "postgres://stride@db:5432/stride?sslmode=require"
        );
        assert_eq!(target.password.as_deref(), Some("p@ss"));
        let plain = Target::parse("postgres://postgres@127.0.0.1/postgres").expect("a URL");
        assert_eq!(plain.url, "postgres://postgres@127.0.0.1/postgres");
        assert!(plain.password.is_none());
    }
}
