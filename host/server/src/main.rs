//! The `stride` binary: everything lives in the library; this only runs the command line.

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
