#!/bin/bash
# The health table end to end on real logs (tests/corpus, see SOURCES.md):
# which lines of Postfix, Exim and Sendmail become rows, the report's "Daemon
# health" section in text and JSON agreeing with SQL, and exactly-once
# counting: a second run, --reread, a log that grows between runs, a run
# killed after a committed batch (SMTPLOG_FAULT, DEVELOPERS.md "Crash
# safety") and merge leave the rows one clean run gives.
. "$(dirname "$0")/e2e_lib.sh"

C=tests/corpus
# one mixed log: health lines of each MTA, and 3,000 lines of the sample
# Postfix log around them (postscreen verdicts, warnings) for batches
cat $C/postfix/crowdsec-postfix-sasl-bf.log $C/postfix/kumina-postfix-exporter-test.log \
	$C/exim/crowdsec-exim-bf.log $C/sendmail/fail2ban-sendmail-auth.log \
	sample-logs/mail.log.1 $C/exim/exim-testsuite-log-2111.log >"$T/mixed.log"
health() {   # every row but the sample, in key order
	q "$1" "SELECT source_id, hour, category, program, shape, client, count, last_offset FROM health
	        ORDER BY source_id, hour, category, program, shape, client"
}
db=$T/ref.db
eq "analyze" "$(run analyze --db "$db" --no-report --year 2026 "$T/mixed.log")" 0
want=$(health "$db")

# ---- which lines are which
eq "SASL failures of one client (Postfix and Exim; grep agrees)" \
	"$(q "$db" "SELECT sum(count) FROM health WHERE category = 'sasl' AND client = '1.2.3.4'")" \
	"$(grep -cE '1\.2\.3\.4\](:[0-9]+)?: SASL|authenticator failed.* \[1\.2\.3\.4\]' "$T/mixed.log")"
eq "SASL failures by client (Sendmail: the last relay=)" \
	"$(q "$db" "SELECT client || '=' || sum(count) FROM health WHERE category = 'sasl'
	            AND client IN ('192.0.2.3', '192.0.2.4', '192.0.2.100') GROUP BY client ORDER BY client")" \
	"192.0.2.3=1
192.0.2.4=1"
eq "a Postfix SASL shape, the client blanked" \
	"$(q "$db" "SELECT shape FROM health WHERE category = 'sasl' AND client = '203.0.113.42'")" \
	"SASL LOGIN authentication failed: authentication failure"
eq "postscreen verdicts of the sample log" \
	"$(q "$db" "SELECT group_concat(shape || '=' || n, ' ') FROM (SELECT shape, sum(count) AS n
	            FROM health WHERE category = 'postscreen' GROUP BY 1 ORDER BY 1)")" \
	"$(grep -oE 'postscreen\[[0-9]+\]: (CONNECT|PASS NEW|PASS OLD|PREGREET|DNSBL rank|HANGUP) ' "$T/mixed.log" |
	   sed -E 's/^[^:]*: //; s/ $//' | sort | uniq -c | awk '{n=$1; $1=""; sub(/^ /, ""); printf "%s%s=%d", s, $0, n; s=" "}')"
eq "warnings: Postfix's warning: lines but SASL and TLS failures (grep agrees)" \
	"$(q "$db" "SELECT sum(count) FROM health WHERE category = 'warning'")" \
	"$(grep -E 'postfix/[a-z/]+\[[0-9]+\]: warning: ' "$T/mixed.log" |
	   grep -cvE 'SASL [^ ]+ authentication failed|TLS library problem')"
eq "a TLS failure of Exim" \
	"$(q "$db" "SELECT count(*) FROM health WHERE category = 'tls' AND program = 'exim'
	            AND shape LIKE 'TLS error on connection from%'")" 1
eq "hours are ISO times on the hour" \
	"$(q "$db" "SELECT count(*) FROM health WHERE hour IS NOT NULL AND hour NOT GLOB '????-??-??T??:00:00Z'")" 0
eq "the sample is the line's message" \
	"$(q "$db" "SELECT sample FROM health WHERE client = '203.0.113.42'")" \
	"warning: unknown[203.0.113.42]: SASL LOGIN authentication failed: authentication failure"
