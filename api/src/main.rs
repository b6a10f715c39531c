use clap::Parser;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    match helpdesk_api::cli::run(helpdesk_api::cli::Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("helpdesk: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
