#!/bin/bash
# End-to-end tests of the report: golden outputs of every format on
# sample-logs/ (UPDATE_GOLDEN=1 rewrites them), the JSON against its schema
# (docs/report.schema.json), every format's numbers against SQL on the same
# database, --detail, --section, --output, --mail-to through a fake
# sendmail, --fail-on exit statuses, colour and the ASCII fallback.
# Run by `make e2e`.
. "$(dirname "$0")/e2e_lib.sh"
db=$T/r.db
eq "analyze" "$(run analyze -q --no-report --db "$db" --year 2026 sample-logs/mail.log.2.gz sample-logs/mail.log.1 sample-logs/mail.log)" 0

# ---- golden outputs: every format, default and full detail
golden() {   # golden NAME ARGS...: the report with ARGS equals tests/golden/report.NAME
	local name=$1
	shift
	"$SMTPLOG" report --db "$db" "$@" >"$T/g.$name" 2>"$T/err"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$T/g.$name" "tests/golden/report.$name"
	fi
	if cmp -s "$T/g.$name" "tests/golden/report.$name"; then
		ok
	else
		bad "golden report.$name differs: $(diff "tests/golden/report.$name" "$T/g.$name" | head -20)"
	fi
}
golden txt
golden full.txt --detail 10
golden summary.txt --detail 0
golden ja.txt --lang ja --detail 10
golden md --format markdown
golden html --format html --detail 10
golden json --format json
golden csv --format csv --section rejected
golden prom --format prometheus

# ---- the JSON against its schema
eq "json schema" "$(python3 - docs/report.schema.json "$T/g.json" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.validate(json.load(open(sys.argv[2])), schema, cls=jsonschema.Draft202012Validator)
print("valid")
PY
)" valid
eq "json schema (ja, previous period)" "$(run report --db "$db" --format json --lang ja --since 2026-11-22 --until 2026-11-23; python3 - docs/report.schema.json "$T/out" <<'PY'
import json, sys, jsonschema
d = json.load(open(sys.argv[2]))
jsonschema.validate(d, json.load(open(sys.argv[1])), cls=jsonschema.Draft202012Validator)
print("valid" if d["previous"] is not None else "no previous period")
PY
)" "0
valid"

# ---- every format's numbers equal SQL on the same database
received=$(q "$db" "SELECT count(*) FROM messages WHERE arrived = 1 AND origin_id IS NULL")
delivered=$(q "$db" "SELECT count(*) FROM v_deliveries")
rejected=$(q "$db" "SELECT count(*) FROM v_rejections")
deferred=$(q "$db" "SELECT count(*) FROM events WHERE kind = 'deferred'")
greylisted=$(q "$db" "SELECT count(*) FROM v_rejections WHERE smtp_code = 450 AND enhanced_code = '4.2.0' AND reason = 'greylisting'")
eq "json = SQL" "$(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
print(t["received"], t["delivered"], t["rejected"], t["deferred"])' "$T/g.json")" "$received $delivered $rejected $deferred"
eq "csv = SQL" "$(run report --db "$db" --format csv --section totals; python3 -c '
import csv, sys
rows = {r["id"]: r["count"] for r in csv.DictReader(open(sys.argv[1], newline=""))}
print(rows["received"], rows["delivered"], rows["rejected"], rows["deferred"])' "$T/out")" "0
$received $delivered $rejected $deferred"
prom=$(cat "$T/g.prom")
has "prometheus = SQL: received" "$prom" "smtplog_messages_received_total $received"
has "prometheus = SQL: deferred" "$prom" "smtplog_events_total{kind=\"deferred\",class=\"transient\"} $deferred"
has "prometheus = SQL: one group" "$prom" "smtplog_failures_total{kind=\"rejected\",class=\"transient\",code=\"450\",enhanced_code=\"4.2.0\",reason=\"greylisting\"} $greylisted"
has "html = SQL" "$(cat "$T/g.html")" "<tr id=\"totals-received\"><td>Messages received</td><td class=\"n\" align=\"right\">$received</td>"
has "markdown = SQL" "$(cat "$T/g.md")" "| Messages received | $received |"
has "text = SQL" "$(tr -s ' ' <"$T/g.txt")" " Messages received $received"
has "text = SQL: rejected" "$(tr -s ' ' <"$T/g.txt")" " Rejected by this server $rejected"

