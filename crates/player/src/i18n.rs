//! The player's own words, in Indonesian and English. Module text comes from the module;
//! these are the buttons, labels and messages around it.

/// A piece of player text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Loading,
    ErrorTitle,
    ErrorIntro,
    ErrorHelp,
    Previous,
    Next,
    Finish,
    CheckAnswer,
    True,
    False,
    Correct,
    Incorrect,
    ChooseOne,
    ChooseAll,
    YouChose,
    ResultTitle,
    Passed,
    Failed,
    Retry,
    RecordTitle,
    RecordEmpty,
    Queued,
    Sending,
    Sent,
    Rejected,
    Local,
    NoLrs,
    ToLrs,
    Language,
    Answered,
    NotAnswered,
    StorageProblem,
    Points,
    CorrectChoice,
    Pages,
    KeptHere,
    AllSaved,
    SendingPaused,
    PausedHelp,
    TryAgain,
    ResumeTitle,
    ResumeContinue,
    ResumeStartOver,
    ReturnToCourse,
    ReturnWhenSaved,
    CloseWindow,
}

/// The text for `key` in `lang` (Indonesian for `id…`, English otherwise).
pub fn t(lang: &str, key: Key) -> &'static str {
    let id = lang.starts_with("id");
    match key {
        Key::Loading => pick(id, "Memuat modul…", "Loading the module…"),
        Key::ErrorTitle => pick(id, "Modul tidak dapat dibuka", "The module cannot be opened"),
        Key::ErrorIntro => pick(id, "Masalah berikut ditemukan:", "These problems were found:"),
        Key::ErrorHelp => pick(
            id,
            "Perbaiki setiap masalah di berkas yang disebut, lalu muat ulang halaman ini.",
            "Fix each problem in the file named, then reload this page.",
        ),
        Key::Previous => pick(id, "Sebelumnya", "Previous"),
        Key::Next => pick(id, "Berikutnya", "Next"),
        Key::Finish => pick(id, "Selesai", "Finish"),
        Key::CheckAnswer => pick(id, "Periksa jawaban", "Check answer"),
        Key::True => pick(id, "Benar", "True"),
        Key::False => pick(id, "Salah", "False"),
        Key::Correct => pick(id, "Jawaban Anda benar.", "Your answer is correct."),
        Key::Incorrect => pick(id, "Jawaban Anda belum tepat.", "Your answer is not correct."),
        Key::ChooseOne => pick(id, "Pilih satu jawaban.", "Choose one answer."),
        Key::ChooseAll => pick(id, "Pilih semua jawaban yang sesuai.", "Choose all answers that apply."),
        Key::YouChose => pick(id, "Anda memilih", "You chose"),
        Key::ResultTitle => pick(id, "Hasil Anda", "Your result"),
        Key::Passed => pick(id, "Lulus", "Passed"),
        Key::Failed => pick(id, "Belum lulus", "Not passed"),
        Key::Retry => pick(id, "Coba lagi", "Try again"),
        Key::RecordTitle => pick(id, "Catatan belajar", "Learning record"),
        Key::RecordEmpty => pick(id, "Belum ada catatan.", "Nothing recorded yet."),
        Key::Queued => pick(id, "menunggu dikirim", "waiting to be sent"),
        Key::Sending => pick(id, "sedang dikirim", "sending"),
        Key::Sent => pick(id, "terkirim", "sent"),
        Key::Rejected => pick(id, "ditolak LRS", "refused by the LRS"),
        Key::KeptHere => pick(
            id,
            "Catatan belajar disimpan di perangkat ini (tanpa LRS)",
            "Learning record kept on this device (no LRS)",
        ),
        Key::AllSaved => pick(id, "Semua tersimpan", "All saved"),
        Key::SendingPaused => pick(
            id,
            "Pengiriman dijeda: LRS menolak kredensial",
            "Sending paused: the LRS refused the credentials",
        ),
        Key::PausedHelp => pick(
            id,
            "Catatan Anda aman di perangkat ini; minta pengelola kursus memeriksa akses LRS",
            "Your records are safe on this device; ask the course administrator to check the LRS access",
        ),
        Key::TryAgain => pick(id, "Coba lagi", "Try again"),
        Key::ResumeTitle => pick(
            id,
            "Lanjutkan dari terakhir kali?",
            "Continue where you left off?",
        ),
        Key::ResumeContinue => pick(id, "Lanjutkan", "Continue"),
        Key::ResumeStartOver => pick(id, "Mulai dari awal", "Start over"),
        Key::ReturnToCourse => pick(id, "Kembali ke kursus", "Return to the course"),
        Key::ReturnWhenSaved => pick(
            id,
            "Menyimpan hasil Anda ke LMS… tombol kembali muncul setelah semuanya tersimpan.",
            "Saving your results to the LMS… the way back appears once everything is saved.",
        ),
        Key::CloseWindow => pick(
            id,
            "Hasil Anda tersimpan di LMS. Anda dapat menutup jendela ini.",
            "Your results are saved in the LMS. You can close this window.",
        ),
        Key::Local => pick(id, "disimpan di peramban", "kept in this browser"),
        Key::NoLrs => pick(
            id,
            "Tidak ada LRS yang diatur: pernyataan xAPI disimpan di peramban ini dan ditampilkan di sini persis seperti akan dikirim.",
            "No LRS is configured: the xAPI statements are kept in this browser and shown here exactly as they would be sent.",
        ),
        Key::ToLrs => pick(id, "Pernyataan dikirim ke", "Statements are sent to"),
        Key::Language => pick(id, "Bahasa", "Language"),
        Key::Answered => pick(id, "terjawab", "answered"),
        Key::NotAnswered => pick(id, "belum dijawab", "not answered"),
        Key::StorageProblem => pick(id, "Masalah penyimpanan", "Storage problem"),
        Key::Points => pick(id, "poin", "points"),
        Key::CorrectChoice => pick(id, "jawaban yang benar", "correct answer"),
        Key::Pages => pick(id, "Navigasi halaman", "Page navigation"),
    }
}

