//! The command line: `sspr` serves; `sspr admin create` and `sspr users ...` manage
//! accounts without the browser, for bootstrapping and scripts.

use crate::accounts::store::{self, NewUser};
use crate::clock::SystemClock;
use crate::config::{self, Config};
use crate::passwords::one_time_password;
use crate::{db, demo, observability, web, AppState};
use app::domain::password_policy::check_new_password;
use app::domain::{Role, Username};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "sspr", version, about = "Self-service password reset")]
struct Cli {
    /// Configuration file (default: ./sspr.toml if present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (the default).
    Serve,
    /// Administrators.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Users.
    #[command(subcommand)]
    Users(UsersCommand),
    /// The account directory (`[directory]`).
    #[command(subcommand)]
    Directory(DirectoryCommand),
}

#[derive(Subcommand)]
enum DirectoryCommand {
    /// Connect, bind as the service account, count users and groups, and say what is wrong.
    Check,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator and print a one-time password.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// global_admin, helpdesk_admin or reports_reader.
        #[arg(long, default_value = "global_admin")]
        role: String,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Import users from a CSV file (username,display_name,email,phone,groups).
    Import { file: PathBuf },
    /// Set a user's password, read from standard input (never from the command line).
    SetPassword {
        #[arg(long)]
        username: String,
        /// Make the user change it at the next sign-in.
        #[arg(long)]
        temporary: bool,
    },
}

pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let config = match config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("sspr: {error}");
            return ExitCode::from(2);
        }
    };
    observability::init_logging(&config);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Admin(AdminCommand::Create {
            username,
            display_name,
            email,
            role,
        }) => create_admin(config, username, display_name, email, role).await,
        Command::Users(UsersCommand::Import { file }) => import(config, file).await,
        Command::Users(UsersCommand::SetPassword {
            username,
            temporary,
        }) => set_password(config, username, temporary).await,
        Command::Directory(DirectoryCommand::Check) => check_directory(config).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sspr: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn check_directory(config: Config) -> Result<(), String> {
    use crate::directory::ldap::{check, Connector};
    let settings = match config.directory {
        crate::directory::DirectoryConfig::Local => {
            println!("directory.kind is \"local\": accounts are sspr's own; nothing to check.");
            return Ok(());
        }
        crate::directory::DirectoryConfig::Ldap(settings) => settings,
    };
    let url = settings.url.clone();
    let connector = Connector::new(Arc::new(*settings)).map_err(|e| e.to_string())?;
    let found = check::check(&connector).await.map_err(|e| e.to_string())?;
    println!(
        "{url}: the service account binds; {} users and {} groups in scope.",
        found.users, found.groups
    );
    Ok(())
}

async fn open(config: Config) -> Result<AppState, String> {
    let pool = db::connect(&config.database_path).await.map_err(|e| {
        format!(
            "cannot open database {}: {e}",
            config.database_path.display()
        )
    })?;
    AppState::new(config, pool, Arc::new(SystemClock))
        .map_err(|e| format!("cannot use the directory: {e}"))
}

async fn serve(config: Config) -> Result<(), String> {
    let state = open(config).await?;
    if state.config.seed_demo {
        let created = demo::seed_if_empty(&state)
            .await
            .map_err(|e| format!("seeding demo data: {e}"))?;
        if !created.is_empty() {
            println!("Demo organisation created. One-time passwords (shown only now; each must be changed at first sign-in):");
            for (username, password) in &created {
                println!("  {username:<10} {password}");
            }
        }
    }
    if let Some(directory) = &state.directory {
        // The wizard and the dashboard read the mirror: fill it before serving, and keep
        // serving the last read if the directory is down now.
        if let Err(error) = directory.read_all().await {
            eprintln!("sspr: reading the directory failed ({error}); serving the last read");
        }
        directory.clone().keep_fresh();
    }
    let sessions = state.sessions.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(error) = sessions.purge_expired().await {
                tracing::warn!(%error, "purging expired sessions failed");
            }
        }
    });
    // The delivery worker sends queued messages until shutdown; it ends at once in outbox mode.
    let (stop_delivery, delivery_stop) = tokio::sync::watch::channel(false);
    let delivery_worker = state.delivery.clone().spawn_worker(delivery_stop);
    let listener = tokio::net::TcpListener::bind(state.config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", state.config.bind))?;
    let origin = state.config.public_origin.clone();
    let app = web::router(state);
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("sspr is running: open {origin} (listening on {local})");
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string());
    // Give an in-flight send a moment to finish; if it is cut off, its lease lapses and
    // the message is tried again at the next start.
    let _ = stop_delivery.send(true);
    if tokio::time::timeout(std::time::Duration::from_secs(15), delivery_worker)
        .await
        .is_err()
    {
        tracing::warn!("the delivery worker did not stop in time");
    }
    served
}