# ---- sections and detail levels
eq "csv without --section" "$(run report --db "$db" --format csv)" 64
has "csv without --section names them" "$(cat "$T/err")" "csv needs --section '' (one of: totals, problems,"
eq "csv of one table" "$(run report --db "$db" --format csv --section traffic.daily; head -1 "$T/out")" "0
day,received,delivered,deferred,bounced,rejected"$'\r'
eq "csv lines end in CRLF (RFC 4180)" "$(grep -vc $'\r$' "$T/out")" 0
lt() { if [ "$2" -lt "$3" ]; then ok; else bad "$1: $2 is not below $3"; fi; }
lt "detail 0 shorter than the default" "$(wc -l <"$T/g.summary.txt")" "$(wc -l <"$T/g.txt")"
lt "the default shorter than detail 10" "$(wc -l <"$T/g.txt")" "$(wc -l <"$T/g.full.txt")"
eq "text within 80 columns" "$(python3 -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(max(w(l.rstrip("\n")) for f in sys.argv[1:] for l in open(f, encoding="utf-8")))' "$T/g.txt" "$T/g.full.txt" "$T/g.ja.txt" | awk '{ print ($1 <= 80) }')" 1
eq "--detail out of range" "$(run report --db "$db" --detail 11)" 64
# named levels: brief, normal and full are 0, 5 and 10
eq "--detail brief = 0" "$("$SMTPLOG" report --db "$db" --detail brief | md5sum)" "$(md5sum <"$T/g.summary.txt")"
eq "--detail normal = the default" "$("$SMTPLOG" report --db "$db" --detail normal | md5sum)" "$(md5sum <"$T/g.txt")"
eq "--detail full = 10" "$("$SMTPLOG" report --db "$db" --detail full | md5sum)" "$(md5sum <"$T/g.full.txt")"
eq "--detail: an unknown name" "$(run report --db "$db" --detail everything)" 64
has "--detail: the names in the message" "$(cat "$T/err")" "expected brief, normal or full, or a number from 0 to 10"
eq "analyze --detail full = report --detail 10" \
	"$("$SMTPLOG" analyze -q --db "$T/an.db" --detail full sample-logs/mail.log | md5sum)" \
	"$("$SMTPLOG" report --db "$T/an.db" --detail 10 | md5sum)"

# ---- --fail-on: exit status 2 when a limit is passed, the report written anyway
eq "--fail-on passed" "$(run report --db "$db" --fail-on 'permanent>10')" 2
has "--fail-on says which" "$(cat "$T/err")" "smtplog report: --fail-on: permanent>10 (permanent ="
has "--fail-on: report still written" "$(cat "$T/out")" "Mail delivery report"
eq "--fail-on not passed" "$(run report --db "$db" --fail-on 'permanent>100000,fatal>0')" 0
eq "--fail-on bad name" "$(run report --db "$db" --fail-on 'bogus>1')" 64
has "--fail-on bad name message" "$(cat "$T/err")" "unknown --fail-on name 'bogus'"
eq "analyze --fail-on" "$(run analyze -q --db "$T/f.db" --year 2026 --fail-on 'rejected>0' sample-logs/mail.log)" 2

# ---- --output: written whole, in place of standard output
eq "--output exit" "$(run report --db "$db" --format prometheus --output "$T/metrics.prom")" 0
eq "--output: nothing on stdout" "$(wc -c <"$T/out")" 0
eq "--output content" "$(cmp -s "$T/metrics.prom" "$T/g.prom" && echo same)" same
eq "--output leaves no temporary file" "$(ls "$T" | grep -c 'metrics.prom.tmp')" 0
eq "--output unwritable" "$(run report --db "$db" --output /nonexistent/dir/x.prom)" 74

