#!/usr/bin/env bash
# The warehouse path on the bench sets (issue 12): `holdout sql` run on DuckDB and Spark beside
# the file path, with the aggregates' size. Usage: bench/warehouse.sh [small|large] [ENGINES]
# (default: large, duckdb,spark). Builds the release binary, generates the data set as
# bench/run.sh does (bench/data/SIZE) when missing, and uses .ci/warehouse's venv.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-large}
engines=${2:-duckdb,spark}
case $size in
  small) users=100000 seed=1 activity=3.8 ;;
  large) users=1000000 seed=2 activity=7.3 ;;
  *) echo "usage: bench/warehouse.sh [small|large] [ENGINES]" >&2; exit 64 ;;
esac
bin=${HOLDOUT_BIN:-.build/release/holdout}
[ -n "${HOLDOUT_BIN:-}" ] || swift build -c release >/dev/null
dir=bench/data/$size
if [ ! -f "$dir/events.csv" ]; then
  echo "$size: generating $dir (holdout simulate --users $users --seed $seed --activity $activity --sends)"
  "$bin" simulate --users "$users" --seed "$seed" --activity "$activity" --sends --out "$dir" >/dev/null
fi
venv=.build/warehouse-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import duckdb, pyspark' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "duckdb==2.0.*" "sqlglot==30.*" "pyspark==4.3.*"
fi
command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$work"' EXIT
export SPARK_LOCAL_IP=127.0.0.1
cat /proc/loadavg | awk '{print "load average before: " $1 " " $2 " " $3}'
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
"$venv/bin/python" bench/warehouse.py "$bin" "$PWD/$dir" "$work" "$engines"