/// Ctrl-C or SIGTERM (what service managers send) stops the server after open requests.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down");
}

async fn create_admin(
    config: Config,
    username: String,
    display_name: Option<String>,
    email: Option<String>,
    role: String,
) -> Result<(), String> {
    let role = Role::parse(&role).ok_or_else(|| {
        format!("unknown role `{role}`: use global_admin, helpdesk_admin or reports_reader")
    })?;
    let username = Username::parse(&username).map_err(|p| format!("invalid username: {p}"))?;
    let state = open(config).await?;
    let now = state.clock.now();
    let password = one_time_password();
    let phc = state
        .hasher
        .hash(&password)
        .await
        .map_err(|e| e.to_string())?;
    let user = NewUser {
        display_name: display_name.unwrap_or_else(|| username.to_string()),
        username: username.clone(),
        email,
        phone: None,
        must_change_password: true,
    };
    let db = |e: crate::error::Error| e.to_string();
    let mut tx = state.pool.begin().await.map_err(|e| e.to_string())?;
    let id = store::insert_user(&mut tx, &user, now)
        .await
        .map_err(|e| e.to_string())?;
    store::set_password(&mut tx, id, &phc, state.hasher.params(), now)
        .await
        .map_err(db)?;
    state
        .password_policy
        .remember(&mut tx, id, &password, now)
        .await
        .map_err(|e| e.to_string())?;
    store::grant_role(&mut tx, id, role, now)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(|e| e.to_string())?;
    println!("Created {} `{username}`.", role.as_str());
    println!("One-time password (shown only now; it must be changed at first sign-in): {password}");
    Ok(())
}

async fn import(config: Config, file: PathBuf) -> Result<(), String> {
    let input =
        std::fs::File::open(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let state = open(config).await?;
    let report = crate::directory::import::import_csv(&state.pool, input, state.clock.now())
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Imported {} users; rejected {} rows.",
        report.imported,
        report.rejected.len()
    );
    for rejected in &report.rejected {
        println!(
            "  line {}: {} ({})",
            rejected.line, rejected.reason, rejected.username
        );
    }
    Ok(())
}

async fn set_password(config: Config, username: String, temporary: bool) -> Result<(), String> {
    let username = Username::parse(&username).map_err(|p| format!("invalid username: {p}"))?;
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = password.trim_end_matches(['\n', '\r']).to_owned();
    // An operator's password gets the minimal rule (see `check_new_password`), not the
    // full policy: it is handed over, and usually must be changed at the next sign-in.
    check_new_password(&password, &password).map_err(|p| format!("password refused: {p:?}"))?;
    let state = open(config).await?;
    let user = store::find_by_name(&state.pool, &username)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user `{username}`"))?;
    let now = state.clock.now();
    let phc = state
        .hasher
        .hash(&password)
        .await
        .map_err(|e| e.to_string())?;
    let db = |e: crate::error::Error| e.to_string();
    let mut tx = state.pool.begin().await.map_err(|e| e.to_string())?;
    store::set_password(&mut tx, user.id, &phc, state.hasher.params(), now)
        .await
        .map_err(db)?;
    state
        .password_policy
        .remember(&mut tx, user.id, &password, now)
        .await
        .map_err(|e| e.to_string())?;
    store::set_must_change(&mut tx, user.id, temporary, now)
        .await
        .map_err(db)?;
    crate::revocation::end_open_wizards(&mut tx, user.id, now)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    println!("Password set for `{username}`.");
    Ok(())
}
