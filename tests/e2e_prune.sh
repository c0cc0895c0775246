#!/bin/bash
# Retention: `smtplog prune --older-than TIME` deletes older events and
# messages, gives the space back (the file shrinks), keeps the record of
# which files were read (a pruned rotated file that shows up again is not
# read again), and the report still works.
set -uo pipefail
cd "$(dirname "$0")/.."
SMTPLOG=${SMTPLOG:-$PWD/build/smtplog}
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8
unset SMTPLOG_DB SMTPLOG_FAULT
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
eq()  { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
has() { if grep -qF -- "$3" <<<"$2"; then ok; else bad "$1: output lacks '$3'"; fi; }
q()   { sqlite3 -batch -noheader "$1" "$2"; }
run() { "$@" >"$T/out" 2>"$T/err"; echo $?; }

db=$T/p.db
# three days: 2026-11-21 (mail.log.2.gz), 11-22 (mail.log.1), 11-23 (mail.log)
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$db" sample-logs/mail.log.2.gz sample-logs/mail.log.1 sample-logs/mail.log
old=$(q "$db" "SELECT count(*) FROM events WHERE ts < '2026-11-22'")
kept=$(q "$db" "SELECT count(*) FROM events WHERE ts >= '2026-11-22'")
size=$(stat -c %s "$db")
eq "a day to prune" "$([ "$old" -gt 100 ] && echo yes)" yes

eq "prune: exit" "$(run "$SMTPLOG" prune --db "$db" --older-than 2026-11-22)" 0
has "prune: says what it did" "$(cat "$T/err")" "pruned what is older than 2026-11-22T00:00:00Z: $old events"
eq "prune: older events gone" "$(q "$db" "SELECT count(*) FROM events WHERE ts < '2026-11-22'")" 0
eq "prune: newer events kept" "$(q "$db" "SELECT count(*) FROM events")" "$kept"
eq "prune: older messages gone" "$(q "$db" "SELECT count(*) FROM messages WHERE last_ts < '2026-11-22'")" 0
eq "prune: no event names a pruned message" \
	"$(q "$db" "SELECT count(*) FROM events e WHERE message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = e.message_id)")" 0
eq "prune: the space is given back" "$([ "$(stat -c %s "$db")" -lt "$size" ] && echo smaller)" smaller
eq "prune: the sources stay" "$(q "$db" "SELECT count(*) FROM sources")" 3
eq "prune: at rest, rollback journal" "$(q "$db" "PRAGMA journal_mode")" delete
eq "prune: report works" "$(run "$SMTPLOG" report --db "$db")" 0

# the pruned rotated file shows up again (renamed, as logrotate would): not read again
cp sample-logs/mail.log.2.gz "$T/mail.log.3.gz"
eq "pruned file again: exit" "$(run "$SMTPLOG" analyze --no-report --year 2026 --db "$db" "$T/mail.log.3.gz")" 0
has "pruned file again: skipped" "$(cat "$T/err")" "unchanged since an earlier run read it: skipped"
eq "pruned file again: nothing re-ingested" "$(q "$db" "SELECT count(*) FROM events WHERE ts < '2026-11-22'")" 0

eq "an age: exit" "$(run "$SMTPLOG" prune --db "$db" --older-than 3650d)" 0
eq "an age: nothing that recent pruned" "$(q "$db" "SELECT count(*) FROM events")" "$kept"
eq "no --older-than: usage" "$(run "$SMTPLOG" prune --db "$db")" 64
eq "bad --older-than: usage" "$(run "$SMTPLOG" prune --db "$db" --older-than soon)" 64
eq "no database: 66" "$(run "$SMTPLOG" prune --db "$T/none.db" --older-than 90d)" 66

# ---- messages still open: those whose last line is older than the cut are
# closed (as when their idle window passes) and pruned with the rest; the
# newer ones keep their rows and go on in the next run. sample-logs/mail.log:
# 3F2A11C0A12 gets its Message-ID and sender (lines 3-4, dated two days
# earlier here), 5B7C21C0A15 too (lines 8-9); their deliveries and removals
# (lines 11-12, 14-15) come after the prune.
{ sed -n 3,4p sample-logs/mail.log | sed 's/^Nov 23/Nov 21/'; sed -n 8,9p sample-logs/mail.log; } >"$T/open.log"
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/o.db" "$T/open.log"
eq "open: two messages open" "$(q "$T/o.db" "SELECT open_messages FROM correlate_state")" 2
eq "open: prune" "$(run "$SMTPLOG" prune --db "$T/o.db" --older-than 2026-11-22)" 0
eq "open: the older one closed" "$(q "$T/o.db" "SELECT open_messages FROM correlate_state")" 1
eq "open: its row pruned" "$(q "$T/o.db" "SELECT count(*) FROM messages WHERE queue_id = '3F2A11C0A12'")" 0
eq "open: the newer one's row kept" "$(q "$T/o.db" "SELECT sender, size FROM messages WHERE queue_id = '5B7C21C0A15'")" "jane.doe@gmail.com|5890"
sed -n '11,12p;14,15p' sample-logs/mail.log >>"$T/open.log"
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/o.db" "$T/open.log"
eq "open, then delivered: no event names a missing message" \
	"$(q "$T/o.db" "SELECT count(*) FROM events e WHERE message_id IS NULL OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = e.message_id)")" 0
eq "open, then delivered: the kept one goes on (its sender and size)" \
	"$(q "$T/o.db" "SELECT e.sender, m.size, m.complete FROM events e JOIN messages m ON m.id = e.message_id WHERE e.queue_id = '5B7C21C0A15'")" "jane.doe@gmail.com|5890|1"
eq "open, then delivered: the closed one starts anew (nothing of the pruned days)" \
	"$(q "$T/o.db" "SELECT coalesce(e.sender, '-'), m.first_ts >= '2026-11-22' FROM events e JOIN messages m ON m.id = e.message_id WHERE e.queue_id = '3F2A11C0A12'")" "-|1"
eq "open, then delivered: nothing open" "$(q "$T/o.db" "SELECT open_messages FROM correlate_state")" 0

echo "e2e_prune: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
