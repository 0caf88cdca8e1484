//! `cargo xtask`: builds the player into `dist/` without Trunk.
//!
//! `cargo xtask dist` runs cargo for wasm32 (the player; the player again with its
//! `report` feature, for the report view; the Markdown reader), wasm-bindgen (the CLI
//! pinned to the crate's exact version), and wasm-opt -Oz from the npm `binaryen`
//! package, then writes
//! content-hashed assets, inlines the style sheet into `index.html`, copies `www/`, checks
//! every module in `www/modules/`, pre-renders each module's first page into
//! `dist/<module>.html`, and precompresses everything with brotli and gzip. See
//! ARCHITECTURE.md for why this replaces Trunk here.

use anyhow::{bail, Context, Result};
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("dist") => dist(args.iter().any(|a| a == "--dev")),
        Some("check-modules") => {
            let root = root()?;
            if check_modules(&root.join("www/modules"))? {
                Ok(())
            } else {
                bail!("some modules have problems")
            }
        }
        _ => {
            eprintln!("usage: cargo xtask dist [--dev] | cargo xtask check-modules");
            std::process::exit(2);
        }
    }
}

fn root() -> Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Ok(manifest
        .parent()
        .context("xtask lives in the workspace")?
        .to_path_buf())
}

fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("+ {cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

/// The `wasm-bindgen` version in Cargo.lock, which the CLI must match exactly.
fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

fn find_tool(root: &Path, name: &str) -> PathBuf {
    let local = root.join("node_modules/.bin").join(name);
    if local.exists() {
        local
    } else {
        PathBuf::from(name)
    }
}

fn hash_of(bytes: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set, as cargo itself reads it.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// wasm-opt's flags for every wasm of the player: smallest size, with the features
/// rustc's wasm32 target uses. The -Oz pipeline runs twice: the second run finds more to
/// fold once the first has inlined and merged (1.3 KB brotli off the first chunk, for
/// about 3 s of build; a third run gained nothing).
const WASM_OPT_FLAGS: &[&str] = &[
    "-Oz",
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Runs wasm-bindgen on `wasm_in` into `staging` (as `out_name.js` and `out_name_bg.wasm`,
/// with `extra` arguments choosing the output kind), then wasm-opt -Oz unless `dev`.
/// Returns the path of the final wasm.
fn bindgen(
    root: &Path,
    wasm_in: &Path,
    staging: &Path,
    out_name: &str,
    extra: &[&str],
    dev: bool,
) -> Result<PathBuf> {
    run(Command::new("wasm-bindgen")
        .arg(wasm_in)
        .args(["--no-typescript", "--out-name", out_name])
        .args(extra)
        .arg("--out-dir")
        .arg(staging))?;
    let wasm = staging.join(format!("{out_name}_bg.wasm"));
    if !dev {
        let optimised = staging.join(format!("{out_name}_opt.wasm"));
        run(Command::new(find_tool(root, "wasm-opt"))
            .arg(&wasm)
            .args(WASM_OPT_FLAGS)
            .arg("-o")
            .arg(&optimised))?;
        fs::rename(&optimised, &wasm)?;
    }
    Ok(wasm)
}

/// wasm-bindgen's JavaScript as shipped: minified by terser (from the npm packages, like
/// wasm-opt) unless `dev`. The learner's script is paid for before the first question
/// (62.9 KB raw and 8.8 KB brotli as wasm-bindgen writes it, 28.6 KB and 7.0 KB
/// minified, 21.4 KB and 4.6 KB once [`shorten_imports`] has shortened its keys).
/// `module` says whether the file is an ES module (its top-level names may then be
/// renamed) or a classic script.
fn minify_js(
    root: &Path,
    staging: &Path,
    name: &str,
    js: &str,
    module: bool,
    dev: bool,
) -> Result<String> {
    if dev {
        return Ok(js.to_string());
    }
    let input = staging.join(format!("{name}.unminified.js"));
    let output = staging.join(format!("{name}.min.js"));
    fs::write(&input, js)?;
    let mut terser = Command::new(find_tool(root, "terser"));
    terser
        .arg(&input)
        .args(["--compress", "--mangle", "--ecma", "2020", "-o"])
        .arg(&output);
    if module {
        terser.arg("--module");
    }
    run(&mut terser).context("terser is missing: run scripts/setup.sh (npm ci)")?;
    Ok(fs::read_to_string(&output)?)
}

/// `html` with the body of every inline `<script>` minified by [`minify_js`] (a
/// `type="module"` one as a module): `index.html`'s scripts are written to be read, and
/// every page carries them before its first paint (6.4 KB raw and 2.0 KB brotli as
/// written, 3.3 KB and 1.3 KB minified). A script with a `src` has no body to minify.
fn minify_inline_scripts(root: &Path, staging: &Path, html: &str, dev: bool) -> Result<String> {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut n = 0;
    while let Some(open) = rest.find("<script") {
        let Some(tag_end) = rest[open..].find('>').map(|i| open + i + 1) else {
            bail!("index.html: a <script> tag is not closed");
        };
        let Some(close) = rest[tag_end..].find("</script>").map(|i| tag_end + i) else {
            bail!("index.html: a <script> has no </script>");
        };
        let tag = &rest[open..tag_end];
        out.push_str(&rest[..tag_end]);
        let body = &rest[tag_end..close];
        if body.trim().is_empty() {
            out.push_str(body);
        } else {
            n += 1;
            let module = tag.contains("type=\"module\"");
            let min = minify_js(root, staging, &format!("inline-{n}"), body, module, dev)?;
            out.push_str(min.trim_end());
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Renames the functions a wasm imports from its wasm-bindgen glue (`./<name>_bg.js`) to
/// short names, in the wasm's import section and in the glue's import object alike.
/// wasm-bindgen names each after the JS function and a 16-digit hash
/// (`__wbg_transaction_20b49c71cf3387c0`); the learner's first chunk imports 230 of them,
/// and those names cost about 3 KB brotli in the wasm and as much again in the script,
/// all of it before the first question. Every other section is copied byte for byte.
/// The glue must name each import exactly once, as an object key; anything else stops
/// the build, so a change in wasm-bindgen's output cannot go unnoticed.
fn shorten_imports(wasm_path: &Path, js_path: &Path, glue_module: &str) -> Result<()> {
    let bytes = fs::read(wasm_path)?;
    let mut js = fs::read_to_string(js_path)?;
    let mut module = wasm_encoder::Module::new();
    let mut renamed = 0usize;
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        let payload = payload.with_context(|| format!("reading {}", wasm_path.display()))?;
        if let wasmparser::Payload::ImportSection(reader) = &payload {
            let mut section = wasm_encoder::ImportSection::new();
            for import in reader.clone().into_imports() {
                let import = import?;
                let wasmparser::TypeRef::Func(ty) = import.ty else {
                    bail!(
                        "{}: the import {} is not a function",
                        wasm_path.display(),
                        import.name
                    );
                };
                let name = if import.module == glue_module {
                    let short = short_name(renamed);
                    renamed += 1;
                    let key = format!("\n        {}: ", import.name);
                    if js.matches(&key).count() != 1 {
                        bail!(
                            "{}: the glue does not name {} once as a key",
                            js_path.display(),
                            import.name
                        );
                    }
                    js = js.replacen(&key, &format!("\n        {short}: "), 1);
                    if js.contains(import.name) {
                        bail!(
                            "{}: the glue uses {} elsewhere too",
                            js_path.display(),
                            import.name
                        );
                    }
                    short
                } else {
                    import.name.to_string()
                };
                section.import(import.module, &name, wasm_encoder::EntityType::Function(ty));
            }
            module.section(&section);
        } else if let Some((id, range)) = payload.as_section() {
            let (start, end) = (usize::try_from(range.start)?, usize::try_from(range.end)?);
            let data = &bytes[start..end];
            module.section(&wasm_encoder::RawSection { id, data });
        }
    }
    if renamed == 0 {
        bail!("{} imports nothing from {glue_module}", wasm_path.display());
    }
    fs::write(wasm_path, module.finish())?;
    fs::write(js_path, js)?;
    Ok(())
}

/// The `n`th short name: `a` to `z`, `A` to `Z`, then two letters, and so on.
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = vec![LETTERS[n % LETTERS.len()]];
    n /= LETTERS.len();
    while n > 0 {
        n -= 1;
        name.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
    }
    String::from_utf8(name).unwrap_or_default()
}

fn dist(dev: bool) -> Result<()> {
    let root = root()?;
    let out = root.join("dist");
    let target = target_dir(&root);
    let profile = if dev { "debug" } else { "release" };
    // The player, and the Markdown reader the player loads only for a `.md` module
    // (crates/convert), in one cargo run so that they share its work.
    // The learners' player is built with its `split` feature: its chunk boundaries
    // (crates/player/src/chunks.rs) become split points, cut below.
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(&root).args([
        "build",
        "-p",
        "pelita-player",
        "-p",
        "pelita-convert",
        "--features",
        "pelita-player/split",
        "--target",
        TARGET,
    ]);
    if !dev {
        cargo.arg("--release");
    }
    run(&mut cargo)?;

    let wanted = locked_wasm_bindgen(&root)?;
    let version = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .context("wasm-bindgen is not installed; run scripts/setup.sh")?;
    let version = String::from_utf8_lossy(&version.stdout);
    if !version.contains(&wanted) {
        bail!(
            "wasm-bindgen CLI is `{}`, but the crate is {wanted}; run scripts/setup.sh",
            version.trim()
        );
    }
    let staging = target.join("pelita-bindgen");
    let _ = fs::remove_dir_all(&staging);
    let split = split_learner(
        &root,
        &target.join(format!("{TARGET}/{profile}/pelita_player.wasm")),
        &staging,
        dev,
    )?;
    let wasm = bindgen(
        &root,
        &split.main,
        &staging,
        "pelita",
        &["--target", "web", "--keep-lld-exports"],
        dev,
    )?;
    shorten_imports(&wasm, &staging.join("pelita.js"), "./pelita_bg.js")?;
    // A classic script defining one global, `pelitaMarkdown`: the player adds it with a
    // <script> element, which a strict Content-Security-Policy allows from 'self', where a
    // dynamic import() would need a JavaScript file of its own in the player's download.
    let convert_wasm = bindgen(
        &root,
        &target.join(format!("{TARGET}/{profile}/pelita_convert.wasm")),
        &staging,
        "convert",
        &[
            "--target",
            "no-modules",
            "--no-modules-global",
            "pelitaMarkdown",
        ],
        dev,
    )?;
    // The report view: the same app built again with its `report` feature, started by
    // index.html only for `view=report`, so that learners never download the statistics.
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(&root).args([
        "build",
        "-p",
        "pelita-player",
        "--features",
        "report",
        "--target",
        TARGET,
    ]);
    if !dev {
        cargo.arg("--release");
    }
    run(&mut cargo)?;
    let report_wasm = bindgen(
        &root,
        &target.join(format!("{TARGET}/{profile}/pelita_player.wasm")),
        &staging,
        "report",
        &["--target", "web"],
        dev,
    )?;
    shorten_imports(&report_wasm, &staging.join("report.js"), "./report_bg.js")?;

    let _ = fs::remove_dir_all(&out);
    copy_dir(&root.join("www"), &out)?;
    let wasm_bytes = fs::read(&wasm)?;
    let wasm_name = format!("pelita_bg-{}.wasm", hash_of(&wasm_bytes));
    fs::write(out.join(&wasm_name), &wasm_bytes)?;
    let js = fs::read_to_string(staging.join("pelita.js"))?;
    let (js_name, link_name, chunk_names) = write_chunks(&root, &staging, &out, &js, &split, dev)?;
    let chunks_marker = chunks_marker(&split, &chunk_names)?;
    let report_wasm_bytes = fs::read(&report_wasm)?;
    let report_wasm_name = format!("report_bg-{}.wasm", hash_of(&report_wasm_bytes));
    fs::write(out.join(&report_wasm_name), &report_wasm_bytes)?;
    let report_js = minify_js(
        &root,
        &staging,
        "report",
        &fs::read_to_string(staging.join("report.js"))?,
        true,
        dev,
    )?;
    let report_js_name = format!("report-{}.js", hash_of(report_js.as_bytes()));
    fs::write(out.join(&report_js_name), &report_js)?;
    let convert_wasm_bytes = fs::read(&convert_wasm)?;
    let convert_wasm_name = format!("convert_bg-{}.wasm", hash_of(&convert_wasm_bytes));
    fs::write(out.join(&convert_wasm_name), &convert_wasm_bytes)?;
    // wasm-bindgen declares the global with `let`, which a classic script keeps out of
    // `window`; the player looks for it there.
    let convert_js = fs::read_to_string(staging.join("convert.js"))?;
    let declared = "let pelitaMarkdown = ";
    if !convert_js.starts_with(declared) {
        bail!("convert.js does not start with `{declared}`: wasm-bindgen's output changed");
    }
    let convert_js = minify_js(
        &root,
        &staging,
        "convert",
        &format!("self.pelitaMarkdown = {}", &convert_js[declared.len()..]),
        false,
        dev,
    )?;
    let convert_js_name = format!("convert-{}.js", hash_of(convert_js.as_bytes()));
    fs::write(out.join(&convert_js_name), &convert_js)?;

    let style = fs::read_to_string(root.join("www/style.css"))?;
    let _ = fs::remove_file(out.join("style.css"));
    let template = fs::read_to_string(root.join("index.html"))?;
    // The splitter's link module is imported by the first chunk's script, so it is
    // preloaded with it rather than found one round trip later.
    let preload = format!(
        "<link rel=\"modulepreload\" href=\"{js_name}\">\n  <link rel=\"preload\" href=\"{wasm_name}\" as=\"fetch\" type=\"application/wasm\" crossorigin>\n  <link rel=\"modulepreload\" href=\"{link_name}\">"
    );
    // The learners' build, or for `view=report` the report's. If the player cannot start
    // (no WebAssembly, or the download failed), say so in both languages instead of
    // leaving the loading message up forever.
    let script = format!(
        "<script type=\"module\">var report = new URLSearchParams(location.search).get(\"view\") === \"report\";\n  import(report ? \"./{report_js_name}\" : \"./{js_name}\").then(function (m) {{\n    return m.default({{ module_or_path: report ? \"./{report_wasm_name}\" : \"./{wasm_name}\" }});\n  }}).catch(function (e) {{\n    var app = document.getElementById(\"app\"), main = document.createElement(\"main\");\n    main.className = \"error-page\"; main.setAttribute(\"role\", \"alert\");\n    main.textContent = \"Pelita tidak dapat dimulai: periksa koneksi, lalu muat ulang halaman. / Pelita could not start: check the connection, then reload the page.\";\n    if (app) {{ app.hidden = false; app.replaceChildren(main); }}\n    console.error(e);\n  }});\n</script>"
    );
    // The Markdown reader's two files, for the player (glue/markdown.rs) and for the
    // preload script above, which fetches them early when the URL names a `.md` module.
    let preload = format!(
        "<meta name=\"pelita-markdown\" content=\"{convert_js_name} {convert_wasm_name}\">\n  {preload}\n  {chunks_marker}"
    );
    let html = template
        .replace("<!-- pelita:preload -->", &preload)
        .replace("/* pelita:style */", &minify_css(&style))
        .replace("<!-- pelita:script -->", &script);
    let html = minify_inline_scripts(&root, &staging, &html, dev)?;
    for marker in ["pelita:preload", "pelita:style", "pelita:script"] {
        if html.contains(marker) {
            bail!("index.html still contains the marker {marker}");
        }
    }
    fs::write(out.join("index.html"), &html)?;
    let pages = prerender_pages(&out, &html)?;
    // index.html names both hashed assets and holds the inlined style and scripts, so its
    // hash changes whenever any part of the app shell does. The pre-rendered pages name
    // this build's assets, so the worker keeps them with the shell, but only those a
    // learner opens (a deployment may have hundreds): they are listed apart.
    let shell = vec!["index.html", js_name.as_str(), wasm_name.as_str()];
    let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
    // The chunks are cached at install too: a learner who goes offline after the first
    // page still has every question type and page.
    let mut chunks = vec![link_name.as_str()];
    chunks.extend(chunk_names.iter().map(|(_, name)| name.as_str()));
    write_service_worker(
        &out,
        &hash_of(html.as_bytes()),
        &shell,
        &chunks,
        &[&convert_js_name, &convert_wasm_name],
        &pages,
    )?;

    let modules_ok = check_modules(&out.join("modules"))?;
    // The page preloads launch.json beside the module; an empty one (no LRS, records kept
    // in the browser) saves every load a 404 and a console error. A real one in
    // www/modules/ is copied as it is.
    let launch = out.join("modules/launch.json");
    if out.join("modules").is_dir() && !launch.exists() {
        fs::write(&launch, "{}\n")?;
    }
    compress_tree(&out)?;
    eprintln!(
        "dist/ ready: {js_name} and {wasm_name} ({} bytes){}",
        wasm_bytes.len(),
        if modules_ok {
            ""
        } else {
            "; some modules have problems (see above)"
        }
    );
    Ok(())
}

/// The learners' wasm cut by `wasm_split_cli_support` at its split points.
struct Split {
    /// The first chunk, for wasm-bindgen.
    main: PathBuf,
    /// The other chunks (already through wasm-opt unless `--dev`).
    chunks: Vec<PathBuf>,
    /// The JavaScript that loads them (`__wasm_split.js`), importing `./pelita.js`.
    link: String,
    /// Each split point's chunk files (stems, such as `chunk_12` and `split_widgets`),
    /// everything its loader fetches.
    prefetch: std::collections::HashMap<String, Vec<String>>,
}

/// The file name the splitter's link module has, as the first chunk imports it.
const LINK_MODULE: &str = "./__wasm_split.js";

/// Splits the linked learners' wasm (built with `--emit-relocs`, see the player's
/// build.rs) into its first chunk and the chunks its split points load, with the
/// splitter leptos's `#[lazy]` uses. The first chunk then goes through wasm-bindgen
/// with `--keep-lld-exports` (the other chunks import the table, memory and functions it
/// exports); the others only through wasm-opt, as the splitter's own users do.
fn split_learner(root: &Path, wasm_in: &Path, staging: &Path, dev: bool) -> Result<Split> {
    let input = fs::read(wasm_in).with_context(|| format!("reading {}", wasm_in.display()))?;
    let dir = staging.join("split");
    let main = dir.join("pelita_split.wasm");
    let mut opts = wasm_split_cli_support::Options::new(&input);
    opts.output_dir = &dir;
    opts.main_out_path = &main;
    opts.link_name = LINK_MODULE;
    opts.main_module = "./pelita.js";
    opts.target.web();
    let split = wasm_split_cli_support::transform(opts)
        .map_err(|e| anyhow::anyhow!("splitting {}: {e:?}", wasm_in.display()))?;
    let mut chunks = split.split_modules;
    chunks.sort();
    if !dev {
        for chunk in &chunks {
            let optimised = chunk.with_extension("opt.wasm");
            run(Command::new(find_tool(root, "wasm-opt"))
                .arg(chunk)
                .args(WASM_OPT_FLAGS)
                .arg("-o")
                .arg(&optimised))?;
            fs::rename(&optimised, chunk)?;
        }
    }
    let link = fs::read_to_string(dir.join(LINK_MODULE))
        .context("the splitter wrote no __wasm_split.js")?;
    Ok(Split {
        main,
        chunks,
        link,
        prefetch: split.prefetch_map,
    })
}

/// Each later chunk's file stem as the splitter wrote it (`split_widgets`, `chunk_12`)
/// and its content-hashed name in `dist/`.
type ChunkNames = Vec<(String, String)>;

/// Writes the first chunk's JavaScript, the link module and the chunks into `out` under
/// content-hashed names, each file naming the others by those names. The first chunk's
/// JavaScript and the link module import each other, so both are named by a hash of the
/// two together (with the chunks' names in it): a change to either renames both.
/// Returns the JavaScript's name, the link module's and the chunks'.
fn write_chunks(
    root: &Path,
    staging: &Path,
    out: &Path,
    js: &str,
    split: &Split,
    dev: bool,
) -> Result<(String, String, ChunkNames)> {
    let mut link = split.link.clone();
    let mut chunk_names = Vec::new();
    for chunk in &split.chunks {
        let stem = chunk
            .file_stem()
            .and_then(|s| s.to_str())
            .context("a chunk's file name is not UTF-8")?;
        let bytes = fs::read(chunk)?;
        let name = format!("{stem}-{}.wasm", hash_of(&bytes));
        let quoted = format!("\"./{stem}.wasm\"");
        if !link.contains(&quoted) {
            bail!("__wasm_split.js does not load {quoted}: the splitter's output changed");
        }
        link = link.replace(&quoted, &format!("\"./{name}\""));
        fs::write(out.join(&name), &bytes)?;
        chunk_names.push((stem.to_string(), name));
    }
    // Only the import statements change: the wasm's own import object still names the
    // module as the splitter did (`'./__wasm_split.js': import1`).
    let imports_link = [
        format!("from '{LINK_MODULE}'"),
        format!("from \"{LINK_MODULE}\""),
    ];
    let Some(link_import) = imports_link.iter().find(|i| js.contains(i.as_str())) else {
        bail!("pelita.js does not import {LINK_MODULE}: wasm-bindgen's output changed");
    };
    let main_import = "\"./pelita.js\"";
    if !link.contains(main_import) {
        bail!("__wasm_split.js does not import {main_import}: the splitter's output changed");
    }
    // Both are minified after the names are put in, so the hash covers the minifier's
    // version too: a newer terser could write other bytes for the same input.
    let minifier = if dev {
        String::new()
    } else {
        let version = Command::new(find_tool(root, "terser"))
            .arg("--version")
            .output()
            .context("terser is missing: run scripts/setup.sh (npm ci)")?;
        String::from_utf8_lossy(&version.stdout).into_owned()
    };
    let hash = hash_of(format!("{js}\0{link}\0{minifier}").as_bytes());
    let js_name = format!("pelita-{hash}.js");
    let link_name = format!("split-{hash}.js");
    let js = js.replace(link_import.as_str(), &format!("from './{link_name}'"));
    let link = link.replace(main_import, &format!("\"./{js_name}\""));
    fs::write(
        out.join(&js_name),
        minify_js(root, staging, "pelita", &js, true, dev)?,
    )?;
    fs::write(
        out.join(&link_name),
        minify_js(root, staging, "split", &link, true, dev)?,
    )?;
    Ok((js_name, link_name, chunk_names))
}

/// The list of the chunk files of every piece a module's first page may need
/// (`pelita_player::prerender::chunks_marker`), for `index.html`: a pre-rendered page
/// names the files its first page needs, and its preload script fetches them beside the
/// first chunk. `names` maps the splitter's file stems to the hashed names written.
fn chunks_marker(split: &Split, names: &ChunkNames) -> Result<String> {
    let mut files = Vec::new();
    for piece in pelita_player::chunks::FirstPagePiece::ALL {
        let Some(stems) = split.prefetch.get(piece.name()) else {
            bail!(
                "the splitter made no chunk for the piece `{}`: its split point changed",
                piece.name()
            );
        };
        let hashed = stems
            .iter()
            .map(|stem| {
                names
                    .iter()
                    .find(|(s, _)| s == stem)
                    .map(|(_, name)| name.clone())
                    .with_context(|| format!("the splitter named a chunk {stem} it did not write"))
            })
            .collect::<Result<Vec<_>>>()?;
        files.push((piece.name(), hashed));
    }
    Ok(pelita_player::prerender::chunks_marker(&files))
}

/// Writes `<name>.html` beside `index.html` for every module `modules/<name>.json` that
/// loads: `index.html` (`page`) with the module's first page pre-rendered in its default
/// language by the player's own components (`pelita_player::prerender`), for static hosts,
/// which cannot choose a page by the query. A module that does not load gets no page (it
/// is reported by `check_modules`); a name the player's own files use is refused.
/// Returns the names written.
fn prerender_pages(out: &Path, page: &str) -> Result<Vec<String>> {
    let mut written = Vec::new();
    let Ok(entries) = fs::read_dir(out.join("modules")) else {
        return Ok(written);
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        if stem == "launch" {
            continue;
        }
        let html_name = format!("{stem}.html");
        if out.join(&html_name).exists() {
            bail!(
                "www/modules/{name}: its pre-rendered page would be dist/{html_name}, which the player already has; rename the module"
            );
        }
        let Ok(module) = pelita_lesson::load_module(&fs::read_to_string(&path)?) else {
            continue;
        };
        let html = pelita_player::prerender::page(
            page,
            std::rc::Rc::new(module),
            &format!("modules/{name}"),
            None,
        )
        .with_context(|| format!("pre-rendering www/modules/{name}"))?;
        fs::write(out.join(&html_name), html)?;
        written.push(html_name);
    }
    Ok(written)
}

/// Fills in the service worker's build line: this build's version, its app-shell files and
/// the later wasm chunks, which the worker downloads at install, the Markdown reader's files, which it
/// downloads only for a learner of Markdown modules, and the pre-rendered pages, which it
/// keeps once a learner opens them. Without that line the worker would cache nothing
/// (or another build's files), so a missing or repeated marker fails the build.
fn write_service_worker(
    out: &Path,
    version: &str,
    shell: &[&str],
    chunks: &[&str],
    reader: &[&str],
    pages: &[&str],
) -> Result<()> {
    const MARKER: &str = "/* pelita:build */";
    let path = out.join("sw.js");
    let text = fs::read_to_string(&path).context("reading sw.js (www/sw.js is missing?)")?;
    let marked = text.lines().filter(|l| l.contains(MARKER)).count();
    if marked != 1 {
        bail!("www/sw.js must have exactly one line with the marker {MARKER}, found {marked}");
    }
    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|name| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    let build = format!(
        "const BUILD = {{\"version\":\"{version}\",\"shell\":[{}],\"chunks\":[{}],\"reader\":[{}],\"pages\":[{}]}};",
        quoted(shell),
        quoted(chunks),
        quoted(reader),
        quoted(pages)
    );
    let mut filled = String::with_capacity(text.len() + build.len());
    for line in text.lines() {
        filled.push_str(if line.contains(MARKER) { &build } else { line });
        filled.push('\n');
    }
    fs::write(&path, filled)?;
    Ok(())
}

/// Drops comments and runs of white space: enough for a hand-written sheet.
fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map(|end| &rest[start + end + 2..])
            .unwrap_or("");
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Validates each module and prints every problem, located; returns whether all passed.
fn check_modules(dir: &Path) -> Result<bool> {
    let mut ok = true;
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(true);
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.ends_with(".json") || name == "launch.json" {
            continue;
        }
        let text = fs::read_to_string(&path)?;
        if let Err(e) = pelita_lesson::load_module(&text) {
            ok = false;
            eprintln!("{}", e.report(&format!("www/modules/{name}")));
        }
    }
    Ok(ok)
}

fn compress_tree(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            compress_tree(&path)?;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(
            ext,
            "html" | "js" | "wasm" | "css" | "json" | "svg" | "webmanifest"
        ) {
            continue;
        }
        // launch.json is deployment configuration, edited in place after the build; a
        // compressed copy would go stale and be served instead of the edited file.
        if path.file_name().is_some_and(|n| n == "launch.json") {
            continue;
        }
        let bytes = fs::read(&path)?;
        let mut br = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
            writer.write_all(&bytes)?;
        }
        fs::write(with_suffix(&path, "br"), br)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes)?;
        fs::write(with_suffix(&path, "gz"), gz.finish()?)?;
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::{short_name, shorten_imports};
    use std::fs;

    /// A module importing two functions from `./app_bg.js` and one from elsewhere, with a
    /// body, an export and a custom section that must come through unchanged.
    fn module() -> Vec<u8> {
        use wasm_encoder::*;
        let mut m = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], [ValType::I32]);
        m.section(&types);
        let mut imports = ImportSection::new();
        imports.import(
            "./app_bg.js",
            "__wbg_now_0123456789abcdef",
            EntityType::Function(0),
        );
        imports.import(
            "./__wasm_split.js",
            "__wasm_split_load",
            EntityType::Function(0),
        );
        imports.import(
            "./app_bg.js",
            "__wbindgen_init_externref_table",
            EntityType::Function(0),
        );
        m.section(&imports);
        let mut funcs = FunctionSection::new();
        funcs.function(0);
        m.section(&funcs);
        let mut exports = ExportSection::new();
        exports.export("answer", ExportKind::Func, 3);
        m.section(&exports);
        let mut code = CodeSection::new();
        let mut f = Function::new([]);
        f.instructions().i32_const(42).end();
        code.function(&f);
        m.section(&code);
        m.section(&CustomSection {
            name: "note".into(),
            data: b"kept".as_slice().into(),
        });
        m.finish()
    }

    const GLUE: &str = "const import0 = {\n        __wbg_now_0123456789abcdef: function() { return 1; },\n        __wbindgen_init_externref_table: function() { return 2; },\n    };\n";

    fn imports_of(wasm: &[u8]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            if let wasmparser::Payload::ImportSection(reader) = payload.expect("valid") {
                for import in reader.into_imports() {
                    let import = import.expect("valid");
                    out.push((import.module.to_string(), import.name.to_string()));
                }
            }
        }
        out
    }

    /// Each section but the imports: its id and its bytes.
    fn other_sections(wasm: &[u8]) -> Vec<(u8, Vec<u8>)> {
        let mut out = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            let payload = payload.expect("valid");
            if matches!(payload, wasmparser::Payload::ImportSection(_)) {
                continue;
            }
            if let Some((id, range)) = payload.as_section() {
                out.push((id, wasm[range.start as usize..range.end as usize].to_vec()));
            }
        }
        out
    }

    #[test]
    fn imports_from_the_glue_get_short_names_in_both_files() {
        let dir = std::env::temp_dir().join(format!("pelita-shorten-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let (wasm, js) = (dir.join("app_bg.wasm"), dir.join("app.js"));
        let before = module();
        fs::write(&wasm, &before).expect("write");
        fs::write(&js, GLUE).expect("write");
        shorten_imports(&wasm, &js, "./app_bg.js").expect("shortened");
        let after = fs::read(&wasm).expect("read");
        wasmparser::validate(&after).expect("still a valid module");
        assert_eq!(
            imports_of(&after),
            [
                ("./app_bg.js".to_string(), "a".to_string()),
                (
                    "./__wasm_split.js".to_string(),
                    "__wasm_split_load".to_string()
                ),
                ("./app_bg.js".to_string(), "b".to_string()),
            ]
        );
        assert_eq!(
            fs::read_to_string(&js).expect("read"),
            "const import0 = {\n        a: function() { return 1; },\n        b: function() { return 2; },\n    };\n"
        );
        // Every other section is the same bytes.
        assert_eq!(other_sections(&after), other_sections(&before));
        assert_eq!(other_sections(&before).len(), 5);
        fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_glue_that_does_not_name_an_import_once_stops_the_build() {
        let dir = std::env::temp_dir().join(format!("pelita-shorten-bad-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let (wasm, js) = (dir.join("app_bg.wasm"), dir.join("app.js"));
        for glue in [
            // The import is missing from the glue.
            GLUE.replace("__wbg_now_0123456789abcdef", "__wbg_now_fedcba9876543210"),
            // The glue names it a second time, outside the import object.
            format!("{GLUE}wasm.__wbg_now_0123456789abcdef();\n"),
        ] {
            fs::write(&wasm, module()).expect("write");
            fs::write(&js, &glue).expect("write");
            let error = shorten_imports(&wasm, &js, "./app_bg.js").expect_err("refused");
            assert!(
                error.to_string().contains("__wbg_now_0123456789abcdef"),
                "{error}"
            );
            assert_eq!(
                fs::read(&wasm).expect("read"),
                module(),
                "the wasm is left alone"
            );
            assert_eq!(
                fs::read_to_string(&js).expect("read"),
                glue,
                "the glue is left alone"
            );
        }
        fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(&names[..3], ["a", "b", "c"]);
        assert_eq!(names[51], "Z");
        assert_eq!(names[52], "aa");
        let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
        assert!(names
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphabetic())));
    }
}
