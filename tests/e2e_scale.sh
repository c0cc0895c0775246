#!/bin/bash
# End-to-end tests of the scale-out set-ups: per-host databases merged into
# one report equal to the report of one database of all the logs, exports
# whose keys make a second delivery harmless, incremental and redacted
# exports, and one database for a central syslog file where two hosts use
# the same queue IDs. Run by `make e2e`.
. "$(dirname "$0")/e2e_lib.sh"
S=sample-logs

# ---- merge: two hosts' databases (different logs) = one database of both
run analyze --db "$T/mx.db" -q --no-report $S/mail.log* >/dev/null
run analyze --db "$T/exim.db" -q --no-report $S/exim/mainlog $S/sendmail/maillog >/dev/null
run analyze --db "$T/all.db" -q --no-report $S/mail.log* $S/exim/mainlog $S/sendmail/maillog >/dev/null
eq "merge two databases" "$(run merge --db "$T/site.db" "$T/mx.db" "$T/exim.db")" 0
has "merge: what it added" "$(cat "$T/err")" "mx.db: 946 events and 660 messages added or updated, 3 new sources"
"$SMTPLOG" report --db "$T/all.db" --format json >"$T/all.json"
"$SMTPLOG" report --db "$T/site.db" --format json >"$T/site.json"
eq "merged report = report of all logs (json)" "$(cmp -s "$T/all.json" "$T/site.json" && echo same)" same
"$SMTPLOG" report --db "$T/all.db" >"$T/all.txt"
"$SMTPLOG" report --db "$T/site.db" >"$T/site.txt"
eq "merged report = report of all logs (text)" "$(diff "$T/all.txt" "$T/site.txt" && echo same)" same
"$SMTPLOG" trace --db "$T/all.db" 3F2A11C0A12 >"$T/all.trace"
"$SMTPLOG" trace --db "$T/site.db" 3F2A11C0A12 >"$T/site.trace"
eq "merged trace = trace on all logs" "$(cmp -s "$T/all.trace" "$T/site.trace" && echo same)" same
has "merged trace: the content-filter copy followed" "$(cat "$T/site.trace")" "content-filter of 3F2A11C0A12"
rows="SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM messages), (SELECT count(*) FROM sources)"
before=$(q "$T/site.db" "$rows")
eq "merge again" "$(run merge --db "$T/site.db" "$T/exim.db" "$T/mx.db")" 0
has "merge again: nothing new" "$(cat "$T/err")" "exim.db: 0 events and 0 messages added or updated, 0 new sources, 2 already present (nothing new)"
eq "merge again: same rows" "$(q "$T/site.db" "$rows")" "$before"
eq "merged rows = rows of all logs" "$(q "$T/site.db" "$rows")" "$(q "$T/all.db" "$rows")"
# a database that read more of a file since: the same source, the new rows
head -c 3000 $S/mail.log >"$T/mail.log"
run analyze --db "$T/grow.db" -q --no-report "$T/mail.log" >/dev/null
eq "merge a partial read" "$(run merge --db "$T/grow-site.db" "$T/grow.db")" 0
cat $S/mail.log >"$T/mail.log"
run analyze --db "$T/grow.db" -q --no-report "$T/mail.log" >/dev/null
eq "merge after the file grew" "$(run merge --db "$T/grow-site.db" "$T/grow.db")" 0
has "merge after growth: the same source" "$(cat "$T/err")" "0 new sources, 1 already present"
eq "merge after growth: rows of the whole file" "$(q "$T/grow-site.db" "$rows")" "$(q "$T/grow.db" "$rows")"
# the messages open at the end of a database's files go with a merge: a
# later run over the grown file into the merged database gives every event
# the sender, size and Message-ID one run over the whole file gives it
head -n 4 $S/mail.log >"$T/open.log"   # 3F2A11C0A12: its Message-ID and sender, no delivery yet
run analyze --db "$T/open.db" -q --no-report --year 2026 "$T/open.log" >/dev/null
eq "open messages: one" "$(q "$T/open.db" "SELECT open_messages FROM correlate_state")" 1
eq "merge open messages" "$(run merge --db "$T/open-site.db" "$T/open.db")" 0
eq "merge: the open message goes with it" "$(q "$T/open-site.db" "SELECT open_messages FROM correlate_state")" 1
state=$(q "$T/open-site.db" "SELECT hex(state) FROM correlate_state")
eq "merge open messages again" "$(run merge --db "$T/open-site.db" "$T/open.db")" 0
eq "merge again: the same state" "$(q "$T/open-site.db" "SELECT hex(state) FROM correlate_state")" "$state"
cat $S/mail.log >"$T/open.log"
eq "merged, then the grown file" "$(run analyze --db "$T/open-site.db" -q --no-report --year 2026 "$T/open.log")" 0
run analyze --db "$T/open-one.db" -q --no-report --year 2026 $S/mail.log >/dev/null
detail="SELECT id, kind, sender, recipient, message_id FROM events ORDER BY id;
        SELECT id, sender, size, header_message_id, complete FROM messages ORDER BY id"
