//! Compiles a Markdown module and prints its JSON, or its problems: `cargo run -p
//! pelita-markdown --example compile -- docs/examples/kata-sandi.md`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: compile FILE.md");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    match pelita_markdown::to_json(&text) {
        Ok(v) => println!("{v:#}"),
        Err(problems) => {
            for p in problems {
                eprintln!("{path}:{p}");
            }
            std::process::exit(1);
        }
    }
}
