#!/usr/bin/env bash
# Proof of the README's promise: a clean clone, the two commands, nothing else.
#
#   bash scripts/fresh_clone_check.sh [REPO] [REF]     (default: this repository, HEAD)
#
# Clones REPO at REF into a temporary folder, runs `make test` there and reports its passed/failed/skipped
# counts, then runs `make run` on a free port, asks for /healthz and for a logged-in page as a demo user,
# runs `thidua demo` a second time (it must be safe to repeat) and stops the server by its own process id.
# Exit status 0 only if the suite has 0 failed, skips nothing but the PostgreSQL-only tests (they run in CI's
# PostgreSQL pass), and the server answered.
set -euo pipefail

repo=${1:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}
ref=${2:-HEAD}
work=$(mktemp -d "${TMPDIR:-/tmp}/thidua-fresh.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -- "-$server_pid" 2>/dev/null || kill "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== clone $repo ($ref) into $work"
git clone -q "$repo" "$work/thidua"
git -C "$work/thidua" checkout -q "$(git -C "$repo" rev-parse "$ref")"
cd "$work/thidua"

echo "== make test"
started=$(date +%s)
set +e
make test 2>&1 | tee "$work/test.log" | tail -n 20
test_status=${PIPESTATUS[0]}
set -e
summary=$(grep -E "[0-9]+ (passed|failed)" "$work/test.log" | tail -n 1 || true)
echo "make test: exit $test_status in $(($(date +%s) - started)) s: ${summary:-no summary}"

echo "== make run"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# A process group of its own, so that make, the server and its autoreloader stop together.
setsid make run HOST="127.0.0.1:$port" >"$work/run.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
served=1
for _ in $(seq 1 240); do
  if curl -fsS "$base/healthz" >"$work/healthz.json" 2>/dev/null; then served=0; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 1
done
if [ "$served" = 0 ]; then
  echo "/healthz: $(cat "$work/healthz.json")"
  password=$(sed -n 's/.*password for all: \([^)]*\)).*/\1/p' "$work/run.log" | head -n 1)
  jar="$work/cookies.txt"
  curl -fsS -c "$jar" -b "$jar" "$base/accounts/login/" -o "$work/login.html"
  token=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$work/login.html" | head -n 1)
  curl -fsS -c "$jar" -b "$jar" -o /dev/null -e "$base/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=canbo.langson" \
    --data-urlencode "password=$password" "$base/accounts/login/"
  page=$(curl -sS -b "$jar" -o "$work/page.html" -w "%{http_code}" "$base/orgs/units/")
  if [ "$page" = 200 ] && grep -q "canbo.langson\|Nông Văn Minh" "$work/page.html"; then
    echo "logged-in page /orgs/units/ as canbo.langson: 200"
  else
    echo "logged-in page /orgs/units/ as canbo.langson: $page (not logged in?)"
    served=1
  fi
else
  echo "the server did not answer on $base/healthz; its log:"
  tail -n 30 "$work/run.log"
fi
kill -- "-$server_pid" 2>/dev/null || kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
echo "server stopped (process group $server_pid)"
server_pid=""

echo "== thidua demo, a second time"
demo=0
THIDUA_DEBUG=1 .venv/bin/thidua demo --quiet-logins >"$work/demo2.log" 2>&1 || demo=$?
echo "thidua demo again: exit $demo"

failed=$(sed -n 's/.* \([0-9]*\) failed.*/\1/p' <<<"$summary")
# pytest -rs lists each skip with its reason; only PostgreSQL-only tests may skip on SQLite.
skipped=$(grep "^SKIPPED" "$work/test.log" | grep -vic "postgresql" || true)
grep "^SKIPPED" "$work/test.log" | grep -vi "postgresql" || true
echo "== result: ${summary:-no summary}; skipped other than PostgreSQL-only: ${skipped:-0}; server $([ "$served" = 0 ] && echo answered || echo FAILED); demo rerun exit $demo"
[ "$test_status" = 0 ] && [ "${failed:-0}" = 0 ] && [ "${skipped:-0}" = 0 ] && [ "$served" = 0 ] && [ "$demo" = 0 ]
