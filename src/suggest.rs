//! "Did you mean …?": the known word nearest to a mistyped one (a rule code or name, a config
//! key, a setting's value), by edit distance. Lists are short (a hundred words at most), so a
//! plain dynamic-programming distance is all it needs.

/// The optimal-string-alignment distance between `a` and `b`, case-insensitively: insertions,
/// deletions, substitutions and swaps of two neighbouring characters each cost one, so
/// `unknwon` is one edit from `unknown`.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    // Three rows of the table: the one two back is needed for swaps.
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut prev, row);
    }
    prev[b.len()]
}

/// The candidate nearest to `word`, if it is near enough to be what was meant: at most a third
/// of the word's length away (at least one edit), the first of equally near ones. An exact
/// match (in any case) is not a suggestion.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.trim();
    let limit = (word.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = distance(word, c);
        if d == 0 || d > limit {
            continue;
        }
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("modle", "model"), 1);
        assert_eq!(distance("unknwon-role", "unknown-role"), 1);
        assert_eq!(distance("concice", "concise"), 1);
        assert_eq!(distance("C05", "C005"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ÉTÉ", "été"), 0);
    }

    #[test]
    fn nearest_is_near_enough_or_nothing() {
        let keys = ["target", "model", "format", "select", "ignore"];
        assert_eq!(nearest("modle", keys), Some("model"));
        assert_eq!(nearest("selct", keys), Some("select"));
        assert_eq!(nearest("zzz", keys), None);
        assert_eq!(nearest("model", keys), None);
        // One edit is always allowed, even for short words.
        assert_eq!(nearest("J02", ["J002", "J020"]), Some("J002"));
    }
}
