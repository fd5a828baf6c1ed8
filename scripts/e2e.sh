#!/usr/bin/env bash
# End-to-end test of the real app in a real window.
#
# Builds the binary (dev profile), starts it from a temporary folder (so the regions
# and events it shows must be the ones compiled into it) in a virtual X server
# (Xvfb, Mesa's software OpenGL), and clicks it with xdotool as a user would:
# each of the five regions, then the top row of the region's event list. Every
# click must make the app log the selection it asked for (`selected region: <id>`,
# `selected event: <id>`, RUST_LOG=info). The click positions are not typed in
# here: examples/e2e_targets.rs computes them from the app's own projection and
# layout, headless, and checks each one there first. Every wait has a time
# limit (a click must show in the log within 10 s), so it fails, never hangs.
#
# usage: scripts/e2e.sh        (no display or GPU needed; installs the X tools
#                               with apt-get when missing, which needs root)
# Output: target/e2e/ — final.png on success, failure-<step>.png on failure,
# steps/ (the screen after each click, a red ring where it clicked), app.log
# (the app's log) and targets.txt (the click positions).
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
out=$repo/target/e2e
# Seconds a click has to show up in the log.
click_timeout=10

say() { printf 'e2e: %s\n' "$*" >&2; }
die() {
    say "FAILED: $*"
    exit 1
}
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

started=$(now)
trap 'say "FAILED: command \"$BASH_COMMAND\" (line $LINENO) exited with status $?"' ERR

# --- 1. what the window needs -------------------------------------------------
PATH=$PATH:/usr/sbin:/sbin
libs=$(ldconfig -p 2>/dev/null || true)
have_lib() { grep -qF "$1 " <<<"$libs"; }
missing=()
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xdotool >/dev/null || missing+=(xdotool)
{ command -v import >/dev/null && grep -q ImageMagick <<<"$(import -version 2>/dev/null)"; } || missing+=(imagemagick)
compgen -G '/usr/lib/*/dri/swrast_dri.so' >/dev/null || missing+=(libgl1-mesa-dri)
have_lib libEGL.so.1 || missing+=(libegl1)
have_lib libEGL_mesa.so.0 || missing+=(libegl-mesa0)
have_lib libGL.so.1 || missing+=(libgl1)
have_lib libGLX_mesa.so.0 || missing+=(libglx-mesa0)
have_lib libxkbcommon-x11.so.0 || missing+=(libxkbcommon-x11-0)
have_lib libX11-xcb.so.1 || missing+=(libx11-xcb1)
have_lib libXcursor.so.1 || missing+=(libxcursor1)
have_lib libXi.so.6 || missing+=(libxi6)
have_lib libXrandr.so.2 || missing+=(libxrandr2)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        apt=(apt-get)
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        apt=(sudo -n apt-get)
    else
        die "missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
    fi
    say "installing ${missing[*]}"
    mkdir -p "$out"
    if ! { timeout 600 "${apt[@]}" update -qq &&
        DEBIAN_FRONTEND=noninteractive timeout 900 "${apt[@]}" install -y -qq "${missing[@]}"; } \
        >"$out/apt.log" 2>&1; then
        tail -n 20 "$out/apt.log" >&2
        die "could not install ${missing[*]} (log above, all of it in target/e2e/apt.log)"
    fi
fi

# --- 2. the binary, and where to click --------------------------------------
# The dev profile, as `cargo test` builds it just before in CI (so nothing new
# is compiled): a release build of its own took a third of CI's time.
say "building the binary and the e2e_targets example (dev profile)"
cargo build --bins --example e2e_targets --quiet
target_dir=$(cargo metadata --no-deps --format-version 1 |
    grep -o '"target_directory":"[^"]*"' | head -n 1 | cut -d'"' -f4)
binary=$target_dir/debug/borderwatch
targets_bin=$target_dir/debug/examples/e2e_targets
[ -x "$binary" ] || die "no binary at $binary after cargo build --bins"
[ -x "$targets_bin" ] || die "no example at $targets_bin after cargo build --example e2e_targets"
built=$(now)

rm -rf "$out"
mkdir -p "$out"
say "computing click targets from the app's layout (examples/e2e_targets.rs)"
if ! timeout 120 "$targets_bin" >"$out/targets.txt" 2>"$out/targets.err"; then
    cat "$out/targets.err" >&2
    die "e2e_targets could not compute the click targets (its messages above)"
fi
read -r word win_w win_h < <(grep '^window ' "$out/targets.txt") || true
if [ "${word:-}" != window ] || [ -z "${win_w:-}" ] || [ -z "${win_h:-}" ]; then
    die "e2e_targets printed no 'window W H' line (see target/e2e/targets.txt)"
fi
mapfile -t targets < <(grep -E '^(region|event) ' "$out/targets.txt")
regions=$(grep -c '^region ' "$out/targets.txt" || true)
events=$(grep -c '^event ' "$out/targets.txt" || true)
[ "$regions" -gt 0 ] || die "e2e_targets printed no region targets (see target/e2e/targets.txt)"

# --- 3. a display, and the app from a folder outside the repository ---------
work=$(mktemp -d "${TMPDIR:-/tmp}/borderwatch-e2e.XXXXXX")
app_pid=
xvfb_pid=
# The screen point of the click under way, for the failure screenshot.
click=
cleanup() {
    local status=$?
    trap - ERR
    if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
        kill "$app_pid" 2>/dev/null || true
        for _ in $(seq 20); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$app_pid" 2>/dev/null || true
    fi
    if [ -n "$xvfb_pid" ] && kill -0 "$xvfb_pid" 2>/dev/null; then
        kill "$xvfb_pid" 2>/dev/null || true
        for _ in $(seq 20); do kill -0 "$xvfb_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$xvfb_pid" 2>/dev/null || true
    fi
    [ -f "$work/app.log" ] && cp "$work/app.log" "$out/app.log"
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$binary" "$work/borderwatch"
cd "$work"
log=$work/app.log

# Xvfb picks a free display itself and writes its number when it is ready.
: >"$work/display"
Xvfb -displayfd 3 -screen 0 "${win_w}x${win_h}x24" -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
display=
for _ in $(seq 100); do
    display=$(tr -dc '0-9' <"$work/display")
    [ -n "$display" ] && break
    kill -0 "$xvfb_pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$display" ] || { cat "$work/xvfb.log" >&2; die "Xvfb did not start (its log above)"; }
