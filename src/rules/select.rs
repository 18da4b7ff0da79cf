//! `--select`/`--ignore`/`--extend-select`/`--extend-ignore` (and the config's `select`,
//! `ignore`, `extend-select`, `extend-ignore`, `per-file-ignores`): selectors a user writes,
//! resolved once into a [`RuleSet`].
//!
//! A selector is `ALL`, a code (`C005`), a code prefix (`C`, `C0`) or a rule's name
//! (`unknown-role`), in any case. Selections come in layers, as in ruff: the config file's, then
//! the flags'. A layer with `select` starts over from what it selects; a layer without one
//! changes the set below it (`extend-select` adds, `ignore` and `extend-ignore` remove). Within
//! a layer the more specific selector wins (`ignore = ["C"]` with `extend-select = ["C005"]`
//! keeps C005), and at equal specificity an ignore beats a select. So `--select` replaces the
//! configured set, while `--ignore` and `--extend-*` add to it.

use super::{Rule, RuleSet};

/// A selector that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown rule selector `{selector}`{} (see `ftlint rules`)",
    .suggestion.as_ref().map(|s| format!("; did you mean {s}?")).unwrap_or_default()
)]
pub struct UnknownSelector {
    /// As the user wrote it, trimmed.
    pub selector: String,
    /// The nearest code or rule name, quoted (`` `unknown-role` (`C005`) ``), when one is near.
    pub suggestion: Option<String>,
}

/// One layer's selection: the config file's keys, or the flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// `select`: when given, the layer starts over from these rules.
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// The same as `ignore` (ruff has both; ftlint reads one config file, so they cannot
    /// differ in meaning).
    pub extend_ignore: Vec<String>,
}

impl Selection {
    /// A layer that selects exactly `selectors`.
    pub fn only<S: AsRef<str>>(selectors: &[S]) -> Selection {
        Selection {
            select: Some(selectors.iter().map(|s| s.as_ref().to_string()).collect()),
            ..Selection::default()
        }
    }

    /// The layer says nothing.
    pub fn is_empty(&self) -> bool {
        self.select.is_none()
            && self.extend_select.is_empty()
            && self.ignore.is_empty()
            && self.extend_ignore.is_empty()
    }
}

/// How specific a selector is: `ALL` 0, a prefix its length, a code or a name the most.
fn specificity(selector: &str) -> usize {
    let s = selector.trim();
    if s.eq_ignore_ascii_case("ALL") {
        0
    } else if s.contains('-') || Rule::from_code(s).is_some() {
        CODE_SPECIFICITY
    } else {
        s.len().min(CODE_SPECIFICITY)
    }
}

const CODE_SPECIFICITY: usize = 4;

/// The rules a selector names: `ALL`, a rule's name (`unknown-role`), a code (`C005`) or a
/// prefix (`J`, `C0`), in any case. A selector that matches no rule is an error, so a typo
/// never silently turns a check off; the error suggests the nearest code or name.
pub fn matching(selector: &str) -> Result<RuleSet, UnknownSelector> {
    let written = selector.trim();
    let sel = written.to_ascii_uppercase();
    let hits: RuleSet = if sel == "ALL" {
        RuleSet::all()
    } else if let Some(meta) = super::all().find(|m| m.name.eq_ignore_ascii_case(written)) {
        std::iter::once(meta.rule).collect()
    } else {
        Rule::ALL
            .iter()
            .copied()
            .filter(|r| r.code().starts_with(&sel))
            .collect()
    };
    if hits.is_empty() || sel.is_empty() {
        Err(UnknownSelector {
            selector: written.to_string(),
            suggestion: suggest(written),
        })
    } else {
        Ok(hits)
    }
}

/// The code or name nearest to an unknown selector, quoted: a name is suggested with its code.
pub fn suggest(selector: &str) -> Option<String> {
    if selector.is_empty() {
        return None;
    }
    let words = super::all().flat_map(|m| [m.code(), m.name]);
    let near = crate::suggest::nearest(selector, words)?;
    Some(match super::all().find(|m| m.name == near) {
        Some(m) => format!("`{near}` (`{}`)", m.code()),
        None => format!("`{near}`"),
    })
}

/// The rules on: `select` (empty: every rule) less `ignore`, as one layer.
pub fn select(select: &[String], ignore: &[String]) -> Result<RuleSet, UnknownSelector> {
    let layer = Selection {
        select: (!select.is_empty()).then(|| select.to_vec()),
        ignore: ignore.to_vec(),
        ..Selection::default()
    };
    resolve(std::slice::from_ref(&layer))
}

