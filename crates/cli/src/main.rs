//! `pelita`: the command line for content teams and LMS administrators.
//!
//! `pelita check MODULE...` validates module files and prints every problem as
//! `file:line:column: $.json.path: message`; `pelita pack` builds an upload-ready zip (cmi5,
//! SCORM 1.2, SCORM 2004 or plain web) from one module and the built player in `dist/`;
//! `pelita serve [DIR]` serves the player, the modules of DIR and the embedded LRS
//! (`pelita-lrs`) on one local origin for trying modules and small pilots; `pelita
//! credential KEY` makes a line of the credentials file `serve` reads; `pelita stats update`
//! keeps a module's report summary up to date next to any LRS (`stats.rs`).
//!
//! The key design decision is that this tool judges nothing itself that the player also
//! judges: a module is checked by `pelita_lesson::load_module` and reported with
//! `LoadError::report`, so an author sees exactly the messages the player would show, and
//! `pack` refuses what `check` refuses. The only checks of its own are those that need a
//! file system (are the images there?), walking the module the way the player does.
//!
//! Exit codes: 0 when everything is fine, 1 when a module has problems or packing failed,
//! 2 for a command line clap cannot make sense of.

mod catalog;
mod check;
mod manifest;
mod pack;
mod prerender;
mod records;
mod serve;
mod stats;

use clap::{CommandFactory, Parser, Subcommand};
use manifest::MoveOn;
use pack::Format;
use std::io::BufRead;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "pelita",
    version,
    about = "Check Pelita modules, pack them for an LMS or a web host, or serve them with a local LRS"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate module files and print every problem with file, line and column.
    Check {
        /// The module files (JSON, or Markdown as `.md`) to check.
        #[arg(required = true, value_name = "MODULE")]
        modules: Vec<PathBuf>,
    },
    /// Compile a Markdown module (docs/authoring.md) to the module JSON, after checking it.
    Convert {
        /// The Markdown module.
        #[arg(value_name = "MODULE.md")]
        module: PathBuf,
        /// Where to write the JSON; without it, the JSON goes to standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Pack one module with the player into a zip to upload to an LMS or a web host.
    Pack {
        /// cmi5 (cmi5.xml), scorm12 or scorm2004 (imsmanifest.xml), or web (no manifest).
        #[arg(long, value_enum)]
        format: Format,
        /// The module file (JSON) to pack; its images are taken from beside it.
        #[arg(value_name = "MODULE")]
        module: PathBuf,
        /// The zip file to write.
        #[arg(short, long, value_name = "OUT.zip")]
        output: PathBuf,
        /// The built player (made by `cargo xtask dist`).
        #[arg(long, value_name = "DIST", default_value = "dist")]
        player: PathBuf,
        /// cmi5 only: when the LMS counts the unit as done.
        #[arg(long, value_enum, value_name = "MOVE_ON")]
        move_on: Option<MoveOn>,
    },
    /// Serve the player, the modules of DIR and an LRS (under /xapi/) on this computer.
    Serve {
        /// The folder of modules (reloaded when a file changes).
        #[arg(value_name = "DIR", default_value = "www/modules")]
        dir: PathBuf,
        /// The built player (made by `cargo xtask dist`).
        #[arg(long, value_name = "DIST", default_value = "dist")]
        player: PathBuf,
        /// The port; 0 picks a free one.
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// The address to listen on; anything but 127.0.0.1/::1 needs --credentials.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// The LRS's SQLite file (created when missing), or :memory:.
        #[arg(long, value_name = "FILE", default_value = "pelita-lrs.sqlite")]
        db: String,
        /// A credentials file (lines `key:argon2-hash`, see `pelita credential`): the LRS
        /// and the records page then need Basic auth.
        #[arg(long, value_name = "FILE")]
        credentials: Option<PathBuf>,
        /// `key:secret` to put into the launch links (must be in --credentials).
        #[arg(long, value_name = "KEY:SECRET")]
        launch_auth: Option<String>,
        /// Another origin allowed to call the LRS (CORS), such as https://portal.example, or `*`
        /// for any origin (Basic auth is never a cookie, so a page needs the credential too); repeatable.
        #[arg(long, value_name = "ORIGIN")]
        cors: Vec<String>,
    },
    /// Report summaries kept next to an LRS.
    Stats {
        #[command(subcommand)]
        command: StatsCommand,
    },
    /// Print a credentials file line for KEY, with the secret read from standard input
    /// (append it to the file given to `serve --credentials`).
    Credential {
        /// The key (the Basic auth user name), without `:` or spaces.
        key: String,
    },
}

