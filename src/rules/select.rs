//! `--select`/`--ignore` (and the config's `select`, `ignore`, `per-file-ignores`): selectors
//! a user writes, resolved once into a [`RuleSet`].

use super::{Rule, RuleSet};

/// A selector that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule selector `{selector}` (see `ftlint rules`)")]
pub struct UnknownSelector {
    /// As the user wrote it, upper-cased and trimmed.
    pub selector: String,
}

/// The rules a selector names: `ALL`, a code (`C005`) or a prefix (`J`, `C0`), in any case.
/// A selector that matches no rule is an error, so a typo never silently turns a check off.
pub fn matching(selector: &str) -> Result<RuleSet, UnknownSelector> {
    let sel = selector.trim().to_ascii_uppercase();
    let hits: RuleSet = if sel == "ALL" {
        RuleSet::all()
    } else {
        Rule::ALL
            .iter()
            .copied()
            .filter(|r| r.code().starts_with(&sel))
            .collect()
    };
    if hits.is_empty() || sel.is_empty() {
        Err(UnknownSelector { selector: sel })
    } else {
        Ok(hits)
    }
}

/// The rules on: `select` (empty: every rule) less `ignore`.
pub fn select(select: &[String], ignore: &[String]) -> Result<RuleSet, UnknownSelector> {
    let mut on = if select.is_empty() {
        RuleSet::all()
    } else {
        let mut set = RuleSet::EMPTY;
        for s in select {
            for r in matching(s)?.iter() {
                set.insert(r);
            }
        }
        set
    };
    for s in ignore {
        on = on.difference(&matching(s)?);
    }
    Ok(on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_codes_and_all() {
        let s = select(&["J".into(), "c005".into()], &["J01".into()]).unwrap();
        assert!(s.contains(Rule::J001) && s.contains(Rule::C005));
        assert!(!s.contains(Rule::J010) && !s.contains(Rule::C004));
        assert_eq!(select(&[], &[]).unwrap(), RuleSet::all());
        assert_eq!(
            select(&["ALL".into()], &["all".into()]).unwrap(),
            RuleSet::EMPTY
        );
    }

    #[test]
    fn a_typo_is_an_error() {
        assert_eq!(
            select(&["X1".into()], &[]).unwrap_err().to_string(),
            "unknown rule selector `X1` (see `ftlint rules`)"
        );
        assert!(select(&[], &[" ".into()]).is_err());
    }
}
