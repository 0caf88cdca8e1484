//! Data-driven tests of the Markdown dialect: each good snippet compiles to exactly the
//! JSON written beside it, and each bad snippet gives exactly the located problem.

use pelita_markdown::{load, to_json};
use serde_json::{json, Value};

/// Front matter, a lesson and a page: 8 lines, so the snippet's first line is line 9.
const HEAD: &str = "---\nid: https://example.org/m\nlanguages: [id, en]\ntitle: Judul | Title\nmasteryScore: 1\n---\n# Pelajaran | Lesson {#l}\n## Halaman | Page {#p}\n";

fn blocks(snippet: &str) -> Value {
    let src = format!("{HEAD}{snippet}");
    match to_json(&src) {
        Ok(v) => v["lessons"][0]["pages"][0]["blocks"].clone(),
        Err(p) => panic!("{snippet}\ndid not compile: {p:#?}"),
    }
}

/// The problems of a snippet, as `line:column: path: message`.
fn problems(snippet: &str) -> Vec<String> {
    let src = format!("{HEAD}{snippet}");
    match to_json(&src) {
        Ok(v) => panic!("{snippet}\ncompiled to {v:#}"),
        Err(p) => p.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn good_snippets_compile_to_the_expected_json() {
    let cases: Vec<(&str, Value)> = vec![
        (
            "::: id\nHalo **dunia**.\n:::\n::: en\nHello *world* and [us](https://x.org) `x`.\n:::\n",
            json!([{ "type": "text", "content": {
                "id": [{ "type": "paragraph", "content": ["Halo ", { "type": "strong", "content": ["dunia"] }, "."] }],
                "en": [{ "type": "paragraph", "content": ["Hello ", { "type": "emphasis", "content": ["world"] }, " and ",
                    { "type": "link", "href": "https://x.org", "content": ["us"] }, " ", { "type": "code", "text": "x" }, "."] }]
            }}]),
        ),
        (
            "::: id\n## Judul\n\n- a\n- b\n\n1. satu\n\n> kutip\n> lagi\n\n```\nkode\n```\n:::\n",
            json!([{ "type": "text", "content": { "id": [
                { "type": "heading", "level": 2, "content": ["Judul"] },
                { "type": "list", "ordered": false, "items": [["a"], ["b"]] },
                { "type": "list", "ordered": true, "items": [["satu"]] },
                { "type": "quote", "content": ["kutip lagi"] },
                { "type": "code", "text": "kode" }
            ]}}]),
        ),
        (
            "::: en\nTable: Sizes\n\n| A | B |\n|---|---|\n| `1` | 2 |\n:::\n",
            json!([{ "type": "text", "content": { "en": [
                { "type": "table", "caption": ["Sizes"], "header": [["A"], ["B"]], "rows": [[[{ "type": "code", "text": "1" }], ["2"]]] }
            ]}}]),
        ),
        (
            // A tight list's items may start with emphasis, strong or a link (they were
            // once refused as "not text" because no paragraph comes before them).
            "::: id\n- **tidak** menyalahkan\n- *miring* saja\n- [BSSN](https://bssn.go.id) dan `kode`\n:::\n",
            json!([{ "type": "text", "content": { "id": [
                { "type": "list", "ordered": false, "items": [
                    [{ "type": "strong", "content": ["tidak"] }, " menyalahkan"],
                    [{ "type": "emphasis", "content": ["miring"] }, " saja"],
                    [{ "type": "link", "href": "https://bssn.go.id", "content": ["BSSN"] }, " dan ", { "type": "code", "text": "kode" }]
                ]}
            ]}}]),
        ),
        (
            "::: id\nSatu.\n:::\n::: en\nOne.\n:::\n::: id\nDua.\n:::\n",
            json!([
                { "type": "text", "content": { "id": [{ "type": "paragraph", "content": ["Satu."] }], "en": [{ "type": "paragraph", "content": ["One."] }] } },
                { "type": "text", "content": { "id": [{ "type": "paragraph", "content": ["Dua."] }] } }
            ]),
        ),
        (
            "![Kucing | A cat](img/cat.png \"Seekor kucing | A cat\"){width=10 height=20}\n",
            json!([{ "type": "image", "src": "img/cat.png", "alt": { "id": "Kucing", "en": "A cat" },
                "caption": { "id": "Seekor kucing", "en": "A cat" }, "width": 10, "height": 20 }]),
        ),
        (
            "::: choice {#q1 points=2}\nWarna? | Colour?\n- [ ] Meja | Table\n  > Bukan. | No.\n- [x] Merah | Red {#red}\ncorrect: Ya | Yes\nincorrect: Tidak\n| No\n:::\n",
            json!([{ "type": "choice", "id": "q1", "points": 2, "prompt": { "id": "Warna?", "en": "Colour?" },
                "choices": [
                    { "id": "a", "text": { "id": "Meja", "en": "Table" }, "feedback": { "id": "Bukan.", "en": "No." } },
                    { "id": "red", "text": { "id": "Merah", "en": "Red" }, "correct": true }
                ],
                "feedback": { "correct": { "id": "Ya", "en": "Yes" }, "incorrect": { "id": "Tidak", "en": "No" } } }]),
        ),
        (
            "::: choice {#q2 multiple partialCredit}\nMana? | Which?\n- [x] A\n- [X] B\n- [ ] C\nhint: Dua | Two\nexplanation: Karena | Because\n:::\n",
            json!([{ "type": "choice", "id": "q2", "multiple": true, "partialCredit": true, "prompt": { "id": "Mana?", "en": "Which?" },
                "choices": [
                    { "id": "a", "text": { "id": "A" }, "correct": true },
                    { "id": "b", "text": { "id": "B" }, "correct": true },
                    { "id": "c", "text": { "id": "C" } }
                ],
                "hint": { "id": "Dua", "en": "Two" }, "explanation": { "id": "Karena", "en": "Because" } }]),
        ),
        (
            "::: trueFalse {#tf competencies=https://e.org/c1,https://e.org/c2}\nLangit hijau. | The sky is green.\nanswer: false\n:::\n",
            json!([{ "type": "trueFalse", "id": "tf", "answer": false, "competencies": ["https://e.org/c1", "https://e.org/c2"],
                "prompt": { "id": "Langit hijau.", "en": "The sky is green." } }]),
        ),
        (
            "::: fillIn {#fi caseSensitive}\nIbu kota [[Jakarta|DKI]]{#kota} di [[Jawa]].\n| The capital is [[Jakarta]] on [[Java]].\n:::\n",
            json!([{ "type": "fillIn", "id": "fi", "caseSensitive": true,
                "prompt": { "id": "Ibu kota [[kota]] di [[b2]].", "en": "The capital is [[kota]] on [[b2]]." },
                "blanks": [{ "id": "kota", "accept": ["Jakarta", "DKI"] }, { "id": "b2", "accept": ["Jawa", "Java"] }] }]),
        ),
        (
            "::: matching {#m partialCredit}\nPasangkan | Match\n- Satu | One {#s} => 1 {#t}\n- Dua | Two => 2\n- => 3 {#x}\n:::\n",
            json!([{ "type": "matching", "id": "m", "partialCredit": true, "prompt": { "id": "Pasangkan", "en": "Match" },
                "pairs": [
                    { "source": { "id": "s", "text": { "id": "Satu", "en": "One" } }, "target": { "id": "t", "text": { "id": "1" } } },
                    { "source": { "id": "s2", "text": { "id": "Dua", "en": "Two" } }, "target": { "id": "t2", "text": { "id": "2" } } }
                ],
                "distractors": [{ "id": "x", "text": { "id": "3" } }] }]),
        ),
        (
            "::: sequencing {#s}\nUrutkan | Order\n1. Pertama | First\n2. Kedua | Second {#dua}\n:::\n",
            json!([{ "type": "sequencing", "id": "s", "prompt": { "id": "Urutkan", "en": "Order" },
                "items": [{ "id": "i1", "text": { "id": "Pertama", "en": "First" } }, { "id": "dua", "text": { "id": "Kedua", "en": "Second" } }] }]),
        ),
        (
            "::: numeric {#n1}\nBerapa? | How much?\nanswer: 3.5 ± 0.05\n:::\n::: numeric {#n2}\nBerapa? | How many?\nanswer: 12..64\n:::\n::: numeric {#n3}\nN\nanswer: ..4\n:::\n::: numeric {#n4}\nN\nanswer: 7\n:::\n",
            json!([
                { "type": "numeric", "id": "n1", "prompt": { "id": "Berapa?", "en": "How much?" }, "answer": { "value": 3.5, "tolerance": 0.05 } },
                { "type": "numeric", "id": "n2", "prompt": { "id": "Berapa?", "en": "How many?" }, "answer": { "min": 12, "max": 64 } },
                { "type": "numeric", "id": "n3", "prompt": { "id": "N" }, "answer": { "max": 4 } },
                { "type": "numeric", "id": "n4", "prompt": { "id": "N" }, "answer": { "exact": 7 } }
            ]),
        ),
        (
            "::: performance {#pf points=3 partialCredit caseSensitive}\nIsi formulir. | Fill in the form.\n- NIP | Staff number {#nip} => [[1985|01985]]\n- Unit | Unit => [[Biro Umum | General Bureau]]\n- Panjang | Length {#len} => 12..64\n- Suhu | Temperature => 36.5 ± 0.7\nhint: Lihat kartu. | See your card.\n:::\n",
            json!([{ "type": "performance", "id": "pf", "points": 3, "partialCredit": true, "caseSensitive": true,
                "prompt": { "id": "Isi formulir.", "en": "Fill in the form." },
                "hint": { "id": "Lihat kartu.", "en": "See your card." },
                "steps": [
                    { "id": "nip", "label": { "id": "NIP", "en": "Staff number" }, "accept": ["1985", "01985"] },
                    { "id": "s2", "label": { "id": "Unit", "en": "Unit" }, "accept": ["Biro Umum", "General Bureau"] },
                    { "id": "len", "label": { "id": "Panjang", "en": "Length" }, "answer": { "min": 12, "max": 64 } },
                    { "id": "s4", "label": { "id": "Suhu", "en": "Temperature" }, "answer": { "value": 36.5, "tolerance": 0.7 } }
                ] }]),
        ),
        (
            "::: likert {#lk}\nSetuju? | Agree?\n- Tidak | No\n- Ya | Yes\n:::\n",
            json!([{ "type": "likert", "id": "lk", "prompt": { "id": "Setuju?", "en": "Agree?" },
                "scale": [{ "id": "likert_1", "text": { "id": "Tidak", "en": "No" } }, { "id": "likert_2", "text": { "id": "Ya", "en": "Yes" } }] }]),
        ),
        (
            "::: longFillIn {#lf points=2 maxLength=300 minKeywords=1}\nJelaskan. | Explain.\nkeywords: sandi, password; bocor, leak\n:::\n",
            json!([{ "type": "longFillIn", "id": "lf", "points": 2, "maxLength": 300, "minKeywords": 1, "prompt": { "id": "Jelaskan.", "en": "Explain." },
                "keywords": [["sandi", "password"], ["bocor", "leak"]] }]),
        ),
        (
            "::: hotspot {#h}\nMana? | Where?\nimage: ![Gambar | Picture](img/p.svg){width=100 height=50}\n- [x] Kiri | Left (0,0,50,50) {#kiri}\n- [ ] Kanan | Right (50, 0, 50, 50)\n:::\n",
            json!([{ "type": "hotspot", "id": "h", "prompt": { "id": "Mana?", "en": "Where?" },
                "image": { "src": "img/p.svg", "alt": { "id": "Gambar", "en": "Picture" }, "width": 100, "height": 50 },
                "regions": [
                    { "id": "kiri", "label": { "id": "Kiri", "en": "Left" }, "x": 0, "y": 0, "width": 50, "height": 50, "correct": true },
                    { "id": "b", "label": { "id": "Kanan", "en": "Right" }, "x": 50, "y": 0, "width": 50, "height": 50 }
                ] }]),
        ),
        (
            "::: callout {kind=tip}\ntitle: Kiat | Tip\n::: id\nIsi.\n:::\n::: en\nBody.\n:::\n:::\n",
            json!([{ "type": "callout", "kind": "tip", "title": { "id": "Kiat", "en": "Tip" }, "content": {
                "id": [{ "type": "paragraph", "content": ["Isi."] }], "en": [{ "type": "paragraph", "content": ["Body."] }] } }]),
        ),
        (
            "::: accordion\n::: section\ntitle: Satu | One\n::: id\nA.\n:::\n:::\n:::\n",
            json!([{ "type": "accordion", "sections": [{ "title": { "id": "Satu", "en": "One" }, "content": { "id": [{ "type": "paragraph", "content": ["A."] }] } }] }]),
        ),
        (
            "::: flashcards\n- Depan | Front => Belakang | Back\n:::\n",
            json!([{ "type": "flashcards", "cards": [{ "front": { "id": "Depan", "en": "Front" }, "back": { "id": "Belakang", "en": "Back" } }] }]),
        ),
        (
            "::: branch {#b}\nPilih? | Choose?\n- Kiri | Left {#kiri} => p\n- Kanan | Right => l/q\n:::\n",
            json!([{ "type": "branch", "id": "b", "prompt": { "id": "Pilih?", "en": "Choose?" }, "options": [
                { "id": "kiri", "text": { "id": "Kiri", "en": "Left" }, "goto": "p" },
                { "id": "b", "text": { "id": "Kanan", "en": "Right" }, "goto": "l/q" }
            ] }]),
        ),
        (
            "::: audio\nsrc: a.mp3\ntitle: Suara | Sound\n::: id\nKata.\n:::\n:::\n::: video\nsrc: v.mp4\ntitle: Film | Film\ncaptions: id=v.id.vtt, en=v.en.vtt\n:::\n",
            json!([
                { "type": "audio", "src": "a.mp3", "title": { "id": "Suara", "en": "Sound" }, "transcript": { "id": [{ "type": "paragraph", "content": ["Kata."] }] } },
                { "type": "video", "src": "v.mp4", "title": { "id": "Film", "en": "Film" }, "captions": [{ "lang": "id", "src": "v.id.vtt" }, { "lang": "en", "src": "v.en.vtt" }] }
            ]),
        ),
    ];
    for (snippet, expected) in cases {
        assert_eq!(blocks(snippet), expected, "\n{snippet}");
    }
}

#[test]
fn front_matter_lessons_and_pages_compile_to_the_expected_json() {
    let src = "---\nid: https://example.org/m\nlanguages: [id, en]\ndefaultLanguage: en\ntitle: Judul | Title\ndescription: Ringkas\n  | Short\nmasteryScore: 0.5\nmaxAttempts: 2\nretry: wrong\ncompetencies:\n  - https://e.org/c = Aman | Safe\n---\n# Pelajaran Satu! | Lesson one {competencies=https://e.org/c}\n## Halaman A | Page A\n::: id\nX\n:::\n";
    assert_eq!(
        to_json(src).expect("compiles"),
        json!({
            "pelita": 1, "id": "https://example.org/m", "languages": ["id", "en"], "defaultLanguage": "en",
            "title": { "id": "Judul", "en": "Title" }, "description": { "id": "Ringkas", "en": "Short" },
            "masteryScore": 0.5, "maxAttempts": 2, "retry": "wrong",
            "competencies": [{ "id": "https://e.org/c", "label": { "id": "Aman", "en": "Safe" } }],
            "lessons": [{ "id": "pelajaran-satu", "title": { "id": "Pelajaran Satu!", "en": "Lesson one" }, "competencies": ["https://e.org/c"],
                "pages": [{ "id": "halaman-a", "title": { "id": "Halaman A", "en": "Page A" },
                    "blocks": [{ "type": "text", "content": { "id": [{ "type": "paragraph", "content": ["X"] }] } }] }] }]
        })
    );
}

#[test]
fn bad_snippets_give_the_located_problem() {
    let cases: Vec<(&str, &str)> = vec![
        ("::: quiz {#q}\nX\n:::\n", "9:1: $.lessons[0].pages[0].blocks[0]: unknown block `::: quiz`: expected a language section (id, en) or one of callout, accordion, flashcards, branch, audio, video, image, choice, trueFalse, fillIn, matching, sequencing, numeric, performance, likert, longFillIn, hotspot"),
        ("::: choice {#q}\nX\n- [ ] a\n- [ ] b\n:::\n", "9:1: $.lessons[0].pages[0].blocks[0].choices: expected at least one right choice marked `- [x]`"),
        ("::: choice {#q}\nX\n- [x] a\n- b\n:::\n", "12:3: $.lessons[0].pages[0].blocks[0].choices[1]: expected `- [x] …` for a right choice or `- [ ] …` for a wrong one"),
        ("::: hotspot {#h}\nX\nimage: ![a](b.svg){width=9 height=9}\n- [x] L (1,2,3)\n- [ ] M (0,0,1,1)\n:::\n", "12:9: $.lessons[0].pages[0].blocks[0].regions[0]: expected `(x,y,w,h)`: four whole numbers of pixels separated by commas, found `(1,2,3)`"),
        ("::: trueFalse {#t}\nX\nanswer: maybe\n:::\n", "11:9: $.lessons[0].pages[0].blocks[0].answer: expected `answer: true` or `answer: false`, found `maybe`"),
        ("::: numeric {#n}\nX\nanswer: lots\n:::\n", "11:9: $.lessons[0].pages[0].blocks[0].answer: expected `answer: 3.5`, `answer: 3.5 ± 0.05` or `answer: 12..64`, found `lots`"),
        ("::: choice {#q}\nX\n- [x] a\n", "9:1: $: `::: choice` is never closed: expected a line `:::` after its content"),
        ("Teks lepas\n", "9:1: $.lessons[0].pages[0].blocks[0]: expected `# Lesson`, `## Page`, an image line `![alt](src)`, a language section `::: id` or a block such as `::: choice`; text goes inside language sections"),
        ("::: trueFalse\nX\nanswer: true\n:::\n", "9:1: $.lessons[0].pages[0].blocks[0].id: expected a question id: `::: trueFalse {#q-name}`"),
        ("::: choice {#q colour=red}\nX\n- [x] a\n- [ ] b\n:::\n", "9:1: $.lessons[0].pages[0].blocks[0]: unknown attribute `colour=` on `::: choice`: expected {#id}, points=, competencies=, multiple, partialCredit"),
        ("::: likert {#l}\nX\n- a | b | c\n- d\n:::\n", "11:3: $.lessons[0].pages[0].blocks[0].scale[0].text: expected at most 2 texts separated by `|` (id | en), found 3"),
        ("::: id\nHalo <br> x\n:::\n", "10:6: $.lessons[0].pages[0].blocks[0].content.id: raw HTML is not allowed: write Markdown"),
        ("::: en\n# Big\n:::\n", "10:1: $.lessons[0].pages[0].blocks[0].content.en[0]: expected a heading of level 2 to 4 (`##` to `####`) in rich text; the page title is the top heading"),
        ("::: en\n| A |\n|---|\n| 1 |\n:::\n", "10:1: $.lessons[0].pages[0].blocks[0].content.en[0]: expected a caption for the table: a paragraph `Table: …` just before it"),
        ("::: fillIn {#f}\nA [[x]] dan [[y]] | B [[x]]\n:::\n", "10:1: $.lessons[0].pages[0].blocks[0].prompt.en: the en text has fewer blanks than the id text: expected the same blanks in every language, in the same order"),
        (":::\n", "9:1: $: this `:::` closes nothing: expected `::: kind` to open a block first"),
        ("::: choice {#q}\nX\n- [x] a\n- [ ] b\n::: id\nTeks\n:::\n:::\n", "13:1: $.lessons[0].pages[0].blocks[0]: `::: id` cannot be inside `::: choice`: its texts are `id | en` lines"),
        ("::: callout\ntitle: T\nanswer: 3\n::: id\nA\n:::\n:::\n", "11:1: $.lessons[0].pages[0].blocks[0]: `answer:` does not belong in `::: callout`: expected `title:`"),
        ("::: flashcards {#f}\n- a => b\n:::\n", "9:1: $.lessons[0].pages[0].blocks[0]: `::: flashcards` takes no `{#id}`"),
        ("::: id {#x}\nA\n:::\n", "9:1: $: a language section takes no attributes: expected a line `::: id` alone"),
        ("::: en\n- ![a](b.png) x\n:::\n", "10:3: $.lessons[0].pages[0].blocks[0].content.en: expected no image inside text: an image is a block of its own, `![alt | alt](src)` on its own line outside the language sections"),
        ("::: en\n- > quoted\n:::\n", "10:3: $.lessons[0].pages[0].blocks[0].content.en[0]: expected only text in a list item"),
        ("::: trueFalse {#t}\nX\nanswer: true\nanswer: false\n:::\n", "12:1: $.lessons[0].pages[0].blocks[0]: `answer:` is given twice"),
        ("::: performance {#f}\nX\n- Nama | Name => Siti\n:::\n", "11:18: $.lessons[0].pages[0].blocks[0].steps[0]: expected `[[answer|alternative]]` for a text step, or `3.5`, `3.5 ± 0.05` or `12..64` for a number step, found `Siti`"),
        ("::: performance {#f}\nX\n- Nama | Name\n:::\n", "11:3: $.lessons[0].pages[0].blocks[0].steps[0]: expected `- label | label => [[answer|alternative]]` for a text step or `- label | label => 12..64` for a number step"),
        ("::: performance {#f}\nX\n:::\n", "10:1: $.lessons[0].pages[0].blocks[0].steps: expected the steps as `- label | label => [[answer]]` or `- label | label => 12..64` lines"),
        ("::: performance {#f}\nX\n- A {#a points=2} => 1\n:::\n", "11:3: $.lessons[0].pages[0].blocks[0].steps[0]: a step takes only `{#id}`"),
        ("::: performance {#f multiple}\nX\n- A => 1\n:::\n", "9:1: $.lessons[0].pages[0].blocks[0]: unknown attribute `multiple` on `::: performance`: expected {#id}, points=, competencies=, caseSensitive, partialCredit"),
    ];
    for (snippet, expected) in cases {
        assert_eq!(problems(snippet), vec![expected.to_string()], "\n{snippet}");
    }
}

#[test]
fn a_byte_order_mark_and_windows_line_ends_are_accepted() {
    let src = format!("\u{feff}{HEAD}::: id\r\nHalo\r\n:::\r\n")
        .replace("masteryScore: 1\n", "masteryScore: 1\r\n");
    assert_eq!(
        to_json(&src).expect("compiles")["lessons"][0]["pages"][0]["blocks"],
        json!([{ "type": "text", "content": { "id": [{ "type": "paragraph", "content": ["Halo"] }] } }])
    );
}

#[test]
fn front_matter_problems_are_located() {
    let no_front = to_json("# L\n").unwrap_err();
    assert_eq!(no_front[0].to_string(), "1:1: $: expected front matter: a `---` line, then `id:`, `languages:`, `title:` and `masteryScore:` lines, then `---`");
    let bad = to_json(
        "---\nlanguages: [id]\nmasteryScore: high\ncolour: red\n---\n# L\n## P\n::: id\nx\n:::\n",
    )
    .unwrap_err();
    let shown: Vec<String> = bad.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        vec![
            "3:15: $.masteryScore: expected a number, found `high`".to_string(),
            "4:9: $.colour: unknown front matter key `colour`: expected id, languages, defaultLanguage, title, description, masteryScore, maxAttempts, retry, shuffleChoices or competencies".to_string(),
        ]
    );
}

#[test]
fn loader_problems_are_mapped_back_to_the_markdown() {
    // The compiler accepts these; the JSON loader refuses them, and each problem must point
    // at the Markdown line that wrote the offending value.
    let src = format!("{HEAD}::: choice {{#q}}\nX | Y\n- [x] a\n- [x] b\n:::\n");
    let shown: Vec<String> = load(&src)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        shown
            .iter()
            .any(|s| s.starts_with("9:1: $.lessons[0].pages[0].blocks[0].choices:")),
        "{shown:#?}"
    );
    let src = format!("{HEAD}::: trueFalse {{#q}}\nX | Y\nanswer: true\n:::\n## Halaman | Page {{#p}}\n::: id\nx\n:::\n");
    let shown: Vec<String> = load(&src)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(
        shown[0].starts_with("13:1: $.lessons[0].pages[1].id: "),
        "{shown:#?}"
    );
    // A missing translation is a warning, placed at the text that lacks it.
    let src = format!("{HEAD}::: trueFalse {{#q}}\nHanya Indonesia\nanswer: true\n:::\n");
    let module = load(&src).expect("loads");
    let warnings: Vec<String> = module.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("10:1: $.lessons[0].pages[0].blocks[0].prompt.en: ")),
        "{warnings:#?}"
    );
}

