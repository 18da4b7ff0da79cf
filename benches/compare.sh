#!/usr/bin/env bash
# Runs the same workload through ftlint (full check, default rules) and the Python reference
# (benches/reference.py: json.loads + the cookbook's checks + tiktoken), and prints the ratio.
#   bash benches/compare.sh [MB]     (default 100)
# Installs tiktoken into target/bench-venv. tiktoken downloads its vocabulary on first use,
# which cannot work offline, so it is given the .tiktoken files ftlint itself is built from
# (crates/ftlint-tokens/vocab/, the files the Rust tokenizer crates ship, checked against tiktoken's
# SHA-256 at build time), through TIKTOKEN_CACHE_DIR (the cache names each file by the SHA-1 of
# its download URL).
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-100}
# The `dist` profile (fat LTO, one codegen unit): the build published binaries get, so the
# comparison is of what users run, not of the quicker `release` build.
cargo build --profile dist --quiet
DATA=target/bench-data/chat-${MB}mb.jsonl
mkdir -p target/bench-data
[ -f "$DATA" ] || cargo bench --quiet --profile dist --bench throughput -- --generate "$MB" "$DATA" >/dev/null
VENV=target/bench-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import tiktoken' 2>/dev/null || "$VENV/bin/pip" install --quiet tiktoken
export TIKTOKEN_CACHE_DIR="$PWD/target/tiktoken-cache"
mkdir -p "$TIKTOKEN_CACHE_DIR"
"$VENV/bin/python" - <<'PY'
import gzip, hashlib, os
data = "crates/ftlint-tokens/vocab"
for name in ("o200k_base", "cl100k_base"):
    url = f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    dest = os.path.join(os.environ["TIKTOKEN_CACHE_DIR"], hashlib.sha1(url.encode()).hexdigest())
    if not os.path.exists(dest):
        with gzip.open(os.path.join(data, f"{name}.tiktoken.gz")) as src, open(dest, "wb") as out:
            out.write(src.read())
PY
echo "input: $DATA ($(du -h "$DATA" | cut -f1))"
# Each side runs RUNS times (default 3) on the same file, alternating, and the medians are
# compared: one slow run on a shared machine does not decide the ratio either way.
RUNS=${RUNS:-3}
export FTLINT_CACHE_DIR="$PWD/target/bench-cache-empty"
rm -rf "$FTLINT_CACHE_DIR"
py_runs=(); rs_runs=()
for _ in $(seq "$RUNS"); do
  py=$("$VENV/bin/python" benches/reference.py "$DATA")
  py_runs+=("$(echo "$py" | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')")
  start=$(date +%s.%N)
  ./target/dist/ftlint check "$DATA" --output-format json-lines >/dev/null || true
  end=$(date +%s.%N)
  rs_runs+=("$(echo "$end - $start" | bc -l)")
done
echo "python reference (last run): $py"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
py_s=$(median "${py_runs[@]}")
rs_s=$(median "${rs_runs[@]}")
echo "python runs: ${py_runs[*]}"
printf 'ftlint runs:'; printf ' %.3f' "${rs_runs[@]}"; echo
printf 'median  ftlint: %.3f s   python: %.3f s   ratio: %.1fx\n' "$rs_s" "$py_s" "$(echo "$py_s / $rs_s" | bc -l)"
