#!/usr/bin/env bash
# Prints, pair by pair, what an evaluation costs against PostgreSQL's own
# read of the same rows, so that a change that costs 20% is seen: run it on
# a city before and after the change. In each pair, alternating in one run:
#   copy   \copy of the evaluated rows to /dev/null (the baseline)
#   dry    eval --dry-run --json
#   again  a writing eval that finds nothing new (the daily run)
#   peer   the hand-written SQL peer, when PEER names its file
#   sqlite eval --dry-run --json on the same city in SQLite, when SQLITE
#          names its DSN
# with wall seconds, peak memory, and the ratios. The database must hold a
# generated city after one writing run at 2026-11-27 (scripts/bench-city.sh
# makes one).
#
#   scripts/bench-ratio.sh DSN [PAIRS]
#   PEER=sql-peer.sql SQLITE=file:city.db scripts/bench-ratio.sh postgres://…/city?sslmode=disable 5
#
# Needs GNU time (/usr/bin/time), psql and bc.
set -euo pipefail
dsn=${1:?dsn}
pairs=${2:-5}
at=2026-11-27
bin=$(mktemp -d)/baoxue
go build -o "$bin" ./cmd/baoxue

# secs CMD…: wall seconds and peak MiB of one command, its output dropped.
secs() {
  local f
  f=$(mktemp)
  /usr/bin/time -o "$f" -f "%e %M" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; cat "$f" >&2; exit 1; }
  awk '{printf "%s %d\n", $1, $2/1024}' "$f"
  rm -f "$f"
}
copy() {
  psql "$dsn" -q -c "\\copy students to /dev/null" \
    -c "\\copy (SELECT sid, date, status FROM attendance WHERE date >= '2026-07-31' AND status IN ('absent','sick','leave')) to /dev/null" \
    -c "\\copy (SELECT sid, date FROM contacts WHERE date >= '2026-07-31') to /dev/null" \
    -c "\\copy (SELECT sid, date, class_hours FROM home_teaching WHERE date >= '2026-07-31') to /dev/null"
}
ratio() { echo "scale=2; $1 / $2" | bc; }

head="pair\tcopy s\tdry s\tdry MiB\tagain s\tagain MiB\tdry/copy\tagain/copy"
[ -n "${PEER:-}" ] && head="$head\tpeer s\tdry/peer"
[ -n "${SQLITE:-}" ] && head="$head\tsqlite s\tsqlite/dry"
printf "%b\n" "$head"
for i in $(seq "$pairs"); do
  read -r c _ < <(secs bash -c "$(declare -f copy); dsn='$dsn'; copy")
  read -r d dm < <(secs "$bin" --db "$dsn" eval --at $at --dry-run --json)
  read -r a am < <(secs "$bin" --db "$dsn" eval --at $at --json)
  line="$i\t$c\t$d\t$dm\t$a\t$am\t$(ratio "$d" "$c")\t$(ratio "$a" "$c")"
  if [ -n "${PEER:-}" ]; then
    read -r p _ < <(secs psql "$dsn" -f "$PEER")
    line="$line\t$p\t$(ratio "$d" "$p")"
  fi
  if [ -n "${SQLITE:-}" ]; then
    read -r s _ < <(secs "$bin" --db "$SQLITE" eval --at $at --dry-run --json)
    line="$line\t$s\t$(ratio "$s" "$d")"
  fi
  printf "%b\n" "$line"
done
