#!/bin/bash
# End-to-end tests: the real binary on real log files (sample-logs/ and the
# corpus in tests/corpus/), checking exact rows in SQLite, exact numbers in
# the report, exit statuses and messages. Run by `make e2e` (part of `make test`).
. "$(dirname "$0")/e2e_lib.sh"

# ---- the bundled sample logs, given newest first as a shell glob does
db=$T/sample.db
eq "analyze sample-logs exit" "$(run analyze --db "$db" --year 2026 sample-logs/mail.log sample-logs/mail.log.1 sample-logs/mail.log.2.gz)" 0
report=$(cat "$T/out")
events=$(q "$db" "SELECT count(*) FROM events")
eq "sources read oldest first" "$(q "$db" "SELECT group_concat(path, ' ') FROM (SELECT path FROM sources ORDER BY id)")" \
	"sample-logs/mail.log.2.gz sample-logs/mail.log.1 sample-logs/mail.log"
eq "every line accounted for" "$(q "$db" "SELECT sum(lines = recognized + unrecognized + foreign_lines) FROM sources")" 3
eq "gz source flagged" "$(q "$db" "SELECT compressed FROM sources WHERE path LIKE '%.gz'")" 1

# content filter: two queue files, one message
eq "amavis copy linked" "$(q "$db" "SELECT c.origin || ' ' || (c.origin_id = o.id) FROM messages c JOIN messages o ON o.queue_id='3F2A11C0A12' WHERE c.queue_id='5B7C21C0A15'")" "content-filter 1"
eq "hand-off is not a delivery" "$(q "$db" "SELECT kind, handoff, remote_ip FROM events WHERE queue_id='3F2A11C0A12'")" "delivered|1|127.0.0.1"
# a loopback relay whose copy never comes back delivered the message
# (hsn723-postfix-exporter-test.log: "relay=example.com[127.0.0.1]:25 ...
# queued as AAB4D259B1", no such message in the log)
run analyze --db "$T/lo.db" -q tests/corpus/postfix/hsn723-postfix-exporter-test.log >/dev/null
eq "loopback relay without a copy is a delivery" "$(q "$T/lo.db" "SELECT count(*), sum(handoff)
 FROM events WHERE kind = 'delivered' AND remote_ip = '127.0.0.1'")" "2|0"
eq "loopback deliveries count in the report" "$(q "$T/lo.db" "SELECT sum(delivered) FROM v_daily_summary")" 4

# 551 with its forward address, exact source position
eq "551 row" "$(q "$db" "SELECT kind, class, smtp_code, enhanced_code, recipient, forward_to, reason IS NOT NULL, file, line FROM events WHERE smtp_code=551")" \
	"bounced|permanent|551|5.1.6|dave@old-company.example|dave@new-company.example|1|sample-logs/mail.log|21"
eq "551 sender from the message" "$(q "$db" "SELECT sender FROM events WHERE smtp_code=551")" "carol@example.org"
eq "bounce notification linked" "$(q "$db" "SELECT origin FROM messages WHERE queue_id='2C9F01C0B40'")" "notification"
eq "251 probe" "$(q "$db" "SELECT kind, class, smtp_code, forward_to FROM events WHERE smtp_code=251 AND file='sample-logs/mail.log'")" \
	"probe|success|251|frank@elsewhere.example"
eq "expiry" "$(q "$db" "SELECT kind, class, queue_id, line FROM events WHERE kind='expired' AND file='sample-logs/mail.log'")" \
	"expired|permanent|4E1D21C0C01|39"
eq "connection refused: dsn only" "$(q "$db" "SELECT kind, class, smtp_code IS NULL, enhanced_code FROM events WHERE recipient='gina@slow.example'")" \
	"deferred|transient|1|4.4.1"
eq "NOQUEUE reject tied to its client" "$(q "$db" "SELECT kind, class, smtp_code, enhanced_code, queue_id IS NULL, message_id IS NULL, remote_host, remote_ip, helo, sender, recipient FROM events WHERE remote_ip='185.220.101.7'")" \
	"rejected|permanent|554|5.7.1|1|1|unknown|185.220.101.7|deals.example|promo@deals.example|bob@example.org"
