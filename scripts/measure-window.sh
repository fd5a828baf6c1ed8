#!/usr/bin/env bash
# The window's start with a large event file, measured as a user meets it:
# the release binary in a virtual X server (Xvfb, Mesa's software OpenGL),
# started with `--measure-startup`, which prints when the window opened, when
# the events were drawn (the first interactive frame), when the search and
# border indexes were built, with the process's resident and peak memory, and
# when the file was kept in the event cache (after the indexes; the peak
# printed then takes in the cache's writing).
# Each run starts a fresh process; the file is read once first so every run
# finds it in the page cache. The runs share one event cache: the first opens
# the file (and writes the cache), the later ones open it again from the cache
# (with BORDERWATCH_EVENT_CACHE=off every run reads the file).
#
# usage: scripts/measure-window.sh EVENTS [RUNS]
#   EVENTS  an event file, e.g. one from
#           cargo run --release --example gen_events -- --count 1000000 --seed 7 --out target/gen1m.json
#   RUNS    how many starts (default 3)
# BORDERWATCH_BIN=FILE measures that binary instead of this repository's
# release build (which is then not built): a copy of another commit's
# release build, to compare two builds run against run, alternated.
# Needs Xvfb and Mesa (scripts/e2e.sh installs them) and a release build.
set -euo pipefail
# Another build's binary, found from where the script was started.
binary=${BORDERWATCH_BIN:-}
if [ -n "$binary" ]; then
    binary=$(realpath -e -- "$binary" 2>/dev/null) || { echo "measure-window: no file $BORDERWATCH_BIN" >&2; exit 1; }
fi
cd "$(dirname "$0")/.."

events=${1:?usage: scripts/measure-window.sh EVENTS [RUNS]}
runs=${2:-3}
[ -f "$events" ] || { echo "measure-window: no file $events" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "measure-window: needs xvfb-run (apt-get install xvfb)" >&2; exit 1; }

if [ -z "$binary" ]; then
    cargo build --release --quiet
    binary=target/release/borderwatch
fi
[ -x "$binary" ] || { echo "measure-window: $binary is not an executable" >&2; exit 1; }
cat "$events" >/dev/null
cache=$(mktemp -d "${TMPDIR:-/tmp}/borderwatch-measure.XXXXXX")
trap 'rm -rf "$cache"' EXIT
for run in $(seq 1 "$runs"); do
    if [ "$run" -eq 1 ]; then how="first open"; else how="opened again"; fi
    echo "--- run $run of $runs: $events ($how)"
    # Its own data and cache folders: no saved session or cache from elsewhere.
    XDG_DATA_HOME=$cache/data XDG_CACHE_HOME=$cache/cache XDG_CONFIG_HOME=$cache/config \
        timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" \
        "$binary" --events "$events" --measure-startup
done
