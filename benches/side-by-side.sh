#!/usr/bin/env bash
# Times two ftlint binaries on the same input, alternating runs, and prints the median wall and
# CPU (user + system, of the process and its threads) seconds of each, for the full check and
# format only (`--select J,C,D`): the speed guard of a refactor, measured side by side in one run.
#   bash benches/side-by-side.sh OLD_BIN NEW_BIN FILE [RUNS]      (RUNS default 7)
# Build both in the `dist` profile (the previous commits' `release` was the same fat-LTO build).
set -euo pipefail
OLD=$1 NEW=$2 FILE=$3 RUNS=${4:-7}
CACHE=$(mktemp -d)
trap 'rm -rf "$CACHE"' EXIT
FTLINT_CACHE_DIR=$CACHE python3 - "$OLD" "$NEW" "$FILE" "$RUNS" <<'PY'
import os, resource, statistics, subprocess, sys, time
old, new, path, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def once(binary, extra):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([binary, "check", path, "--isolated", "--offline",
                    "--output-format", "json-lines", *extra],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu

for mode, extra in (("full", []), ("format", ["--select", "J,C,D"])):
    got = {old: [], new: []}
    for _ in range(runs):
        for binary in (old, new):  # alternating: load on a shared machine hits both sides
            got[binary].append(once(binary, extra))
    (ow, oc), (nw, nc) = [
        (statistics.median(w for w, _ in got[b]), statistics.median(c for _, c in got[b]))
        for b in (old, new)
    ]
    print(f"{mode:6} wall  old {ow:.3f} s  new {nw:.3f} s  ({(nw / ow - 1) * 100:+.1f}%)   "
          f"cpu  old {oc:.3f} s  new {nc:.3f} s  ({(nc / oc - 1) * 100:+.1f}%)")
PY