eq "merged, then grown: the rows of one run" "$(q "$T/open-site.db" "$detail")" "$(q "$T/open-one.db" "$detail")"
eq "merged, then grown: the delivery has its sender" \
	"$(q "$T/open-site.db" "SELECT sender FROM events WHERE queue_id = '3F2A11C0A12' AND kind = 'delivered'")" "jane.doe@gmail.com"
# refusals
eq "merge a missing file" "$(run merge --db "$T/site.db" "$T/nothing.db")" 66
has "merge a missing file: named" "$(cat "$T/err")" "cannot read '$T/nothing.db'"
eq "merge a file that is not a database" "$(run merge --db "$T/site.db" $S/mail.log)" 65
eq "merge a database into itself" "$(run merge --db "$T/site.db" "$T/site.db")" 65
has "merge into itself: said" "$(cat "$T/err")" "into itself"
eq "merge with no source" "$(run merge --db "$T/site.db")" 64
eq "a failed merge leaves no new target" "$(run merge --db "$T/new.db" $S/mail.log; [ -e "$T/new.db" ] && echo left || echo none)" "65
none"

# ---- export: one row per stored row, the same keys from every copy
eq "export" "$(run export --db "$T/site.db")" 0
cp "$T/out" "$T/site.jsonl"
eq "export: a row per event and message" "$(wc -l <"$T/site.jsonl")" "$(q "$T/site.db" "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM messages)")"
eq "export: keys unique" "$(grep -o '"key":"[^"]*"' "$T/site.jsonl" | sort -u | wc -l)" "$(wc -l <"$T/site.jsonl")"
{ "$SMTPLOG" export --db "$T/mx.db"; "$SMTPLOG" export --db "$T/exim.db"; } | sort >"$T/parts.sorted"
eq "export of the merged database = exports of its parts" "$(sort "$T/site.jsonl" | cmp -s - "$T/parts.sorted" && echo same)" same
eq "export of one database of all logs: the same rows" "$("$SMTPLOG" export --db "$T/all.db" | sort | cmp -s - "$T/parts.sorted" && echo same)" same
eq "export: times are ISO 8601 UTC" "$(grep -c '"ts":"2026-11-[0-9][0-9]T[0-9:.]*Z"' "$T/site.jsonl")" "$(wc -l <"$T/site.jsonl")"
has "export: a deferral, as stored" "$(grep -F '"kind":"deferred"' "$T/site.jsonl" | head -1)" '"class":"transient"'
eq "export --since/--until" "$(run export --db "$T/site.db" --since 2026-11-23T09:14:00Z --until 2026-11-23T09:15:00Z)" 0
eq "export --since/--until: events in range" "$(grep -c '"type":"event"' "$T/out")" "$(q "$T/site.db" "SELECT count(*) FROM events WHERE ts >= '2026-11-23T09:14:00Z' AND ts < '2026-11-23T09:15:00Z'")"
eq "export --format csv" "$(run export --db "$T/site.db" --format csv)" 0
eq "csv: header" "$(head -1 "$T/out" | cut -d, -f1-5)" "v,type,key,ts,host"
eq "csv: CRLF records, one per row" "$(grep -c $'\r$' "$T/out")" "$(($(wc -l <"$T/site.jsonl") + 1))"
eq "csv: read back by sqlite3, same count" "$(sqlite3 -batch -noheader :memory: ".import --csv '$T/out' x" "SELECT count(*) FROM x")" "$(wc -l <"$T/site.jsonl")"
eq "export of no database" "$(run export --db "$T/none.db")" 66
eq "export --until with --incremental" "$(run export --db "$T/site.db" --incremental x --until today)" 64
eq "export --format xml" "$(run export --db "$T/site.db" --format xml)" 64

# ---- incremental: what is new to each destination
eq "incremental, first" "$(run export --db "$T/grow.db" --incremental central -v)" 0
first=$(wc -l <"$T/out")
eq "incremental: everything the first time" "$first" "$("$SMTPLOG" export --db "$T/grow.db" | wc -l)"
open=$(q "$T/grow.db" "SELECT count(*) FROM messages WHERE complete = 0")
eq "incremental, again" "$(run export --db "$T/grow.db" --incremental central)" 0
eq "incremental again: only the open messages, again" "$(wc -l <"$T/out")" "$open"
lacks "incremental again: no event" "$(cat "$T/out")" '"type":"event"'
eq "incremental: progress kept per source" "$(q "$T/grow.db" "SELECT count(*) FROM export_progress WHERE destination = 'central'")" 1
eq "incremental: another destination starts afresh" "$(run export --db "$T/grow.db" --incremental archive; wc -l <"$T/out")" "0
$first"

# ---- redaction: local parts hashed under a 0600 key, domains kept
eq "export --redact" "$(run export --db "$T/mx.db" --redact)" 0
cp "$T/out" "$T/redacted.jsonl"
eq "redact: key file made, 0600" "$(stat -c %a "$T/redact.key")" 600
lacks "redact: no local part left" "$(cat "$T/redacted.jsonl")" "hello@gmail.com"
has "redact: the domain kept" "$(cat "$T/redacted.jsonl")" '"sender":"x-'
has "redact: domain after the token" "$(grep -o '"sender":"x-[0-9a-f]*@gmail.com"' "$T/redacted.jsonl" | head -1)" "@gmail.com"
eq "redact: the same tokens next time" "$("$SMTPLOG" export --db "$T/mx.db" --redact | cmp -s - "$T/redacted.jsonl" && echo same)" same
eq "redact: same keys as without" "$(grep -o '"key":"[^"]*"' "$T/redacted.jsonl" | md5sum)" "$("$SMTPLOG" export --db "$T/mx.db" | grep -o '"key":"[^"]*"' | md5sum)"
chmod 644 "$T/redact.key"
eq "redact: a key others may read is refused" "$(run export --db "$T/mx.db" --redact)" 64
has "redact: refused, said" "$(cat "$T/err")" "chmod 600"
ln -s "$T/elsewhere" "$T/link.key"
eq "redact: a symlinked key is refused" "$(run export --db "$T/mx.db" --redact --redact-key "$T/link.key")" 64

# ---- central syslog: two hosts in one file, the same queue IDs
# mx2's lines are mx1's (sample-logs/mail.log) with the syslog host field
# changed, interleaved line by line as a central rsyslog file would hold them.
sed -E 's/^(.{15}) mx1 /\1 mx2 /' $S/mail.log >"$T/mx2.log"
paste -d '\n' $S/mail.log "$T/mx2.log" | sed '/^$/d' >"$T/central.log"
run analyze --db "$T/one.db" -q --no-report $S/mail.log >/dev/null
run analyze --db "$T/central.db" -q --no-report "$T/central.log" >/dev/null
one=$(q "$T/one.db" "SELECT count(*) FROM messages")
eq "central: one host's messages" "$(q "$T/central.db" "SELECT count(*) FROM messages WHERE host = 'mx1'")" "$one"
eq "central: the other host's" "$(q "$T/central.db" "SELECT count(*) FROM messages WHERE host = 'mx2'")" "$one"
eq "central: a queue ID on two hosts is two messages" "$(q "$T/central.db" "SELECT count(*) FROM messages WHERE queue_id = '3F2A11C0A12'")" 2
eq "central: no event joined to the other host's message" "$(q "$T/central.db" "SELECT count(*) FROM events e JOIN messages m ON m.id = e.message_id WHERE m.host <> e.host")" 0
byk="SELECT group_concat(kind || '=' || n, ' ') FROM (SELECT kind, count(*) AS n FROM events WHERE host = 'HOST' GROUP BY kind ORDER BY kind)"
eq "central: mx1's events as alone" "$(q "$T/central.db" "${byk/HOST/mx1}")" "$(q "$T/one.db" "${byk/HOST/mx1}")"
eq "central: mx2's events as mx1's alone" "$(q "$T/central.db" "${byk/HOST/mx2}")" "$(q "$T/one.db" "${byk/HOST/mx1}")"
eq "central: copies linked within their host" "$(q "$T/central.db" "SELECT count(*) FROM messages c JOIN messages o ON o.id = c.origin_id WHERE o.host <> c.host")" 0
eq "central: as many copies per host as alone" "$(q "$T/central.db" "SELECT count(*) FROM messages WHERE origin_id IS NOT NULL AND host = 'mx2'")" "$(q "$T/one.db" "SELECT count(*) FROM messages WHERE origin_id IS NOT NULL")"

echo "e2e_scale: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
