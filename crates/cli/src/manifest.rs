//! The files that tell an LMS what a package is: `cmi5.xml` (cmi5 course structure) and
//! `imsmanifest.xml` (SCORM 1.2 and SCORM 2004 4th edition content packages).
//!
//! They are written as text from a fixed template rather than through an XML library:
//! the shapes are small and fixed, every value goes through [`escape`], and the unit tests
//! parse the result back to prove it well-formed and complete.

use clap::ValueEnum;
use pelita_lesson::{LangMap, Module};
use std::fmt::Write;

/// The namespace of the cmi5 course structure (cmi5 "Quartz").
pub const CMI5_NS: &str = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd";
/// IMS Content Packaging 1.1.2, as ADL CP 1.1.3 for SCORM 1.2 uses it.
pub const IMSCP_12_NS: &str = "http://www.imsproject.org/xsd/imscp_rootv1p1p2";
/// ADL's content packaging extensions for SCORM 1.2.
pub const ADLCP_12_NS: &str = "http://www.adlnet.org/xsd/adlcp_rootv1p2";
/// IMS Content Packaging 1.1.4, as SCORM 2004 uses it.
pub const IMSCP_2004_NS: &str = "http://www.imsglobal.org/xsd/imscp_v1p1";
/// ADL's content packaging extensions for SCORM 2004.
pub const ADLCP_2004_NS: &str = "http://www.adlnet.org/xsd/adlcp_v1p3";
/// IMS Simple Sequencing, which carries SCORM 2004's passing score.
pub const IMSSS_NS: &str = "http://www.imsglobal.org/xsd/imsss";

/// One vendored control document, embedded in the binary so `pelita` needs no files
/// beside it.
macro_rules! schema {
    ($dir:literal, $name:literal) => {
        (
            $name,
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/schemas/",
                $dir,
                "/",
                $name
            )),
        )
    };
}

/// A control document: its name at the zip root and its bytes.
pub type Schema = (&'static str, &'static [u8]);

/// SCORM 1.2's control documents, shipped at the zip root because the manifest's
/// `xsi:schemaLocation` names them (see `crates/cli/schemas/README.md` for where they come
/// from). `ims_xml.xsd` is imported by the two IMS schemas.
pub const SCORM12_SCHEMAS: &[Schema] = &[
    schema!("scorm12", "adlcp_rootv1p2.xsd"),
    schema!("scorm12", "ims_xml.xsd"),
    schema!("scorm12", "imscp_rootv1p1p2.xsd"),
    schema!("scorm12", "imsmd_rootv1p2p1.xsd"),
];

/// SCORM 2004 4th Edition's control documents: the three the manifest names, everything
/// they include or import, and ADL's sequencing and navigation extensions, as ADL's own
/// sample packages carry them.
pub const SCORM2004_SCHEMAS: &[Schema] = &[
    schema!("scorm2004", "XMLSchema.dtd"),
    schema!("scorm2004", "adlcp_v1p3.xsd"),
    schema!("scorm2004", "adlnav_v1p3.xsd"),
    schema!("scorm2004", "adlseq_v1p3.xsd"),
    schema!("scorm2004", "datatypes.dtd"),
    schema!("scorm2004", "imscp_v1p1.xsd"),
    schema!("scorm2004", "imsss_v1p0.xsd"),
    schema!("scorm2004", "imsss_v1p0auxresource.xsd"),
    schema!("scorm2004", "imsss_v1p0control.xsd"),
    schema!("scorm2004", "imsss_v1p0delivery.xsd"),
    schema!("scorm2004", "imsss_v1p0limit.xsd"),
    schema!("scorm2004", "imsss_v1p0objective.xsd"),
    schema!("scorm2004", "imsss_v1p0random.xsd"),
    schema!("scorm2004", "imsss_v1p0rollup.xsd"),
    schema!("scorm2004", "imsss_v1p0seqrule.xsd"),
    schema!("scorm2004", "imsss_v1p0util.xsd"),
    schema!("scorm2004", "xml.xsd"),
];