fn pick(id: bool, indonesian: &'static str, english: &'static str) -> &'static str {
    if id {
        indonesian
    } else {
        english
    }
}

/// "3 records waiting to sync".
pub fn records_waiting(lang: &str, n: usize) -> String {
    if lang.starts_with("id") {
        format!("{n} catatan menunggu sinkronisasi")
    } else if n == 1 {
        "1 record waiting to sync".to_string()
    } else {
        format!("{n} records waiting to sync")
    }
}

/// "2 questions answered".
pub fn answered_so_far(lang: &str, n: usize) -> String {
    if lang.starts_with("id") {
        format!("{n} pertanyaan sudah dijawab")
    } else if n == 1 {
        "1 question answered".to_string()
    } else {
        format!("{n} questions answered")
    }
}

/// "Page 2 of 5".
pub fn page_of(lang: &str, index: usize, count: usize) -> String {
    if lang.starts_with("id") {
        format!("Halaman {} dari {}", index + 1, count)
    } else {
        format!("Page {} of {}", index + 1, count)
    }
}

/// A warning before finishing with questions left.
pub fn unanswered(lang: &str, n: usize) -> String {
    if lang.starts_with("id") {
        format!("{n} pertanyaan belum dijawab; pertanyaan itu mendapat 0 poin.")
    } else if n == 1 {
        "1 question is not answered yet; it scores 0 points.".to_string()
    } else {
        format!("{n} questions are not answered yet; they score 0 points.")
    }
}

/// "You scored 5 of 6 points (83%)".
pub fn score_line(lang: &str, raw: u32, max: u32, percent: u32) -> String {
    if lang.starts_with("id") {
        format!("Skor Anda {raw} dari {max} poin ({percent}%).")
    } else {
        format!("You scored {raw} of {max} points ({percent}%).")
    }
}

/// "80% is needed to pass".
pub fn mastery_line(lang: &str, percent: u32) -> String {
    if lang.starts_with("id") {
        format!("Nilai minimal untuk lulus: {percent}%.")
    } else {
        format!("{percent}% is needed to pass.")
    }
}

/// A language's own name, for the language switch.
pub fn language_name(tag: &str) -> String {
    match tag {
        "id" => "Bahasa Indonesia".into(),
        "en" => "English".into(),
        other => other.to_string(),
    }
}
