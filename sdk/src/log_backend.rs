//! Routes the `log` crate's macros into the host's tracing.

use crate::bindings::stride::plugin::log as host_log;
use crate::bindings::stride::plugin::types::{LogField, LogLevel};

struct HostLogger;

impl log::Log for HostLogger {
    fn enabled(&self, _metadata: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let level = match record.level() {
            log::Level::Error => LogLevel::Error,
            log::Level::Warn => LogLevel::Warn,
            log::Level::Info => LogLevel::Info,
            log::Level::Debug => LogLevel::Debug,
            log::Level::Trace => LogLevel::Trace,
        };
        let mut fields = Vec::new();
        if let (Some(file), Some(line)) = (record.file(), record.line()) {
            fields.push(LogField {
                key: "at".to_owned(),
                value: format!("{file}:{line}"),
            });
        }
        host_log::log(level, record.target(), &record.args().to_string(), &fields);
    }

    fn flush(&self) {}
}

static LOGGER: HostLogger = HostLogger;

/// Installs the host logger once per instance (later calls do nothing).
pub(crate) fn install() {
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Trace);
    }
}