/// When the LMS counts the AU as done (cmi5 `moveOn`); the names are the spec's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "verbatim")]
pub enum MoveOn {
    /// The learner passed (score at least the mastery score).
    Passed,
    /// The learner finished the module.
    Completed,
    /// The learner finished and passed.
    CompletedAndPassed,
    /// The learner finished or passed.
    CompletedOrPassed,
    /// Done as soon as it is launched.
    NotApplicable,
}

impl MoveOn {
    /// The value as written in `cmi5.xml`.
    pub fn as_str(self) -> &'static str {
        match self {
            MoveOn::Passed => "Passed",
            MoveOn::Completed => "Completed",
            MoveOn::CompletedAndPassed => "CompletedAndPassed",
            MoveOn::CompletedOrPassed => "CompletedOrPassed",
            MoveOn::NotApplicable => "NotApplicable",
        }
    }
}

/// The cmi5 course id: the module id plus `/course`, so it never equals the AU id.
pub fn course_id(module: &Module) -> String {
    format!("{}/course", module.id.trim_end_matches('/'))
}

/// The cmi5 AU id (the "publisher id" an LMS puts in `contextActivities.grouping`): the
/// module id plus `/au`. It is kept apart from the module id because the player already
/// reports under the module id, and the same activity twice in one statement's context
/// would tell an analyst nothing.
pub fn au_id(module: &Module) -> String {
    format!("{}/au", module.id.trim_end_matches('/'))
}

/// `cmi5.xml`: one course with one AU that launches `launch_url` (relative to the zip root).
pub fn cmi5_xml(module: &Module, launch_url: &str, move_on: MoveOn) -> String {
    let description = module.description.as_ref().unwrap_or(&module.title);
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(xml, "<courseStructure xmlns=\"{CMI5_NS}\">");
    let _ = writeln!(xml, "  <course id=\"{}\">", escape(&course_id(module)));
    langstrings(&mut xml, "    ", "title", module, &module.title);
    // The schema requires a description; a module without one is described by its title.
    langstrings(&mut xml, "    ", "description", module, description);
    xml.push_str("  </course>\n");
    let _ = writeln!(
        xml,
        "  <au id=\"{}\" moveOn=\"{}\" masteryScore=\"{}\" launchMethod=\"AnyWindow\">",
        escape(&au_id(module)),
        move_on.as_str(),
        decimal(module.mastery_score),
    );
    langstrings(&mut xml, "    ", "title", module, &module.title);
    langstrings(&mut xml, "    ", "description", module, description);
    let _ = writeln!(xml, "    <url>{}</url>", escape(launch_url));
    xml.push_str("  </au>\n</courseStructure>\n");
    xml
}

/// SCORM 1.2 `imsmanifest.xml` (ADL CP 1.1.3): one SCO at `index.html` with `parameters`,
/// listing `files` (every file of the package except the manifest itself).
pub fn scorm12_manifest(module: &Module, parameters: &str, files: &[String]) -> String {
    let title = escape(module.title.text(module.default_language(), ""));
    let id = identifier(module);
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<manifest identifier=\"{id}\" version=\"1.0\" xmlns=\"{IMSCP_12_NS}\" xmlns:adlcp=\"{ADLCP_12_NS}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{IMSCP_12_NS} imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd {ADLCP_12_NS} adlcp_rootv1p2.xsd\">"
    );
    xml.push_str("  <metadata>\n    <schema>ADL SCORM</schema>\n    <schemaversion>1.2</schemaversion>\n  </metadata>\n");
    xml.push_str(
        "  <organizations default=\"pelita-org\">\n    <organization identifier=\"pelita-org\">\n",
    );
    let _ = writeln!(xml, "      <title>{title}</title>");
    let _ = writeln!(
        xml,
        "      <item identifier=\"pelita-item\" identifierref=\"pelita-sco\" isvisible=\"true\" parameters=\"{}\">",
        escape(parameters)
    );
    let _ = writeln!(xml, "        <title>{title}</title>");
    let _ = writeln!(
        xml,
        "        <adlcp:masteryscore>{}</adlcp:masteryscore>",
        percent_score(module.mastery_score)
    );
    xml.push_str("      </item>\n    </organization>\n  </organizations>\n");
    xml.push_str("  <resources>\n    <resource identifier=\"pelita-sco\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"index.html\">\n");
    file_list(&mut xml, files);
    xml.push_str("    </resource>\n  </resources>\n</manifest>\n");
    xml
}