/// The rules on after `layers`, lowest first, over the default (every rule).
pub fn resolve(layers: &[Selection]) -> Result<RuleSet, UnknownSelector> {
    let mut on = RuleSet::all();
    for layer in layers {
        // Per rule, the most specific selector of the layer that names it decides.
        let mut touched = RuleSet::EMPTY;
        let mut enabled = RuleSet::EMPTY;
        let selects: Vec<&String> = layer
            .select
            .iter()
            .flatten()
            .chain(&layer.extend_select)
            .collect();
        let ignores: Vec<&String> = layer.ignore.iter().chain(&layer.extend_ignore).collect();
        for spec in 0..=CODE_SPECIFICITY {
            for s in selects.iter().filter(|s| specificity(s) == spec) {
                let rules = matching(s)?;
                touched = touched.union(&rules);
                enabled = enabled.union(&rules);
            }
            for s in ignores.iter().filter(|s| specificity(s) == spec) {
                let rules = matching(s)?;
                touched = touched.union(&rules);
                enabled = enabled.difference(&rules);
            }
        }
        on = if layer.select.is_some() {
            enabled
        } else {
            on.difference(&touched).union(&enabled)
        };
    }
    Ok(on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn prefixes_codes_names_and_all() {
        let s = select(&v(&["J", "c005"]), &v(&["J01"])).unwrap();
        assert!(s.contains(Rule::J001) && s.contains(Rule::C005));
        assert!(!s.contains(Rule::J010) && !s.contains(Rule::C004));
        assert_eq!(select(&[], &[]).unwrap(), RuleSet::all());
        assert_eq!(select(&v(&["ALL"]), &v(&["all"])).unwrap(), RuleSet::EMPTY);
        let by_name = select(&v(&["unknown-role", "Invalid-JSON"]), &[]).unwrap();
        assert_eq!(by_name.iter().collect::<Vec<_>>(), [Rule::J002, Rule::C005]);
    }

    #[test]
    fn a_typo_is_an_error_with_a_suggestion() {
        assert_eq!(
            select(&v(&["X1"]), &[]).unwrap_err().to_string(),
            "unknown rule selector `X1` (see `ftlint rules`)"
        );
        assert_eq!(
            select(&v(&["unknwon-role"]), &[]).unwrap_err().to_string(),
            "unknown rule selector `unknwon-role`; did you mean `unknown-role` (`C005`)? (see `ftlint rules`)"
        );
        assert_eq!(
            select(&[], &v(&["C05"])).unwrap_err().to_string(),
            "unknown rule selector `C05`; did you mean `C005`? (see `ftlint rules`)"
        );
        assert!(select(&[], &v(&[" "])).is_err());
    }

    /// ruff's precedence: a layer's `select` starts over; `ignore` and `extend-*` change the set
    /// below; within a layer the more specific selector wins.
    #[test]
    fn layers_and_specificity() {
        let config = Selection {
            select: Some(v(&["J", "C"])),
            ignore: v(&["C005"]),
            ..Selection::default()
        };
        let on = |layers: &[Selection]| resolve(layers).unwrap();
        let base = on(std::slice::from_ref(&config));
        assert!(base.contains(Rule::J002) && base.contains(Rule::C004));
        assert!(!base.contains(Rule::C005) && !base.contains(Rule::D001));
        // `--ignore J002` adds to the config's ignore.
        let flags = Selection {
            ignore: v(&["J002"]),
            ..Selection::default()
        };
        let s = on(&[config.clone(), flags]);
        assert!(!s.contains(Rule::C005) && !s.contains(Rule::J002) && s.contains(Rule::J001));
        // `--extend-select D001` adds; `--extend-ignore` removes.
        let flags = Selection {
            extend_select: v(&["D001"]),
            extend_ignore: v(&["J"]),
            ..Selection::default()
        };
        let s = on(&[config.clone(), flags]);
        assert!(s.contains(Rule::D001) && !s.contains(Rule::J001) && !s.contains(Rule::C005));
        // `--select` replaces everything configured, its ignore included.
        let flags = Selection::only(&["C005", "C004"]);
        let s = on(&[config.clone(), flags]);
        assert_eq!(s.iter().collect::<Vec<_>>(), [Rule::C004, Rule::C005]);
        // More specific wins within a layer; at equal specificity the ignore wins.
        let layer = Selection {
            ignore: v(&["C"]),
            extend_select: v(&["C005"]),
            ..Selection::default()
        };
        let s = on(&[layer]);
        assert!(s.contains(Rule::C005) && !s.contains(Rule::C004) && s.contains(Rule::J001));
        let layer = Selection {
            select: Some(v(&["C005"])),
            ignore: v(&["unknown-role"]),
            ..Selection::default()
        };
        assert_eq!(on(&[layer]), RuleSet::EMPTY);
    }
}