eq "4xx reject is transient" "$(q "$db" "SELECT class FROM events WHERE recipient='carol@example.org' AND kind='rejected'")" "transient"
eq "ts in UTC ISO 8601" "$(q "$db" "SELECT ts FROM events WHERE smtp_code=551")" "2026-11-23T10:02:13Z"
eq "instance of submission" "$(q "$db" "SELECT DISTINCT instance FROM events WHERE queue_id IS NULL AND program LIKE '%smtpd' ORDER BY 1 LIMIT 1")" "postfix"
eq "other programs counted" "$(q "$db" "SELECT group_concat(program || '=' || count, ' ') FROM (SELECT program, count FROM unrecognized WHERE reason='not mail-transfer' AND source_id=3 ORDER BY program)")" \
	"amavis=1 dovecot=1 opendkim=1"

# genlog's own expectations for the two generated days (seed 7 and 8, 3000 lines each)
eq "generated: delivered" "$(q "$db" "SELECT count(*) FROM events WHERE kind='delivered' AND handoff=0 AND source_id IN (1,2)")" 840
eq "generated: rejected" "$(q "$db" "SELECT count(*) FROM events WHERE kind='rejected' AND source_id IN (1,2)")" 57

# idempotent: the same files again, even under another name, add nothing
run analyze --db "$db" --year 2026 sample-logs/mail.log* >/dev/null
eq "re-run adds no events" "$(q "$db" "SELECT count(*) FROM events")" "$events"
gzip -c sample-logs/mail.log.1 > "$T/renamed.gz"
eq "renamed copy exit" "$(run analyze --db "$db" --year 2026 "$T/renamed.gz")" 0
has "renamed copy recognized" "$(cat "$T/err")" "already in the database"
eq "renamed copy adds no events" "$(q "$db" "SELECT count(*) FROM events")" "$events"
eq "no duplicate messages" "$(q "$db" "SELECT count(*) FROM (SELECT host, queue_id, first_ts FROM messages GROUP BY 1,2,3 HAVING count(*) > 1)")" 0
# a plain file an earlier run read whole and that has not grown is skipped
# (the hourly job); --reread reads it; once it grows it is read again
cp sample-logs/mail.log "$T/hourly.log"
run analyze -q --db "$T/hourly.db" --year 2026 "$T/hourly.log" >/dev/null
hourly=$(q "$T/hourly.db" "SELECT count(*) FROM events")
eq "unchanged file exit" "$(run analyze --no-report --db "$T/hourly.db" --year 2026 "$T/hourly.log")" 0
has "unchanged file skipped" "$(cat "$T/err")" "unchanged since an earlier run read it: skipped"
has "unchanged file counts" "$(cat "$T/err")" "$(wc -l < "$T/hourly.log") lines"
eq "unchanged file: report as before" "$(run analyze --db "$T/hourly.db" --year 2026 "$T/hourly.log"; grep -c 'Delivered (recipients)' "$T/out")" "0
1"
eq "--reread reads it" "$(run analyze --reread --no-report --db "$T/hourly.db" --year 2026 "$T/hourly.log"; grep -c 'already in the database' "$T/err")" "0
1"
tail -1 sample-logs/mail.log | sed 's/^Nov 23 \([0-9:]*\)/Nov 23 23:59:59/' >> "$T/hourly.log"
run analyze --no-report --db "$T/hourly.db" --year 2026 "$T/hourly.log" >/dev/null
has "grown file read" "$(cat "$T/err")" "already in the database"
eq "grown file: the new line's event" "$(q "$T/hourly.db" "SELECT count(*) FROM events")" "$((hourly + $(tail -1 sample-logs/mail.log | grep -c 'status=\|reject')))"

# standard input
eq "stdin exit" "$(cat sample-logs/mail.log | run analyze --db "$T/stdin.db" --year 2026 -q -)" 0
eq "stdin file is -" "$(q "$T/stdin.db" "SELECT DISTINCT file FROM events")" "-"
eq "stdin same events" "$(q "$T/stdin.db" "SELECT count(*) FROM events")" "$(q "$db" "SELECT count(*) FROM events WHERE source_id=3")"

