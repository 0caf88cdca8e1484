//! `pelita pack`: the player, one module, its images and the format's manifest in one zip.
//!
//! Packing is planned first (every entry's name and source, sorted, with the manifest made
//! from that list) and written second, so the manifest lists exactly what the zip holds
//! and the same inputs always give the same bytes: entries in name order, one fixed
//! timestamp, fixed permissions, no extra fields.

use crate::check::Checked;
use crate::manifest::{self, MoveOn};
use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// What kind of package to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A cmi5 course package with `cmi5.xml`.
    Cmi5,
    /// A SCORM 1.2 content package with `imsmanifest.xml`.
    Scorm12,
    /// A SCORM 2004 4th edition content package with `imsmanifest.xml`.
    Scorm2004,
    /// The player and module alone, to unpack on any static web host.
    Web,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Cmi5 => "cmi5",
            Format::Scorm12 => "SCORM 1.2",
            Format::Scorm2004 => "SCORM 2004 4th edition",
            Format::Web => "web",
        }
    }
}

/// Everything `pack` needs besides the checked module.
#[derive(Debug)]
pub struct Options {
    /// The package format.
    pub format: Format,
    /// cmi5 only: when the LMS counts the AU as done.
    pub move_on: MoveOn,
    /// The built player (`dist/`).
    pub player: PathBuf,
    /// The zip to write.
    pub output: PathBuf,
}

/// What was written, for the closing message.
#[derive(Debug)]
pub struct Packed {
    /// How many files the zip holds.
    pub files: usize,
    /// The zip's size in bytes.
    pub bytes: u64,
    /// The launch URL relative to the zip root.
    pub launch_url: String,
}

/// Where an entry's bytes come from.
enum Source {
    File(PathBuf),
    Bytes(Vec<u8>),
}

/// The launch file of the module, relative to the player (and to the zip root).
pub fn module_entry(checked: &Checked) -> Result<String> {
    let stem = checked
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .with_context(|| {
            format!(
                "{}: the module's file name must be UTF-8 text",
                checked.path.display()
            )
        })?;
    // The package's own launch.json sits in modules/ too and would replace the module.
    if stem == "launch" {
        bail!(
            "{}: a module cannot be named launch.json (the package's launch settings use that name); rename the file",
            checked.path.display()
        );
    }
    Ok(format!("modules/{stem}.json"))
}

/// Builds the package at `options.output`.
pub fn pack(checked: &Checked, options: &Options) -> Result<Packed> {
    check_output(&options.output)?;
    let player = player_files(&options.player, &options.output)?;
    let module_name = module_entry(checked)?;
    let launch_url = format!("index.html?module={}", manifest::encode_path(&module_name));

    let mut entries: BTreeMap<String, Source> = BTreeMap::new();
    for (name, path) in player {
        // The LMS launches index.html: it becomes this module's pre-rendered first page.
        // The build's pages of its own example modules stay out.
        let source = if name.ends_with(".html") {
            let html =
                fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            if name == "index.html" {
                let page =
                    crate::prerender::page(&html, checked.module.clone(), &module_name, None)?;
                Source::Bytes(page.into_bytes())
            } else if crate::prerender::is_prerendered(&html) {
                continue;
            } else {
                Source::File(path)
            }
        } else {
            Source::File(path)
        };
        add(&mut entries, name, source)?;
    }
    add(
        &mut entries,
        module_name.clone(),
        Source::Bytes(checked.bytes.clone()),
    )?;
    for (inside, path) in &checked.images {
        add(
            &mut entries,
            format!("modules/{inside}"),
            Source::File(path.clone()),
        )?;
    }
    // No LRS by default: the LMS (cmi5, SCORM) or the site owner supplies one. The page
    // fetches this file beside the module, so it must exist.
    add(
        &mut entries,
        "modules/launch.json".into(),
        Source::Bytes(b"{}\n".to_vec()),
    )?;

    // The worker's shell must be what the package holds, or it never installs.
    if let Some(Source::File(path)) = entries.get("sw.js") {
        let sw = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let worker = package_worker(&sw, |name| entries.contains_key(name))?;
        entries.insert("sw.js".into(), Source::Bytes(worker.into_bytes()));
    }

    let files: Vec<String> = entries.keys().cloned().collect();
    // `lms=scorm` tells the player it was launched as SCORM content, so that finding no
    // SCORM API is said to the learner (the LMS is then recording nothing).
    let parameters = format!("{}&lms=scorm", manifest::item_parameters(&module_name));
    let manifest = match options.format {
        Format::Cmi5 => Some((
            "cmi5.xml",
            manifest::cmi5_xml(&checked.module, &launch_url, options.move_on),
        )),
        Format::Scorm12 => Some((
            "imsmanifest.xml",
            manifest::scorm12_manifest(&checked.module, &parameters, &files),
        )),
        Format::Scorm2004 => Some((
            "imsmanifest.xml",
            manifest::scorm2004_manifest(&checked.module, &parameters, &files),
        )),
        Format::Web => None,
    };
    if let Some((name, xml)) = manifest {
        add(
            &mut entries,
            name.to_string(),
            Source::Bytes(xml.into_bytes()),
        )?;
    }
    // The control documents the SCORM manifest's `xsi:schemaLocation` names go at the
    // root, after the file list was made: they describe the manifest, not the content,
    // and the manifest lists them nowhere.
    let schemas = match options.format {
        Format::Scorm12 => manifest::SCORM12_SCHEMAS,
        Format::Scorm2004 => manifest::SCORM2004_SCHEMAS,
        Format::Cmi5 | Format::Web => &[],
    };
    for (name, bytes) in schemas {
        add(
            &mut entries,
            (*name).to_string(),
            Source::Bytes(bytes.to_vec()),
        )?;
    }

    let count = entries.len();
    write_zip(&entries, &options.output)?;
    let bytes = fs::metadata(&options.output)
        .with_context(|| format!("reading {}", options.output.display()))?
        .len();
    Ok(Packed {
        files: count,
        bytes,
        launch_url,
    })
}