#[test]
fn the_kata_sandi_example_loads_and_matches_the_json_module() {
    let md = include_str!("../../../docs/examples/kata-sandi.md");
    let json = include_str!("../../../www/modules/kata-sandi.json");
    let mut from_md = load(md).unwrap_or_else(|p| panic!("{p:#?}"));
    let from_json = pelita_lesson::load_module(json).expect("the JSON example loads");
    assert!(from_md.warnings.is_empty(), "{:#?}", from_md.warnings);
    // The documented tolerance: the Markdown example has a third lesson, "lampiran", with
    // the types the JSON module does not use; everything else must be the same module.
    assert_eq!(from_md.lessons.len(), 3);
    assert_eq!(from_md.lessons[2].id, "lampiran");
    from_md.lessons.truncate(2);
    assert_eq!(from_md, from_json);
    // The JSON written for the first two lessons is the JSON file's, key for key.
    let mut compiled = to_json(md).expect("compiles");
    if let Some(lessons) = compiled["lessons"].as_array_mut() {
        lessons.truncate(2);
    }
    let file: Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(compiled, file);
}

#[test]
fn the_analitik_data_and_pemecahan_masalah_examples_compile_to_their_json_modules() {
    // These two are authored in Markdown only: the JSON files are `pelita convert`'s output,
    // and must stay exactly that, with no warning (every text in both languages).
    let examples = [
        (
            include_str!("../../../docs/examples/analitik-data.md"),
            include_str!("../../../www/modules/analitik-data.json"),
        ),
        (
            include_str!("../../../docs/examples/pemecahan-masalah.md"),
            include_str!("../../../www/modules/pemecahan-masalah.json"),
        ),
    ];
    for (md, json) in examples {
        let from_md = load(md).unwrap_or_else(|p| panic!("{p:#?}"));
        assert!(from_md.warnings.is_empty(), "{:#?}", from_md.warnings);
        let from_json = pelita_lesson::load_module(json).expect("the JSON example loads");
        assert_eq!(from_md, from_json);
        let file: Value = serde_json::from_str(json).expect("JSON");
        assert_eq!(to_json(md).expect("compiles"), file, "{}", file["id"]);
    }
}

