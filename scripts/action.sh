#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), one subcommand each, so that they can be run
# and tested outside GitHub (tests/install.rs does). Inputs come from the environment:
#   GITHUB_ACTION_PATH  the action's source (this repository at the ref in `uses:`)
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, GITHUB_OUTPUT, GITHUB_PATH  set by the runner
#   FTLINT_DIR          where the binary is installed (`key` chooses it)
#   INPUT_PATHS, INPUT_ARGS, INPUT_SARIF_FILE  the action's inputs
set -euo pipefail

src="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"

# Splits a whitespace-separated input into words, with no glob or variable expansion.
words() {
  local -n into=$1
  # shellcheck disable=SC2034 # `into` is the caller's array
  read -r -d '' -a into <<<"$2" || true
}

case "${1:-}" in
  key)
    # The cache key names the version and hashes the source that would be built, so a new ref
    # (or a moved tag) never reuses an old binary.
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$src/Cargo.toml" | head -n 1)
    hash=$(cd "$src" && find Cargo.toml Cargo.lock build.rs src crates rules -type f \
      -not -path '*/target/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
    key="ftlint-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-${version}-${hash}"
    dir="${RUNNER_TOOL_CACHE:-$HOME/.cache}/ftlint/${version}-${hash}"
    {
      echo "key=$key"
      echo "dir=$dir"
    } >>"${GITHUB_OUTPUT:-/dev/stdout}"
    ;;
  install)
    dir="${FTLINT_DIR:?FTLINT_DIR is not set}"
    if ! command -v cargo >/dev/null 2>&1; then
      echo "::error title=ftlint::cargo is not on PATH; add a Rust toolchain step (e.g. dtolnay/rust-toolchain@stable) before this action" >&2
      exit 2
    fi
    echo "Building ftlint from $src (cargo install --locked; cached for the next runs)"
    cargo install --locked --root "$dir" --path "$src"
    ;;
  path)
    dir="${FTLINT_DIR:?FTLINT_DIR is not set}"
    echo "$dir/bin" >>"${GITHUB_PATH:-/dev/null}"
    version=$("$dir/bin/ftlint" --version | cut -d' ' -f2)
    echo "version=$version" >>"${GITHUB_OUTPUT:-/dev/stdout}"
    ;;
  sarif)
    words paths "${INPUT_PATHS:-.}"
    words args "${INPUT_ARGS:-}"
    out="${INPUT_SARIF_FILE:-ftlint.sarif}"
    # --exit-zero: a report for code scanning, never the gate.
    ftlint check "${args[@]}" --output-format sarif --exit-zero -- "${paths[@]}" >"$out"
    echo "Wrote $out"
    ;;
  check)
    words paths "${INPUT_PATHS:-.}"
    words args "${INPUT_ARGS:-}"
    exec ftlint check "${args[@]}" --output-format github -- "${paths[@]}"
    ;;
  *)
    echo "usage: action.sh key|install|path|sarif|check" >&2
    exit 2
    ;;
esac
