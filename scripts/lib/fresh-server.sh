# Sourced by scripts that need a parrain of their own: builds the debug
# binary, starts it on a free port with a new data directory (workers off, so
# nothing is sent; no per-IP limit), and sets `base`, `sk` (a secret key),
# `pk` (a publishable key) and `work` (a temporary directory). The server
# stops and the directory goes when the script exits.
target=${CARGO_TARGET_DIR:-target}
cargo build -q -p parrain
work=$(mktemp -d)
server=
stop_fresh_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_fresh_server EXIT

data="$work/data"
"$target/debug/parrain" migrate --data-dir "$data" >/dev/null 2>&1
sk=$("$target/debug/parrain" keys --data-dir "$data" create --kind secret --name check 2>/dev/null | tail -n1)
pk=$("$target/debug/parrain" keys --data-dir "$data" create --kind publishable --name check 2>/dev/null | tail -n1)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$target/debug/parrain" serve --listen "127.0.0.1:$port" --data-dir "$data" --no-workers \
  --rate-limit-per-ip 0 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
curl -fs "$base/healthz" >/dev/null || { echo "parrain did not start" >&2; exit 1; }