# ---- errors: exit statuses and messages
eq "missing file among others" "$(run analyze --db "$T/m.db" sample-logs/mail.log "$T/nope.log")" 1
has "missing file named" "$(cat "$T/err")" "cannot open '$T/nope.log'"
eq "others still stored" "$(q "$T/m.db" "SELECT count(*) > 0 FROM events")" 1
eq "no readable input" "$(run analyze --db "$T/m2.db" "$T/nope.log")" 66
eq "bad option" "$(run analyze --bogus x)" 64
has "bad option named" "$(cat "$T/err")" "'--bogus'"
eq "bad --mta" "$(run analyze --mta qmail x)" 64
eq "no files" "$(run analyze)" 64
eq "unknown command" "$(run frobnicate)" 64
eq "report without a database" "$(run report --db "$T/none.db")" 66
has "report without a database says so" "$(cat "$T/err")" "no database at"
head -c 4096 /dev/urandom > "$T/garbage.db"
eq "corrupt database" "$(run analyze --db "$T/garbage.db" sample-logs/mail.log)" 65
sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
eq "foreign database" "$(run analyze --db "$T/other.db" sample-logs/mail.log)" 65
has "foreign database message" "$(cat "$T/err")" "not an smtplog database"
eq "foreign database untouched" "$(q "$T/other.db" "SELECT count(*) FROM sqlite_master")" 1
cp "$db" "$T/locked.db"
( echo "BEGIN EXCLUSIVE; UPDATE sources SET lines = lines;"; sleep 9 ) | sqlite3 "$T/locked.db" &
sleep 1
eq "locked database" "$(run analyze --wait 2 --db "$T/locked.db" sample-logs/mail.log)" 75
has "locked database: who holds it" "$(cat "$T/err")" "(sqlite3"
has "locked database: how long it waited" "$(cat "$T/err")" "waited 2 s"
has "locked message" "$(cat "$T/err")" "locked"
wait

# ---- hostile input: long lines, NUL bytes, invalid UTF-8, binary junk, no final newline
{
	head -3 sample-logs/mail.log
	printf 'Nov 23 12:00:00 mx1 postfix/smtpd[1]: connect from %s[192.0.2.1]\n' "$(head -c 200000 /dev/zero | tr '\0' a)"
	printf 'Nov 23 12:00:01 mx1 postfix/smtpd[1]: bad \x00 byte \xff\xfe here\n'
	head -c 3000 /dev/urandom
	printf '\nNov 23 12:00:02 mx1 postfix/qmgr[2]: ABC123: removed'
} > "$T/hostile.log"
eq "hostile exit" "$(run analyze --db "$T/h.db" --year 2026 "$T/hostile.log")" 0
eq "hostile lines all counted" "$(q "$T/h.db" "SELECT lines = recognized + unrecognized + foreign_lines, truncated FROM sources")" "1|1"

