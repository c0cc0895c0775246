#!/bin/bash
# Who may read and write the database, and how files are created:
# - readers never write: `report` works for a member of the group of a
#   root:adm 0640 database, with no writer running and while one runs, and
#   leaves the file as it was (no WAL mode, no -wal or -shm left);
# - a second writer waits (--wait) and then names the process holding it;
# - new files are 0600, or 0640 of the group given with --group; a planted
#   symbolic link (PATH.loading, PATH-wal, --unrecognized FILE) is refused
#   and what it points to is left untouched.
# The unprivileged reader is uid/gid 64123 with the supplementary group adm
# (setpriv, no account needed); as root only: skipped otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
SMTPLOG=${SMTPLOG:-$PWD/build/smtplog}
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8
unset SMTPLOG_DB SMTPLOG_FAULT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
eq()  { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
has() { if grep -qF -- "$3" <<<"$2"; then ok; else bad "$1: output lacks '$3'"; fi; }
q()   { sqlite3 -batch -noheader "$1" "$2"; }
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null || ! getent group adm >/dev/null; then
	echo "e2e_access: skipped (needs root, setpriv and a group adm)"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
chmod 0755 "$T"   # the directory: readable, not writable, by others
R_UID=64123
as_member() { setpriv --reuid "$R_UID" --regid "$R_UID" --groups adm -- "$@"; }
as_stranger() { setpriv --reuid "$R_UID" --regid "$R_UID" --clear-groups -- "$@"; }
run() { "$@" >"$T/out" 2>"$T/err"; echo $?; }

# ---- modes of new files
eq "default: analyze" "$(run "$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/own.db" sample-logs/mail.log)" 0
eq "default: the database is the owner's only" "$(stat -c '%a' "$T/own.db")" 600
db=$T/shared.db
eq "--group adm: analyze" "$(run "$SMTPLOG" analyze -q --no-report --group adm --year 2026 --db "$db" \
	sample-logs/mail.log.1 --unrecognized "$T/unrec.txt")" 0
eq "--group adm: database 0640 root:adm" "$(stat -c '%a %U:%G' "$db")" "640 root:adm"
eq "--group adm: --unrecognized file likewise" "$(stat -c '%a %U:%G' "$T/unrec.txt")" "640 root:adm"
eq "--group nosuch" "$(run "$SMTPLOG" analyze --group no-such-group-x --db "$T/x.db" sample-logs/mail.log)" 64
eq "at rest: rollback journal" "$(q "$db" "PRAGMA journal_mode")" delete

# ---- a reader, no writer running
before=$(stat -c '%Y %s' "$db"; md5sum < "$db")
eq "member: report" "$(run as_member "$SMTPLOG" report --db "$db")" 0
has "member: report printed" "$(cat "$T/out")" "Delivered"
eq "member: query" "$(run as_member "$SMTPLOG" query --db "$db" "SELECT count(*) > 0 FROM events")" 0
eq "member: nothing written" "$(stat -c '%Y %s' "$db"; md5sum < "$db")" "$before"
eq "member: no file left beside it" "$(ls "$T" | grep -c 'shared.db-')" 0
eq "stranger: no access" "$(run as_stranger "$SMTPLOG" report --db "$db")" 74

# ---- a reader while a writer runs: the writer holds its transaction
# open while it waits on a FIFO (the rest of its input comes later)
mkfifo "$T/fifo"
{ cat sample-logs/mail.log.2.gz | gzip -dc; sleep 6; cat sample-logs/mail.log; } > "$T/fifo" &
feeder=$!
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$db" "$T/fifo" 2>"$T/writer.err" &
writer=$!
for _ in $(seq 100); do [ -e "$db-wal" ] && break; sleep 0.05; done
eq "writer running: WAL" "$([ -e "$db-wal" ] && echo yes)" yes
eq "member during a load: report" "$(run as_member "$SMTPLOG" report --db "$db")" 0
has "member during a load: report printed" "$(cat "$T/out")" "Delivered"
eq "second writer waits, then gives up" "$(run "$SMTPLOG" analyze -q --no-report --wait 1 --db "$db" sample-logs/mail.log)" 75
has "second writer: names the holder" "$(cat "$T/err")" "is locked by process $writer ("
has "second writer: and its command" "$(cat "$T/err")" "smtplog analyze"
has "second writer: says how long it waited" "$(cat "$T/err")" "waited 1 s (--wait)"
# a member's report holds a read snapshot while the writer finishes
as_member sqlite3 "$db" "BEGIN; SELECT count(*) FROM events;" -cmd ".timeout 1000" >/dev/null 2>&1 &
wait "$writer"; eq "writer exit" $? 0
wait "$feeder"
eq "after the load: rollback journal again" "$(q "$db" "PRAGMA journal_mode")" delete
eq "after the load: no -wal or -shm" "$(ls "$T" | grep -c 'shared.db-')" 0
eq "after the load: still 0640 root:adm" "$(stat -c '%a %U:%G' "$db")" "640 root:adm"
eq "after the load: member reads" "$(run as_member "$SMTPLOG" report --db "$db")" 0

# ---- planted links are refused; what they point to is untouched
echo precious > "$T/victim"
ln -s "$T/victim" "$T/s.db.loading"
eq "symlinked .loading: refused" "$(run "$SMTPLOG" analyze --db "$T/s.db" sample-logs/mail.log)" 74
has "symlinked .loading: says why" "$(cat "$T/err")" "symbolic link"
eq "symlinked .loading: victim untouched" "$(cat "$T/victim")" precious
eq "symlinked .loading: no database" "$([ -e "$T/s.db" ] && echo made || echo none)" none
rm "$T/s.db.loading"
ln -s "$T/victim" "$db-wal"
eq "symlinked -wal: refused" "$(run "$SMTPLOG" analyze --db "$db" sample-logs/mail.log)" 74
eq "symlinked -wal: victim untouched" "$(cat "$T/victim")" precious
rm "$db-wal"
ln -s "$T/victim" "$T/unrec-link.txt"
eq "symlinked --unrecognized: refused" "$(run "$SMTPLOG" analyze --db "$db" --unrecognized "$T/unrec-link.txt" sample-logs/mail.log)" 74
eq "symlinked --unrecognized: victim untouched" "$(cat "$T/victim")" precious
chown "$R_UID" "$T/unrec.txt"
eq "another user's output file: refused" "$(run "$SMTPLOG" analyze --db "$db" --unrecognized "$T/unrec.txt" sample-logs/mail.log)" 74
has "another user's output file: says why" "$(cat "$T/err")" "another user"

echo "e2e_access: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