eq "v_health sums the table" "$(q "$db" "SELECT sum(count) FROM v_health")" \
	"$(q "$db" "SELECT sum(count) FROM health")"

# ---- the report: the same numbers in text and JSON
rep=$("$SMTPLOG" report --db "$db" --section health)
has "text: SASL table" "$rep" "SASL authentication failures by client"
has "text: the top SASL client" "$rep" "$(printf '  %-10s%s' 1.2.3.4 '')"
lacks "text: nothing 'not stored'" "$rep" "not stored by this version"
eq "JSON: SASL rows = SQL" \
	"$("$SMTPLOG" report --db "$db" --format json | python3 -c '
import json, sys
t = json.load(sys.stdin)["sections"]["health"]["tables"]
print(" ".join("%s=%d" % (r["client"], r["count"]) for r in t["sasl"]["rows"][:3]))
print(" ".join("%s=%d" % (r["id"], r["count"]) for r in t["severity"]["rows"]))')" \
	"$(q "$db" "SELECT group_concat(c || '=' || n, ' ') FROM (SELECT client AS c, sum(count) AS n FROM health
	            WHERE category = 'sasl' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3)")
$(q "$db" "SELECT group_concat(c || '=' || n, ' ') FROM (SELECT category AS c, sum(count) AS n FROM health
	            GROUP BY 1 ORDER BY CASE c WHEN 'panic' THEN 0 WHEN 'fatal' THEN 1 WHEN 'error' THEN 2
	            WHEN 'warning' THEN 3 ELSE 4 END, 1)")"
eq "JSON: SASL clients left out of the top = SQL" \
	"$("$SMTPLOG" report --db "$db" --format json | python3 -c '
import json, sys
print(json.load(sys.stdin)["sections"]["health"]["tables"]["sasl"]["omitted"])')" \
	"$(q "$db" "SELECT count(DISTINCT client) - 5 FROM health WHERE category = 'sasl'")"
has "text: the rest of the SASL clients" "$rep" "(+$(q "$db" "SELECT count(DISTINCT client) - 5 FROM health
	WHERE category = 'sasl'") more)"
prom=$("$SMTPLOG" report --db "$db" --format prometheus)
has "Prometheus: SASL failures = SQL" "$prom" \
	"smtplog_sasl_failures_total $(q "$db" "SELECT sum(count) FROM health WHERE category = 'sasl'")"
has "Prometheus: TLS failures = SQL" "$prom" \
	"smtplog_tls_failures_total $(q "$db" "SELECT sum(count) FROM health WHERE category = 'tls'")"
has "Prometheus: a postscreen verdict = SQL" "$prom" \
	"smtplog_postscreen_verdicts_total{verdict=\"PASS OLD\"} $(q "$db" "SELECT sum(count) FROM health
	WHERE category = 'postscreen' AND shape = 'PASS OLD'")"
if command -v promtool >/dev/null; then
	eq "promtool check metrics" "$(promtool check metrics <<<"$prom" 2>&1; echo "status $?")" "status 0"
fi
nsasl=$(q "$db" "SELECT sum(count) FROM health WHERE category = 'sasl'")
eq "--fail-on sasl>N: not reached" "$(run report --db "$db" --fail-on "sasl>$nsasl" --section health)" 0
eq "--fail-on sasl>N: reached" "$(run report --db "$db" --fail-on "sasl>$((nsasl - 1))" --section health)" 2
has "--fail-on sasl: named" "$(cat "$T/err")" "(sasl = $nsasl)"
eq "JSON totals: sasl_failures, tls_failures = SQL" \
	"$("$SMTPLOG" report --db "$db" --format json | python3 -c '
import json, sys
t = json.load(sys.stdin)["totals"]
print(t["sasl_failures"], t["tls_failures"])')" \
	"$nsasl $(q "$db" "SELECT sum(count) FROM health WHERE category = 'tls'")"
eq "--fail-on warnings>0" "$(run report --db "$db" --fail-on 'warnings>0' --section health)" 2

