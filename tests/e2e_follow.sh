#!/bin/bash
# smtplog follow: lines stored as a log grows (a half-written last line
# waits for its newline), a report works meanwhile, rotation by rename (the
# old file's last lines are read) and by copytruncate, SIGTERM stops it
# cleanly; the database then holds every line once, the events of one
# clean run over the same content.
set -uo pipefail
cd "$(dirname "$0")/.."
SMTPLOG=${SMTPLOG:-$PWD/build/smtplog}
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8
unset SMTPLOG_DB SMTPLOG_FAULT
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
eq()  { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
has() { if grep -qF -- "$3" <<<"$2"; then ok; else bad "$1: output lacks '$3'"; fi; }
q()   { sqlite3 -batch -noheader "$1" "$2"; }
# until N SQL WANT: poll the database (up to N s) until SQL gives WANT; prints what it gave
until_db() {
	local got=
	for _ in $(seq $(($1 * 10))); do
		got=$(q "$T/f.db" "$2" 2>/dev/null)
		[ "$got" == "$3" ] && break
		sleep 0.1
	done
	echo "$got"
}
src=sample-logs/mail.log.1   # 3000 lines of one day
head -n 1000 "$src" > "$T/part1"
sed -n '1001,2000p' "$src" > "$T/part2"
sed -n '2001,3000p' "$src" > "$T/part3"

cd "$T"
: > mail.log
"$SMTPLOG" follow --year 2026 --db f.db mail.log 2>follow.err &
pid=$!
cat part1 >> mail.log
eq "follow: the first lines stored" "$(until_db 20 "SELECT sum(lines) FROM sources" 1000)" 1000
# half a line: it waits for its newline
line=$(head -1 part2)
printf '%s' "${line:0:30}" >> mail.log
sleep 2.5
eq "a half-written line waits" "$(q f.db "SELECT sum(lines) FROM sources")" 1000
printf '%s\n' "${line:30}" >> mail.log
tail -n +2 part2 >> mail.log
eq "the line completed, and the rest" "$(until_db 20 "SELECT sum(lines) FROM sources" 2000)" 2000
eq "a report meanwhile" "$("$SMTPLOG" report --db f.db >/dev/null 2>&1; echo $?)" 0
# rotation by rename: the writer still appends to the old file a moment
mv mail.log mail.log.1
head -n 500 part3 >> mail.log.1
sleep 0.2
tail -n +501 part3 > mail.log
eq "rotated: every line, old file's last ones included" "$(until_db 20 "SELECT sum(lines) FROM sources" 3000)" 3000
# copytruncate: the content is copied away, the file emptied and written anew
cp mail.log mail.log.2
: > mail.log
sleep 1.5
cp "$OLDPWD/sample-logs/mail.log" mail.log.new
cat mail.log.new >> mail.log
n=$((3000 + $(wc -l < mail.log.new)))
eq "copytruncate: the new content read" "$(until_db 20 "SELECT sum(lines) FROM sources" $n)" $n
has "copytruncate: said" "$(cat follow.err)" "truncated"
kill -TERM "$pid"
wait "$pid"; st=$?
pid=
eq "SIGTERM: exit 0" "$st" 0
has "SIGTERM: says it stopped" "$(cat follow.err)" "stopped; what was read is stored"
eq "after follow: rollback journal" "$(q f.db "PRAGMA journal_mode")" delete

# the same content in one clean run
cat part1 part2 part3 > all.log
"$SMTPLOG" analyze -q --no-report --year 2026 --db clean.db all.log mail.log.new
for t in events messages; do
	eq "$t as one clean run" \
		"$(q f.db "SELECT count(*), count(sender), count(DISTINCT message_id) FROM $t" 2>/dev/null || q f.db "SELECT count(*) FROM $t")" \
		"$(q clean.db "SELECT count(*), count(sender), count(DISTINCT message_id) FROM $t" 2>/dev/null || q clean.db "SELECT count(*) FROM $t")"
done
eq "events' content as one clean run" \
	"$(q f.db "SELECT kind, recipient, sender, smtp_code, ts FROM events ORDER BY ts, recipient, kind" | md5sum)" \
	"$(q clean.db "SELECT kind, recipient, sender, smtp_code, ts FROM events ORDER BY ts, recipient, kind" | md5sum)"
cd "$OLDPWD"
echo "e2e_follow: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
