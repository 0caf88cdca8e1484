//! Launch parameters from the URL query and from launch.json, good and bad.

use pelita_xapi::Launch;

fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn a_full_xapi_launch_query() {
    let launch = Launch::from_query(&q(&[
        ("endpoint", "http://127.0.0.1:9000/xAPI"),
        ("auth", "Basic dXNlcjpwYXNz"),
        ("actor", r#"{"objectType":"Agent","name":"Budi","account":{"homePage":"https://sso.example.go.id","name":"budi-01"}}"#),
        ("registration", "0f9a4e33-2b1c-4c8e-9a55-2a5f5d8d1e10"),
        ("activity_id", "https://lms.example/a/1"),
        ("module", "modules/phishing.json"),
        ("utm_source", "ignored"),
    ]))
    .expect("valid");
    assert_eq!(
        launch.endpoint.as_deref(),
        Some("http://127.0.0.1:9000/xAPI/")
    );
    assert_eq!(
        launch.statements_url().as_deref(),
        Some("http://127.0.0.1:9000/xAPI/statements")
    );
    assert_eq!(launch.auth.as_deref(), Some("Basic dXNlcjpwYXNz"));
    let actor = launch.actor.expect("actor");
    assert_eq!(actor.account.expect("account").name, "budi-01");
    assert_eq!(
        launch.registration.expect("reg").to_string(),
        "0f9a4e33-2b1c-4c8e-9a55-2a5f5d8d1e10"
    );
    assert_eq!(
        launch.activity_id.as_deref(),
        Some("https://lms.example/a/1")
    );
    assert_eq!(launch.module.as_deref(), Some("modules/phishing.json"));
}

#[test]
fn legacy_array_actors_and_bare_credentials_are_understood() {
    let launch = Launch::from_query(&q(&[
        (
            "actor",
            r#"{"mbox":["mailto:ani@example.go.id"],"name":["Ani"]}"#,
        ),
        ("auth", "dXNlcjpwYXNz"),
    ]))
    .expect("valid");
    assert_eq!(
        launch.actor.expect("actor").mbox.as_deref(),
        Some("mailto:ani@example.go.id")
    );
    assert_eq!(launch.auth.as_deref(), Some("Basic dXNlcjpwYXNz"));
}

#[test]
fn every_bad_parameter_is_reported() {
    let problems = Launch::from_query(&q(&[
        ("endpoint", "ftp://lrs"),
        ("actor", "{not json"),
        ("registration", "123"),
        ("activity_id", "no iri"),
        ("module", "../../etc/passwd.json"),
        ("auth", " "),
    ]))
    .unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "query: endpoint",
            "query: actor",
            "query: registration",
            "query: activity_id",
            "query: module",
            "query: auth"
        ]
    );
    assert!(problems[1].message.contains("not valid JSON"));
}

#[test]
fn a_module_is_a_relative_json_or_markdown_file() {
    for good in [
        "modules/phishing.json",
        "kata-sandi.md",
        "modules/Catatan.MD",
    ] {
        let launch =
            Launch::from_query(&q(&[("module", good)])).unwrap_or_else(|p| panic!("{good}: {p:?}"));
        assert_eq!(launch.module.as_deref(), Some(good));
    }
    for bad in [
        "modules/notes.txt",
        "https://elsewhere.example/m.md",
        "/modules/m.md",
        "../m.md",
        "modules/md",
    ] {
        let problems = Launch::from_query(&q(&[("module", bad)])).unwrap_err();
        assert_eq!(problems.len(), 1, "{bad}");
        assert!(
            problems[0].message.contains(".json or .md module"),
            "{bad}: {}",
            problems[0].message
        );
    }
}

