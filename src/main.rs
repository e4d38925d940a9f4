//! The `tasnif` command: see [`cli`] for the commands and exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
