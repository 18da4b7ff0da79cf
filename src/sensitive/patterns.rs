//! Pattern data: the `rules/sensitive/*.toml` files (embedded) and their deserialized form.
//!
//! Everything the scanner knows — regexes, validators, allow-lists, birth cues, name patterns,
//! the attribute lexicon — is data here; user additions use the same [`PatternDef`] shape.

use super::ScannerError;
use serde::Deserialize;

/// The embedded pattern files, in code order.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "s001_secret.toml",
        include_str!("../../rules/sensitive/s001_secret.toml"),
    ),
    (
        "s002_email_address.toml",
        include_str!("../../rules/sensitive/s002_email_address.toml"),
    ),
    (
        "s003_phone_number.toml",
        include_str!("../../rules/sensitive/s003_phone_number.toml"),
    ),
    (
        "s004_payment_card.toml",
        include_str!("../../rules/sensitive/s004_payment_card.toml"),
    ),
    (
        "s005_national_id.toml",
        include_str!("../../rules/sensitive/s005_national_id.toml"),
    ),
    (
        "s006_personal_profile.toml",
        include_str!("../../rules/sensitive/s006_personal_profile.toml"),
    ),
    (
        "s007_special_token.toml",
        include_str!("../../rules/sensitive/s007_special_token.toml"),
    ),
    (
        "s008_street_address.toml",
        include_str!("../../rules/sensitive/s008_street_address.toml"),
    ),
    (
        "s009_birth_date.toml",
        include_str!("../../rules/sensitive/s009_birth_date.toml"),
    ),
    (
        "s010_iban.toml",
        include_str!("../../rules/sensitive/s010_iban.toml"),
    ),
    (
        "s011_example_secret.toml",
        include_str!("../../rules/sensitive/s011_example_secret.toml"),
    ),
];

/// One `[[pattern]]`: a regex reported under an S code. Also the shape of user additions
/// (`[[sensitive.pattern]]` in config, say), hence `deny_unknown_fields`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatternDef {
    /// Unique kebab-case id, e.g. `openai-api-key`.
    pub id: String,
    /// `S001`…`S010` (S006 is file-level and takes no patterns).
    pub code: String,
    /// What a match is, used in messages: `OpenAI API key`.
    pub label: String,
    /// Rust `regex` syntax; a group named `m`, if present, is the reported span.
    pub regex: String,
    /// Optional check of the match: `luhn`, `mynumber`, `ssn`, `secret`, `phone`, `jp-phone`,
    /// `jp-address`, `date`, `card`, `iban`, `national-phone`, `email`.
    #[serde(default)]
    pub validator: Option<String>,
    /// Optional regex that must also match somewhere in the same text.
    #[serde(default)]
    pub context: Option<String>,
    /// The match must not touch a letter or digit, nor continue as `-digit` / `.digit`.
    #[serde(default = "default_true")]
    pub isolated: bool,
    /// Matched texts that never report.
    #[serde(default)]
    pub allow: Vec<String>,
    /// A match containing a match of one of these never reports.
    #[serde(default)]
    pub allow_regex: Vec<String>,
    /// Literals (case-sensitive): the regex runs only on texts containing one of them.
    /// Empty: no literal needed.
    #[serde(default)]
    pub triggers: Vec<String>,
    /// The regex runs only on texts with a cluster of at least this many digits (digits
    /// separated by at most three other characters). Must not exceed the digits of any match.
    #[serde(default)]
    pub min_digits: usize,
    /// S006 fact kind the match states (`email`, `phone`, `address`, …).
    #[serde(default)]
    pub fact: Option<String>,
    /// The fixed prefixes a key of this kind starts with (`sk-proj-`, `ghp_`): a redacted
    /// secret keeps its prefix visible, so the reader knows what leaked, and the `token`
    /// validator does not count the prefix as the key's randomness. Built-in files only
    /// (redaction has no user configuration at hand): not part of the config schema.
    #[serde(default)]
    #[schemars(skip)]
    pub prefixes: Vec<String>,
}

fn default_true() -> bool {
    true
}

/// `[birth]` of the S009 file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BirthDef {
    pub cue: String,
    #[serde(default)]
    pub cue_triggers: Vec<String>,
    pub window_before: usize,
    pub window_after: usize,
    /// Words between cue and date showing the date is not a birth date.
    #[serde(default)]
    pub block: Option<String>,
    /// Words before the cue, in its sentence, showing whose birth it is not (a pet's, a
    /// song's, a company's).
    #[serde(default)]
    pub not_person: Option<String>,
}

/// `[profile]` of the S006 file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileDef {
    pub min_kinds: usize,
    pub question: String,
    pub refusal: String,
    #[serde(default)]
    pub stop_names: Vec<String>,
}

/// `[[name]]`: a regex with a group `name`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameDef {
    pub regex: String,
    #[serde(default)]
    pub triggers: Vec<String>,
}

/// `[[attribute]]`: words that say a message is about a personal attribute of this kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDef {
    pub kind: String,
    pub regex: String,
}

/// One pattern file; every section is optional so files stay focused on one code.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternFile {
    #[serde(default)]
    pub pattern: Vec<PatternDef>,
    #[serde(default)]
    pub birth: Option<BirthDef>,
    #[serde(default)]
    pub profile: Option<ProfileDef>,
    #[serde(default)]
    pub name: Vec<NameDef>,
    #[serde(default)]
    pub attribute: Vec<AttributeDef>,
}

/// Every built-in pattern's `prefixes`, longest first (so `sk-proj-` wins over `sk-`).
pub fn secret_prefixes() -> &'static [String] {
    static PREFIXES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let mut all: Vec<String> = builtin()
            .map(|f| f.pattern.into_iter().flat_map(|p| p.prefixes).collect())
            .unwrap_or_default();
        all.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        all.dedup();
        all
    });
    &PREFIXES
}

/// The built-in files merged into one.
pub fn builtin() -> Result<PatternFile, ScannerError> {
    let mut all = PatternFile::default();
    for (file, text) in BUILTIN_FILES {
        let f: PatternFile = toml::from_str(text).map_err(|source| ScannerError::BuiltinFile {
            file,
            source: Box::new(source),
        })?;
        all.pattern.extend(f.pattern);
        all.name.extend(f.name);
        all.attribute.extend(f.attribute);
        all.birth = all.birth.or(f.birth);
        all.profile = all.profile.or(f.profile);
    }
    Ok(all)
}
