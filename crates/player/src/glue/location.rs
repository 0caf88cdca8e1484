//! Reading the page URL.

/// The decoded query pairs of the page URL, in order. A pre-rendered page of one module
/// (`dist/<name>.html`, see `prerender`) names its module in
/// `<meta name="pelita-module">`, which stands in for a `module` the query does not give.
pub fn query_pairs() -> Vec<(String, String)> {
    let mut pairs = url_query_pairs();
    if !pairs.iter().any(|(k, _)| k == "module") {
        let named = gloo::utils::document()
            .query_selector("meta[name=\"pelita-module\"]")
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"));
        if let Some(module) = named {
            pairs.push(("module".to_string(), module));
        }
    }
    pairs
}

fn url_query_pairs() -> Vec<(String, String)> {
    let search = gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return vec![];
    };
    let mut pairs = Vec::new();
    let entries = js_sys::try_iter(&params).ok().flatten();
    for entry in entries.into_iter().flatten().flatten() {
        let pair = js_sys::Array::from(&entry);
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            pairs.push((k, v));
        }
    }
    pairs
}

/// The page's origin, such as `http://127.0.0.1:8765`.
pub fn origin() -> String {
    gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default()
}

/// The folder part of a relative path (`modules/x.json` gives `modules/`).
pub fn folder_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    }
}

/// An image or asset path from a module, resolved against the module's folder unless it is
/// already an absolute URL.
pub fn resolve(module_path: &str, src: &str) -> String {
    if src.starts_with("https://") {
        src.to_string()
    } else {
        format!("{}{src}", folder_of(module_path))
    }
}
