//! A mergeable quantile sketch for the summary's median times, and a distinct-count sketch
//! for its learners.
//!
//! [`Sketch`] is the DDSketch of Masson, Rim and Lee (VLDB 2019) with its logarithmic
//! mapping: a positive value `x` is counted in bucket `ceil(log_γ x)` with
//! `γ = (1 + α) / (1 − α)`, and a bucket stands for `2γ^i / (γ + 1)`, which is within a
//! relative [`RELATIVE_ERROR`] (α = 1%) of every value in it. So any quantile it answers is
//! within 1% of the value of that rank among the values counted, whatever their
//! distribution. It is written here (forty lines) rather than taken from a crate because
//! the summary needs what the crates on crates.io do not offer together: exact removal
//! (an attempt's old contribution is taken back when a late or voided statement changes
//! it: bucket counts are integers, so removing is subtracting), merging by adding counts,
//! and a serde form that stays small (a sparse map of the buckets in use; times from 1 ms
//! to a day use at most about 920 of them).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The sketch's relative error on any quantile, medians included.
pub const RELATIVE_ERROR: f64 = 0.01;

fn gamma() -> f64 {
    (1.0 + RELATIVE_ERROR) / (1.0 - RELATIVE_ERROR)
}

/// Counts of values in logarithmic buckets (see the module's documentation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sketch {
    /// Values of 0 or less (an answer in the same millisecond as the statement before).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub zero: i64,
    /// Bucket index to count; no bucket is kept at 0.
    #[serde(default)]
    pub buckets: BTreeMap<i32, i64>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl Sketch {
    /// Counts `value` `times` times (negative `times` takes values back out).
    pub fn add(&mut self, value: f64, times: i64) {
        if value.is_nan() {
            return;
        }
        if value <= 0.0 {
            self.zero += times;
            return;
        }
        let index = (value.ln() / gamma().ln()).ceil() as i32;
        let count = self.buckets.entry(index).or_insert(0);
        *count += times;
        if *count == 0 {
            self.buckets.remove(&index);
        }
    }

    /// Adds every count of `other` (`sign` -1 subtracts them).
    pub fn merge(&mut self, other: &Sketch, sign: i64) {
        self.zero += sign * other.zero;
        for (index, count) in &other.buckets {
            let c = self.buckets.entry(*index).or_insert(0);
            *c += sign * count;
            if *c == 0 {
                self.buckets.remove(index);
            }
        }
    }

    /// How many values are counted.
    pub fn count(&self) -> i64 {
        self.zero + self.buckets.values().sum::<i64>()
    }

    /// The value of rank `rank` (0-based, in ascending order), within [`RELATIVE_ERROR`].
    fn at_rank(&self, rank: i64) -> f64 {
        if rank < self.zero {
            return 0.0;
        }
        let mut seen = self.zero;
        for (index, count) in &self.buckets {
            seen += count;
            if rank < seen {
                return 2.0 * gamma().powi(*index) / (gamma() + 1.0);
            }
        }
        self.buckets
            .keys()
            .next_back()
            .map_or(0.0, |i| 2.0 * gamma().powi(*i) / (gamma() + 1.0))
    }

    /// The median as [`crate::median`] defines it (the mean of the two middle values of an
    /// even count), each middle value within [`RELATIVE_ERROR`], so the mean too; `None`
    /// for no values.
    pub fn median(&self) -> Option<f64> {
        let n = self.count();
        if n <= 0 {
            return None;
        }
        let mid = n / 2;
        Some(if n % 2 == 0 {
            (self.at_rank(mid - 1) + self.at_rank(mid)) / 2.0
        } else {
            self.at_rank(mid)
        })
    }
}

/// The registers of the learners' distinct-count sketch: 2^10, a standard error of
/// 1.04 / √1024 ≈ 3.3%.
const REGISTERS: usize = 1024;

/// A HyperLogLog distinct count (Flajolet et al. 2007, with the small-range correction):
/// how many learners, which no sum over attempts can give. It only grows: a learner whose
/// every statement is later voided stays counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distinct {
    /// One register per hash prefix: the longest run of leading zeros seen, plus one,
    /// written as one base-36 digit each (capped at 35, which a key reaches with a chance
    /// of 2^-34).
    pub registers: String,
}