#[test]
fn the_four_example_modules_use_every_block_and_question_type_and_a_pool() {
    // Issue 7: together the example modules of www/modules use every block and question
    // type, and one of them has a question pool (draw and shuffle).
    let modules = [
        include_str!("../../../www/modules/phishing.json"),
        include_str!("../../../www/modules/kata-sandi.json"),
        include_str!("../../../www/modules/analitik-data.json"),
        include_str!("../../../www/modules/pemecahan-masalah.json"),
    ];
    let mut kinds: Vec<String> = Vec::new();
    let mut pools = 0;
    for json in modules {
        let module: Value = serde_json::from_str(json).expect("JSON");
        for lesson in module["lessons"].as_array().into_iter().flatten() {
            for page in lesson["pages"].as_array().into_iter().flatten() {
                if page["draw"].is_number() && page["shuffle"] == json!(true) {
                    pools += 1;
                }
                for block in page["blocks"].as_array().into_iter().flatten() {
                    if let Some(kind) = block["type"].as_str() {
                        kinds.push(kind.to_string());
                    }
                }
            }
        }
    }
    for kind in EVERY_KIND {
        assert!(
            kinds.iter().any(|k| k == kind),
            "no example module has {kind}"
        );
    }
    assert!(pools >= 1, "no example module has a question pool");
}

