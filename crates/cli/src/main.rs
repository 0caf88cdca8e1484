//! `pelita`: the command line for content teams and LMS administrators.
//!
//! `pelita check MODULE...` validates module files and prints every problem as
//! `file:line:column: $.json.path: message`; `pelita pack` builds an upload-ready zip (cmi5,
//! SCORM 1.2, SCORM 2004 or plain web) from one module and the built player in `dist/`.
//!
//! The key design decision is that this tool judges nothing itself that the player also
//! judges: a module is checked by `pelita_lesson::load_module` and reported with
//! `LoadError::report`, so an author sees exactly the messages the player would show, and
//! `pack` refuses what `check` refuses. The only checks of its own are those that need a
//! file system (are the images there?), walking the module the way the player does.
//!
//! Exit codes: 0 when everything is fine, 1 when a module has problems or packing failed,
//! 2 for a command line clap cannot make sense of.

mod check;
mod manifest;
mod pack;

use clap::{CommandFactory, Parser, Subcommand};
use manifest::MoveOn;
use pack::Format;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "pelita",
    version,
    about = "Check Pelita modules and pack them for an LMS or a web host"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate module files and print every problem with file, line and column.
    Check {
        /// The module files (JSON) to check.
        #[arg(required = true, value_name = "MODULE")]
        modules: Vec<PathBuf>,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { modules } => check_all(&modules),
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
