//! Extracts each rule's documentation from the `//!` comment of its source file, so the doc a
//! user reads (`ftlint rule CODE`, the README table, SARIF) is the one beside the code.
//!
//! A rule file is `src/rules/<family>/<code>_<name>.rs`, e.g. `c005_unknown_role.rs`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    rule_docs();
}

fn rule_docs() {
    let root = Path::new("src/rules");
    println!("cargo:rerun-if-changed=src/rules");
    let mut docs: Vec<(String, String)> = Vec::new();
    let mut families: Vec<_> = std::fs::read_dir(root)
        .expect("src/rules exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .collect();
    families.sort_by_key(|e| e.file_name());
    for family in families {
        println!("cargo:rerun-if-changed={}", family.path().display());
        let mut files: Vec<_> = std::fs::read_dir(family.path())
            .expect("family dir readable")
            .filter_map(Result::ok)
            .collect();
        files.sort_by_key(|e| e.file_name());
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
            docs.push((name[..4].to_ascii_uppercase(), doc.trim().to_string()));
        }
    }
    let mut out = String::from("pub static DOCS: &[(&str, &str)] = &[\n");
    for (code, doc) in &docs {
        writeln!(out, "    ({code:?}, {doc:?}),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rule_docs.rs");
    std::fs::write(dest, out).unwrap();
}
