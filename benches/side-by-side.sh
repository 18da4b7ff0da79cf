#!/usr/bin/env bash
# Times two ftlint binaries on the same input, alternating runs, and prints the median wall and
# CPU (user + system) seconds of each, for the full check and format only (`--select J,C,D`):
# the speed guard of a refactor, measured side by side in one run.
#   bash benches/side-by-side.sh OLD_BIN NEW_BIN FILE [RUNS]      (RUNS default 5)
# Build both in the `dist` profile (the previous commit's `release` was the same fat-LTO build).
set -euo pipefail
OLD=$1 NEW=$2 FILE=$3 RUNS=${4:-5}
export FTLINT_CACHE_DIR; FTLINT_CACHE_DIR=$(mktemp -d)
TIMES=$(mktemp)
trap 'rm -rf "$FTLINT_CACHE_DIR" "$TIMES"' EXIT
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for mode in full format; do
  args=(check "$FILE" --isolated --offline --output-format json-lines)
  [ "$mode" = format ] && args+=(--select J,C,D)
  declare -a ow=() oc=() nw=() nc=()
  for _ in $(seq "$RUNS"); do
    for side in old new; do
      bin=$OLD; [ "$side" = new ] && bin=$NEW
      # Exit 1 (findings) is expected.
      /usr/bin/time -f '%e %U %S' -o "$TIMES" "$bin" "${args[@]}" >/dev/null 2>&1 || true
      read -r wall user sys <"$TIMES"
      cpu=$(echo "$user + $sys" | bc -l)
      if [ "$side" = old ]; then ow+=("$wall"); oc+=("$cpu"); else nw+=("$wall"); nc+=("$cpu"); fi
    done
  done
  mo=$(median "${ow[@]}"); mn=$(median "${nw[@]}"); co=$(median "${oc[@]}"); cn=$(median "${nc[@]}")
  printf '%-6s wall  old %.3f s  new %.3f s  (%+.1f%%)   cpu  old %.3f s  new %.3f s  (%+.1f%%)\n' \
    "$mode" "$mo" "$mn" "$(echo "($mn / $mo - 1) * 100" | bc -l)" "$co" "$cn" "$(echo "($cn / $co - 1) * 100" | bc -l)"
  unset ow oc nw nc
done
