//! The real `pelita serve` on 127.0.0.1 with an OS-assigned port, a fake built player and
//! a temporary modules folder: the index page and its launch links, the module and image
//! files, the Content-Security-Policy (with the hashes of the player's inline scripts and
//! styles), the LRS under /xapi/, the records page, reloading a changed module, refusing
//! to listen beyond loopback without credentials, and a clean stop on SIGINT.

mod serving;

use serving::*;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn serve_shows_modules_serves_player_and_lrs_and_records() {
    let dir = setup();
    let server = start(dir.path(), &[]);
    let a = server.addr.as_str();

    // The index lists the module with a launch link carrying the local LRS and learner.
    let (status, headers, body) = http(a, "GET", "/pelita/", &[], "");
    assert_eq!(status, 200);
    assert!(
        body.contains("Mengenali Phishing / Recognising Phishing"),
        "{body}"
    );
    let endpoint: String =
        form_urlencoded::byte_serialize(format!("http://{a}/xapi/").as_bytes()).collect();
    assert!(body.contains(&format!("endpoint={endpoint}")), "{body}");
    assert!(body.contains("actor=%7B"), "{body}");
    // And a link to the module's report over the same LRS.
    assert!(
        body.contains(&format!(
            "/?view=report&amp;module=modules%2Fphishing.json&amp;endpoint={endpoint}\">report</a>"
        )),
        "{body}"
    );
    let csp = header(&headers, "content-security-policy")
        .expect("CSP on the index")
        .to_string();

    // The player, with a CSP that allows exactly its inline script and style by hash.
    let (status, headers, body) = http(a, "GET", "/", &[], "");
    assert_eq!(status, 200);
    assert_eq!(body, INDEX);
    let policy = header(&headers, "content-security-policy").expect("CSP");
    assert_eq!(policy, csp);
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{policy}"
    );
    assert!(policy.contains(&sha256_source("var boot = 1;")), "{policy}");
    assert!(policy.contains(&sha256_source("p{color:red}")), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(policy.contains("object-src 'none'"));
    assert_eq!(header(&headers, "cache-control"), Some("no-cache"));
    let (_, headers, _) = http(a, "GET", "/pelita-0123456789abcdef.js", &[], "");
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );

    // The module and its image.
    let (status, headers, body) = http(a, "GET", "/modules/phishing.json", &[], "");
    assert_eq!(status, 200);
    assert_eq!(body, PHISHING);
    assert!(header(&headers, "content-type").is_some_and(|t| t.starts_with("application/json")));
    let (status, _, body) = http(a, "GET", "/modules/img/phishing-email.svg", &[], "");
    assert_eq!(status, 200);
    assert_eq!(body, PHISHING_IMAGE);
    assert_eq!(
        http(a, "GET", "/modules/..%2f..%2fetc%2fpasswd", &[], "").0,
        404
    );
    assert_eq!(http(a, "GET", "/modules/nothing.json", &[], "").0, 404);

    // The LRS: a statement in, then on the records page in words.
    let statement = r#"{"actor":{"name":"Siti","mbox":"mailto:siti@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"en":"answered"}},"object":{"id":"https://pelita.example.org/modules/phishing/question/q-pin","definition":{"name":{"en":"PIN question"}}},"result":{"success":true,"response":"false"}}"#;
    let (status, headers, body) = http(
        a,
        "POST",
        "/xapi/statements",
        &[
            ("Content-Type", "application/json"),
            ("X-Experience-API-Version", "1.0.3"),
        ],
        statement,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(header(&headers, "x-experience-api-version"), Some("1.0.3"));
    assert_eq!(
        header(&headers, "content-security-policy"),
        None,
        "the LRS answers JSON, not pages"
    );
    let (status, headers, body) = http(a, "GET", "/pelita/records", &[], "");
    assert_eq!(status, 200);
    assert!(header(&headers, "content-security-policy").is_some());
    assert!(body.contains("<h2>Siti (siti@example.org)</h2>"), "{body}");
    assert!(
        body.contains("<h3>Mengenali Phishing / Recognising Phishing</h3>"),
        "{body}"
    );
    assert!(body.contains("PIN question"));
    assert!(body.contains("http-equiv=\"refresh\""));

    // A changed module is reloaded: the index shows the new title within a few seconds.
    let changed = PHISHING.replacen("Recognising Phishing", "Spotting Phishing", 1);
    assert_ne!(changed, PHISHING);
    std::fs::write(dir.path().join("modules/phishing.json"), &changed).expect("write");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, _, body) = http(a, "GET", "/pelita/", &[], "");
        if body.contains("Spotting Phishing") {
            break;
        }
        assert!(Instant::now() < deadline, "the module was not reloaded");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(http(a, "GET", "/modules/phishing.json", &[], "").2, changed);
}

