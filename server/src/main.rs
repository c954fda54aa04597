//! The `sspr` binary: serve, or run an admin command. See `cli`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::cli::run().await
}