/// The service worker with its lists of files cut down to those the package holds. The
/// build lists the pre-rendered page of each of its example modules, and a package leaves
/// them out (and the Markdown reader): its own page is its `index.html`, in the shell. A
/// worker that cannot download its whole shell never installs, and the package would then
/// not open offline.
fn package_worker(sw: &str, holds: impl Fn(&str) -> bool) -> Result<String> {
    const PREFIX: &str = "const BUILD = ";
    // A worker without the build's line is not one this build wrote: it goes in as it is.
    let Some(start) = sw.find(PREFIX) else {
        return Ok(sw.to_string());
    };
    let from = start + PREFIX.len();
    let end = sw[from..]
        .find(";\n")
        .map(|i| from + i)
        .context("sw.js: the line `const BUILD = ...` does not end with `;`")?;
    let mut build: serde_json::Value = serde_json::from_str(&sw[from..end]).context(
        "sw.js: the line `const BUILD = ...` does not hold JSON; rebuild with `cargo xtask dist`",
    )?;
    for key in ["shell", "reader", "pages"] {
        if let Some(list) = build.get_mut(key).and_then(|v| v.as_array_mut()) {
            list.retain(|name| name.as_str().is_some_and(&holds));
        }
    }
    Ok(format!("{}{build}{}", &sw[..from], &sw[end..]))
}

/// Refuses an output that cannot become a zip file before any work is done.
fn check_output(output: &Path) -> Result<()> {
    if output.is_dir() {
        bail!(
            "{} is a folder; give the zip's file name, such as {}",
            output.display(),
            output.join("module.zip").display()
        );
    }
    let parent = output.parent().unwrap_or(Path::new(""));
    if !parent.as_os_str().is_empty() && !parent.is_dir() {
        bail!(
            "cannot write {}: the folder {} does not exist",
            output.display(),
            parent.display()
        );
    }
    Ok(())
}

/// Adds an entry, refusing a second file under the same name (an image named like the
/// module, say) instead of silently keeping one of them.
fn add(entries: &mut BTreeMap<String, Source>, name: String, source: Source) -> Result<()> {
    if entries.contains_key(&name) {
        bail!("two files would be packed as `{name}`; rename one of them");
    }
    entries.insert(name, source);
    Ok(())
}

/// A sentence for the user about what was written.
pub fn describe(packed: &Packed, options: &Options) -> String {
    let next = match options.format {
        Format::Web => format!(
            "unpack it on any static web host and open {}",
            packed.launch_url
        ),
        _ => "upload it to the LMS".to_string(),
    };
    format!(
        "wrote {} ({} package, {} files, {} bytes); {next}",
        options.output.display(),
        options.format.name(),
        packed.files,
        packed.bytes
    )
}

/// The built player's files, by their path inside the player folder.
///
/// Left out: the `.br`/`.gz` siblings the build writes for a server that negotiates
/// encodings (an LMS serves files as they are, so they would only double the upload), the
/// Markdown reader and the report view's build, and the whole `modules/` folder, whose
/// example modules do not belong in someone else's package.
fn player_files(dir: &Path, output: &Path) -> Result<Vec<(String, PathBuf)>> {
    let shown = dir.display();
    if !dir.is_dir() {
        bail!("the player folder {shown} does not exist; build the player with `cargo xtask dist` (or give its folder with --player)");
    }
    let index = dir.join("index.html");
    let html = fs::read_to_string(&index).map_err(|_| {
        anyhow::anyhow!(
            "{shown} has no index.html, so it is not a built player; run `cargo xtask dist`"
        )
    })?;
    if html.contains("<!-- pelita:script -->") {
        bail!("{shown}/index.html is the unbuilt page template, not a built player; run `cargo xtask dist` and pack from dist/");
    }
    let top: Vec<String> = fs::read_dir(dir)
        .with_context(|| format!("reading {shown}"))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let has = |prefix: &str, suffix: &str| {
        top.iter()
            .any(|n| n.starts_with(prefix) && n.ends_with(suffix))
    };
    if !has("pelita-", ".js") || !has("pelita_bg-", ".wasm") {
        bail!("{shown} has no pelita-*.js and pelita_bg-*.wasm, so the player is not built; run `cargo xtask dist`");
    }
    // A zip written into the player folder by an earlier run must not be packed again.
    let skip = fs::canonicalize(output).ok();
    let mut files = Vec::new();
    walk(dir, "", &skip, &mut files)?;
    Ok(files)
}

