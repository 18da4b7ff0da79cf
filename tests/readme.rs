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