export DISPLAY=:$display
unset WAYLAND_DISPLAY
say "Xvfb on display $DISPLAY, ${win_w}x${win_h}"

# One pixel per point, software OpenGL, and no settings from earlier sessions.
WINIT_X11_SCALE_FACTOR=1 LIBGL_ALWAYS_SOFTWARE=1 \
    XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache \
    RUST_LOG=info ./borderwatch >"$log" 2>&1 &
app_pid=$!

# shot NAME [X Y]: a screenshot of the screen as target/e2e/NAME.png, with a red
# ring where the pointer clicked when X Y are given.
shot() {
    local file=$out/$1.png
    timeout 20 import -window root "$file" 2>/dev/null || { say "(could not take $1.png)"; return 0; }
    if [ $# -eq 3 ]; then
        timeout 20 convert "$file" -fill none -stroke red -strokewidth 2 \
            -draw "circle $2,$3 $(($2 + 9)),$3" -draw "point $2,$3" "$file" 2>/dev/null || true
    fi
}
# fail STEP MESSAGE: screenshot, the app's log, what was expected; exit 1.
fail() {
    local step=$1
    shift
    shot "failure-$step" ${click:+$click}
    say "--- last lines of the app's log ---"
    tail -n 25 "$log" >&2 || true
    say "-----------------------------------"
    say "screenshot: target/e2e/failure-$step.png, whole log: target/e2e/app.log"
    die "$*"
}

window=
for _ in $(seq 300); do
    kill -0 "$app_pid" 2>/dev/null || fail start "the app exited before its window appeared"
    window=$(timeout 5 xdotool search --onlyvisible --name '^borderwatch$' 2>/dev/null | head -n 1) || true
    [ -n "$window" ] && break
    sleep 0.1
done
[ -n "$window" ] || fail start "no window named borderwatch within 30 s"

geometry=$(timeout 5 xdotool getwindowgeometry --shell "$window") || fail start "xdotool cannot read the window's geometry"
win_x=$(sed -n 's/^X=//p' <<<"$geometry")
win_y=$(sed -n 's/^Y=//p' <<<"$geometry")
width=$(sed -n 's/^WIDTH=//p' <<<"$geometry")
height=$(sed -n 's/^HEIGHT=//p' <<<"$geometry")
if [ "$width" != "$win_w" ] || [ "$height" != "$win_h" ]; then
    fail start "the window is ${width}x${height}, not the ${win_w}x${win_h} the targets were computed for"
fi
say "window $window at $win_x,$win_y, ${width}x${height}"
# Let it draw its first frames (egui hit-tests against the previous frame).
sleep 2

# --- 4. click, and read the log ----------------------------------------------
# wait_for_line FROM TEXT: true once a line after line FROM of the log ends with TEXT.
wait_for_line() {
    local from=$1 text=$2 deadline
    deadline=$(awk -v t="$(now)" -v d="$click_timeout" 'BEGIN { printf "%.3f", t + d }')
    while :; do
        if tail -n "+$((from + 1))" "$log" |
            awk -v want="$text" 'substr($0, length($0) - length(want) + 1) == want { found = 1 } END { exit !found }'; then
            return 0
        fi
        kill -0 "$app_pid" 2>/dev/null || return 1
        awk -v t="$(now)" -v d="$deadline" 'BEGIN { exit !(t < d) }' || return 1
        sleep 0.1
    done
}

mkdir -p "$out/steps"
step=0
for target in "${targets[@]}"; do
    read -r kind id x y <<<"$target"
    step=$((step + 1))
    name=$(printf '%02d-%s-%s' "$step" "$kind" "$id")
    sx=$((win_x + x))
    sy=$((win_y + y))
    expected="selected $kind: $id"
    lines=$(wc -l <"$log")
    click="$sx $sy"
    timeout 5 xdotool mousemove --sync "$sx" "$sy" || fail "$name" "xdotool could not move the pointer to $sx,$sy"
    sleep 0.2
    timeout 5 xdotool click 1 || fail "$name" "xdotool could not click at $sx,$sy"
    if ! wait_for_line "$lines" "$expected"; then
        kill -0 "$app_pid" 2>/dev/null || fail "$name" "the app exited after the click at $sx,$sy (expected '$expected')"
        got=$(tail -n "+$((lines + 1))" "$log" | grep -o 'selected [a-z]*: .*' | tr '\n' ';' || true)
        fail "$name" "clicked $kind $id at $sx,$sy: expected '$expected' in the log within ${click_timeout} s; got: ${got:-nothing}"
    fi
    say "clicked $kind $id at $sx,$sy: ok"
    # Longer than egui's double-click interval, so the next click is a click of its own.
    sleep 0.5
    shot "steps/$name" "$sx" "$sy"
done
click=

kill -0 "$app_pid" 2>/dev/null || fail end "the app exited"
if grep -q 'panicked' "$log"; then
    fail end "the app panicked"
fi
shot final
say "passed: $regions regions and $events events clicked in the real window in $(since "$built") s" \
    "($(since "$started") s with the build); screenshots and log in target/e2e/"
