//! Generates the rule registry from the rule files (see `rules()` below), so a rule is added by
//! adding a file: its identity, its module declaration, its place in the registry and its
//! documentation (the file's `//!` comment, which `ftlint rule CODE`, the README table and SARIF
//! show) all come from the file.
//!
//! A rule file is `src/rules/<family>/<code>_<name>.rs`, e.g. `c005_unknown_role.rs`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    rules();
}

/// The rule families in catalog order: the order of `ftlint rules`, of the `Rule` enum and of
/// SARIF's `rules[]`. A new family is one line here; a new rule is only a file.
const FAMILIES: [&str; 15] = [
    "jsonl",
    "chat",
    "preference",
    "rft",
    "completion",
    "gemini",
    "bedrock",
    "trl",
    "sharegpt",
    "alpaca",
    "tokens",
    "dataset",
    "sensitive",
    "moderation",
    "convert",
];

/// Finds every rule file (`src/rules/<family>/<code>_<name>.rs`, e.g. `c005_unknown_role.rs`)
/// and generates from the file names alone:
/// - `rule_ids.rs`: the `Rule` enum (identity, catalog order), each rule's code and its `//!`
///   documentation;
/// - `rule_modules_<family>.rs`: the family's `mod` declarations, so a rule needs no line in
///   its family's `mod.rs`;
/// - `rule_registry.rs`: the table of every rule's `RULE` definition, indexed by `Rule`;
/// - `rule_tests.rs`: the rule test modules of `tests/rules.rs` (`rule_tests! { J001 … }`).
fn rules() {
    let root = Path::new("src/rules");
    println!("cargo:rerun-if-changed=src/rules");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    // (code, family, module, doc)
    let mut rules: Vec<(String, &str, String, String)> = Vec::new();
    for family in FAMILIES {
        let dir = root.join(family);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(Result::ok)
            .collect();
        files.sort_by_key(|e| e.file_name());
        let mut modules = String::new();
        for file in files {
            let name = file.file_name().to_string_lossy().into_owned();
            let b = name.as_bytes();
            let is_rule = name.ends_with(".rs")
                && b.len() > 5
                && b[0].is_ascii_lowercase()
                && b[1..4].iter().all(u8::is_ascii_digit)
                && b[4] == b'_';
            if !is_rule {
                continue;
            }
            let module = name.trim_end_matches(".rs").to_string();
            let source = std::fs::read_to_string(file.path()).expect("rule file readable");
            let doc: String = source
                .lines()
                .take_while(|l| l.starts_with("//!"))
                .map(|l| {
                    let l = &l[3..];
                    l.strip_prefix(' ').unwrap_or(l)
                })
                .collect::<Vec<_>>()
                .join("\n");
            // An absolute path: `#[path]` inside an `include!`d file is not resolved against
            // the including module's folder.
            let path = Path::new(&manifest).join(file.path());
            writeln!(
                modules,
                "#[path = {:?}]\npub mod {module};",
                path.display().to_string()
            )
            .expect("writing to a String cannot fail");
            rules.push((
                name[..4].to_ascii_uppercase(),
                family,
                module,
                doc.trim().to_string(),
            ));
        }
        let dest = Path::new(&out_dir).join(format!("rule_modules_{family}.rs"));
        write(dest, modules);
    }
    let mut codes: Vec<&str> = rules.iter().map(|r| r.0.as_str()).collect();
    codes.sort_unstable();
    if let Some(w) = codes.windows(2).find(|w| w[0] == w[1]) {
        panic!("two rule files have the code {}", w[0]);
    }

    let n = rules.len();
    let mut ids = String::from(
        "/// Every rule, in catalog order (generated from the rule files by `build.rs`).\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]\n\
         #[repr(u16)]\npub enum Rule {\n",
    );
    for (code, ..) in &rules {
        writeln!(ids, "    {code},").expect("writing to a String cannot fail");
    }
    ids.push_str("}\n\nimpl Rule {\n");
    writeln!(
        ids,
        "    /// How many rules there are.\n    pub const COUNT: usize = {n};"
    )
    .expect("writing to a String cannot fail");
    ids.push_str(
        "    /// Every rule, in catalog order.\n    pub const ALL: [Rule; Self::COUNT] = [\n",
    );
    for (code, ..) in &rules {
        writeln!(ids, "        Rule::{code},").expect("writing to a String cannot fail");
    }
    ids.push_str("    ];\n\n    /// The rule's code, e.g. `C005`: a public contract, never renumbered.\n    pub const fn code(self) -> &'static str {\n        match self {\n");
    for (code, ..) in &rules {
        writeln!(ids, "            Rule::{code} => {code:?},")
            .expect("writing to a String cannot fail");
    }
    ids.push_str("        }\n    }\n\n    /// The rule's documentation: the `//!` comment of its source file.\n    pub const fn doc(self) -> &'static str {\n        DOCS[self as usize]\n    }\n}\n\n");
    ids.push_str(
        "/// Every rule's documentation, in catalog order.\nstatic DOCS: [&str; Rule::COUNT] = [\n",
    );
    for (.., doc) in &rules {
        writeln!(ids, "    {doc:?},").expect("writing to a String cannot fail");
    }
    ids.push_str("];\n");
    write(Path::new(&out_dir).join("rule_ids.rs"), ids);

    let mut reg = String::from(
        "/// Every rule's definition, indexed by `Rule` (generated by `build.rs`).\n\
         pub static REGISTRY: [&RuleDef; Rule::COUNT] = [\n",
    );
    for (_, family, module, _) in &rules {
        writeln!(reg, "    &super::{family}::{module}::RULE,")
            .expect("writing to a String cannot fail");
    }
    reg.push_str("];\n");
    write(Path::new(&out_dir).join("rule_registry.rs"), reg);

    // One test module per rule in `tests/rules.rs`, so a new rule file gets its tests too.
    let codes: Vec<&str> = rules.iter().map(|r| r.0.as_str()).collect();
    let tests = format!("rule_tests! {{ {} }}\n", codes.join(" "));
    write(Path::new(&out_dir).join("rule_tests.rs"), tests);
}

/// Writes a generated file into `OUT_DIR`; a failure there is the build's to report.
fn write(path: impl AsRef<Path>, text: impl AsRef<[u8]>) {
    let path = path.as_ref();
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