# ---- exactly once
eq "a second run" "$(run analyze --db "$db" --no-report --year 2026 "$T/mixed.log"; health "$db")" "0
$want"
eq "--reread" "$(run analyze --db "$db" --no-report --year 2026 --reread "$T/mixed.log"; health "$db")" "0
$want"
# a log that grows between runs (one file: the year of its syslog stamps
# is inferred from the lines read, as in one real log)
cp sample-logs/mail.log.1 "$T/whole.log"
run analyze --db "$T/whole.db" --no-report --year 2026 "$T/whole.log" >/dev/null
half=$(( $(wc -l <"$T/whole.log") / 2 ))
head -n "$half" "$T/whole.log" >"$T/grow.log"
run analyze --db "$T/grow.db" --no-report --year 2026 "$T/grow.log" >/dev/null
tail -n +"$((half + 1))" "$T/whole.log" >>"$T/grow.log"
eq "a log that grew between runs: the rows of one run" \
	"$(run analyze --db "$T/grow.db" --no-report --year 2026 "$T/grow.log"; health "$T/grow.db")" \
	"0
$(health "$T/whole.db")"
eq "... which has rows" "$(q "$T/grow.db" "SELECT count(*) > 5 FROM health")" 1
for n in 1 3; do
	# killed after the Nth batch was queued for commit: batches commit
	# rows only, so the next run reads them again from the file's start
	rm -f "$T/crash.db"
	SMTPLOG_CHECKPOINT_LINES=400 SMTPLOG_FAULT=checkpoint:$n \
		"$SMTPLOG" analyze --db "$T/crash.db" --no-report --year 2026 "$T/mixed.log" >/dev/null 2>&1
	eq "killed at checkpoint $n" $? 137
	[ -f "$T/crash.db" ] || cp "$T/crash.db.loading" "$T/crash.db" 2>/dev/null
	eq "killed at checkpoint $n, run again: one clean run's rows" \
		"$(SMTPLOG_CHECKPOINT_LINES=400 run analyze --db "$T/crash.db" --no-report --year 2026 "$T/mixed.log"
		   health "$T/crash.db")" "0
$want"
done

# ---- merge: the rows of the copy that read further, once
eq "merge into an empty database" "$(run merge --db "$T/m.db" "$db"; health "$T/m.db")" "0
$want"
eq "merge again adds nothing" "$(run merge --db "$T/m.db" "$db"; health "$T/m.db")" "0
$want"

# ---- prune: the rows of the hours before the cut go, the rest stay
cp "$db" "$T/prune.db"
cut=$(q "$T/prune.db" "SELECT DISTINCT hour FROM health WHERE hour IS NOT NULL ORDER BY 1 LIMIT 1 OFFSET 3")
eq "prune: before, rows of earlier hours" "$(q "$T/prune.db" "SELECT count(*) > 0 FROM health WHERE hour < '$cut'")" 1
eq "prune: health rows of the hours before the cut go, the rest stay" \
	"$(run prune --db "$T/prune.db" --older-than "$cut"
	   q "$T/prune.db" "SELECT count(*) FROM health WHERE hour < '$cut'; SELECT count(*) FROM health
	                    WHERE hour >= '$cut'")" "0
0
$(q "$db" "SELECT count(*) FROM health WHERE hour >= '$cut'")"

# ---- a database of schema version 4 (before the table): upgraded in place,
# and --reread counts the lines it had read before, adding nothing else
cp "$T/whole.db" "$T/v4.db"
q "$T/v4.db" "DROP VIEW v_health; DROP TABLE health; PRAGMA user_version = 4"
events=$(q "$T/v4.db" "SELECT count(*) FROM events")
eq "schema 4: upgraded" "$(run analyze --db "$T/v4.db" --no-report --year 2026 "$T/whole.log"
	q "$T/v4.db" "PRAGMA user_version; SELECT count(*) FROM health")" "0
6
0"
eq "schema 4: --reread counts what was read before" \
	"$(run analyze --db "$T/v4.db" --no-report --year 2026 --reread "$T/whole.log"; health "$T/v4.db"
	   q "$T/v4.db" "SELECT count(*) FROM events")" "0
$(health "$T/whole.db")
$events"

echo "e2e_health: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
