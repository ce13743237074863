//! The `stride` binary: everything lives in the library; this only runs the command line.

/// mimalloc rather than the system allocator: the server allocates small, short-lived values
/// on every request from many threads, where glibc's arenas spend their time in locks and
/// consolidation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// At most this many I/O events are taken from the operating system at a time (tokio's default
/// is 1,024).
///
/// Each event wakes a connection's task onto the worker's own queue, which holds 256. When a
/// thousand connections are ready at once, the overflow moves the oldest half of that queue to
/// the shared queue, which a busy worker reads only now and then. Those connections then waited
/// behind ones that became ready after them: at 1,000 connections `/healthz` had a median of
/// 5–8 ms and a p99 of 160 ms on one worker. Taken 128 at a time, the events stay in the
/// kernel's queue, in order, until the worker has room (BENCHMARKS.md, 7 December 2026).
const IO_EVENTS_PER_TICK: usize = 128;

/// A busy worker looks for new I/O events after this many polls of ready tasks (tokio's default
/// is 61). With at most [`IO_EVENTS_PER_TICK`] events per look, a worker's queue then shrinks
/// between looks instead of overflowing. An idle worker looks at once, whatever this says.
const POLLS_BETWEEN_IO_EVENTS: u32 = 256;

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_io_events_per_tick(IO_EVENTS_PER_TICK)
        .event_interval(POLLS_BETWEEN_IO_EVENTS)
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match stride::cli::run().await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error:#}");
                std::process::ExitCode::FAILURE
            }
        }
    })
}
