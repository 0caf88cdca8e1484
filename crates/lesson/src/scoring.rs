//! Scoring: questions are all or nothing, and the module's mastery score decides passing.

/// A score in points, with its scaled form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Points earned.
    pub raw: u32,
    /// The lowest possible score (always 0 in format v1).
    pub min: u32,
    /// Points available.
    pub max: u32,
}

impl Score {
    /// `raw / max`, rounded to four decimals so that statements carry no float noise; a
    /// module without points scores 1.0 (nothing could be got wrong).
    pub fn scaled(&self) -> f64 {
        if self.max == 0 {
            return 1.0;
        }
        (f64::from(self.raw) / f64::from(self.max) * 10_000.0).round() / 10_000.0
    }
}

/// The result of a finished attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// The total score.
    pub score: Score,
    /// Whether the scaled score reached the mastery score.
    pub passed: bool,
    /// The mastery score the attempt was judged by.
    pub mastery_score: f64,
}

/// Judges a score against a mastery score (0..=1). Passing needs `scaled >= mastery`;
/// the comparison allows for float error so that 4/5 passes a mastery of 0.8.
pub fn judge(score: Score, mastery_score: f64) -> Outcome {
    let passed = score.scaled() + 1e-9 >= mastery_score;
    Outcome {
        score,
        passed,
        mastery_score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judging_cases() {
        // (raw, max, mastery, scaled, passed)
        let cases = [
            (0, 6, 0.8, 0.0, false),
            (4, 5, 0.8, 0.8, true),
            (5, 6, 0.8, 0.8333, true),
            (4, 6, 0.8, 0.6667, false),
            (6, 6, 1.0, 1.0, true),
            (0, 3, 0.0, 0.0, true),
            (1, 3, 0.34, 0.3333, false),
            (0, 0, 0.5, 1.0, true),
        ];
        for (raw, max, mastery, scaled, passed) in cases {
            let outcome = judge(Score { raw, min: 0, max }, mastery);
            assert_eq!(outcome.score.scaled(), scaled, "{raw}/{max}");
            assert_eq!(outcome.passed, passed, "{raw}/{max} against {mastery}");
        }
    }
}