/// SCORM 2004 4th edition `imsmanifest.xml`: one SCO at `index.html` with `parameters`,
/// whose primary objective is satisfied by a scaled score of at least the mastery score.
pub fn scorm2004_manifest(module: &Module, parameters: &str, files: &[String]) -> String {
    let title = escape(module.title.text(module.default_language(), ""));
    let id = identifier(module);
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<manifest identifier=\"{id}\" version=\"1\" xmlns=\"{IMSCP_2004_NS}\" xmlns:adlcp=\"{ADLCP_2004_NS}\" xmlns:imsss=\"{IMSSS_NS}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{IMSCP_2004_NS} imscp_v1p1.xsd {ADLCP_2004_NS} adlcp_v1p3.xsd {IMSSS_NS} imsss_v1p0.xsd\">"
    );
    xml.push_str("  <metadata>\n    <schema>ADL SCORM</schema>\n    <schemaversion>2004 4th Edition</schemaversion>\n  </metadata>\n");
    xml.push_str(
        "  <organizations default=\"pelita-org\">\n    <organization identifier=\"pelita-org\">\n",
    );
    let _ = writeln!(xml, "      <title>{title}</title>");
    let _ = writeln!(
        xml,
        "      <item identifier=\"pelita-item\" identifierref=\"pelita-sco\" parameters=\"{}\">",
        escape(parameters)
    );
    let _ = writeln!(xml, "        <title>{title}</title>");
    xml.push_str("        <imsss:sequencing>\n          <imsss:objectives>\n");
    xml.push_str("            <imsss:primaryObjective objectiveID=\"PRIMARYOBJ\" satisfiedByMeasure=\"true\">\n");
    let _ = writeln!(
        xml,
        "              <imsss:minNormalizedMeasure>{}</imsss:minNormalizedMeasure>",
        decimal(module.mastery_score)
    );
    xml.push_str("            </imsss:primaryObjective>\n          </imsss:objectives>\n        </imsss:sequencing>\n");
    xml.push_str("      </item>\n    </organization>\n  </organizations>\n");
    xml.push_str("  <resources>\n    <resource identifier=\"pelita-sco\" type=\"webcontent\" adlcp:scormType=\"sco\" href=\"index.html\">\n");
    file_list(&mut xml, files);
    xml.push_str("    </resource>\n  </resources>\n</manifest>\n");
    xml
}

/// A 0..1 score as an `xs:decimal`: Rust prints the shortest text that reads back as the
/// same number and never uses an exponent, which `xs:decimal` does not allow.
pub fn decimal(score: f64) -> String {
    format!("{score}")
}

