//! The SCORM bridge as pure rules: which CMI data model values report an attempt, in the
//! form each SCORM version requires.
//!
//! The player's glue finds the LMS's API and calls it; everything it sets comes from
//! [`values`], so every rule about status, score, time formats and size limits is tested
//! natively. Resume data is the same saved attempt the State API keeps (compact JSON), which
//! fits the 4,096 characters SCORM 1.2 allows for `cmi.suspend_data` (a test proves it for
//! the largest example module).

use crate::time::format_duration;
use pelita_lesson::Outcome;

/// The SCORM version of the LMS's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScormVersion {
    /// SCORM 1.2: `window.API`.
    V12,
    /// SCORM 2004: `window.API_1484_11`.
    V2004,
}

impl ScormVersion {
    /// The most characters `cmi.suspend_data` may hold.
    pub fn suspend_data_limit(self) -> usize {
        match self {
            ScormVersion::V12 => 4_096,
            ScormVersion::V2004 => 64_000,
        }
    }

    /// The data model element holding the resume data.
    pub fn suspend_data(self) -> &'static str {
        "cmi.suspend_data"
    }

    /// The data model element holding how the learner entered (`resume` after a suspend).
    pub fn entry(self) -> &'static str {
        match self {
            ScormVersion::V12 => "cmi.core.entry",
            ScormVersion::V2004 => "cmi.entry",
        }
    }

    /// The data model element holding the LMS's mastery score.
    pub fn mastery(self) -> &'static str {
        match self {
            ScormVersion::V12 => "cmi.student_data.mastery_score",
            ScormVersion::V2004 => "cmi.scaled_passing_score",
        }
    }
}

/// Reads the LMS's mastery score as 0 to 1: SCORM 1.2 gives 0 to 100, 2004 a scaled score;
/// empty or out of range means none.
pub fn mastery_score(version: ScormVersion, value: &str) -> Option<f64> {
    let number: f64 = value.trim().parse().ok()?;
    let scaled = match version {
        ScormVersion::V12 => number / 100.0,
        ScormVersion::V2004 => number,
    };
    (number.is_finite() && (0.0..=1.0).contains(&scaled)).then_some(scaled)
}

/// Formats a session time: SCORM 1.2's `HHHH:MM:SS.SS`, or ISO 8601 for 2004.
pub fn session_time(version: ScormVersion, ms: i64) -> String {
    match version {
        ScormVersion::V2004 => format_duration(ms),
        ScormVersion::V12 => {
            // Four digits of hours is all 1.2 allows: a longer session reads as the most.
            let centis = (ms.max(0) / 10).min(9_999 * 360_000 + 359_999);
            format!(
                "{:04}:{:02}:{:02}.{:02}",
                centis / 360_000,
                centis % 360_000 / 6_000,
                centis % 6_000 / 100,
                centis % 100
            )
        }
    }
}

/// Where the attempt is, as SCORM reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// An attempt runs: its page (the location) and its resume data.
    InProgress {
        /// The page's index in reading order.
        page: usize,
        /// The saved attempt, as compact JSON.
        suspend_data: String,
    },
    /// The attempt finished with this outcome.
    Finished(Outcome),
}

/// The data model values that report `progress`, in the order to set them. `leaving` adds
/// how the learner exits (suspend while an attempt runs) and the session time, which are
/// set once, just before Terminate. Resume data beyond the version's limit is left out
/// rather than truncated (a cut JSON document could not be read back), and the caller is
/// told through [`too_long`].
pub fn values(
    version: ScormVersion,
    progress: &Progress,
    leaving: Option<i64>,
) -> Vec<(&'static str, String)> {
    let v12 = version == ScormVersion::V12;
    let mut out: Vec<(&'static str, String)> = Vec::new();
    match progress {
        Progress::InProgress { page, suspend_data } => {
            if v12 {
                out.push(("cmi.core.lesson_status", "incomplete".into()));
                out.push(("cmi.core.lesson_location", page.to_string()));
            } else {
                out.push(("cmi.completion_status", "incomplete".into()));
                out.push(("cmi.location", page.to_string()));
            }
            if suspend_data.len() <= version.suspend_data_limit() {
                out.push(("cmi.suspend_data", suspend_data.clone()));
            }
        }
        Progress::Finished(outcome) => {
            let score = outcome.score;
            let judged = if outcome.passed { "passed" } else { "failed" };
            if v12 {
                out.push(("cmi.core.lesson_status", judged.into()));
                out.push(("cmi.core.score.min", "0".into()));
                out.push(("cmi.core.score.max", "100".into()));
                let percent = (score.scaled() * 100.0).round() as u32;
                out.push(("cmi.core.score.raw", percent.to_string()));
            } else {
                out.push(("cmi.completion_status", "completed".into()));
                out.push(("cmi.success_status", judged.into()));
                out.push(("cmi.score.min", score.min.to_string()));
                out.push(("cmi.score.max", score.max.to_string()));
                out.push(("cmi.score.raw", score.raw.to_string()));
                out.push(("cmi.score.scaled", format_scaled(score.scaled())));
            }
            // Nothing to continue after the end.
            out.push(("cmi.suspend_data", String::new()));
        }
    }
    if let Some(ms) = leaving {
        let exit = match (progress, v12) {
            (Progress::InProgress { .. }, _) => "suspend",
            (Progress::Finished(_), true) => "",
            (Progress::Finished(_), false) => "normal",
        };
        if v12 {
            out.push(("cmi.core.exit", exit.into()));
            out.push(("cmi.core.session_time", session_time(version, ms)));
        } else {
            out.push(("cmi.exit", exit.into()));
            out.push(("cmi.session_time", session_time(version, ms)));
        }
    }
    out
}

/// Whether the resume data is too long for this version (it is then not sent, and the
/// learner can still continue from the browser's or the LRS's copy).
pub fn too_long(version: ScormVersion, suspend_data: &str) -> bool {
    suspend_data.len() > version.suspend_data_limit()
}

/// A scaled score as SCORM 2004's real(10,7): at most 7 decimals, no exponent. Written
/// with integers: float formatting would add kilobytes to the player's download.
fn format_scaled(value: f64) -> String {
    let units = (value.clamp(-1.0, 1.0) * 10_000_000.0).round() as i64;
    let sign = if units < 0 { "-" } else { "" };
    let (whole, fraction) = (units.abs() / 10_000_000, units.abs() % 10_000_000);
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{fraction:07}");
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}