/// Every block and question type of the module format.
const EVERY_KIND: [&str; 18] = [
    "text",
    "image",
    "callout",
    "accordion",
    "flashcards",
    "branch",
    "audio",
    "video",
    "choice",
    "trueFalse",
    "fillIn",
    "matching",
    "sequencing",
    "numeric",
    "performance",
    "likert",
    "longFillIn",
    "hotspot",
];

#[test]
fn the_appendix_uses_the_remaining_block_and_question_types() {
    let md = include_str!("../../../docs/examples/kata-sandi.md");
    let compiled = to_json(md).expect("compiles");
    let mut kinds: Vec<String> = Vec::new();
    for lesson in compiled["lessons"].as_array().into_iter().flatten() {
        for page in lesson["pages"].as_array().into_iter().flatten() {
            for block in page["blocks"].as_array().into_iter().flatten() {
                if let Some(kind) = block["type"].as_str() {
                    kinds.push(kind.to_string());
                }
            }
        }
    }
    for kind in EVERY_KIND {
        assert!(kinds.iter().any(|k| k == kind), "the example has no {kind}");
    }
}

#[test]
fn every_example_of_the_authoring_guide_compiles() {
    // The guide's examples are the ````md blocks of docs/authoring.md: a whole module when
    // it starts with front matter, else blocks placed on a page. Each must compile; those
    // that need no other page (branch targets) must load too.
    let guide = include_str!("../../../docs/authoring.md");
    let mut examples = Vec::new();
    let mut current: Option<String> = None;
    for line in guide.lines() {
        match (&mut current, line) {
            (None, "````md") => current = Some(String::new()),
            (Some(text), "````") => {
                examples.push(std::mem::take(text));
                current = None;
            }
            (Some(text), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(examples.len() >= 18, "found {} examples", examples.len());
    for example in examples {
        let src = if example.starts_with("---") {
            example.clone()
        } else if example.starts_with('#') {
            format!("---\nid: https://example.org/m\nlanguages: [id, en]\ntitle: J | T\nmasteryScore: 1\ncompetencies:\n  - https://pelita.example.org/competencies/keamanan-siber = K | C\n---\n{example}")
        } else {
            format!("{HEAD}{example}")
        };
        let json = to_json(&src).unwrap_or_else(|p| panic!("{example}\n{p:#?}"));
        if !example.contains("::: branch") {
            load(&src).unwrap_or_else(|p| panic!("{example}\n{json:#}\n{p:#?}"));
        }
    }
}

#[test]
fn pools_shuffles_and_choice_shuffling_are_written_as_attributes_and_front_matter() {
    let src = "---\nid: https://example.org/m\nlanguages: [id, en]\ntitle: Judul | Title\nmasteryScore: 1\nshuffleChoices: true\n---\n# Pelajaran | Lesson {#l}\n## Kuis | Quiz {#q draw=1 shuffle}\n::: trueFalse {#a}\nBenar? | True?\nanswer: true\n:::\n::: trueFalse {#b}\nSalah? | False?\nanswer: false\n:::\n";
    let v = to_json(src).expect("compiles");
    assert_eq!(v["shuffleChoices"], json!(true));
    let page = &v["lessons"][0]["pages"][0];
    assert_eq!(
        (page["draw"].clone(), page["shuffle"].clone()),
        (json!(1), json!(true))
    );
    let module = load(src).expect("loads");
    assert_eq!(module.lessons[0].pages[0].draw, Some(1));
    assert!(module.lessons[0].pages[0].shuffle && module.shuffle_choices);
    // Mistakes are located like every other.
    let bad = src
        .replace("draw=1", "draw=many")
        .replace("shuffleChoices: true", "shuffleChoices: yes");
    let problems: Vec<String> = to_json(&bad)
        .expect_err("refused")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        problems.iter().any(|p| p.starts_with("6:")
            && p.contains("$.shuffleChoices: expected true or false, found `yes`")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("9:")
            && p.contains("draw: expected a number of questions, found `many`")),
        "{problems:#?}"
    );
    // A draw larger than the page's questions is the loader's to refuse, at the heading.
    let too_many = load(&src.replace("draw=1", "draw=3")).expect_err("refused");
    assert!(
        too_many
            .iter()
            .any(|p| p.line == Some(9) && p.path.ends_with(".draw")),
        "{too_many:#?}"
    );
}

#[test]
fn performance_problems_found_by_the_loader_land_on_the_step_line() {
    for (snippet, expected) in [
        ("::: performance {#f}\nX | X\n- A | A {#a} => [[x]]\n- B | B {#a} => 3\n:::\n", "12:3: $.lessons[0].pages[0].blocks[0].steps[1].id: step id `a` is used twice in this question"),
        ("::: performance {#f}\nX | X\n- A | A {#a} => [[x[,]y]]\n:::\n", "11:17: $.lessons[0].pages[0].blocks[0].steps[0].accept[0]: must not contain `[,]`, `[.]` or `[:]`, the separators of xAPI response patterns"),
        ("::: performance {#f}\nX | X\n- A | A => 64..12\n:::\n", "11:12: $.lessons[0].pages[0].blocks[0].steps[0].answer: `min` must not be larger than `max`"),
    ] {
        let src = format!("{HEAD}{snippet}");
        let problems: Vec<String> = match load(&src) {
            Ok(_) => panic!("{snippet}\nloaded"),
            Err(p) => p.iter().map(ToString::to_string).collect(),
        };
        assert_eq!(problems, vec![expected.to_string()], "\n{snippet}");
    }
}
