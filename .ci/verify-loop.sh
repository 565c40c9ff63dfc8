#!/usr/bin/env bash
# usage: .ci/verify-loop.sh N [REPO]
# Clones REPO (default: this repository) afresh into a temporary directory and runs `CI=true mvn -B verify`
# N times there; one line per run (PASS/FAIL, seconds) goes to stdout and to verify-loop.log in the clone's
# parent, each failed run's log is kept. Exit status: 0 when every run passed.
set -u
N=${1:?usage: .ci/verify-loop.sh N [REPO]}
REPO=${2:-$(cd "$(dirname "$0")/.." && pwd)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/verify-loop.XXXXXX")
git clone -q "$REPO" "$WORK/clone" || exit 2
cd "$WORK/clone" || exit 2
LOG="$WORK/verify-loop.log"
echo "loop start $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD) N=$N" | tee -a "$LOG"
pass=0
for i in $(seq 1 "$N"); do
  start=$(date +%s)
  if CI=true mvn -B verify > "$WORK/run-$i.log" 2>&1; then
    pass=$((pass + 1)); result=PASS; rm -f "$WORK/run-$i.log"
  else
    result="FAIL (log: $WORK/run-$i.log)"
  fi
  echo "run $i $result $(( $(date +%s) - start ))s passes=$pass" | tee -a "$LOG"
done
echo "loop end $(date -u +%FT%TZ) $pass/$N" | tee -a "$LOG"
[ "$pass" -eq "$N" ]
