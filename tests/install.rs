//! Installing and integrating ftlint: the Python wheel (maturin, `bindings = "bin"`), the GitHub
//! Action's steps (`scripts/action.sh`, driven as `action.yml` drives them), shell completions
//! and manual pages. Tests that need a tool the machine may lack (maturin, python3's venv, bash,
//! groff) say so on stderr and pass without checking.

mod common;

use common::{stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ftlint");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn skip(why: &str) {
    eprintln!("skipped: {why}");
}

// ---------------------------------------------------------------------------------------------
// The wheel

/// `pyproject.toml` makes a wheel whose only content is the `ftlint` binary as a script: a fresh
/// virtual environment that installs it (offline, from the file) has `ftlint` on its PATH, and
/// it is this crate's binary (same version, same findings).
///
/// The wheel is built with the dev profile (`maturin build --profile dev`): the packaging is
/// what is under test, and the dev build reuses most of the test build's work; the release
/// profile that `pip install .` uses comes from `[tool.maturin] profile`, checked below.
#[test]
fn the_wheel_puts_ftlint_on_path() {
    if !works("maturin", &["--version"]) {
        return skip("`maturin` is not on PATH (pip install maturin); the wheel is not tested");
    }
    if !works("python3", &["-m", "venv", "--help"]) {
        return skip("python3 with the venv module is needed to install the wheel");
    }
    let tmp = tempfile::tempdir().unwrap();
    let wheels = tmp.path().join("wheels");
    let o = Command::new("maturin")
        .args(["build", "--profile", "dev", "--quiet", "--out"])
        .arg(&wheels)
        .current_dir(repo())
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let wheel: Vec<PathBuf> = std::fs::read_dir(&wheels)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(wheel.len(), 1, "{wheel:?}");
    let name = wheel[0].file_name().unwrap().to_string_lossy().into_owned();
    let version = env!("CARGO_PKG_VERSION");
    // A binary wheel: any Python 3, this platform.
    assert!(
        name.starts_with(&format!("ftlint-{version}-py3-none-")),
        "{name}"
    );

    let venv = tmp.path().join("venv");
    let o = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let bin_dir = venv.join(if cfg!(windows) { "Scripts" } else { "bin" });
    let o = Command::new(bin_dir.join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--no-deps",
            "--disable-pip-version-check",
        ])
        .arg(&wheel[0])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));

    // Found through PATH alone, as an activated environment finds it.
    let data = tmp.path().join("t.jsonl");
    std::fs::write(
        &data,
        "{\"messages\": [{\"role\": \"human\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}\n",
    )
    .unwrap();
    let path = std::env::join_paths([bin_dir.clone()]).unwrap();
    let run = |args: &[&str]| -> Output {
        Command::new("ftlint")
            .args(args)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("FTLINT_CACHE_DIR", tmp.path().join("cache"))
            .env_remove("FTLINT_OUTPUT_FORMAT")
            .current_dir(tmp.path())
            .output()
            .expect("`ftlint` runs from the virtual environment's PATH")
    };
    let o = run(&["--version"]);
    assert_eq!(stdout(&o), format!("ftlint {version}\n"));
    let o = run(&[
        "check",
        "t.jsonl",
        "--select",
        "C005",
        "--output-format",
        "concise",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("t.jsonl:1:24: error: C005 "),
        "{}",
        stdout(&o)
    );
}

