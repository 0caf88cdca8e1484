//! The pages `pelita serve` renders itself: the index of modules with their launch links,
//! and the records page (the statements the LRS stored, per learner and per module,
//! newest first, in words a person reads). Pure functions from data to HTML; every value
//! from a module or a statement is escaped, because both come from outside.

use serde_json::Value;
use std::collections::BTreeMap;

/// The style of both pages, inline so that they need no other request; the server allows
/// it in the Content-Security-Policy by its hash.
pub const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem;color:#1a1a1a}\
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem}\
table{border-collapse:collapse;width:100%;margin-bottom:1rem}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee;vertical-align:top}\
.bad{color:#a00}.ok{color:#070}.muted{color:#666}.voided{text-decoration:line-through;color:#888}code{font-size:.9em}\
a{color:#0b5cad}li{margin:.5rem 0}";

/// HTML-escapes text for element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, refresh: Option<u32>, body: &str) -> String {
    let refresh = refresh
        .map(|s| format!("<meta http-equiv=\"refresh\" content=\"{s}\">"))
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{refresh}<title>{}</title><link rel=\"icon\" href=\"data:,\"><style>{STYLE}</style></head><body>{body}</body></html>",
        esc(title)
    )
}

/// One module on the index page.
pub struct ModuleLink {
    /// The served file name.
    pub served: String,
    /// Its title.
    pub title: String,
    /// Its problems (empty when fine).
    pub problems: Vec<String>,
    /// The player URL that sends records to the local LRS.
    pub with_lrs: String,
    /// The player URL that keeps records in the browser.
    pub browser_only: String,
    /// The module's report (`view=report`) over this server's LRS.
    pub report: String,
}

/// The index page: every module with its launch links.
pub fn index(modules: &[ModuleLink], learner: &str, note: Option<&str>) -> String {
    let mut body = String::from("<h1>Pelita: modules</h1>");
    body.push_str(&format!(
        "<p>Each link opens the player as the local learner <b>{}</b>, sending every statement to the LRS of this server. <a href=\"records\">Records</a> shows what arrives.</p>",
        esc(learner)
    ));
    if let Some(note) = note {
        body.push_str(&format!("<p class=\"bad\">{}</p>", esc(note)));
    }
    if modules.is_empty() {
        body.push_str("<p class=\"bad\">No module found. Put module files (<code>.json</code>) in the folder given to <code>pelita serve</code>.</p>");
    }
    body.push_str("<ul>");
    for m in modules {
        body.push_str(&format!(
            "<li><a href=\"{}\"><b>{}</b></a> <span class=\"muted\">({})</span> &middot; <a href=\"{}\">records kept in the browser only</a> &middot; <a href=\"{}\">report</a>",
            esc(&m.with_lrs),
            esc(&m.title),
            esc(&m.served),
            esc(&m.browser_only),
            esc(&m.report)
        ));
        if !m.problems.is_empty() {
            body.push_str("<ul class=\"bad\">");
            for p in &m.problems {
                body.push_str(&format!("<li><code>{}</code></li>", esc(p)));
            }
            body.push_str("</ul>");
        }
        body.push_str("</li>");
    }
    body.push_str("</ul>");
    page("Pelita: modules", None, &body)
}

