//! The `stride` binary: everything lives in the library; this only runs the command line.

/// mimalloc rather than the system allocator: the server allocates small, short-lived values
/// on every request from many threads, where glibc's arenas spend their time in locks and
/// consolidation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match stride::cli::run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
