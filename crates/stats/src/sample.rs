//! A uniform sample of attempts of a fixed size, for the figures no count can give
//! (item–rest correlation, the upper and lower 27%, an option most strong learners chose).
//!
//! It is a bottom-k sample: each attempt's key is hashed ([`crate::sketch::hash`]) and the
//! [`SAMPLE_SIZE`] attempts with the smallest hashes are kept. Which attempts those are does
//! not depend on the order they arrive in, so the sample stays uniform as attempts arrive
//! run after run, two samples merge by keeping the smallest of both, and an attempt that
//! changes (a late answer, a voided statement) is simply written again under its hash. An
//! attempt taken out entirely (all its statements voided) leaves a place that the next
//! attempt with a hash below the largest kept fills.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many attempts the sample keeps. With 500 attempts a correlation's standard error is
/// at most about 1/√500 ≈ 0.045, and the whole summary of a 50-question module stays near 430 KB
/// of JSON, within the summary's budget.
pub const SAMPLE_SIZE: usize = 500;

/// One answer of a sampled attempt (its last to that question).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer(
    /// The question's index in [`crate::Summary`]'s question list.
    pub u32,
    /// The points the answer earned ([`crate::report`]'s item score), if scored.
    pub Option<f64>,
    /// Whether it was correct: 1, 0, or -1 when the statement did not say.
    pub i8,
    /// The response, for questions counted by option (else empty).
    pub String,
);

/// An attempt's answers, as the sample keeps them.
pub type Attempt = Vec<Answer>;

/// The sampled attempts by their hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// The largest number of attempts kept.
    pub size: usize,
    /// The attempts kept: hash (as a decimal string, JSON numbers being doubles) to answers.
    pub attempts: BTreeMap<String, Attempt>,
}

impl Default for Sample {
    fn default() -> Self {
        Sample {
            size: SAMPLE_SIZE,
            attempts: BTreeMap::new(),
        }
    }
}

fn key(hash: u64) -> String {
    // Zero-padded so that the map's text order is the numbers' order.
    format!("{hash:020}")
}

impl Sample {
    /// Keeps (or updates) the attempt hashed `hash` if it is among the smallest; an attempt
    /// with no answers is taken out.
    pub fn put(&mut self, hash: u64, answers: Attempt) {
        let k = key(hash);
        if answers.is_empty() {
            self.attempts.remove(&k);
            return;
        }
        if self.attempts.len() < self.size || self.attempts.contains_key(&k) {
            self.attempts.insert(k, answers);
        } else if self
            .attempts
            .keys()
            .next_back()
            .is_some_and(|largest| k < *largest)
        {
            self.attempts.insert(k, answers);
            self.attempts.pop_last();
        }
    }

    /// The union with `other`, keeping the smallest hashes (`other`'s answers win for an
    /// attempt in both).
    pub fn merge(&mut self, other: &Sample) {
        for (k, v) in &other.attempts {
            self.attempts.insert(k.clone(), v.clone());
        }
        while self.attempts.len() > self.size {
            self.attempts.pop_last();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::hash;

    fn one(q: u32) -> Attempt {
        vec![Answer(q, Some(1.0), 1, String::new())]
    }

    /// The sample keeps the smallest hashes whatever the order of arrival, and is uniform:
    /// of 20,000 attempts, half of them "even", about half of 500 sampled are even.
    #[test]
    fn order_free_and_uniform() {
        let keys: Vec<String> = (0..20_000).map(|i| format!("reg-{i}")).collect();
        let (mut forward, mut backward) = (Sample::default(), Sample::default());
        for (i, k) in keys.iter().enumerate() {
            forward.put(hash(k), one((i % 2) as u32));
        }
        for (i, k) in keys.iter().enumerate().rev() {
            backward.put(hash(k), one((i % 2) as u32));
        }
        assert_eq!(forward, backward);
        assert_eq!(forward.attempts.len(), SAMPLE_SIZE);
        let mut all: Vec<u64> = keys.iter().map(|k| hash(k)).collect();
        all.sort_unstable();
        let expected: Vec<String> = all[..SAMPLE_SIZE].iter().map(|h| key(*h)).collect();
        assert_eq!(
            forward.attempts.keys().cloned().collect::<Vec<_>>(),
            expected
        );
        let even = forward.attempts.values().filter(|a| a[0].0 == 0).count();
        // Binomial(500, 0.5): a standard deviation of about 11; 5 of them either side.
        assert!((195..=305).contains(&even), "{even}");
        // Merging the two halves' samples is the sample of the whole.
        let (mut a, mut b) = (Sample::default(), Sample::default());
        for (i, k) in keys.iter().enumerate() {
            let s = if i < 7000 { &mut a } else { &mut b };
            s.put(hash(k), one((i % 2) as u32));
        }
        a.merge(&b);
        assert_eq!(a, forward);
    }

    /// Updating a kept attempt replaces it; emptying it takes it out.
    #[test]
    fn update_and_remove() {
        let mut s = Sample {
            size: 2,
            ..Sample::default()
        };
        s.put(5, one(0));
        s.put(9, one(0));
        s.put(7, one(0));
        assert_eq!(s.attempts.len(), 2);
        assert!(s.attempts.contains_key(&key(5)) && s.attempts.contains_key(&key(7)));
        s.put(7, one(3));
        assert_eq!(s.attempts[&key(7)], one(3));
        s.put(7, vec![]);
        assert_eq!(s.attempts.len(), 1);
        s.put(11, one(1));
        assert!(s.attempts.contains_key(&key(11)));
    }
}