fn text_of(map: Option<&Value>, langs: &[&str]) -> Option<String> {
    let map = map?.as_object()?;
    langs
        .iter()
        .find_map(|l| map.get(*l))
        .or_else(|| map.values().next())
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// A person's name for an actor: its name, and the identifier it is known by.
pub fn learner_name(actor: &Value) -> String {
    let ifi = actor
        .get("mbox")
        .and_then(Value::as_str)
        .map(|m| m.trim_start_matches("mailto:").to_string())
        .or_else(|| {
            actor.get("account").map(|a| {
                format!(
                    "{} at {}",
                    a["name"].as_str().unwrap_or("?"),
                    a["homePage"].as_str().unwrap_or("?")
                )
            })
        })
        .or_else(|| {
            actor
                .get("openid")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| {
            actor
                .get("mbox_sha1sum")
                .and_then(Value::as_str)
                .map(|s| format!("sha1 {s}"))
        })
        .unwrap_or_else(|| "anonymous group".into());
    match actor.get("name").and_then(Value::as_str) {
        Some(name) => format!("{name} ({ifi})"),
        None => ifi,
    }
}

/// The module a statement belongs to: the known module whose id is its object or a
/// context activity, or of which its object is a part (`<module>/question/q1`).
fn module_of<'a>(
    statement: &Value,
    modules: &'a [(String, String)],
) -> Option<&'a (String, String)> {
    let mut ids: Vec<&str> = Vec::new();
    if let Some(id) = statement.pointer("/object/id").and_then(Value::as_str) {
        ids.push(id);
    }
    if let Some(Value::Object(ca)) = statement.pointer("/context/contextActivities") {
        for list in ca.values() {
            for a in list.as_array().into_iter().flatten() {
                if let Some(id) = a.get("id").and_then(Value::as_str) {
                    ids.push(id);
                }
            }
        }
    }
    modules.iter().find(|(mid, _)| {
        ids.iter().any(|id| {
            id == mid
                || id
                    .strip_prefix(mid.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    })
}

fn describe_result(result: Option<&Value>) -> String {
    let Some(r) = result else {
        return String::new();
    };
    let mut parts = Vec::new();
    match r.get("success").and_then(Value::as_bool) {
        Some(true) => parts.push("<span class=\"ok\">correct / passed</span>".to_string()),
        Some(false) => parts.push("<span class=\"bad\">wrong / failed</span>".to_string()),
        None => {}
    }
    if r.get("completion").and_then(Value::as_bool) == Some(true) {
        parts.push("completed".into());
    }
    if let Some(score) = r.get("score") {
        let raw = score.get("raw").and_then(Value::as_f64);
        let max = score.get("max").and_then(Value::as_f64);
        let scaled = score.get("scaled").and_then(Value::as_f64);
        let mut s = String::from("score ");
        if let (Some(raw), Some(max)) = (raw, max) {
            s.push_str(&format!("{raw} of {max}"));
        }
        if let Some(scaled) = scaled {
            s.push_str(&format!(" ({:.0}%)", scaled * 100.0));
        }
        parts.push(esc(s.trim()));
    }
    if let Some(resp) = r.get("response").and_then(Value::as_str) {
        parts.push(format!("answer <code>{}</code>", esc(resp)));
    }
    if let Some(d) = r.get("duration").and_then(Value::as_str) {
        parts.push(format!(
            "time {}",
            esc(d.trim_start_matches("PT").to_ascii_lowercase().as_str())
        ));
    }
    parts.join(", ")
}

/// A module's title and the table rows of one learner's statements about it.
type ModuleRows = (String, Vec<String>);

/// The records page. `statements` are newest first, each with whether it is voided;
/// `modules` are the known modules as (id, title).
pub fn records(
    statements: &[(Value, bool)],
    modules: &[(String, String)],
    shown_limit: usize,
) -> String {
    // learner -> module title -> rows, kept in the order first seen (newest first).
    let mut learners: Vec<(String, Vec<ModuleRows>)> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (s, voided) in statements {
        let learner = learner_name(s.get("actor").unwrap_or(&Value::Null));
        let module = module_of(s, modules).map_or_else(
            || "Other activities".to_string(),
            |(_, title)| title.clone(),
        );
        let when = s
            .get("timestamp")
            .and_then(Value::as_str)
            .unwrap_or("")
            .replacen('T', " ", 1);
        let verb = text_of(s.pointer("/verb/display"), &["en", "id"]).unwrap_or_else(|| {
            s.pointer("/verb/id")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .rsplit('/')
                .next()
                .unwrap_or("?")
                .to_string()
        });
        let object = text_of(s.pointer("/object/definition/name"), &["en", "id"])
            .or_else(|| {
                s.pointer("/object/id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .unwrap_or_else(|| {
                s.pointer("/object/objectType")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string()
            });
        let class = if *voided {
            " class=\"voided\" title=\"voided\""
        } else {
            ""
        };
        let row = format!(
            "<tr{class}><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&when),
            esc(&verb),
            esc(&object),
            describe_result(s.get("result"))
        );
        let li = *index.entry(learner.clone()).or_insert_with(|| {
            learners.push((learner.clone(), Vec::new()));
            learners.len() - 1
        });
        let groups = &mut learners[li].1;
        match groups.iter_mut().find(|(m, _)| *m == module) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((module, vec![row])),
        }
    }
    let mut body = String::from("<h1>Pelita: records</h1>");
    body.push_str(&format!(
        "<p class=\"muted\">The statements this server's LRS stored, newest first, per learner and per module (the latest {shown_limit} at most). This page refreshes every 5 seconds. <a href=\"./\">Modules</a> &middot; <a href=\"../xapi/statements\">the same as JSON</a> (needs the <code>X-Experience-API-Version</code> header).</p>"
    ));
    if learners.is_empty() {
        body.push_str(
            "<p>No statement yet: open a module from the <a href=\"./\">module list</a>.</p>",
        );
    }
    for (learner, groups) in &learners {
        body.push_str(&format!("<h2>{}</h2>", esc(learner)));
        for (module, rows) in groups {
            body.push_str(&format!(
                "<h3>{}</h3><table><thead><tr><th>When (UTC)</th><th>Did</th><th>What</th><th>Result</th></tr></thead><tbody>{}</tbody></table>",
                esc(module),
                rows.join("")
            ));
        }
    }
    page("Pelita: records", Some(5), &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_group_by_learner_and_module_and_escape_everything() {
        let modules = vec![(
            "https://pelita.example.org/m1".to_string(),
            "Phishing <b>".to_string(),
        )];
        let s = |name: &str, object: &str, verb: &str, result: Value| {
            json!({
                "actor": { "name": name, "mbox": format!("mailto:{}@example.org", name.to_lowercase()) },
                "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}"), "display": { "en": verb } },
                "object": { "id": object, "definition": { "name": { "en": "Q1 <script>" } } },
                "result": result,
                "timestamp": "2026-01-02T03:04:05.000Z"
            })
        };
        let list = vec![
            (
                s(
                    "Siti",
                    "https://pelita.example.org/m1/question/q1",
                    "answered",
                    json!({ "success": true, "response": "a<b", "score": { "raw": 1, "max": 1, "scaled": 1 } }),
                ),
                false,
            ),
            (
                s("Budi", "https://other.example/x", "experienced", json!({})),
                true,
            ),
            (
                s(
                    "Siti",
                    "https://pelita.example.org/m1",
                    "completed",
                    json!({ "completion": true, "duration": "PT12S" }),
                ),
                false,
            ),
        ];
        let html = records(&list, &modules, 1000);
        assert!(html.contains("<h2>Siti (siti@example.org)</h2>"));
        assert!(html.contains("<h2>Budi (budi@example.org)</h2>"));
        assert!(html.contains("<h3>Phishing &lt;b&gt;</h3>"));
        assert!(html.contains("<h3>Other activities</h3>"));
        assert!(html.contains("Q1 &lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("answer <code>a&lt;b</code>"));
        assert!(html.contains("score 1 of 1 (100%)"));
        assert!(html.contains("class=\"voided\""));
        assert!(html.contains("time 12s"));
        // Siti's two statements are in one module table, newest (answered) first.
        let answered = html.find("answered").unwrap();
        let completed = html.find("completed").unwrap();
        assert!(answered < completed);
        assert_eq!(html.matches("<h2>Siti").count(), 1);
        assert_eq!(html.matches("<h3>Phishing").count(), 1);
    }

    #[test]
    fn index_lists_problems_and_escapes_links() {
        let html = index(
            &[ModuleLink {
                served: "a.json".into(),
                title: "A & B".into(),
                problems: vec!["a.json:1:2: $: bad <x>".into()],
                with_lrs: "/?module=modules/a.json&endpoint=x".into(),
                browser_only: "/?module=modules/a.json".into(),
                report: "/?view=report&module=modules/a.json&endpoint=x".into(),
            }],
            "Peserta",
            None,
        );
        assert!(html.contains("A &amp; B"));
        assert!(html.contains("bad &lt;x&gt;"));
        assert!(html.contains("href=\"/?module=modules/a.json&amp;endpoint=x\""));
        assert!(html.contains(
            "href=\"/?view=report&amp;module=modules/a.json&amp;endpoint=x\">report</a>"
        ));
        assert!(index(&[], "x", None).contains("No module found"));
    }
}
