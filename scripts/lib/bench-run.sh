# Sourced by the scripts that watch one `parrain-bench` run from outside
# (scripts/thread-times, scripts/cpu-budget). With `bin` set to the parrain
# binary (parrain-bench is the binary beside it), it starts the bench with
# the arguments in BENCH_ARGS (default: the short run BENCHMARKS.md's rounds
# use), its output in `out` and its pid in `runner`; the bench stops and the
# output goes when the script exits.
#
#   at_step NAME   waits until the bench starts the step it prints as NAME,
#                  and 3 s more, so the step is under way
#   bench_done     waits for the bench's end and prints its rate rows
args=${BENCH_ARGS:---duration 10 --connections 128 --activities 2000 --participants 2000 --reports 3 --samples 50}
out=$(mktemp)
# Each step on its own: under `set -e` the first that fails ends the trap.
trap 'rm -f "$out"; kill "$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true' EXIT
# shellcheck disable=SC2086 # BENCH_ARGS is a list of arguments
"$(dirname "$bin")/parrain-bench" --parrain "$bin" $args >"$out" 2>&1 &
runner=$!

at_step() {
  until grep -qF "parrain-bench: $1" "$out"; do
    kill -0 "$runner" 2>/dev/null || { cat "$out" >&2; exit 1; }
    sleep 0.1
  done
  sleep 3
}

bench_done() {
  wait "$runner"
  runner=
  grep -E 'hello-world \(same|GET /r/\{code\}` redirects|redirects / hello' "$out"
}
