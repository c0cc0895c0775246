#!/bin/bash
# End-to-end tests of the summary tables (docs/schema.md, "Summary tables"):
# after a load into empty tables, one run per file, a file that grows, a
# re-run, prune and the migration from schema 5 they hold exactly what a
# count over the rows gives; the report read from them equals the report
# read from the events, on the sample logs and the corpus, for open, daily
# and hourly periods; and the documented queries on `kind` and a time range
# still use an index. (tests/e2e_crash.sh checks them after kills: they are
# tables of the database it compares with one clean run.) Run by `make e2e`.
. "$(dirname "$0")/e2e_lib.sh"

LOGS=(sample-logs/mail.log.2.gz sample-logs/mail.log.1 sample-logs/mail.log sample-logs/exim/mainlog
      sample-logs/sendmail/maillog tests/corpus/postfix/*.log tests/corpus/exim/*.log
      tests/corpus/sendmail/*.log)

# differ DB: the rows of the summary tables that a count over events and
# messages does not give, and those it gives that the tables lack (none)
EV_KEY="id >> 43, coalesce(substr(ts, 1, 13), ''), coalesce(kind, ''), handoff"
EV_4XX="coalesce(smtp_code / 100 = 4 OR (smtp_code IS NULL AND class = 'transient'), 0)"
REC="(arrived = 1 AND origin_id IS NULL)"
NOTE="coalesce(origin = 'notification', 0)"
REF_EV="SELECT $EV_KEY, $EV_4XX, count(*) FROM events GROUP BY 1, 2, 3, 4, 5"
REF_DELAY="SELECT $EV_KEY, delay, count(*) FROM events WHERE delay IS NOT NULL GROUP BY 1, 2, 3, 4, 5"
REF_MSG="SELECT coalesce(source_id, -1), coalesce(substr(first_ts, 1, 13), ''), sum($REC), sum($NOTE),
         sum(CASE WHEN $REC THEN coalesce(size, 0) ELSE 0 END) FROM messages
         WHERE $REC OR $NOTE GROUP BY 1, 2"
differ() {
	q "$1" "SELECT 'events+', * FROM (SELECT * FROM summary_events EXCEPT $REF_EV);
	        SELECT 'events-', * FROM ($REF_EV EXCEPT SELECT * FROM summary_events);
	        SELECT 'delays+', * FROM (SELECT * FROM summary_delays EXCEPT $REF_DELAY);
	        SELECT 'delays-', * FROM ($REF_DELAY EXCEPT SELECT * FROM summary_delays);
	        SELECT 'messages+', * FROM (SELECT * FROM summary_messages EXCEPT $REF_MSG);
	        SELECT 'messages-', * FROM ($REF_MSG EXCEPT SELECT * FROM summary_messages);" 2>&1 | head -5
}
triggers() { q "$1" "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'summary_%'"; }

# ---- a load into empty tables
a=$T/a.db
eq "bulk load" "$(run analyze -q --no-report --db "$a" --year 2026 "${LOGS[@]}")" 0
eq "bulk: summaries = rows" "$(differ "$a")" ""
eq "bulk: triggers" "$(triggers "$a")" 4
eq "bulk: not empty" "$(q "$a" "SELECT count(*) > 100, sum(n) = (SELECT count(*) FROM events) FROM summary_events")" "1|1"

# ---- one run per file, a growing file in two steps, then everything again
i=$T/i.db
half=$(( $(wc -l < sample-logs/mail.log) / 2 ))
head -n "$half" sample-logs/mail.log > "$T/mail.log"
for f in "${LOGS[@]}"; do
	[ "$f" = sample-logs/mail.log ] && f=$T/mail.log
	"$SMTPLOG" analyze -q --no-report --db "$i" --year 2026 "$f" || bad "analyze $f"
done
eq "runs: summaries = rows" "$(differ "$i")" ""
tail -n +"$((half + 1))" sample-logs/mail.log >> "$T/mail.log"
eq "grown file" "$(run analyze -q --no-report --db "$i" --year 2026 "$T/mail.log")" 0
eq "grown: summaries = rows" "$(differ "$i")" ""
eq "re-run" "$(run analyze -q --no-report --reread --db "$i" --year 2026 "${LOGS[@]}")" 0
eq "re-run: summaries = rows" "$(differ "$i")" ""
eq "runs and one load: the same counts" "$(q "$i" "SELECT sum(n) FROM summary_events")" \
   "$(q "$a" "SELECT sum(n) FROM summary_events")"

# ---- merge counts afresh what it copies
x=$T/x.db
eq "one file" "$(run analyze -q --no-report --db "$x" --year 2026 sample-logs/exim/mainlog)" 0
eq "merge" "$(run merge --db "$x" "$a")" 0
eq "merge: summaries = rows" "$(differ "$x")" ""
eq "merge: everything counted" "$(q "$x" "SELECT sum(n) FROM summary_events")" \
   "$(q "$a" "SELECT sum(n) FROM summary_events")"
eq "merge again adds nothing" "$(run merge --db "$x" "$a"; differ "$x")" 0
eq "merge: the merged database keeps its triggers" "$(triggers "$a")" 4

# ---- prune takes the counts of what it deletes with it
eq "prune" "$(run prune --db "$i" --older-than 2026-11-22T12:00:00Z)" 0
eq "prune: summaries = rows" "$(differ "$i")" ""
eq "prune: something left" "$(q "$i" "SELECT count(*) > 0 FROM summary_events")" 1

# ---- a database of schema 5 is migrated with its counts
m=$T/m.db
cp "$a" "$m"
q "$m" "$(q "$m" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'")
        DROP TABLE summary_events; DROP TABLE summary_delays; DROP TABLE summary_messages;
        PRAGMA user_version = 5;"
eq "schema 5: no triggers" "$(triggers "$m")" 0
eq "migrate" "$(run analyze -q --no-report --db "$m" --year 2026 sample-logs/mail.log)" 0
eq "migrated: version" "$(q "$m" "PRAGMA user_version")" 6
eq "migrated: summaries = rows" "$(differ "$m")" ""
eq "migrated: triggers" "$(triggers "$m")" 4
# the insert trigger of the first schema-6 build would count twice: a write drops it
q "$m" "CREATE TRIGGER summary_events_insert AFTER INSERT ON events BEGIN
        UPDATE summary_events SET n = n + 1 WHERE source_id = NEW.id >> 43; END"
eq "old insert trigger: a write" "$(run analyze -q --no-report --db "$m" --year 2026 tests/corpus/postfix/fail2ban-postfix.log)" 0
eq "old insert trigger: dropped" "$(triggers "$m")" 4
eq "old insert trigger: summaries = rows" "$(differ "$m")" ""

# ---- the report from the summaries equals the report from the events: a
# copy without one trigger has incomplete summaries, which the report then
# leaves alone
cp "$a" "$T/e.db"
q "$T/e.db" "DROP TRIGGER summary_messages_update"
report_pair() {   # report_pair NAME ARGS...
	local name=$1
	shift
	"$SMTPLOG" report --db "$a" --format json "$@" >"$T/s.json" 2>&1
	"$SMTPLOG" report --db "$T/e.db" --format json "$@" >"$T/e.json" 2>&1
	if cmp -s "$T/s.json" "$T/e.json"; then
		ok
	else
		bad "report $name: summaries and events differ: $(diff "$T/e.json" "$T/s.json" | head -10)"
	fi
	has "report $name: numbers" "$(cat "$T/s.json")" '"totals"'
	# the per-key lists counted in memory, from SQL (no budget), and in
	# partitions (30000 bytes hold a small share of these logs' keys: each
	# pass writes its keys to partition files, 64 in all here, counts them
	# one by one and merges their lists)
	local budget
	for budget in 1 30000; do
		SMTPLOG_KEY_BUDGET=$budget "$SMTPLOG" report --db "$a" --format json "$@" >"$T/k.json" 2>&1
		if cmp -s "$T/s.json" "$T/k.json"; then
			ok
		else
			bad "report $name: lists counted and from SQL ($budget) differ: $(diff "$T/k.json" "$T/s.json" | head -10)"
		fi
	done
}
report_pair "all"
report_pair "a day" --since 2026-11-22 --until 2026-11-23
report_pair "hours" --since 2026-11-22T06:00:00Z --until 2026-11-23T09:00:00Z
report_pair "since an hour" --since 2026-11-22T13:00:00Z
report_pair "until an hour" --until 2026-11-22T13:00:00Z
report_pair "not whole hours" --since 2026-11-22T06:30:00Z --until 2026-11-23T09:00:01Z
report_pair "empty period" --since 2030-01-01 --until 2030-01-02
report_pair "lang ja" --lang ja --since 2026-11-22
lacks "the summaries give something" "$(q "$a" "SELECT count(*) FROM summary_delays")" "0"

# ---- analyze's own report: its key passes start on their own connection as
# soon as the rows are committed, beside the build of the report's indexes;
# the report equals `report` on the same database with every list from SQL
analyze_pair() {   # analyze_pair NAME BUDGET ARGS...
	local name=$1 budget=$2
	shift 2
	rm -f "$T/n.db"
	SMTPLOG_KEY_BUDGET=$budget "$SMTPLOG" analyze -q --db "$T/n.db" --year 2026 --format json \
		"$@" "${LOGS[@]}" >"$T/n.json" 2>&1
	SMTPLOG_KEY_BUDGET=1 "$SMTPLOG" report --db "$T/n.db" --format json "$@" >"$T/r.json" 2>&1
	if cmp -s "$T/n.json" "$T/r.json"; then
		ok
	else
		bad "analyze $name: its report and report's differ: $(diff "$T/n.json" "$T/r.json" | head -10)"
	fi
	has "analyze $name: numbers" "$(cat "$T/n.json")" '"recipients"'
}
analyze_pair "default budget" 0
analyze_pair "partitions" 30000
analyze_pair "ja" 0 --lang ja

# ---- the documented queries on kind and a time range use an index (the
# examples of docs/schema.md and the bench's question)
plan() { q "$a" "EXPLAIN QUERY PLAN $1" | tr '\n' ' '; }
uses() {   # uses SEARCH SQL: its plan searches events by that index range
	has "index: $2" "$(plan "$2")" "$1"
}
uses "INDEX events_kind_ts (kind=? AND ts>? AND ts<?)" \
	"SELECT count(*) FROM events WHERE kind = 'deferred' AND ts >= '2026-11-22' AND ts < '2026-11-23'"
uses "INDEX events_kind_ts (kind=? AND ts>?)" \
	"SELECT recipient_domain, count(*) AS deferrals FROM events WHERE kind = 'deferred' AND ts >= '2026-11-22' GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
uses "INDEX events_kind_ts (kind=?)" \
	"SELECT recipient_domain, smtp_code, enhanced_code, count(*) FROM v_failures_transient WHERE kind = 'deferred' GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 10"
uses "INDEX events_kind_ts (kind=? AND ts>? AND ts<?)" \
	"SELECT count(*) FROM v_rejections WHERE ts >= '2026-11-22T06:00:00' AND ts < '2026-11-22T07:00:00'"
uses "INDEX events_kind_ts (kind=? AND ts>?)" \
	"SELECT count(*) FROM v_deliveries WHERE kind = 'delivered' AND ts >= '2026-11-22'"
uses "INDEX events_kind_ts (kind=? AND ts>? AND ts<?)" \
	"SELECT count(*) FROM v_failures_transient WHERE kind = 'deferred' AND ts >= '2026-11-22' AND ts < '2026-11-23'"

# ---- a period whose files are not neighbours in the database: the report
# reads messages (and the delivery pass events) in the row id range from the
# first to the last of them, narrowed to those files; its per-key figures
# equal a count over the rows of the period, from memory and from SQL
n=$T/n3.db
grep ' Nov 22 \|^Nov 22 ' sample-logs/mail.log.1 > "$T/d22.log"
grep '^Nov 23 ' sample-logs/mail.log > "$T/d23.log"
sed 's/^\(Nov 22 [0-9:]*\) mx1 /\1 mx2 /' "$T/d22.log" > "$T/d22b.log"
eq "three files, two of the same day" \
	"$(run analyze -q --no-report --db "$n" --year 2026 "$T/d22.log" "$T/d23.log" "$T/d22b.log")" 0
REF_VOL="SELECT sum(size) || ' ' || count(DISTINCT sender) || ' ' || count(DISTINCT sender_domain)
         FROM messages WHERE arrived = 1 AND origin_id IS NULL
         AND first_ts >= '2026-11-22' AND first_ts < '2026-11-23'"
REF_RCPT="SELECT count(DISTINCT recipient) FROM events WHERE kind IN ('delivered', 'forwarded')
          AND handoff = 0 AND ts >= '2026-11-22' AND ts < '2026-11-23'"
for budget in 0 1; do
	vol=$(SMTPLOG_KEY_BUDGET=$budget "$SMTPLOG" report --db "$n" --since 2026-11-22 \
		--until 2026-11-23 --format json | python3 -c '
import json, sys
r = json.load(sys.stdin)["sections"]["volume"]["tables"]["volume"]["rows"][0]
print(r["bytes_received"], r["senders"], r["sender_domains"], r["recipients"])')
	eq "files 1 and 3 of 3, budget $budget: volume = a count over the rows" "$vol" \
		"$(q "$n" "$REF_VOL") $(q "$n" "$REF_RCPT")"
done
has "the day has messages in both files" "$(q "$n" "SELECT count(DISTINCT id >> 43) FROM messages
	WHERE first_ts >= '2026-11-22' AND first_ts < '2026-11-23'")" "2"

echo "e2e_summary: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