#[test]
fn bad_actors() {
    let cases = [
        (r#"{"name":"No id"}"#, "exactly one"),
        (
            r#"{"mbox":"mailto:a@b","openid":"https://id"}"#,
            "exactly one",
        ),
        (r#"{"mbox":"a@b"}"#, "mailto:"),
        (
            r#"{"objectType":"Group","mbox":"mailto:a@b"}"#,
            "must be an Agent",
        ),
        (r#"{"account":{"name":"x"}}"#, "homePage"),
        (r#"{"mbox_sha1sum":"abc"}"#, "40 hexadecimal"),
        (r#"["mailto:a@b"]"#, "JSON object"),
    ];
    for (actor, fragment) in cases {
        let problems = Launch::from_query(&q(&[("actor", actor)])).unwrap_err();
        assert!(
            problems[0].message.contains(fragment),
            "{actor}: {problems:?}"
        );
    }
}

#[test]
fn config_files_and_precedence() {
    let config = Launch::from_config(
        r#"{"endpoint": "https://lrs.example.go.id/xapi/", "auth": "Basic YTpi", "actor": {"mbox": "mailto:a@example.org"}}"#,
        "launch.json",
    )
    .expect("valid");
    let query = Launch::from_query(&q(&[("auth", "Basic Yzpk")])).expect("valid");
    let merged = config.overridden_by(query);
    assert_eq!(
        merged.endpoint.as_deref(),
        Some("https://lrs.example.go.id/xapi/")
    );
    assert_eq!(merged.auth.as_deref(), Some("Basic Yzpk"));
    assert!(merged.actor.is_some());

    let problems =
        Launch::from_config(r#"{"endpoint": 5, "endpiont": "x"}"#, "launch.json").unwrap_err();
    let mut fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    fields.sort();
    assert_eq!(fields, ["launch.json: endpiont", "launch.json: endpoint"]);
    let problems =
        Launch::from_config("{\n  \"endpoint\": \n}", "modules/launch.json").unwrap_err();
    assert!(
        problems[0].field.starts_with("modules/launch.json: line 3"),
        "{problems:?}"
    );
}

#[test]
fn batch_size_is_a_bounded_whole_number() {
    let launch = Launch::from_query(&q(&[("batch_size", "10")])).expect("valid");
    assert_eq!(launch.policy().max_batch, 10);
    assert_eq!(
        Launch::default().policy().max_batch,
        pelita_xapi::DEFAULT_BATCH
    );
    let config = Launch::from_config(r#"{"batch_size": 500}"#, "launch.json").expect("valid");
    assert_eq!(config.batch_size, Some(500));
    assert_eq!(
        config.overridden_by(launch).batch_size,
        Some(10),
        "the query wins"
    );
    for bad in ["0", "501", "-3", "ten", "2.5", ""] {
        let problems = Launch::from_query(&q(&[("batch_size", bad)])).expect_err(bad);
        assert_eq!(problems[0].field, "query: batch_size", "{bad}");
    }
    let problems =
        Launch::from_config(r#"{"batch_size": 0.5}"#, "launch.json").expect_err("fraction");
    assert!(
        problems[0].message.contains("1 to 500"),
        "{}",
        problems[0].message
    );
}

#[test]
fn send_timeout_is_in_seconds_and_bounded() {
    assert_eq!(Launch::default().send_timeout_ms(), 30_000);
    let launch = Launch::from_query(&q(&[("send_timeout", "2")])).expect("valid");
    assert_eq!(launch.send_timeout_ms(), 2_000);
    for bad in ["0", "301", "1.5", "soon"] {
        let problems = Launch::from_query(&q(&[("send_timeout", bad)])).expect_err(bad);
        assert_eq!(problems[0].field, "query: send_timeout", "{bad}");
        assert!(
            problems[0].message.contains("1 to 300"),
            "{}",
            problems[0].message
        );
    }
}

#[test]
fn theme_and_embedding_parameters_are_read_and_checked() {
    use pelita_xapi::ColorScheme;
    let launch = Launch::from_query(&q(&[
        ("theme", "themes/portal.json"),
        ("primary", "#8A1538"),
        ("logo", "https://portal.example.go.id/logo.svg"),
        ("color_scheme", "dark"),
        ("embed_origin", "https://Portal.example.go.id:8443/"),
    ]))
    .expect("valid");
    assert_eq!(launch.theme.as_deref(), Some("themes/portal.json"));
    assert_eq!(launch.primary.as_deref(), Some("#8a1538"));
    assert_eq!(
        launch.logo.as_deref(),
        Some("https://portal.example.go.id/logo.svg")
    );
    assert_eq!(launch.color_scheme, Some(ColorScheme::Dark));
    assert_eq!(
        launch.embed_origin.as_deref(),
        Some("https://portal.example.go.id:8443")
    );
    let short =
        Launch::from_query(&q(&[("primary", "#07c"), ("color_scheme", "auto")])).expect("valid");
    assert_eq!(short.primary.as_deref(), Some("#0077cc"));
    assert_eq!(short.color_scheme, None, "auto follows the system");

    let problems = Launch::from_query(&q(&[
        ("theme", "javascript:alert(1)"),
        ("logo", "DATA:image/svg+xml,<svg onload=alert(1)>"),
        ("primary", "red; background: url(x)"),
        ("color_scheme", "sepia"),
        ("embed_origin", "https://portal.example/path"),
    ]))
    .expect_err("every value is bad");
    let got: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "query: theme",
                "`javascript:` URLs are refused; give an http(s) URL or a path"
            ),
            (
                "query: logo",
                "`data:` URLs are refused; give an http(s) URL or a path"
            ),
            (
                "query: primary",
                "`red; background: url(x)` is not a colour such as #0b5cad or #07c"
            ),
            ("query: color_scheme", "`sepia` must be light, dark or auto"),
            (
                "query: embed_origin",
                "`https://portal.example/path` is not an origin such as https://portal.example.org"
            ),
        ]
    );
    // launch.json may carry them too, and the query wins.
    let config = Launch::from_config(
        r##"{"primary": "#112233", "theme": "t.css"}"##,
        "launch.json",
    )
    .expect("valid");
    let query = Launch::from_query(&q(&[("primary", "#445566")])).expect("valid");
    let both = config.overridden_by(query);
    assert_eq!(both.primary.as_deref(), Some("#445566"));
    assert_eq!(both.theme.as_deref(), Some("t.css"));
}