# ---- --mail-to: MIME multipart/alternative through sendmail -t -oi
cat >"$T/sendmail" <<SH
#!/bin/sh
echo "\$@" >"$T/sendmail.args"
cat >"$T/sendmail.msg"
SH
chmod +x "$T/sendmail"
eq "--mail-to exit" "$(SMTPLOG_SENDMAIL=$T/sendmail run report --db "$db" --lang ja --mail-to postmaster@example.org)" 0
eq "--mail-to: sendmail -t -oi" "$(cat "$T/sendmail.args")" "-t -oi"
eq "--mail-to: the message" "$(python3 - "$T/sendmail.msg" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
parts = [p.get_content_type() for p in m.iter_parts()]
text = m.get_body(("plain",)).get_content()
html = m.get_body(("html",)).get_content()
raw = open(sys.argv[1], encoding="ascii").read()
print(m["To"], m.get_content_type(), parts, str(m["Subject"]).startswith("メール配送レポート"),
      "=?UTF-8?B?" in raw, "Auto-Submitted: auto-generated" in raw,
      "メール配送レポート" in text, "<table" in html)
PY
)" "postmaster@example.org multipart/alternative ['text/plain', 'text/html'] True True True True True"
eq "--mail-to: bad address" "$(run report --db "$db" --mail-to 'a@b, c@d')" 64
printf '#!/bin/sh\ncat >/dev/null\nexit 75\n' >"$T/sendmail-fails"
chmod +x "$T/sendmail-fails"
eq "--mail-to: sendmail fails" "$(SMTPLOG_SENDMAIL=$T/sendmail-fails run report --db "$db" --mail-to a@example.org)" 74
has "--mail-to: sendmail fails message" "$(cat "$T/err")" "-t -oi' failed (exit status 75)"

# ---- colour on a terminal only, NO_COLOR, ASCII bars outside UTF-8 locales
esc=$'\033['
lacks "no colour into a pipe" "$(cat "$T/g.txt")" "$esc"
has "--color=always" "$("$SMTPLOG" report --db "$db" --color always)" "${esc}1m"
lacks "--color=never" "$("$SMTPLOG" report --db "$db" --color never)" "$esc"
lacks "NO_COLOR" "$(NO_COLOR=1 "$SMTPLOG" report --db "$db")" "$esc"
ascii=$(LC_ALL=C LANG=C "$SMTPLOG" report --db "$db")
lacks "ASCII locale: no block characters" "$ascii" "█"
has "ASCII locale: bars of #" "$ascii" "##"
has "UTF-8 locale: block characters" "$(cat "$T/g.txt")" "█"

# ---- rejections: the client of a Sendmail reject that names none is its
# transaction's relay (the from= line logged after "<addr>... User unknown")
sm=$T/sendmail-reject.db
"$SMTPLOG" analyze --db "$sm" --no-report tests/corpus/sendmail/fail2ban-sendmail-reject.log 2>/dev/null
eq "Sendmail 'User unknown': the client from its message" \
	"$("$SMTPLOG" report --db "$sm" --format json | python3 -c '
import json, sys
for g in json.load(sys.stdin)["sections"]["rejected"]["groups"]:
    if g["reason"] == "user-unknown" and g["smtp_code"] is None:
        print(g["count"], g["clients"], " ".join(t["name"] for t in g["clients_top"]))')" \
	"6 1 163.23.32.95.dsl-dynamic.vsi.ru[95.32.23.163]
1 1 [192.168.1.45]"
eq "the same as SQL: rejects with a client, theirs or their message's" \
	"$(q "$sm" "SELECT count(DISTINCT coalesce(e.remote_ip, m.client_ip)) FROM events e
	            LEFT JOIN messages m ON m.id = e.message_id WHERE e.kind = 'rejected'")" \
	"$("$SMTPLOG" report --db "$sm" --format json | python3 -c '
import json, sys
print(len({t["name"] for g in json.load(sys.stdin)["sections"]["rejected"]["groups"]
           for t in g["clients_top"]}))')"

# the first screen names a failure group by its events' kind: a group of
# messages that expired in the queue is "expired", not "bounced" or
# "deferred" (tests/corpus/postfix/kumina-postfix-exporter-test.log)
ex=$T/expired.db
"$SMTPLOG" analyze --db "$ex" --year 2026 tests/corpus/postfix/kumina-postfix-exporter-test.log >"$T/ex.txt" 2>/dev/null
has "problems: expired group" "$(sed -n '/^Largest problems/,/^$/p' "$T/ex.txt")" "expired   (no code) retry-expired"
has "problems: deferred group" "$(sed -n '/^Largest problems/,/^$/p' "$T/ex.txt")" "deferred  451 4.0.0"

echo "e2e_report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
