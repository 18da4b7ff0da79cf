//! Summaries of per-example values: five-number [`Distribution`] and a text [`histogram`].
//!
//! Percentiles use the **nearest-rank** method: the p-th percentile of `n` sorted values is the
//! value at 1-based rank `⌈p/100 × n⌉` (rank 1 for p = 0). It always returns an observed value
//! (no interpolation), so token counts stay integers, and it is exact and deterministic. The
//! median is p50 under this rule: for an even count, the lower of the two middle values.

use std::fmt::Write as _;

use serde::Serialize;

use super::thousands;

/// min / p10 / median / p90 / max of a set of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Distribution {
    pub min: u64,
    pub p10: u64,
    pub median: u64,
    pub p90: u64,
    pub max: u64,
}

impl Distribution {
    /// Summarizes `values` (any order); `None` when empty.
    pub fn of(values: &[u64]) -> Option<Distribution> {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        Distribution::of_sorted(&sorted)
    }

    /// Like [`Self::of`] for values already sorted ascending.
    pub fn of_sorted(sorted: &[u64]) -> Option<Distribution> {
        let (&min, &max) = (sorted.first()?, sorted.last()?);
        Some(Distribution {
            min,
            p10: nearest_rank(sorted, 10),
            median: nearest_rank(sorted, 50),
            p90: nearest_rank(sorted, 90),
            max,
        })
    }
}

/// The `p`-th percentile (0..=100) of non-empty ascending `sorted`, by nearest rank.
fn nearest_rank(sorted: &[u64], p: u64) -> u64 {
    let n = sorted.len() as u64;
    // ⌈p × n / 100⌉ in integers, at least rank 1.
    let rank = (p * n).div_ceil(100).max(1);
    sorted[(rank.min(n) - 1) as usize]
}

/// Width of the longest bar, in characters.
const BAR_WIDTH: usize = 40;
/// At most this many bins.
const MAX_BINS: u64 = 10;

/// One histogram bin: values in `lo..=hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bin {
    pub lo: u64,
    pub hi: u64,
    pub count: u64,
}

/// Splits `values` into at most 10 equal-width integer bins from min to max. Empty input →
/// no bins.
pub fn bins(values: &[u64]) -> Vec<Bin> {
    let (Some(&min), Some(&max)) = (values.iter().min(), values.iter().max()) else {
        return Vec::new();
    };
    // Span of integers covered, saturating so that 0..=u64::MAX cannot overflow.
    let span = (max - min).saturating_add(1);
    let width = span.div_ceil(MAX_BINS).max(1);
    let n_bins = span.div_ceil(width);
    let mut out: Vec<Bin> = (0..n_bins)
        .map(|i| {
            let lo = min + i * width;
            Bin {
                lo,
                hi: lo.saturating_add(width - 1).min(max),
                count: 0,
            }
        })
        .collect();
    for &v in values {
        let i = ((v - min) / width).min(n_bins - 1) as usize;
        out[i].count += 1;
    }
    out
}

/// Renders `values` as a fixed-width plain-text histogram, one line per bin:
///
/// ```text
///     12 –    111 │######################################## 40
///    112 –    211 │##########                                10
/// ```
///
/// Bars are `#` scaled to the largest bin (40 characters); a non-empty bin always shows at
/// least one `#`. Same input, same text. Empty input → an empty string.
pub fn histogram(values: &[u64]) -> String {
    render(&bins(values))
}

/// Renders bins (from [`bins`], e.g. stored in a report) exactly as [`histogram`] does.
pub fn render(bins: &[Bin]) -> String {
    let Some(biggest) = bins.iter().map(|b| b.count).max().filter(|&m| m > 0) else {
        return String::new();
    };
    let label_width = bins
        .iter()
        .map(|b| thousands(b.hi).len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for bin in bins {
        let bar = if bin.count == 0 {
            0
        } else {
            // Round to nearest, at least 1 so that small bins stay visible.
            let scaled = (u128::from(bin.count) * BAR_WIDTH as u128 + u128::from(biggest / 2))
                / u128::from(biggest);
            (scaled as usize).clamp(1, BAR_WIDTH)
        };
        let _ = writeln!(
            out,
            "{:>w$} – {:>w$} │{:<bw$} {}",
            thousands(bin.lo),
            thousands(bin.hi),
            "#".repeat(bar),
            thousands(bin.count),
            w = label_width,
            bw = BAR_WIDTH,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(Distribution::of(&[]), None);
        let one = Distribution::of(&[7]).unwrap();
        assert_eq!(
            (one.min, one.p10, one.median, one.p90, one.max),
            (7, 7, 7, 7, 7)
        );

        // 1..=10 shuffled: p10 = rank 1, median = rank 5, p90 = rank 9.
        let d = Distribution::of(&[5, 3, 9, 1, 10, 2, 8, 4, 7, 6]).unwrap();
        assert_eq!(
            d,
            Distribution {
                min: 1,
                p10: 1,
                median: 5,
                p90: 9,
                max: 10
            }
        );
        // 1..=100: p10 = 10, median = 50, p90 = 90.
        let hundred: Vec<u64> = (1..=100).collect();
        let d = Distribution::of(&hundred).unwrap();
        assert_eq!((d.p10, d.median, d.p90), (10, 50, 90));
        // 11 values: p10 = rank ⌈1.1⌉ = 2, median = rank ⌈5.5⌉ = 6, p90 = rank ⌈9.9⌉ = 10.
        let eleven: Vec<u64> = (0..11).map(|i| i * 10).collect();
        let d = Distribution::of(&eleven).unwrap();
        assert_eq!((d.min, d.p10, d.median, d.p90, d.max), (0, 10, 50, 90, 100));
        // Even count: median is the lower middle value.
        assert_eq!(Distribution::of(&[1, 2, 3, 4]).unwrap().median, 2);
        assert_eq!(nearest_rank(&[4, 5], 0), 4);
        assert_eq!(nearest_rank(&[4, 5], 100), 5);
    }

    #[test]
    fn histogram_is_fixed_and_deterministic() {
        assert_eq!(histogram(&[]), "");
        let values: Vec<u64> = (1..=20).chain([100]).collect();
        let text = histogram(&values);
        assert_eq!(text, histogram(&values));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 10);
        assert!(lines[0].starts_with("  1 –  10 │"), "{text}");
        assert!(lines[0].ends_with(" 10"));
        assert!(lines[9].starts_with(" 91 – 100 │#### "), "{text}");
        // Every bar column starts at the same offset and every line has the same width.
        let widths: Vec<usize> = lines
            .iter()
            .map(|l| l.rsplit_once(' ').unwrap().0.chars().count())
            .collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{text}");
        // Empty bins are drawn with no bar.
        assert!(
            lines[5].contains("│ ") && lines[5].ends_with(" 0"),
            "{text}"
        );

        let same = histogram(&[5, 5, 5]);
        assert_eq!(same, format!("5 – 5 │{} 3\n", "#".repeat(40)));
        // Extreme range does not overflow.
        let b = bins(&[0, u64::MAX]);
        assert_eq!(b.first().unwrap().count + b.last().unwrap().count, 2);
    }
}