#[test]
fn serve_stops_cleanly_on_sigint_and_keeps_the_records() {
    let dir = setup();
    let mut server = start(dir.path(), &[]);
    let a = server.addr.clone();
    let statement = r#"{"id":"6f1b7c3e-1a2b-4c3d-8e4f-5a6b7c8d9e0f","actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},"object":{"id":"https://example.org/a"}}"#;
    let json = [
        ("Content-Type", "application/json"),
        ("X-Experience-API-Version", "1.0.3"),
    ];
    assert_eq!(
        http(&a, "POST", "/xapi/statements", &json, statement).0,
        200
    );
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = server.child.wait().expect("wait");
    assert!(exit.success(), "{exit:?}");
    let mut err = String::new();
    server
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read");
    assert!(!err.contains("panicked"), "{err}");

    let again = start(dir.path(), &[]);
    let (status, _, body) = http(
        &again.addr,
        "GET",
        "/xapi/statements?statementId=6f1b7c3e-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
        &[("X-Experience-API-Version", "1.0.3")],
        "",
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn serve_needs_credentials_beyond_loopback_and_a_built_player() {
    let dir = setup();
    let out = Command::new(env!("CARGO_BIN_EXE_pelita"))
        .current_dir(dir.path())
        .args([
            "serve", "modules", "--player", "dist", "--port", "0", "--bind", "0.0.0.0",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--credentials"));
    let out = Command::new(env!("CARGO_BIN_EXE_pelita"))
        .current_dir(dir.path())
        .args(["serve", "modules", "--player", "nowhere", "--port", "0"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cargo xtask dist"));
}

#[test]
fn serve_with_credentials_guards_the_lrs_and_the_records() {
    let dir = setup();
    let mut make = Command::new(env!("CARGO_BIN_EXE_pelita"))
        .args(["credential", "office"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("runs");
    make.stdin
        .take()
        .expect("stdin")
        .write_all(b"pilot secret\n")
        .expect("write");
    let out = make.wait_with_output().expect("wait");
    assert!(out.status.success());
    let line = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(line.starts_with("office:$argon2id$"), "{line}");
    assert!(!line.contains("pilot secret"));
    std::fs::write(dir.path().join("credentials"), &line).expect("write");

    let server = start(
        dir.path(),
        &[
            "--credentials",
            "credentials",
            "--launch-auth",
            "office:pilot secret",
        ],
    );
    let a = server.addr.as_str();
    let version = ("X-Experience-API-Version", "1.0.3");
    assert_eq!(http(a, "GET", "/xapi/statements", &[version], "").0, 401);
    assert_eq!(http(a, "GET", "/pelita/records", &[], "").0, 401);
    use base64::Engine;
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("office:pilot secret")
    );
    assert_eq!(
        http(
            a,
            "GET",
            "/xapi/statements",
            &[version, ("Authorization", &auth)],
            ""
        )
        .0,
        200
    );
    assert_eq!(
        http(a, "GET", "/pelita/records", &[("Authorization", &auth)], "").0,
        200
    );
    // The launch links carry the credentials the player needs.
    let (_, _, body) = http(a, "GET", "/pelita/", &[], "");
    let encoded: String = form_urlencoded::byte_serialize(auth.as_bytes()).collect();
    assert!(body.contains(&format!("auth={encoded}")), "{body}");
    assert_eq!(
        body.matches(&format!("auth={encoded}")).count(),
        2,
        "launch and report links: {body}"
    );

    // A launch secret the file does not accept is refused at start.
    let out = Command::new(env!("CARGO_BIN_EXE_pelita"))
        .current_dir(dir.path())
        .args([
            "serve",
            "modules",
            "--player",
            "dist",
            "--port",
            "0",
            "--credentials",
            "credentials",
            "--launch-auth",
            "office:wrong",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
}

#[test]
fn serve_lists_every_example_module_of_www_modules_without_a_problem() {
    // The project's own examples folder, copied as it is (modules, images, recordings): the
    // index links all four example modules of issue 7, and finds nothing wrong with any.
    let dir = setup();
    let www = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/modules");
    for sub in ["", "img", "media"] {
        std::fs::create_dir_all(dir.path().join("modules").join(sub)).expect("mkdir");
        for entry in std::fs::read_dir(www.join(sub)).expect("www/modules") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                let name = path.file_name().expect("a file name");
                std::fs::copy(&path, dir.path().join("modules").join(sub).join(name))
                    .expect("copy");
            }
        }
    }
    let server = start(dir.path(), &[]);
    let (status, _, body) = http(server.addr.as_str(), "GET", "/pelita/", &[], "");
    assert_eq!(status, 200);
    for (file, title) in [
        ("phishing.json", "Mengenali Phishing / Recognising Phishing"),
        (
            "kata-sandi.json",
            "Kata Sandi dan Verifikasi Dua Langkah / Passwords and Two-Step Verification",
        ),
        (
            "analitik-data.json",
            "Membaca Data Layanan Publik / Reading Public-Service Data",
        ),
        (
            "pemecahan-masalah.json",
            "Memecahkan Masalah di Tempat Kerja / Solving Problems at Work",
        ),
    ] {
        assert!(body.contains(title), "{title} is not listed: {body}");
        assert!(
            body.contains(&format!("?module=modules%2F{file}&amp;endpoint=")),
            "{file}: {body}"
        );
    }
    assert_eq!(body.matches("<li><a href=").count(), 4, "{body}");
    assert!(
        !body.contains("class=\"bad\""),
        "a module has a problem: {body}"
    );
}