#[derive(Debug, Subcommand)]
enum StatsCommand {
    /// Fold the statements the LRS stored since the last run into the module's summary,
    /// stored back as an activity profile document (or in --output FILE).
    Update {
        /// The LRS's xAPI endpoint, such as http://127.0.0.1:8765/xapi/.
        #[arg(long, value_name = "URL")]
        endpoint: String,
        /// `key:secret` for Basic auth, or a whole Authorization value; PELITA_LRS_AUTH
        /// in the environment keeps it out of the process list.
        #[arg(
            long,
            value_name = "KEY:SECRET",
            env = "PELITA_LRS_AUTH",
            hide_env_values = true
        )]
        auth: Option<String>,
        /// The launcher's activity id, when it is not the module's id.
        #[arg(long, value_name = "IRI")]
        activity_id: Option<String>,
        /// Keep the summary in this file (for an LRS without the Activity Profile API).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Make the summary again from every statement.
        #[arg(long)]
        rebuild: bool,
        /// Statements per page asked of the LRS.
        #[arg(long, default_value_t = pelita_stats::PAGE_SIZE)]
        page_size: usize,
        /// Statements folded per chunk (memory grows with it, not with the LRS).
        #[arg(long, default_value_t = 100_000)]
        chunk: u64,
        /// The module file (JSON or Markdown).
        #[arg(value_name = "MODULE")]
        module: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { modules } => check_all(&modules),
        Command::Convert { module, output } => convert(&module, output.as_deref()),
        Command::Pack {
            format,
            module,
            output,
            player,
            move_on,
        } => {
            if move_on.is_some() && format != Format::Cmi5 {
                // A setting that would be silently ignored is a mistake in the command line.
                Cli::command()
                    .error(
                        clap::error::ErrorKind::ArgumentConflict,
                        "--move-on only applies to --format cmi5",
                    )
                    .exit();
            }
            let options = pack::Options {
                format,
                move_on: move_on.unwrap_or(MoveOn::CompletedAndPassed),
                player,
                output,
            };
            pack_one(&module, &options)
        }
        Command::Serve {
            dir,
            player,
            port,
            bind,
            db,
            credentials,
            launch_auth,
            cors,
        } => {
            let options = serve::Options {
                dir,
                player,
                bind,
                port,
                db,
                credentials,
                launch_auth,
                cors,
            };
            match serve::run(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("pelita serve: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Credential { key } => credential(&key),
        Command::Stats {
            command:
                StatsCommand::Update {
                    endpoint,
                    auth,
                    activity_id,
                    output,
                    rebuild,
                    page_size,
                    chunk,
                    module,
                },
        } => {
            let options = stats::Options {
                endpoint,
                auth,
                module,
                activity_id,
                output,
                rebuild,
                page_size: page_size.max(1),
                chunk: chunk.max(1),
            };
            match stats::update(&options) {
                Ok(done) => {
                    println!("{}", stats::line(&done));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("pelita stats: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn credential(key: &str) -> ExitCode {
    let mut secret = String::new();
    if let Err(e) = std::io::stdin().lock().read_line(&mut secret) {
        eprintln!("pelita credential: cannot read the secret: {e}");
        return ExitCode::FAILURE;
    }
    let secret = secret.trim_end_matches(['\n', '\r']);
    if secret.is_empty() {
        eprintln!("pelita credential: give the secret on standard input (one line)");
        return ExitCode::FAILURE;
    }
    match pelita_lrs::auth::credential_line(key, secret) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pelita credential: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the module's problems like `check` and fails, or writes its JSON (pretty, so
/// that an author can read and diff it).
fn convert(module: &std::path::Path, output: Option<&std::path::Path>) -> ExitCode {
    let file = module.display().to_string();
    let text = match std::fs::read_to_string(module) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{file}: cannot read the file: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json = match pelita_markdown::load(&text).and_then(|_| pelita_markdown::to_json(&text)) {
        Ok(json) => json,
        Err(problems) => {
            for p in problems {
                println!("{file}:{p}");
            }
            return ExitCode::FAILURE;
        }
    };
    let pretty = format!("{json:#}\n");
    match output {
        None => {
            print!("{pretty}");
            ExitCode::SUCCESS
        }
        Some(out) => match std::fs::write(out, pretty) {
            Ok(()) => {
                eprintln!("{file}: written to {}", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{}: cannot write: {e}", out.display());
                ExitCode::FAILURE
            }
        },
    }
}

fn check_all(modules: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for path in modules {
        match check::check(path) {
            Ok(checked) => {
                for line in check::warnings(&checked) {
                    println!("{line}");
                }
                println!("{}", check::summary(&checked));
            }
            Err(report) => {
                failed = true;
                for line in report {
                    println!("{line}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn pack_one(module: &std::path::Path, options: &pack::Options) -> ExitCode {
    let checked = match check::check(module) {
        Ok(checked) => checked,
        Err(report) => {
            for line in &report {
                eprintln!("{line}");
            }
            eprintln!(
                "error: {} has problems (listed above); nothing was packed",
                module.display()
            );
            return ExitCode::FAILURE;
        }
    };
    for line in check::warnings(&checked) {
        eprintln!("{line}");
    }
    match pack::pack(&checked, options) {
        Ok(packed) => {
            println!("{}", pack::describe(&packed, options));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
