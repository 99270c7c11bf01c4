#!/usr/bin/env bash
# Measures a city: generate N students, import every file, and time a dry and
# a writing evaluation, on the database named by DSN; prints wall time and peak
# memory of each step. For PostgreSQL it also times reading the evaluated
# tables once with \copy (the baseline the evaluation is compared with).
#
#   scripts/bench-city.sh N DSN [DIR]
#   scripts/bench-city.sh 1000000 postgres://postgres@127.0.0.1:5432/baoxue_bench?sslmode=disable
#   scripts/bench-city.sh 1000000 file:city.db
#
# The database must be empty (or new). Needs GNU time (/usr/bin/time).
set -euo pipefail
n=${1:?students}
dsn=${2:?dsn}
dir=${3:-city-$n}
at=2026-11-27
bin=$(mktemp -d)/baoxue
go build -o "$bin" ./cmd/baoxue

step() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "$name: %e s wall, %M KiB peak" "$@" >/dev/null
}

[ -f "$dir/students.csv" ] || step "gen $n" "$bin" gen --students "$n" --out "$dir"
# The KINDs in dependency order (importer.Kinds).
for kind in schools teachers villages students calendar reports attendance contacts home-teaching registry platform survey; do
  step "import $kind" "$bin" --db "$dsn" import "$kind" "$dir/$kind.csv"
done
if [[ $dsn == postgres* ]]; then
  psql "$dsn" -q -c "VACUUM ANALYZE" >/dev/null
  for i in 1 2 3; do
    s=$(date +%s.%N)
    psql "$dsn" -q -c "\\copy students to /dev/null" \
      -c "\\copy (SELECT sid, date, status FROM attendance WHERE date >= '2026-07-31' AND status IN ('absent','sick','leave')) to /dev/null" \
      -c "\\copy (SELECT sid, date FROM contacts WHERE date >= '2026-07-31') to /dev/null" \
      -c "\\copy (SELECT sid, date, class_hours FROM home_teaching WHERE date >= '2026-07-31') to /dev/null"
    e=$(date +%s.%N)
    echo "copy read of the evaluated tables: $(echo "$e - $s" | bc) s"
  done
fi
for i in 1 2 3; do
  step "eval --dry-run #$i" "$bin" --db "$dsn" eval --at "$at" --dry-run --json
done
step "eval (writing)" "$bin" --db "$dsn" eval --at "$at" --json
step "eval (writing, again: nothing new)" "$bin" --db "$dsn" eval --at "$at" --json