# ---- --unrecognized writes exactly the lines it counts
run analyze --db "$T/u.db" --unrecognized "$T/unrec.txt" tests/corpus/postfix/*.log >/dev/null
eq "--unrecognized line count" "$(wc -l < "$T/unrec.txt" | tr -d ' ')" "$(q "$T/u.db" "SELECT sum(unrecognized) FROM sources")"

# ---- every Postfix corpus file: exit 0, every line accounted for, every
# delivery/deferral/bounce/expiry/reject line with a code stored at its (file, line)
for f in tests/corpus/postfix/*.log; do
	cdb="$T/corpus-$(basename "$f").db"
	eq "corpus $f exit" "$(run analyze --db "$cdb" -q "$f")" 0
	eq "corpus $f lines" "$(q "$cdb" "SELECT lines = recognized + unrecognized + foreign_lines AND lines = $(wc -l < "$f") FROM sources")" 1
	want=$(grep -nE 'status=(sent|deferred|bounced|expired|deliverable|undeliverable)|(reject|milter-reject|proxy-reject): .*[245][0-9][0-9] [245]\.|: [45]\.[0-9]+\.[0-9]+ ' "$f" \
		| grep -vE 'warning: |proxy-accept' | cut -d: -f1 | sort -n | uniq | tr '\n' ' ')
	got=$(q "$cdb" "SELECT DISTINCT line FROM events ORDER BY line" | tr '\n' ' ')
	missing=$(comm -23 <(tr ' ' '\n' <<<"$want" | grep . | sort) <(tr ' ' '\n' <<<"$got" | grep . | sort) | tr '\n' ' ')
	eq "corpus $f: lines with codes all in events" "$missing" ""
done

# ---- report numbers (text), and the same run in JSON
has "report received" "$(tr -s ' ' <<<"$report")" " Messages received 631"
has "report delivered" "$(tr -s ' ' <<<"$report")" " Delivered (recipients) 857"
has "report rejected" "$(tr -s ' ' <<<"$report")" " Rejected by this server 59 4xx 7, 5xx 52"
eq "report json exit" "$(run report --db "$db" --format json)" 0
has "report 551 forward" "$(cat "$T/out")" '{"code":"551","recipient":"dave@old-company.example","forward_to":"dave@new-company.example","count":1}'
has "report other programs" "$(cat "$T/out")" '{"program":"amavis","count":1},{"program":"dovecot","count":1},{"program":"opendkim","count":1}'
eq "report json parses" "$(python3 -c 'import json,sys; json.load(open(sys.argv[1])); print("ok")' "$T/out" 2>&1)" ok
eq "report relative bounds" "$(run report --db "$db" --since 100000d --until today)" 0
eq "report bad bound" "$(run report --db "$db" --since 7x)" 64
eq "report ja exit" "$(run report --db "$db" --lang ja)" 0
has "report ja heading" "$(cat "$T/out")" "メール配送レポート"

# ---- journald: -o json and -o short-iso, from standard input
python3 - sample-logs/mail.log > "$T/journal.json" <<'PY'
import json, sys, re, calendar, time
for line in open(sys.argv[1]):
    m = re.match(r'(\w+ +\d+ [\d:]+) (\S+) ([^\[:]+)(?:\[(\d+)\])?: (.*)', line.rstrip('\n'))
    ts = calendar.timegm(time.strptime('2026 ' + m.group(1), '%Y %b %d %H:%M:%S'))
    print(json.dumps({"__REALTIME_TIMESTAMP": str(ts * 1000000 + 250000), "_HOSTNAME": m.group(2),
                      "SYSLOG_IDENTIFIER": m.group(3), "_PID": m.group(4) or "1", "MESSAGE": m.group(5)}))
PY
eq "journal json exit" "$(run analyze --db "$T/j.db" -q - < "$T/journal.json")" 0
eq "journal json events" "$(q "$T/j.db" "SELECT count(*) FROM events")" "$(q "$db" "SELECT count(*) FROM events WHERE source_id=3")"
eq "journal json ts" "$(q "$T/j.db" "SELECT ts FROM events WHERE smtp_code=551")" "2026-11-23T10:02:13.250000Z"
sed -E 's/^Nov 23 ([0-9:]+) /2026-11-23T\1+0100 /' sample-logs/mail.log > "$T/short-iso.log"
eq "short-iso exit" "$(run analyze --db "$T/si.db" -q "$T/short-iso.log")" 0
eq "short-iso ts to UTC" "$(q "$T/si.db" "SELECT ts FROM events WHERE smtp_code=551")" "2026-11-23T09:02:13Z"

# ---- --tz and --year, and a Dec 31 -> Jan 1 rollover inside one file
printf '%s\n' 'Dec 31 23:59:58 mx1 postfix/smtp[9]: AA1: to=<a@b.example>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to b.example[192.0.2.9]:25: Connection refused)' \
	'Jan  1 00:00:03 mx1 postfix/smtp[9]: AA1: to=<a@b.example>, relay=none, delay=6, dsn=4.4.1, status=deferred (connect to b.example[192.0.2.9]:25: Connection refused)' > "$T/newyear.log"
eq "rollover exit" "$(run analyze --db "$T/ny.db" -q --year 2025 --tz Europe/Berlin "$T/newyear.log")" 0
eq "rollover years, Berlin to UTC" "$(q "$T/ny.db" "SELECT group_concat(ts, ' ') FROM (SELECT ts FROM events ORDER BY line)")" \
	"2025-12-31T22:59:58Z 2025-12-31T23:00:03Z"

# ---- --patterns DIR teaches a new line without recompiling
mkdir -p "$T/pat"
cat > "$T/pat/local.pat" <<'PAT'
id: local.policyd
mta: postfix
programs: smtpd
kind: action
prefilter: policyd says
regex: ^(?<queue_id>NOQUEUE): (?<action>reject): policyd says (?<reply>5\d\d .*) to=<(?<recipient>[^>]*)>$
PAT
echo 'Nov 23 12:00:00 mx1 postfix/smtpd[7]: NOQUEUE: reject: policyd says 550 5.7.1 quota exceeded to=<x@example.org>' > "$T/custom.log"
eq "without --patterns: not understood" "$(run analyze --db "$T/c1.db" -q "$T/custom.log"; q "$T/c1.db" "SELECT unrecognized FROM sources")" "0
1"
eq "with --patterns: an event" "$(run analyze --db "$T/c2.db" -q --patterns "$T/pat" "$T/custom.log"; q "$T/c2.db" "SELECT kind, smtp_code, enhanced_code, recipient FROM events")" "0
rejected|550|5.7.1|x@example.org"
echo 'id: bad' > "$T/pat/bad.pat"
eq "bad pattern file" "$(run analyze --db "$T/c3.db" --patterns "$T/pat" "$T/custom.log")" 65
has "bad pattern named" "$(cat "$T/err")" "bad.pat"

# ---- the other MTAs through the same pipeline
eq "exim corpus exit" "$(run analyze --db "$T/ex.db" -q tests/corpus/exim/crowdsec-exim-logs.log)" 0
eq "sendmail corpus exit" "$(run analyze --db "$T/sm.db" -q tests/corpus/sendmail/parse-syslog-mail-sendmail-plain.log)" 0
eq "sendmail mta" "$(q "$T/sm.db" "SELECT DISTINCT mta FROM events")" "sendmail"
# A Sendmail SMTP transaction keeps its queue ID through its rejects: the
# refused recipient, the from= line with nrcpts=0 and the client are one
# row of messages, finished, and no mail received (fail2ban-sendmail-reject.log)
run analyze --db "$T/smr.db" -q tests/corpus/sendmail/fail2ban-sendmail-reject.log >/dev/null
eq "sendmail reject tied to its transaction" "$(q "$T/smr.db" "SELECT e.recipient, m.sender, m.client_ip,
 m.nrcpt, m.arrived, m.complete FROM events e JOIN messages m ON m.id = e.message_id
 WHERE e.queue_id = '55HIbcGI002794'")" "baduser@yourhost.com|root@yourhost.com|192.168.1.45|0|0|1"
eq "sendmail rejects with a queue ID, and without (check_relay, at connect)" "$(q "$T/smr.db" "SELECT
 count(queue_id), count(*) - count(queue_id) FROM events WHERE kind = 'rejected'")" "23|4"
eq "sendmail refused transactions are no mail received" "$(q "$T/smr.db" "SELECT coalesce(sum(received), 0)
 FROM v_daily_summary")" 0

# ---- kill -9 in the middle of a run, then run again: the same rows as one
# clean run (nothing lost, nothing twice), whatever the writer thread had queued
big=$T/big.log
GENLOG=${GENLOG:-../shared/tools/genlog}
if [ -f "$GENLOG" ]; then
	python3 "$GENLOG" --mta postfix --lines 400000 --seed 11 > "$big"
else
	# no genlog beside the repository: the sample day, 10,000 times, queue ids made unique
	python3 - sample-logs/mail.log > "$big" <<'PY'
import re, sys
day = open(sys.argv[1]).read()
for k in range(10000):
    sys.stdout.write(re.sub(r'\b([0-9A-F]{9,12})\b', r'\1G%d' % k, day))
PY
fi
rm -f "$T/clean.db"
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/clean.db" sample-logs/mail.log
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/clean.db" "$big"
all=$(q "$T/clean.db" "SELECT count(*) FROM events")
base=$(q "$T/clean.db" "SELECT count(*) FROM events WHERE source_id = 1")
same_as_clean() {   # name db
	for tbl in "events" "messages"; do
		eq "$1: $tbl as a clean run" \
			"$(q "$2" "SELECT * FROM $tbl ORDER BY id" | md5sum)" \
			"$(q "$T/clean.db" "SELECT * FROM $tbl ORDER BY id" | md5sum)"
	done
	eq "$1: the sources' counts" \
		"$(q "$2" "SELECT bytes, lines, recognized, unrecognized, foreign_lines FROM sources ORDER BY id")" \
		"$(q "$T/clean.db" "SELECT bytes, lines, recognized, unrecognized, foreign_lines FROM sources ORDER BY id")"
	eq "$1: indexes" \
		"$(q "$2" "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY 1)")" \
		"$(q "$T/clean.db" "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY 1)")"
}
# kill_midway PREPARE READY -- ARGS...: up to three attempts of PREPARE, then
# `smtplog ARGS` in the background, killed with -9 as soon as READY succeeds;
# prints "yes" once a run was killed before it finished
kill_midway() {
	local prepare=$1 ready=$2 pid status
	shift 3
	for attempt in 1 2 3; do
		$prepare
		"$SMTPLOG" "$@" &
		pid=$!
		for _ in $(seq 400); do
			$ready && break
			sleep 0.01
		done
		kill -9 "$pid" 2>/dev/null
		status=0
		wait "$pid" 2>/dev/null || status=$?
		if [ "$status" -eq 137 ]; then
			echo yes
			return
		fi
	done
}

# (1) into an existing database (WAL): the rows committed before the kill stay
existing_prepare() {
	rm -f "$T/killed.db" "$T/killed.db-wal" "$T/killed.db-shm"
	"$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/killed.db" sample-logs/mail.log
}
existing_ready() {   # the first committed batch (100,000 lines) of the big file
	[ "$(sqlite3 "$T/killed.db" "SELECT count(*) FROM events WHERE source_id = 2" 2>/dev/null || echo 0)" -gt 0 ]
}
eq "killed mid-run" "$(kill_midway existing_prepare existing_ready -- \
	analyze -q --no-report --year 2026 --db "$T/killed.db" "$big")" yes
part=$(q "$T/killed.db" "SELECT count(*) FROM events" 2>/dev/null || echo 0)
eq "killed run left part of the rows" "$([ "$part" -gt "$base" ] && [ "$part" -lt "$all" ] && echo part || echo "$part of $all")" part
eq "re-run after kill -9 exit" "$(run analyze -q --no-report --year 2026 --db "$T/killed.db" "$big")" 0
same_as_clean "after kill -9 and a re-run" "$T/killed.db"
eq "a third run adds nothing" "$(run analyze -q --no-report --year 2026 --db "$T/killed.db" "$big"; q "$T/killed.db" "SELECT count(*) FROM events")" \
	"0
$all"

# (2) a new database is built as DB.loading without a journal: a kill
# leaves no database at all, and the next run starts afresh
rm -f "$T/clean.db"
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/clean.db" sample-logs/mail.log "$big"
fresh_prepare() { rm -f "$T/fresh.db" "$T/fresh.db.loading"; }
fresh_ready() { [ "$(stat -c %s "$T/fresh.db.loading" 2>/dev/null || echo 0)" -gt 4000000 ]; }
eq "new database: killed mid-run" "$(kill_midway fresh_prepare fresh_ready -- \
	analyze -q --no-report --year 2026 --db "$T/fresh.db" sample-logs/mail.log "$big")" yes
eq "new database: a kill leaves none" "$([ -e "$T/fresh.db" ] && echo exists || echo none)" none
eq "new database: the .loading file stays" "$([ -e "$T/fresh.db.loading" ] && echo yes)" yes
eq "new database: re-run exit" "$(run analyze -q --no-report --year 2026 --db "$T/fresh.db" sample-logs/mail.log "$big")" 0
eq "new database: no .loading left" "$([ -e "$T/fresh.db.loading" ] && echo left || echo gone)" gone
same_as_clean "new database after kill -9 and a re-run" "$T/fresh.db"

# ---- install and uninstall honour DESTDIR and PREFIX
if [ -n "${E2E_INSTALL:-}" ]; then
	make -s install DESTDIR="$T/dest" PREFIX=/opt/sl >/dev/null
	eq "installed binary runs" "$("$T/dest/opt/sl/bin/smtplog" --version | cut -d' ' -f1)" smtplog
	make -s uninstall DESTDIR="$T/dest" PREFIX=/opt/sl >/dev/null
	eq "uninstalled" "$(ls "$T/dest/opt/sl/bin" 2>/dev/null | wc -l | tr -d ' ')" 0
fi

# ---- every Exim and Sendmail corpus file likewise: exit 0, every line
# accounted for, every delivery/deferral/bounce/reject line an event
corpus_check() {   # corpus_check FILE REGEX EXCLUDE
	local f=$1 cdb="$T/corpus-$(basename "$1").db"
	eq "corpus $f exit" "$(run analyze --db "$cdb" -q --no-report "$f")" 0
	eq "corpus $f lines" "$(q "$cdb" "SELECT lines = recognized + unrecognized + foreign_lines AND lines = $(wc -l < "$f") FROM sources")" 1
	local want got missing
	want=$(grep -nE "$2" "$f" | grep -vE "$3" | cut -d: -f1 | sort | uniq)
	got=$(q "$cdb" "SELECT DISTINCT line FROM events" | sort)
	missing=$(comm -23 <(grep . <<<"$want") <(grep . <<<"$got") | tr '\n' ' ')
	eq "corpus $f: event lines all in events" "$missing" ""
}
for f in tests/corpus/exim/*.log; do
	corpus_check "$f" ' (=>|->|>>|\*\*|==) |rejected (RCPT|after|from|EHLO|HELO|MAIL|connection)| rejected [A-Z]|dropped by .* ACL' \
		'=> blackhole|:blackhole:'
done
for f in tests/corpus/sendmail/*.log; do
	corpus_check "$f" 'stat=|reject=|\.\.\. User unknown|DSN:' 'DSN: Return receipt|stat=queued'
done

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