/// A 0..1 mastery score on SCORM 1.2's 0..100 scale, with at most two decimals.
///
/// Multiplying by 100 in floating point leaves noise (0.07 * 100 = 7.000000000000001),
/// which is rounded away first. A third decimal is then rounded up, never down, so the LMS
/// never passes a learner whom the player judged to have failed.
pub fn percent_score(score: f64) -> String {
    let percent = (score * 100.0 * 1e6).round() / 1e6;
    let hundredths = (percent * 100.0).ceil().clamp(0.0, 10_000.0);
    let text = format!("{:.2}", hundredths / 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The manifest's `identifier` (an `xs:ID`: letters, digits, `.`, `-` and `_`, not starting
/// with a digit), made from the module id so that a new version of a package replaces the
/// old one in an LMS that matches packages by it.
pub fn identifier(module: &Module) -> String {
    let mut id = String::from("pelita-");
    for c in module.id.chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '.' | '_');
        if keep {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_string()
}

/// The `parameters` of a SCORM item that opens `module_entry`: `?module=` and the path with
/// every character outside URL's unreserved set percent-encoded, `/` included. IMS Content
/// Packaging's syntax for the attribute (`?name=value` pairs of URL-encoded text) has no
/// room for a bare `/`, and ADL's validator refuses one; the player decodes the query, so
/// it reads the same path.
pub fn item_parameters(module_entry: &str) -> String {
    let mut out = String::from("?module=");
    for byte in module_entry.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Percent-encodes a path for a URL (and so for `xs:anyURI`), keeping `/` and the
/// characters that never need escaping.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Escapes text for XML content and for attributes in double or single quotes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters even escaped; the loader refuses
            // none of them in titles, so they are dropped here rather than breaking the file.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn langstrings(
    xml: &mut String,
    indent: &str,
    element: &str,
    module: &Module,
    text: &LangMap<String>,
) {
    let _ = writeln!(xml, "{indent}<{element}>");
    for lang in &module.languages {
        if let Some(value) = text.exact(lang) {
            let _ = writeln!(
                xml,
                "{indent}  <langstring lang=\"{}\">{}</langstring>",
                escape(lang),
                escape(value)
            );
        }
    }
    let _ = writeln!(xml, "{indent}</{element}>");
}

fn file_list(xml: &mut String, files: &[String]) {
    for file in files {
        let _ = writeln!(xml, "      <file href=\"{}\"/>", escape(&encode_path(file)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roxmltree::{Document, Node};

    const MODULE: &str = r#"{
      "pelita": 1,
      "id": "https://example.org/modules/small",
      "languages": ["id", "en"],
      "title": {"id": "Modul <kecil> & \"cepat\"", "en": "Small module"},
      "description": {"id": "Deskripsi", "en": "Description"},
      "masteryScore": 0.75,
      "lessons": [{"id": "one", "title": {"id": "Satu", "en": "One"}, "pages": [{
        "id": "p", "title": {"id": "Hal", "en": "Page"},
        "blocks": [{"type": "trueFalse", "id": "tf", "prompt": {"id": "Ya?", "en": "Yes?"}, "answer": true}]
      }]}]
    }"#;

    fn module() -> Module {
        pelita_lesson::load_module(MODULE).expect("the test module is valid")
    }

    fn files() -> Vec<String> {
        [
            "index.html",
            "icons/icon 192.png",
            "modules/launch.json",
            "modules/small.json",
            "pelita-0123.js",
        ]
        .map(String::from)
        .to_vec()
    }

    fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Node<'a, 'i> {
        node.children()
            .find(|n| n.has_tag_name((ns, name)))
            .unwrap_or_else(|| panic!("<{name}> is missing under <{}>", node.tag_name().name()))
    }

    fn langstrings(node: Node) -> Vec<(String, String)> {
        node.children()
            .filter(|n| n.has_tag_name((CMI5_NS, "langstring")))
            .map(|n| {
                (
                    n.attribute("lang").unwrap_or_default().to_string(),
                    n.text().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    fn hrefs(resource: Node, ns: &str) -> Vec<String> {
        resource
            .children()
            .filter(|n| n.has_tag_name((ns, "file")))
            .map(|n| n.attribute("href").unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn cmi5_course_structure_has_the_course_and_one_au() {
        let xml = cmi5_xml(
            &module(),
            "index.html?module=modules/small.json",
            MoveOn::CompletedAndPassed,
        );
        let doc = Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert!(root.has_tag_name((CMI5_NS, "courseStructure")));
        let course = child(root, CMI5_NS, "course");
        assert_eq!(
            course.attribute("id"),
            Some("https://example.org/modules/small/course")
        );
        assert_eq!(
            langstrings(child(course, CMI5_NS, "title")),
            vec![
                ("id".into(), "Modul <kecil> & \"cepat\"".into()),
                ("en".into(), "Small module".into())
            ]
        );
        assert_eq!(
            langstrings(child(course, CMI5_NS, "description")),
            vec![
                ("id".into(), "Deskripsi".into()),
                ("en".into(), "Description".into())
            ]
        );
        let aus: Vec<Node> = root
            .children()
            .filter(|n| n.has_tag_name((CMI5_NS, "au")))
            .collect();
        assert_eq!(aus.len(), 1);
        let au = aus[0];
        assert_eq!(
            au.attribute("id"),
            Some("https://example.org/modules/small/au")
        );
        assert_eq!(au.attribute("moveOn"), Some("CompletedAndPassed"));
        assert_eq!(au.attribute("masteryScore"), Some("0.75"));
        assert_eq!(au.attribute("launchMethod"), Some("AnyWindow"));
        // The schema's order: title, description, then url.
        let order: Vec<&str> = au
            .children()
            .filter(Node::is_element)
            .map(|n| n.tag_name().name())
            .collect();
        assert_eq!(order, ["title", "description", "url"]);
        assert_eq!(
            child(au, CMI5_NS, "url").text(),
            Some("index.html?module=modules/small.json")
        );
        assert_eq!(langstrings(child(au, CMI5_NS, "title")).len(), 2);
    }

    #[test]
    fn cmi5_without_a_description_uses_the_title_and_keeps_move_on() {
        let text = MODULE.replace(
            r#""description": {"id": "Deskripsi", "en": "Description"},"#,
            "",
        );
        let module = pelita_lesson::load_module(&text).expect("still valid");
        let xml = cmi5_xml(&module, "index.html", MoveOn::NotApplicable);
        let doc = Document::parse(&xml).expect("well-formed XML");
        let au = child(doc.root_element(), CMI5_NS, "au");
        assert_eq!(au.attribute("moveOn"), Some("NotApplicable"));
        assert_eq!(
            langstrings(child(au, CMI5_NS, "description"))[1],
            ("en".to_string(), "Small module".to_string())
        );
    }

    #[test]
    fn scorm12_manifest_has_one_sco_with_a_percent_mastery_score() {
        let xml = scorm12_manifest(&module(), "?module=modules/small.json", &files());
        let doc = Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert!(root.has_tag_name((IMSCP_12_NS, "manifest")));
        assert_eq!(
            root.attribute("identifier"),
            Some("pelita-https-example.org-modules-small")
        );
        let metadata = child(root, IMSCP_12_NS, "metadata");
        assert_eq!(
            child(metadata, IMSCP_12_NS, "schema").text(),
            Some("ADL SCORM")
        );
        assert_eq!(
            child(metadata, IMSCP_12_NS, "schemaversion").text(),
            Some("1.2")
        );
        let organizations = child(root, IMSCP_12_NS, "organizations");
        let organization = child(organizations, IMSCP_12_NS, "organization");
        assert_eq!(
            organizations.attribute("default"),
            organization.attribute("identifier")
        );
        assert_eq!(
            child(organization, IMSCP_12_NS, "title").text(),
            Some("Modul <kecil> & \"cepat\"")
        );
        let item = child(organization, IMSCP_12_NS, "item");
        assert_eq!(
            item.attribute("parameters"),
            Some("?module=modules/small.json")
        );
        assert_eq!(child(item, ADLCP_12_NS, "masteryscore").text(), Some("75"));
        let resource = child(
            child(root, IMSCP_12_NS, "resources"),
            IMSCP_12_NS,
            "resource",
        );
        assert_eq!(
            item.attribute("identifierref"),
            resource.attribute("identifier")
        );
        assert_eq!(
            resource.attribute(("http://www.adlnet.org/xsd/adlcp_rootv1p2", "scormtype")),
            Some("sco")
        );
        assert_eq!(resource.attribute("type"), Some("webcontent"));
        assert_eq!(resource.attribute("href"), Some("index.html"));
        assert_eq!(
            hrefs(resource, IMSCP_12_NS),
            [
                "index.html",
                "icons/icon%20192.png",
                "modules/launch.json",
                "modules/small.json",
                "pelita-0123.js"
            ]
        );
    }

    #[test]
    fn scorm2004_manifest_satisfies_the_objective_by_the_mastery_score() {
        let xml = scorm2004_manifest(&module(), "?module=modules/small.json", &files());
        let doc = Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert!(root.has_tag_name((IMSCP_2004_NS, "manifest")));
        let metadata = child(root, IMSCP_2004_NS, "metadata");
        assert_eq!(
            child(metadata, IMSCP_2004_NS, "schemaversion").text(),
            Some("2004 4th Edition")
        );
        let organizations = child(root, IMSCP_2004_NS, "organizations");
        let organization = child(organizations, IMSCP_2004_NS, "organization");
        assert_eq!(
            organizations.attribute("default"),
            organization.attribute("identifier")
        );
        let item = child(organization, IMSCP_2004_NS, "item");
        assert_eq!(
            item.attribute("parameters"),
            Some("?module=modules/small.json")
        );
        let objective = child(
            child(child(item, IMSSS_NS, "sequencing"), IMSSS_NS, "objectives"),
            IMSSS_NS,
            "primaryObjective",
        );
        assert_eq!(objective.attribute("satisfiedByMeasure"), Some("true"));
        assert_eq!(
            child(objective, IMSSS_NS, "minNormalizedMeasure").text(),
            Some("0.75")
        );
        let resource = child(
            child(root, IMSCP_2004_NS, "resources"),
            IMSCP_2004_NS,
            "resource",
        );
        assert_eq!(
            item.attribute("identifierref"),
            resource.attribute("identifier")
        );
        assert_eq!(
            resource.attribute((ADLCP_2004_NS, "scormType")),
            Some("sco")
        );
        assert_eq!(resource.attribute("href"), Some("index.html"));
        assert_eq!(hrefs(resource, IMSCP_2004_NS).len(), files().len());
    }

    #[test]
    fn mastery_scores_convert_without_float_noise_and_never_round_down() {
        assert_eq!(percent_score(0.8), "80");
        assert_eq!(percent_score(0.75), "75");
        assert_eq!(percent_score(0.07), "7");
        assert_eq!(percent_score(0.835), "83.5");
        assert_eq!(percent_score(2.0 / 3.0), "66.67");
        assert_eq!(percent_score(0.0), "0");
        assert_eq!(percent_score(1.0), "100");
        assert_eq!(decimal(0.8), "0.8");
        assert_eq!(decimal(1.0), "1");
        assert_eq!(decimal(0.0), "0");
        assert_eq!(decimal(1e-7), "0.0000001");
    }

    #[test]
    fn item_parameters_escape_the_slash_and_every_reserved_character() {
        assert_eq!(
            item_parameters("modules/phishing.json"),
            "?module=modules%2Fphishing.json"
        );
        assert_eq!(
            item_parameters("modules/a b&c=é.json"),
            "?module=modules%2Fa%20b%26c%3D%C3%A9.json"
        );
    }

    #[test]
    fn the_embedded_control_documents_are_the_ones_the_manifests_name() {
        for (schemas, xml) in [
            (
                SCORM12_SCHEMAS,
                scorm12_manifest(&module(), "?m=1", &files()),
            ),
            (
                SCORM2004_SCHEMAS,
                scorm2004_manifest(&module(), "?m=1", &files()),
            ),
        ] {
            let doc = Document::parse(&xml).expect("well-formed XML");
            let location = doc
                .root_element()
                .attribute((
                    "http://www.w3.org/2001/XMLSchema-instance",
                    "schemaLocation",
                ))
                .expect("schemaLocation");
            for file in location.split_whitespace().skip(1).step_by(2) {
                let (_, bytes) = schemas
                    .iter()
                    .find(|(name, _)| *name == file)
                    .unwrap_or_else(|| panic!("{file} is not shipped"));
                assert!(bytes.starts_with(b"<?xml"), "{file} is not XML");
            }
        }
    }

    #[test]
    fn identifiers_and_paths_are_safe_for_xml_and_urls() {
        assert_eq!(
            encode_path("modules/img/a b&c.svg"),
            "modules/img/a%20b%26c.svg"
        );
        assert_eq!(encode_path("modules/é.png"), "modules/%C3%A9.png");
        assert_eq!(escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(
            identifier(&module()),
            "pelita-https-example.org-modules-small"
        );
    }
}
