#!/usr/bin/env bash
# Run a command beside a private Redis server (live chat's shared channel layer across
# processes): install Debian's redis-server through apt when it is missing (root, as on CI;
# otherwise stop with the exact command to run, never skip), start one on 127.0.0.1 on a free
# port with nothing written to disk, export KUAIXIANG_REDIS_URL, run, stop it.
# The tests and benchmarks that need several chat processes read KUAIXIANG_REDIS_URL
# (chat/tests/test_scaleout.py, benchmarks/bench_chat.py).
set -euo pipefail
if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing redis-server…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "error: redis-server not found. Run: sudo apt-get install -y redis-server" >&2
    exit 1
  fi
fi
PORT=${REDIS_PORT_TEST:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DIR=$(mktemp -d /tmp/kuaixiang-redis.XXXXXX)
redis-server --bind 127.0.0.1 --port "$PORT" --dir "$DIR" --save "" --appendonly no \
  --daemonize no --logfile "$DIR/log" &
REDIS_PID=$!
cleanup() { kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT
for _ in $(seq 50); do
  redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$PORT" ping | grep -q PONG || { cat "$DIR/log" >&2; exit 1; }
export KUAIXIANG_REDIS_URL="redis://127.0.0.1:$PORT/0"
echo "Redis on port $PORT"
"$@"
