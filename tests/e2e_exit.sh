#!/bin/bash
# Exit statuses and messages exactly as the README documents them:
# read-only database or directory 74; input read in part (a gzip file cut
# short) stored, said, exit 1; file names on standard error sanitized; a
# character device refused; a FIFO read until its writer closes, and one
# with no writer given up on. The read-only cases run as an unprivileged
# uid (setpriv; root ignores file modes), skipped when not root.
set -uo pipefail
cd "$(dirname "$0")/.."
SMTPLOG=${SMTPLOG:-$PWD/build/smtplog}
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8
unset SMTPLOG_DB SMTPLOG_FAULT
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
chmod 0755 "$T"
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
eq()  { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
has() { if grep -qF -- "$3" <<<"$2"; then ok; else bad "$1: output lacks '$3'"; fi; }
q()   { sqlite3 -batch -noheader "$1" "$2"; }
run() { "$@" >"$T/out" 2>"$T/err"; echo $?; }

# ---- 74: a database or directory that cannot be written
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	U=64124
	as_user() { setpriv --reuid "$U" --regid "$U" --clear-groups -- "$@"; }
	mkdir "$T/u"; chown "$U:$U" "$T/u"
	eq "user: a first load" "$(run as_user "$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/u/s.db" sample-logs/mail.log)" 0
	chmod 0444 "$T/u/s.db"
	eq "read-only database: 74" "$(run as_user "$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/u/s.db" sample-logs/mail.log.1)" 74
	has "read-only database: says so" "$(cat "$T/err")" "readonly database"
	eq "read-only database: report still reads it" "$(run as_user "$SMTPLOG" report --db "$T/u/s.db")" 0
	mkdir "$T/u/ro"; chown "$U:$U" "$T/u/ro"; chmod 0555 "$T/u/ro"
	eq "read-only directory: 74" "$(run as_user "$SMTPLOG" analyze -q --no-report --db "$T/u/ro/s.db" sample-logs/mail.log)" 74
	has "read-only directory: says so" "$(cat "$T/err")" "Permission denied"
else
	echo "e2e_exit: the read-only cases skipped (need root and setpriv)"
fi

# ---- 1: a gzip file cut short: what it held is stored, and said
full=$(stat -c %s sample-logs/mail.log.2.gz)
head -c $((full / 2)) sample-logs/mail.log.2.gz > "$T/cut.gz"
eq "gzip cut short: exit 1" "$(run "$SMTPLOG" analyze --no-report --db "$T/cut.db" "$T/cut.gz")" 1
has "gzip cut short: says so" "$(cat "$T/err")" "lines read before are stored"
eq "gzip cut short: its lines stored" "$(q "$T/cut.db" "SELECT lines > 1000 AND lines = recognized + unrecognized + foreign_lines FROM sources")" 1
eq "gzip cut short: events stored" "$(q "$T/cut.db" "SELECT count(*) > 100 FROM events")" 1
eq "gzip cut short beside a good file: exit 1" "$(run "$SMTPLOG" analyze --no-report --db "$T/cut2.db" "$T/cut.gz" sample-logs/mail.log)" 1
eq "nothing readable: 66" "$(run "$SMTPLOG" analyze --no-report --db "$T/none.db" "$T/no-such-file")" 66

# ---- file names on standard error: no terminal escape gets through
evil=$T/$'evil\e]0;owned\a\e[2J.log'
eq "escape in a missing file's name: 66" "$(run "$SMTPLOG" analyze --no-report --db "$T/e.db" "$evil")" 66
eq "escape in a missing file's name: no ESC or BEL on stderr" "$(tr -d -c '\033\007' < "$T/err" | wc -c)" 0
has "escape in a missing file's name: shown as \\x1b" "$(cat "$T/err")" 'evil\x1b]0;owned\x07\x1b[2J.log'
cp sample-logs/mail.log "$evil"
eq "escape in a file's name: read" "$(run "$SMTPLOG" analyze --no-report --db "$T/e.db" "$evil")" 0
eq "escape in a file's name: summary sanitized" "$(tr -d -c '\033\007' < "$T/err" | wc -c)" 0
has "escape in a file's name: summary names it" "$(cat "$T/err")" 'evil\x1b]0;owned'

# ---- character devices and FIFOs
eq "/dev/zero refused: 66" "$(timeout 20 "$SMTPLOG" analyze --no-report --db "$T/z.db" /dev/zero 2>"$T/err"; echo $?)" 66
has "/dev/zero: says why" "$(cat "$T/err")" "a character device, not a log file"
mkfifo "$T/fifo"
eq "FIFO without a writer: 66" "$(SMTPLOG_FIFO_WAIT=1 timeout 20 "$SMTPLOG" analyze --no-report --db "$T/f.db" "$T/fifo" 2>"$T/err"; echo $?)" 66
has "FIFO without a writer: says so" "$(cat "$T/err")" "no process opened this FIFO for writing within 1 s"
{ sleep 1; head -20 sample-logs/mail.log; sleep 1; tail -n +21 sample-logs/mail.log; } > "$T/fifo" &
eq "FIFO: read until its writer closes" "$(timeout 30 "$SMTPLOG" analyze --no-report --db "$T/f.db" "$T/fifo" 2>/dev/null; echo $?; q "$T/f.db" "SELECT lines FROM sources")" "0
$(wc -l < sample-logs/mail.log)"
wait

echo "e2e_exit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
