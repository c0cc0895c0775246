#!/bin/bash
# --redact in report and query: no local part of an address from the logs
# appears in the report in any format (text, Markdown, HTML, JSON, every CSV
# section, Prometheus) or in query results, and one address gets one token
# everywhere: in the report, in query and in export --redact under the same
# key. Run by `make e2e`.
source "$(dirname "$0")/e2e_lib.sh"
S=sample-logs
db=$T/s.db
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$db" $S/mail.log* $S/exim/mainlog $S/sendmail/maillog

# every local part the database holds (address columns, and addresses in
# reply texts and unrecognized samples), as "local@" so that a host or a
# word of the same letters is no match
q "$db" "SELECT sender FROM events UNION SELECT recipient FROM events UNION
         SELECT orig_recipient FROM events UNION SELECT forward_to FROM events UNION
         SELECT sender FROM messages" | grep '@' | sed 's/@[^@]*$/@/' | sort -u >"$T/locals"
q "$db" "SELECT reply FROM events UNION ALL SELECT sample1 FROM unrecognized UNION ALL
         SELECT sample2 FROM unrecognized UNION ALL SELECT sample3 FROM unrecognized" |
	grep -oE "[A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+" | sed 's/@.*$/@/' | sort -u >>"$T/locals"
sort -u -o "$T/locals" "$T/locals"
eq "local parts to look for" "$([ "$(wc -l <"$T/locals")" -gt 40 ] && echo many)" many

# leaks NAME FILE - the local parts of the logs found in FILE, one per line
leaks() { grep -oF -f "$T/locals" "$2" | sort -u | head -n 5 | tr '\n' ' '; }

# a report that shows everything, first without --redact: the check finds them
eq "plain report" "$(run report --db "$db" --detail full)" 0
cp "$T/out" "$T/report.plain"
eq "plain report: the local parts are there" "$([ -n "$(leaks plain "$T/out")" ] && echo found)" found

for fmt in text markdown html json prometheus; do
	eq "$fmt --redact: exit" "$(run report --db "$db" --detail full --format "$fmt" --redact)" 0
	cp "$T/out" "$T/report.$fmt"
	eq "$fmt --redact: no local part" "$(leaks "$fmt" "$T/out")" ""
done
has "text --redact: tokens" "$(cat "$T/report.text")" "@example.org"
has "text --redact: tokens" "$(cat "$T/report.text")" "x-"
sections=$("$SMTPLOG" report --db "$db" --format csv 2>&1 | sed -n "s/.*one of: \(.*\))$/\1/p" | tr -d ',')
eq "csv: the sections" "$([ "$(wc -w <<<"$sections")" -gt 10 ] && echo listed)" listed
for sec in $sections; do
	run report --db "$db" --detail full --format csv --section "$sec" --redact >/dev/null
	cat "$T/out" >>"$T/report.csv"
done
eq "csv --redact (every section): no local part" "$(leaks csv "$T/report.csv")" ""
eq "--redact: the key made beside the database, 0600" "$(stat -c %a "$T/redact.key")" 600

# one address, one token: an address the plain report shows, its token as
# query --redact gives it, found in the redacted reports and in export --redact
addr=$(grep -oE '[a-z][a-z.]*@gmail\.com' "$T/report.plain" | head -n 1)
eq "an address in the plain report" "$([ -n "$addr" ] && echo yes)" yes
run query --db "$db" --redact --no-header "SELECT DISTINCT sender FROM events WHERE sender = '$addr'
	UNION SELECT DISTINCT recipient FROM events WHERE recipient = '$addr'" >/dev/null
tok=$(head -n 1 "$T/out")
eq "its token" "$(grep -cE '^x-[0-9a-f]{16}@gmail\.com$' <<<"$tok")" 1
has "the same token in the text report" "$(cat "$T/report.text")" "$tok"
has "the same token in the JSON report" "$(cat "$T/report.json")" "$tok"
has "the same token in the HTML report" "$(cat "$T/report.html")" "$tok"
run export --db "$db" --redact >/dev/null
has "the same token in export --redact" "$(cat "$T/out")" "$tok"

# query: every text cell; address columns whole, blobs withheld
eq "query --redact: exit" "$(run query --db "$db" --redact --format csv \
	"SELECT sender, recipient, orig_recipient, forward_to, reply, sample1 FROM events, unrecognized")" 0
eq "query --redact: no local part" "$(leaks query "$T/out")" ""
has "query --redact: the same token" "$(cat "$T/out")" "$tok"
eq "query --redact: the saved state withheld" "$(run query --db "$db" --redact "SELECT state FROM correlate_state";
	sed -n 2p "$T/out" | grep -c 'bytes withheld by --redact')" "0
1"
printf 'Nov 23 10:00:00 mx1 sendmail[9]: AB12: to=root, delay=00:00:01, mailer=local, stat=Sent\n' >"$T/local.log"
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/l.db" "$T/local.log"
eq "query --redact: a bare local part in an address column" \
	"$(run query --db "$T/l.db" --redact-key "$T/redact.key" --redact "SELECT recipient FROM events"; sed -n 2p "$T/out" | grep -c '^x-[0-9a-f]*$')" "0
1"
eq "--redact-key without --redact: usage" "$(run query --db "$db" --redact-key "$T/redact.key" "SELECT 1")" 64

echo "e2e_redact: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
