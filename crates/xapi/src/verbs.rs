//! The ADL verbs Pelita uses, with display names in English and Indonesian.

use crate::statement::Verb;

const ADL: &str = "http://adlnet.gov/expapi/verbs/";

fn verb(name: &str, id_display: &str) -> Verb {
    Verb {
        id: format!("{ADL}{name}"),
        display: {
            // Inserted one by one: collecting into a map sorts, and sorting code is large.
            let mut display = crate::statement::LanguageMap::new();
            display.insert("en".to_string(), name.to_string());
            display.insert("id".to_string(), id_display.to_string());
            display
        },
    }
}

/// The learner opened the module.
pub fn initialized() -> Verb {
    verb("initialized", "memulai")
}

/// The learner viewed a page.
pub fn experienced() -> Verb {
    verb("experienced", "membaca")
}

/// The learner answered a question.
pub fn answered() -> Verb {
    verb("answered", "menjawab")
}

/// The learner reached the end of the module.
pub fn completed() -> Verb {
    verb("completed", "menyelesaikan")
}

/// The learner reached the mastery score.
pub fn passed() -> Verb {
    verb("passed", "lulus")
}

/// The learner did not reach the mastery score.
pub fn failed() -> Verb {
    verb("failed", "tidak lulus")
}

/// The learner left in the middle of an attempt, meaning to come back.
pub fn suspended() -> Verb {
    verb("suspended", "menunda")
}

/// The learner took a suspended attempt up again.
pub fn resumed() -> Verb {
    verb("resumed", "melanjutkan")
}

/// The learner's session ended.
pub fn terminated() -> Verb {
    verb("terminated", "mengakhiri")
}
