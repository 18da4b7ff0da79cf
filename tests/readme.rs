//! The README's rule table is generated from the registry; this test fails when it is stale
//! (run `FTLINT_BLESS=1 cargo test --test readme` to rewrite it).

use ftlint::rules;

fn table() -> String {
    let mut t = String::from("| code | name | severity | summary |\n|---|---|---|---|\n");
    for r in rules::all() {
        t.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.code(),
            r.name,
            r.severity.as_str(),
            r.summary.replace('|', "\\|")
        ));
    }
    t
}

#[test]
fn readme_rule_table_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("start marker") + start.len();
    let b = readme.find(end).expect("end marker");
    let fresh = table();
    if readme[a..b] != fresh {
        if std::env::var_os("FTLINT_BLESS").is_some() {
            std::fs::write(path, format!("{}{fresh}{}", &readme[..a], &readme[b..])).unwrap();
        } else {
            panic!("README rule table is stale: run `FTLINT_BLESS=1 cargo test --test readme`");
        }
    }
}

/// The README's target table is generated from the built-in targets, like the rule table.
#[test]
fn readme_target_table_is_current() {
    let mut fresh = String::from("| target | formats | models | what it is |\n|---|---|---|---|\n");
    for t in ftlint::targets::Target::builtins() {
        let formats: Vec<String> = t.formats.iter().map(|f| format!("`{f}`")).collect();
        fresh.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            t.name,
            formats.join(", "),
            t.models.len(),
            t.title.replace('|', "\\|")
        ));
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- targets:start -->\n", "<!-- targets:end -->");
    let a = readme.find(start).expect("start marker") + start.len();
    let b = readme.find(end).expect("end marker");
    if readme[a..b] != fresh {
        if std::env::var_os("FTLINT_BLESS").is_some() {
            std::fs::write(path, format!("{}{fresh}{}", &readme[..a], &readme[b..])).unwrap();
        } else {
            panic!("README target table is stale: run `FTLINT_BLESS=1 cargo test --test readme`");
        }
    }
}