fn walk(
    dir: &Path,
    prefix: &str,
    skip: &Option<PathBuf>,
    files: &mut Vec<(String, PathBuf)>,
) -> Result<()> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let name = entry.file_name().into_string().map_err(|name| {
            anyhow::anyhow!(
                "{}: file names must be UTF-8 text to go into a zip",
                dir.join(name).display()
            )
        })?;
        names.push(name);
    }
    names.sort();
    for name in &names {
        let path = dir.join(name);
        let inside = format!("{prefix}{name}");
        if path.is_dir() {
            if inside != "modules" {
                walk(&path, &format!("{inside}/"), skip, files)?;
            }
            continue;
        }
        let sibling = [".br", ".gz"].iter().any(|ext| {
            name.strip_suffix(ext)
                .is_some_and(|base| names.iter().any(|n| n == base))
        });
        // A package holds its module as JSON and reports to the LMS, so the Markdown reader
        // and the report view's build (hashed `convert-*` and `report-*` files at the top)
        // would only make the upload bigger.
        let unused = prefix.is_empty()
            && ["convert-", "convert_bg-", "report-", "report_bg-"]
                .iter()
                .any(|p| name.starts_with(p));
        if sibling || unused || skip.is_some() && fs::canonicalize(&path).ok() == *skip {
            continue;
        }
        files.push((inside, path));
    }
    Ok(())
}

/// Writes the zip beside `output` under a temporary name and renames it at the end, so a
/// failed or interrupted run never leaves a truncated package that looks finished.
fn write_zip(entries: &BTreeMap<String, Source>, output: &Path) -> Result<()> {
    let mut sizes = Vec::with_capacity(entries.len());
    for source in entries.values() {
        sizes.push(match source {
            Source::File(path) => fs::metadata(path)
                .with_context(|| format!("reading {}", path.display()))?
                .len(),
            Source::Bytes(bytes) => bytes.len() as u64,
        });
    }
    let total: u64 = sizes.iter().sum();
    let target = if io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) =
        ProgressStyle::with_template("packing [{bar:30}] {bytes}/{total_bytes} {wide_msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }

    let file_name = output
        .file_name()
        .with_context(|| format!("{} is not a file name", output.display()))?;
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(file_name);
    partial_name.push(".partial");
    let partial = output.with_file_name(partial_name);
    let result = write_entries(entries, &sizes, &partial, &bar);
    bar.finish_and_clear();
    match result.and_then(|()| {
        fs::rename(&partial, output)
            .with_context(|| format!("moving the finished zip to {}", output.display()))
    }) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn write_entries(
    entries: &BTreeMap<String, Source>,
    sizes: &[u64],
    partial: &Path,
    bar: &ProgressBar,
) -> Result<()> {
    let file = File::create(partial).with_context(|| format!("creating {}", partial.display()))?;
    let mut zip = ZipWriter::new(BufWriter::new(file));
    // 2000-01-01 rather than the DOS epoch (1980-01-01): some unzip tools shift that date
    // by the time zone into 1979, which the format cannot hold, and refuse the file.
    let when = DateTime::from_date_and_time(2000, 1, 1, 0, 0, 0)
        .map_err(|_| anyhow::anyhow!("the fixed zip timestamp is out of range"))?;
    for ((name, source), size) in entries.iter().zip(sizes) {
        bar.set_message(name.clone());
        let options = SimpleFileOptions::default()
            .compression_method(method_for(name))
            .last_modified_time(when)
            .unix_permissions(0o644)
            .large_file(*size >= u64::from(u32::MAX));
        zip.start_file(name.as_str(), options)
            .with_context(|| format!("adding {name} to the zip"))?;
        match source {
            Source::File(path) => {
                let input =
                    File::open(path).with_context(|| format!("reading {}", path.display()))?;
                io::copy(&mut bar.wrap_read(input), &mut zip)
                    .with_context(|| format!("packing {}", path.display()))?;
            }
            Source::Bytes(bytes) => {
                zip.write_all(bytes)
                    .with_context(|| format!("packing {name}"))?;
                bar.inc(bytes.len() as u64);
            }
        }
    }
    let mut writer = zip.finish().context("finishing the zip")?;
    writer
        .flush()
        .with_context(|| format!("writing {}", partial.display()))?;
    Ok(())
}

/// Already-compressed media gain nothing from deflate and large ones would only cost time,
/// so they are stored; everything else (HTML, JS, wasm, JSON, SVG) is deflated.
fn method_for(name: &str) -> CompressionMethod {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some(
            "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "mp3" | "m4a" | "mp4" | "webm"
            | "ogg" | "oga" | "ogv" | "woff" | "woff2" | "zip" | "gz" | "br",
        ) => CompressionMethod::Stored,
        _ => CompressionMethod::Deflated,
    }
}
