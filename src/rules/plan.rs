//! The selected rules sorted by phase, once per run, so the engine runs each phase's hooks
//! without looking at the rules it does not run.

use super::{def, RuleDef, RuleSet};

/// The rules of a run, by phase.
#[derive(Clone)]
pub struct Plan {
    /// Every selected rule.
    pub set: RuleSet,
    pub raw: Vec<&'static RuleDef>,
    pub parse: Vec<&'static RuleDef>,
    /// Rules for a line too long to hold.
    pub oversize: Vec<&'static RuleDef>,
    /// Rules that word schema issues (looked up per issue).
    pub schema: RuleSet,
    pub example: Vec<&'static RuleDef>,
    pub dataset: Vec<&'static RuleDef>,
    /// Rules that word a conversion's losses (`ftlint convert`).
    pub convert: Vec<&'static RuleDef>,
}

impl Plan {
    pub fn new(set: RuleSet) -> Plan {
        let defs: Vec<&'static RuleDef> = set.iter().map(def).collect();
        let with = |has: fn(&RuleDef) -> bool| -> Vec<&'static RuleDef> {
            defs.iter().copied().filter(|d| has(d)).collect()
        };
        Plan {
            set,
            raw: with(|d| d.raw.is_some()),
            parse: with(|d| d.parse.is_some()),
            oversize: with(|d| d.oversize.is_some()),
            schema: defs
                .iter()
                .filter(|d| d.schema.is_some())
                .map(|d| d.meta.rule)
                .collect(),
            example: with(|d| d.example.is_some()),
            dataset: with(|d| d.dataset.is_some()),
            convert: with(|d| d.convert.is_some()),
        }
    }

    /// Do the selected rules all run in the raw-line phase (nothing needs a parse)?
    pub fn needs_only_raw(&self) -> bool {
        self.parse.is_empty()
            && self.schema.is_empty()
            && self.example.is_empty()
            && self.dataset.is_empty()
    }

    /// Does a selected rule read token counts?
    pub fn uses_tokens(&self) -> bool {
        self.set.iter().any(|r| def(r).uses_tokens)
    }

    /// Does a selected rule read moderation scores?
    pub fn uses_moderation(&self) -> bool {
        self.set.iter().any(|r| def(r).uses_moderation)
    }
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan").field("set", &self.set).finish()
    }
}