/// What a source install (`pip install .`, `pipx`, `uv tool install`, the pre-commit hook)
/// builds: the binary alone, with Cargo.lock's versions and the quick release profile.
#[test]
fn pyproject_builds_the_locked_binary() {
    let text = std::fs::read_to_string(repo().join("pyproject.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(
        doc["build-system"]["build-backend"].as_str(),
        Some("maturin")
    );
    let maturin = &doc["tool"]["maturin"];
    assert_eq!(maturin["bindings"].as_str(), Some("bin"));
    assert_eq!(maturin["locked"].as_bool(), Some(true));
    assert_eq!(maturin["profile"].as_str(), Some("release"));
    assert_eq!(doc["project"]["name"].as_str(), Some("ftlint"));
    // No `[tool.ftlint]`: the repository's own pyproject is not an ftlint config.
    assert!(doc["tool"].get("ftlint").is_none());
}

// ---------------------------------------------------------------------------------------------
// The GitHub Action

fn action_yml() -> String {
    std::fs::read_to_string(repo().join("action.yml")).unwrap()
}

/// The action's inputs and that no input is pasted into a shell line (script injection): each
/// reaches `scripts/action.sh` through `env:`.
#[test]
fn action_manifest_passes_inputs_through_the_environment() {
    let yml = action_yml();
    for input in ["paths", "args", "sarif", "sarif-file", "sarif-category"] {
        assert!(yml.contains(&format!("\n  {input}:\n")), "input {input}");
    }
    for line in yml.lines() {
        let l = line.trim_start();
        if l.starts_with("run:") {
            assert!(!l.contains("${{"), "an expression in a shell line: {line}");
            assert!(
                l.starts_with("run: bash \"$GITHUB_ACTION_PATH/scripts/action.sh\" "),
                "{line}"
            );
        }
    }
    assert!(yml.contains("using: composite"));
    assert!(yml.contains("uses: actions/cache@v4"));
    assert!(yml.contains("uses: github/codeql-action/upload-sarif@v3"));
    assert!(yml.contains("if: steps.cache.outputs.cache-hit != 'true'"));
    // The steps the script offers are the ones the manifest runs.
    for step in ["key", "install", "path", "sarif", "check"] {
        assert!(
            yml.contains(&format!("scripts/action.sh\" {step}\n")),
            "step {step}"
        );
    }
}

struct ActionEnv {
    dir: tempfile::TempDir,
    output: PathBuf,
    path_file: PathBuf,
}

impl ActionEnv {
    fn new() -> Option<ActionEnv> {
        if !works("bash", &["--version"]) || !works("sha256sum", &["--version"]) {
            skip("bash and sha256sum are needed to run the action's steps");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("github_output");
        let path_file = dir.path().join("github_path");
        Some(ActionEnv {
            dir,
            output,
            path_file,
        })
    }

    /// `scripts/action.sh STEP` as the runner starts it, with `extra_path` first on PATH.
    fn step(&self, step: &str, extra_path: &Path, env: &[(&str, &str)]) -> Output {
        let path = std::env::join_paths(
            std::iter::once(extra_path.to_path_buf())
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
        )
        .unwrap();
        let mut c = Command::new("bash");
        c.arg(repo().join("scripts/action.sh"))
            .arg(step)
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("GITHUB_ACTION_PATH", repo())
            .env("GITHUB_OUTPUT", &self.output)
            .env("GITHUB_PATH", &self.path_file)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TOOL_CACHE", self.dir.path().join("toolcache"))
            .env("NO_COLOR", "1")
            .env("FTLINT_CACHE_DIR", self.dir.path().join("cache"))
            .env("FTLINT_TODAY", common::TODAY)
            .env_remove("FTLINT_OUTPUT_FORMAT");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    }

    fn outputs(&self) -> Vec<(String, String)> {
        std::fs::read_to_string(&self.output)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

/// `key` names the runner, the version and the source; `install` runs `cargo install --locked`
/// into the cached folder (a stand-in `cargo` records its arguments: a real build takes
/// minutes); `path` puts that folder on PATH and reports the version.
#[test]
fn action_installs_locked_into_a_cached_folder() {
    let Some(env) = ActionEnv::new() else { return };
    let o = env.step("key", Path::new("/nonexistent"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = env.outputs();
    let key = &out.iter().find(|(k, _)| k == "key").unwrap().1;
    let dir = &out.iter().find(|(k, _)| k == "dir").unwrap().1;
    let version = env!("CARGO_PKG_VERSION");
    let prefix = format!("ftlint-Linux-X64-{version}-");
    assert!(key.starts_with(&prefix), "{key}");
    let hash = &key[prefix.len()..];
    assert_eq!(hash.len(), 16);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
    assert_eq!(
        Path::new(dir),
        env.dir
            .path()
            .join(format!("toolcache/ftlint/{version}-{hash}"))
    );
    // The same source, the same key.
    std::fs::remove_file(&env.output).unwrap();
    env.step("key", Path::new("/nonexistent"), &[]);
    assert_eq!(env.outputs(), out);

    // A stand-in cargo that records its arguments and "installs" this build's binary.
    let fake = env.dir.path().join("fake-bin");
    std::fs::create_dir_all(&fake).unwrap();
    let log = env.dir.path().join("cargo-args");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nmkdir -p \"$4/bin\"\ncp '{BIN}' \"$4/bin/ftlint\"\n",
        log.display()
    );
    let cargo = fake.join("cargo");
    std::fs::write(&cargo, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let o = env.step("install", &fake, &[("FTLINT_DIR", dir)]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let args = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        [
            "install",
            "--locked",
            "--root",
            dir.as_str(),
            "--path",
            repo().to_str().unwrap()
        ]
    );
    std::fs::remove_file(&env.output).unwrap();
    let o = env.step("path", Path::new("/nonexistent"), &[("FTLINT_DIR", dir)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&env.path_file).unwrap(),
        format!("{dir}/bin\n")
    );
    assert_eq!(
        env.outputs(),
        [("version".to_string(), version.to_string())]
    );

    // Without cargo, the step fails with a message that says what to add.
    let empty = env.dir.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let o = Command::new("/bin/bash")
        .arg(repo().join("scripts/action.sh"))
        .arg("install")
        .env("PATH", &empty)
        .env("GITHUB_ACTION_PATH", repo())
        .env("FTLINT_DIR", dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cargo is not on PATH; add a Rust toolchain step"),
        "{}",
        stderr(&o)
    );
}

/// `check` prints workflow commands and fails on errors; `sarif` writes the log and never
/// fails. Both take the inputs' paths and arguments word by word (no globbing: a `*` reaches
/// ftlint as written).
#[test]
fn action_checks_with_github_annotations_and_writes_sarif() {
    let Some(env) = ActionEnv::new() else { return };
    let bin_dir = Path::new(BIN).parent().unwrap();
    let d = env.dir.path();
    std::fs::create_dir_all(d.join("data")).unwrap();
    std::fs::write(
        d.join("data/bad.jsonl"),
        "{\"messages\": [{\"role\": \"bot\", \"content\": \"hi\"}]}\n",
    )
    .unwrap();
    std::fs::write(d.join("data/ok.jsonl"), "{}\n").unwrap();
    let inputs = [
        ("INPUT_PATHS", "data/bad.jsonl\n data/ok.jsonl"),
        ("INPUT_ARGS", "--select C005  --isolated"),
    ];
    let o = env.step("check", bin_dir, &inputs);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("::error file=data/bad.jsonl,line=1,col=24,endLine=1,endColumn=29,title=ftlint (C005)::"),
        "{}",
        stdout(&o)
    );
    let o = env.step(
        "sarif",
        bin_dir,
        &[inputs[0], inputs[1], ("INPUT_SARIF_FILE", "out.sarif")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "C005");
    // A glob in an input is not expanded by the shell.
    let o = env.step("check", bin_dir, &[("INPUT_PATHS", "data/*.jsonl")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("data/*.jsonl"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// Completions and manual pages

fn ftlint(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_ftlint()"),
        ("zsh", "#compdef ftlint"),
        ("fish", "complete -c ftlint"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[ftlint]"),
    ] {
        let o = ftlint(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains(marker), "{shell}");
        assert!(text.contains("output-format"), "{shell}");
    }
    let o = ftlint(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

/// The bash script completes for real: sourced into bash, it offers `check` for `ftlint ch`
/// and the output formats after `--output-format`.
#[test]
fn bash_completion_completes() {
    if !works("bash", &["--version"]) {
        return skip("bash is not on PATH");
    }
    let script = stdout(&ftlint(&["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ftlint.bash");
    std::fs::write(&file, script).unwrap();
    let complete = |words: &str| -> String {
        let cmd = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _ftlint ftlint \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file.display()
        );
        let o = Command::new("bash").args(["-c", &cmd]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(complete("ftlint ch"), "check\n");
    let formats = complete("ftlint check --output-format ''");
    for f in ["full", "concise", "json", "json-lines", "github", "sarif"] {
        assert!(formats.lines().any(|l| l == f), "{f}: {formats}");
    }
}

#[test]
fn man_page_of_each_command() {
    let o = ftlint(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = stdout(&o);
    assert!(page.contains(".TH ftlint 1"), "{page}");
    assert!(page.contains("ftlint\\-check(1)"), "{page}");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let o = ftlint(&["man", "--dir", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for p in [
        "ftlint.1",
        "ftlint-check.1",
        "ftlint-moderate.1",
        "ftlint-rule.1",
    ] {
        assert!(pages.iter().any(|x| x == p), "{p}: {pages:?}");
    }
    assert!(
        stderr(&o).starts_with(&format!("ftlint: wrote {} manual pages to ", pages.len())),
        "{}",
        stderr(&o)
    );
    let check = std::fs::read_to_string(out.join("ftlint-check.1")).unwrap();
    assert!(check.contains("\\-\\-select"), "{check}");

    // groff, where there is one, reads the page as a manual page.
    if works("groff", &["--version"]) {
        let o = Command::new("groff")
            .args(["-man", "-Tutf8", "-P-c", "-P-b", "-P-o", "-P-u"])
            .arg(out.join("ftlint-check.1"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("--output-format"), "{text}");
        assert!(text.contains("SYNOPSIS"), "{text}");
    } else {
        skip("groff is not on PATH; the page's rendering is not checked");
    }

    // A folder that cannot be made is exit 2 with one line.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let o = ftlint(&["man", "--dir", blocker.join("sub").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("ftlint: error: cannot write manual pages to "),
        "{}",
        stderr(&o)
    );
}
