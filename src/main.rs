use clap::Parser;
use iamlocal::config::{Command, Config, LogFormat};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // One line naming the flag, e.g. "invalid value 'x' for '--listen <LISTEN>': ...".
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("invalid arguments");
            eprintln!("iamlocal: {}", line.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    if config.command == Some(Command::Healthcheck) {
        return match iamlocal::server::healthcheck(config.listen) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("iamlocal: unhealthy: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    match config.log_format {
        LogFormat::Text => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init(),
    }
    match iamlocal::server::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iamlocal: {e}");
            ExitCode::FAILURE
        }
    }
}
