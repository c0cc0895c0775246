#!/bin/bash
# End-to-end tests of the command line: options anywhere, value checks with
# their exit statuses, and the help printed from the command table. Run by
# `make e2e`.
. "$(dirname "$0")/e2e_lib.sh"

# ---- options anywhere on the line (the README's own example), '--' ends them
eq "options after the files" "$(run analyze --db "$T/a.db" -q sample-logs/mail.log* --lang ja --year 2026)" 0
has "options after the files: Japanese report" "$(cat "$T/out")" "メール配送レポート"
eq "options after the files: three sources" "$(q "$T/a.db" "SELECT count(*) FROM sources")" 3
eq "--name=value and bundled short flags" "$(run analyze --db="$T/b.db" -qv --year=2026 --no-report sample-logs/mail.log)" 0
has "-v of -qv" "$(cat "$T/err")" "pattern tries"
lacks "-q of -qv" "$(cat "$T/err")" "lines, "
cp sample-logs/mail.log "$T/-dash.log"
eq "-- ends the options" "$(cd "$T" && run analyze --db "$T/c.db" -q --no-report -- -dash.log)" 0
eq "-- : the file was read" "$(q "$T/c.db" "SELECT path FROM sources")" "-dash.log"
eq "a value that looks like an option" "$(cd "$T" && run analyze --db "$T/d.db" --unrecognized --no-report -q "$OLDPWD/sample-logs/mail.log")" 0
eq "... is the value" "$([ -f "$T/--no-report" ] && echo file)" "file"

# ---- every value checked, each failure with its documented exit status
eq "unknown --tz" "$(run analyze --db "$T/e.db" --tz Europe/Berln sample-logs/mail.log)" 64
has "unknown --tz named" "$(cat "$T/err")" "unknown time zone 'Europe/Berln'"
eq "unknown --tz: no database made" "$([ -e "$T/e.db" ] && echo made || echo none)" none
eq "zone of the database" "$(run analyze --db "$T/f.db" -q --no-report --tz Asia/Tokyo --year 2026 sample-logs/mail.log)" 0
eq "POSIX TZ string" "$(run report --db "$T/f.db" --tz JST-9)" 0
eq "--tz path escape" "$(run report --db "$T/f.db" --tz ../../etc/passwd)" 64
eq "--patterns missing" "$(run analyze --db "$T/g.db" --patterns /nonexistent sample-logs/mail.log)" 66
has "--patterns missing named" "$(cat "$T/err")" "cannot read --patterns '/nonexistent'"
eq "--patterns a file" "$(run analyze --db "$T/g.db" --patterns sample-logs/mail.log sample-logs/mail.log)" 66
eq "--since after --until" "$(run report --db "$T/a.db" --since 2026-11-24 --until 2026-11-23)" 64
has "--since after --until says so" "$(cat "$T/err")" "is not before --until"
eq "--since a bad date" "$(run report --db "$T/a.db" --since 2026-02-30)" 64
eq "--since an offset" "$(run report --db "$T/a.db" --since 2026-11-23T12:00:00+02:00 --until 2026-11-23T10:00:01Z)" 0
eq "--since with offset: after --until in UTC" "$(run report --db "$T/a.db" --since 2026-11-23T12:00:00+02:00 --until 2026-11-23T09:59:59Z)" 64
eq "--lang unknown" "$(run report --db "$T/a.db" --lang fr)" 64
eq "--format unknown" "$(run report --db "$T/a.db" --format xml)" 64
has "--format choices" "$(cat "$T/err")" "expected text, markdown, html, json, csv or prometheus"
eq "--top out of range" "$(run report --db "$T/a.db" --top 0)" 64
eq "--top not a number" "$(run report --db "$T/a.db" --top 5x)" 64
eq "--year out of range" "$(run analyze --db "$T/h.db" --year 1066 sample-logs/mail.log)" 64
eq "option without its value" "$(run report --db)" 64
has "option without its value says so" "$(cat "$T/err")" "option '--db' needs a value"
eq "flag with a value" "$(run analyze --no-report=yes x)" 64
eq "report: an option of analyze" "$(run report --db "$T/a.db" --mta exim)" 64
eq "compare a code with itself" "$(run compare 251 251)" 64
has "compare a code with itself says so" "$(cat "$T/err")" "the same code"

# ---- help from the table: within 80 columns, each command its own exit statuses
eq "smtplog --help" "$(run --help)" 0
for c in $(sed -n 's/^  \([a-z]*\) .*/\1/p' "$T/out"); do
	eq "$c --help exit" "$(run "$c" --help)" 0
	eq "$c --help within 80 columns" "$(awk 'length($0) > 80' "$T/out")" ""
	has "$c --help usage" "$(cat "$T/out")" "usage: smtplog $c"
	usage=$(head -1 "$T/out")
	eq "help $c" "$(run help "$c"; head -1 "$T/out")" "0
$usage"
done
run report --help >/dev/null
lacks "report --help: no exit status of analyze" "$(cat "$T/out")" "some inputs could not be read"
has "report --help: its own" "$(cat "$T/out")" "66  an input"
lacks "report --help: no option of analyze" "$(cat "$T/out")" "--max-open"
run analyze --help >/dev/null
has "analyze --help: partial input" "$(cat "$T/out")" "1   some inputs could not be read"
eq "help within 80 columns" "$(run --help; awk 'length($0) > 80' "$T/out")" "0"

echo "e2e_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
