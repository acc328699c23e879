#!/usr/bin/env bash
# `holdout sql --dialect postgres` against the plain PostgreSQL query for the same sums (issue 27),
# on the small plain set by default. Usage: bench/postgres.sh [SIZE] [ROUNDS]
# (SIZE: small or large, default small; ROUNDS default 3). Builds the release binary; generates
# the simulated set (bench/warehouse.sh's parameters) and its shuffled plain form
# (bench/plain_data.py) when missing; installs Debian's postgresql when absent and DuckDB into
# .ci/warehouse's venv; starts a PostgreSQL server of its own (initdb into a temporary
# directory, a unix socket, no TCP, default settings) and stops it on exit.
# bench/postgres_plain.py has the queries, the timing and the checks.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-small}
rounds=${2:-3}
case $size in
  small) users=100000 seed=1 activity=3.8 ;;
  large) users=1000000 seed=2 activity=7.3 ;;
  *) echo "usage: bench/postgres.sh [small|large] [ROUNDS]" >&2; exit 64 ;;
esac
bin=${HOLDOUT_BIN:-.build/release/holdout}
[ -n "${HOLDOUT_BIN:-}" ] || swift build -c release >/dev/null
venv=.build/warehouse-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q "duckdb==2.0.*"
fi
data=bench/data/$size
if [ ! -f "$data/events.csv" ]; then
  echo "$size: generating $data (holdout simulate --users $users --seed $seed --activity $activity --sends)"
  "$bin" simulate --users "$users" --seed "$seed" --activity "$activity" --sends --out "$data" >/dev/null
fi
plain=bench/data/$size-shuffled
if ! cmp -s "$data/truth.json" "$plain/source-truth.json" 2>/dev/null; then
  echo "$size-shuffled: deriving plain data (bench/plain_data.py shuffled)"
  rm -rf "$plain"
  "$venv/bin/python" bench/plain_data.py "$data" "$plain" shuffled
  cp "$data/truth.json" "$plain/source-truth.json"
fi
if ! [ -x /usr/lib/postgresql/15/bin/initdb ] && ! command -v initdb >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
pgbin=$(dirname "$(readlink -f "$(command -v initdb || echo /usr/lib/postgresql/15/bin/initdb)")")
pgdata=$work/pgdata
sock=$work/pgsock
cleanup() {
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
mkdir -p "$sock" "$pgdata" "$work/run" && chown postgres "$sock" "$pgdata" && chmod 700 "$pgdata"
runuser -u postgres -- "$pgbin/initdb" -D "$pgdata" -U postgres -A trust --no-locale -E UTF8 >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -l "$sock/postgres.log" -w -o "-k $sock -c listen_addresses=''" start >/dev/null
echo "== PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') started (socket $sock, no TCP, default settings)"
chmod -R a+rX "$work"
PG_SOCKET=$sock "$venv/bin/python" bench/postgres_plain.py "$PWD/$bin" "$plain" "$work/run" "$rounds"
