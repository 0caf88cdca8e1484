//! Starting the real `pelita serve` in a temporary folder and talking raw HTTP/1.1 to it,
//! shared by the serve and crash tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const PHISHING: &str = include_str!("../../../../www/modules/phishing.json");
pub const PHISHING_IMAGE: &str = include_str!("../../../../www/modules/img/phishing-email.svg");
pub const INDEX: &str = "<!doctype html><html><head><style>p{color:red}</style><script>var boot = 1;</script><script src=\"pelita-0123456789abcdef.js\"></script></head><body><p>player</p></body></html>";

pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(dir: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pelita"))
        .current_dir(dir)
        .args([
            "serve",
            "modules",
            "--player",
            "dist",
            "--port",
            "0",
            "--db",
            "lrs.sqlite",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pelita runs");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("a line before the URL").expect("utf-8");
        if let Some(rest) = line.split("Modules and launch links: http://").nth(1) {
            break rest.trim_end_matches("/pelita/").to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// A raw HTTP/1.1 request; returns status, headers (lower-case names) and body.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write");
    stream.write_all(body.as_bytes()).expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("modules/img")).expect("mkdir");
    std::fs::create_dir_all(p.join("dist")).expect("mkdir");
    std::fs::write(p.join("modules/phishing.json"), PHISHING).expect("write");
    std::fs::write(p.join("modules/img/phishing-email.svg"), PHISHING_IMAGE).expect("write");
    std::fs::write(p.join("dist/index.html"), INDEX).expect("write");
    std::fs::write(p.join("dist/pelita-0123456789abcdef.js"), "console.log(1)").expect("write");
    dir
}

pub fn sha256_source(text: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text.as_bytes()))
    )
}