impl Default for Distinct {
    fn default() -> Self {
        Distinct {
            registers: "0".repeat(REGISTERS),
        }
    }
}

/// A stable 64-bit hash of a text (FNV-1a, then the SplitMix64 finaliser to spread its
/// bits): the same on every platform and in wasm, unlike the standard library's.
pub fn hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

impl Distinct {
    fn values(&self) -> Vec<u8> {
        let mut v: Vec<u8> = self
            .registers
            .chars()
            .map(|c| c.to_digit(36).unwrap_or(0) as u8)
            .collect();
        v.resize(REGISTERS, 0);
        v
    }

    fn store(&mut self, values: &[u8]) {
        self.registers = values
            .iter()
            .map(|v| std::char::from_digit(u32::from(*v), 36).unwrap_or('0'))
            .collect();
    }

    /// Counts `key` (again, if seen before: no change).
    pub fn add(&mut self, key: &str) {
        let h = hash(key);
        let index = (h >> 54) as usize;
        let rank = (((h << 10) | (1 << 9)).leading_zeros() as u8 + 1).min(35);
        let mut values = self.values();
        if rank > values[index] {
            values[index] = rank;
            self.store(&values);
        }
    }

    /// The union with `other`.
    pub fn merge(&mut self, other: &Distinct) {
        let mut values = self.values();
        for (a, b) in values.iter_mut().zip(other.values()) {
            *a = (*a).max(b);
        }
        self.store(&values);
    }

    /// The estimated number of distinct keys.
    pub fn estimate(&self) -> usize {
        let values = self.values();
        let m = REGISTERS as f64;
        let sum: f64 = values.iter().map(|v| 2f64.powi(-i32::from(*v))).sum();
        let raw = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
        let zeros = values.iter().filter(|v| **v == 0).count();
        let estimate = if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        };
        estimate.round() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::median;

    /// Medians of skewed data stay within the stated error, and removal is exact.
    #[test]
    fn medians_within_error_and_removal_exact() {
        let mut values = Vec::new();
        let mut s = Sketch::default();
        let mut x: u64 = 7;
        for _ in 0..5001 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = ((x >> 33) % 100_000) as f64 * ((x >> 20) % 7 + 1) as f64;
            values.push(v);
            s.add(v, 1);
        }
        let check = |s: &Sketch, values: &[f64]| {
            let exact = median(values).unwrap();
            let got = s.median().unwrap();
            assert!(
                (got - exact).abs() <= exact * RELATIVE_ERROR + 1e-9,
                "{got} vs {exact}"
            );
        };
        check(&s, &values);
        // Taking the last thousand back out leaves exactly the sketch of the rest.
        let mut rest = Sketch::default();
        for v in &values[..4001] {
            rest.add(*v, 1);
        }
        for v in &values[4001..] {
            s.add(*v, -1);
        }
        assert_eq!(s, rest);
        check(&s, &values[..4001]);
        // Merging two halves is the sketch of the whole.
        let (mut a, mut b) = (Sketch::default(), Sketch::default());
        values[..2000].iter().for_each(|v| a.add(*v, 1));
        values[2000..4001].iter().for_each(|v| b.add(*v, 1));
        a.merge(&b, 1);
        assert_eq!(a, rest);
        assert_eq!(Sketch::default().median(), None);
    }

    #[test]
    fn distinct_counts_within_three_standard_errors() {
        let mut d = Distinct::default();
        for i in 0..20_000 {
            d.add(&format!("mailto:learner{i}@example.org"));
            d.add(&format!("mailto:learner{i}@example.org"));
        }
        let e = d.estimate() as f64;
        assert!((e - 20_000.0).abs() < 20_000.0 * 0.1, "{e}");
        let mut small = Distinct::default();
        ["a", "b", "c", "a"].iter().for_each(|k| small.add(k));
        assert_eq!(small.estimate(), 3);
        let mut merged = Distinct::default();
        merged.merge(&small);
        assert_eq!(merged, small);
    }
}
