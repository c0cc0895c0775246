#!/bin/bash
# End-to-end tests of contrib/: the cron.d entry's jobs run as cron runs
# them (env -i with cron's environment plus the file's own variables,
# through SHELL -c) against sample logs, through a first run before
# mail.log.1 exists, a rotation and a host with no mail log; the systemd
# units checked by systemd-analyze verify against a root where `make
# install` put the binary; the commands of the load, report and follow
# services (follow through a growing log, then SIGTERM), and of the journal
# drop-in (with a stand-in for journalctl), run as systemd would run them. Paths under /var/log, /var/lib and /usr/local
# are moved into a temporary root; nothing else in the files is changed.
# Run by `make e2e` (part of `make test`).
set -uo pipefail
cd "$(dirname "$0")/.."
SMTPLOG=${SMTPLOG:-$PWD/build/smtplog}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8
pass=0 fail=0 skip=0

ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
eq()   { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
has()  { if grep -qF -- "$3" <<<"$2"; then ok; else bad "$1: output lacks '$3'"; fi; }
q()    { sqlite3 -batch -noheader "$1" "$2"; }

root=$T/root
# relocate FILE: the file with the machine's paths moved under $root
relocate() { sed -e "s#/var/log#$root/var/log#g" -e "s#/var/lib#$root/var/lib#g" \
	-e "s#/usr/local/#$root/usr/local/#g" "$1"; }

# ---- make install puts the binary where the files' PATH finds it, and the files beside the docs
make -s install DESTDIR="$root" PREFIX=/usr/local >/dev/null
eq "installed binary" "$("$root/usr/local/bin/smtplog" --version | cut -d' ' -f1)" smtplog
doc=$root/usr/local/share/doc/smtplog/contrib
for f in $(cd contrib && find . -type f | sort); do
	eq "installed contrib/$f" "$(cmp -s "contrib/$f" "$doc/$f" && echo same)" same
done

# ---- cron: each job of contrib/cron.d/smtplog as cron runs it
cronfile=$T/cron.d-smtplog
relocate contrib/cron.d/smtplog > "$cronfile"
# cron_job N: the command of the file's Nth job line
cron_job() {
	grep -vE '^[[:space:]]*(#|$)' "$cronfile" | grep -vE '^[A-Za-z_][A-Za-z0-9_]*=' |
		sed -n "${1}p" | sed -E 's/^([^[:space:]]+[[:space:]]+){6}//'
}
# cron_run N: runs job N as Debian's cron does: a clean environment (SHELL,
# PATH, HOME and LOGNAME of cron's own), then the file's assignments, then
# "$SHELL -c command"; prints "exit status|output" (cron mails any output)
cron_run() {
	local vars=() v
	while IFS= read -r v; do vars+=("$v"); done < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$cronfile")
	local shell=/bin/sh
	for v in "${vars[@]}"; do [[ $v == SHELL=* ]] && shell=${v#SHELL=}; done
	env -i SHELL=/bin/sh PATH=/usr/bin:/bin HOME="$root/root" LOGNAME=root "${vars[@]}" \
		"$shell" -c "$(cron_job "$1")" > "$T/cron.out" 2>&1
	echo "$?|$(cat "$T/cron.out")"
}
eq "cron: two jobs" "$(grep -cE '^[0-9*]' "$cronfile")" 2
has "cron: PATH finds make install's binary" "$(grep '^PATH=' contrib/cron.d/smtplog)" "/usr/local/bin"
has "cron: hourly at minute 0" "$(grep -E '^0 \* \* \* \*' contrib/cron.d/smtplog)" "smtplog analyze"

mkdir -p "$root/var/log" "$root/root"
db=$root/var/lib/smtplog/smtplog.db
# a host with no mail log yet: nothing to do, nothing said
eq "cron: no mail log at all" "$(cron_run 1)" "0|"
eq "cron: no database made" "$(test -e "$db" && echo made)" ""
# the first run: mail.log only, no mail.log.1 yet
head -n 2000 sample-logs/mail.log.1 > "$root/var/log/mail.log"
eq "cron: first run, before mail.log.1 exists" "$(cron_run 1)" "0|"
eq "cron: database made in /var/lib/smtplog" "$(stat -c %a "$root/var/lib/smtplog")" 750
eq "cron: first run stored its lines" "$(q "$db" "SELECT sum(lines) FROM sources")" 2000
# more lines, then logrotate (delaycompress: mail.log.1 stays plain), then more
sed -n '2001,2600p' sample-logs/mail.log.1 >> "$root/var/log/mail.log"
mv "$root/var/log/mail.log" "$root/var/log/mail.log.1"
sed -n '2601,$p' sample-logs/mail.log.1 > "$root/var/log/mail.log"
eq "cron: run after the rotation" "$(cron_run 1)" "0|"
eq "cron: nothing read twice, nothing missed" "$(q "$db" "SELECT sum(lines) FROM sources")" \
	"$(wc -l < sample-logs/mail.log.1 | tr -d ' ')"
"$SMTPLOG" analyze -q --no-report --db "$T/clean.db" sample-logs/mail.log.1
eq "cron: the same events as one clean run" "$(q "$db" "SELECT count(*), count(DISTINCT kind) FROM events")" \
	"$(q "$T/clean.db" "SELECT count(*), count(DISTINCT kind) FROM events")"
eq "cron: an hour with nothing new" "$(cron_run 1)" "0|"
out=$(cron_run 2)
eq "cron: morning report exit" "${out%%|*}" 0
has "cron: morning report printed" "$out" "$("$SMTPLOG" report --db "$db" --since yesterday --until today | head -n 1)"

# ---- systemd: systemd-analyze verify in a root holding the installed
# binary, the units, and the system's own units and the programs they run
if command -v systemd-analyze >/dev/null; then
	units=$root/etc/systemd/system
	mkdir -p "$units" "$root/usr/lib/systemd" "$root/usr/bin"
	cp -R contrib/systemd/. "$units/"
	cp -R /lib/systemd/system "$root/usr/lib/systemd/"
	for p in find sh journalctl; do cp "$(command -v $p)" "$root/usr/bin/"; done
	names=$(cd contrib/systemd && ls *.service *.timer)
	# --man=no: the man page is not installed in this root
	out=$(systemd-analyze verify --man=no --root="$root" $names 2>&1)
	eq "systemd-analyze verify: exit" "$?" 0
	eq "systemd-analyze verify: no warning" "$out" ""
	# the test can fail: an unknown key is reported
	echo "Bogus=1" >> "$units/smtplog-load.service.d/journal.conf"
	out=$(systemd-analyze verify --man=no --root="$root" smtplog-load.service 2>&1)
	has "systemd-analyze verify reads the journal drop-in" "$out" "Unknown key 'Bogus'"
	rm "$root/usr/local/bin/smtplog"
	out=$(systemd-analyze verify --man=no --root="$root" smtplog-follow.service 2>&1)
	has "systemd-analyze verify finds smtplog where make install puts it" "$out" "Command smtplog is not executable"
else
	echo "SKIP: systemd-analyze not installed (tools/setup-debian.sh installs systemd)" >&2
	skip=$((skip + 1))
fi

# systemd_exec FILE...: the last ExecStart= of the files (a unit, then its
# drop-ins) run as systemd runs it: words split as systemd does (no shell),
# the command looked up in systemd's fixed PATH (after $FAKEBIN, if set),
# the unit's Environment=; prints the exit status, output in $T/svc.out
systemd_exec() {
	local exec_line env_line
	exec_line=$(cat "$@" | relocate /dev/stdin | sed -n 's/^ExecStart=\(..*\)/\1/p' | tail -n 1)
	env_line=$(cat "$@" | relocate /dev/stdin | sed -n 's/^Environment=//p' | tail -n 1)
	python3 - "$exec_line" "$env_line" "$root" "${FAKEBIN:-}" > "$T/svc.out" 2>&1 <<'PY'
import os, shlex, sys
argv, env = shlex.split(sys.argv[1]), dict([sys.argv[2].split("=", 1)])
path = [sys.argv[3] + d if d.startswith("/usr/local") else d
        for d in "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".split(":")]
env["PATH"] = ":".join(([sys.argv[4]] if sys.argv[4] else []) + path)
if "FAKE_JOURNAL" in os.environ:
    env["FAKE_JOURNAL"] = os.environ["FAKE_JOURNAL"]
if os.environ.get("PIDFILE"):
    open(os.environ["PIDFILE"], "w").write(str(os.getpid()))   # the command's, after exec
os.execvpe(argv[0], argv, env)   # the command itself, as systemd runs it: signals reach it
PY
	echo $?
}
rm -rf "$root/var/lib/smtplog" && mkdir -p "$root/var/lib/smtplog"
make -s install DESTDIR="$root" PREFIX=/usr/local >/dev/null
svcdb=$root/var/lib/smtplog/smtplog.db
eq "systemd: the load service's command" "$(systemd_exec contrib/systemd/smtplog-load.service)|$(cat "$T/svc.out")" "0|"
eq "systemd: it stored both files" "$(q "$svcdb" "SELECT count(*), sum(lines) FROM sources")" \
	"2|$(wc -l < sample-logs/mail.log.1 | tr -d ' ')"
eq "systemd: the report service's command" "$(systemd_exec contrib/systemd/smtplog-report.service)" 0
has "systemd: the report service printed the report" "$(cat "$T/svc.out")" \
	"$("$SMTPLOG" report --db "$svcdb" --since yesterday --until today | head -n 1)"

# The follow service: stores lines as they are written; SIGTERM (systemctl
# stop) ends it cleanly. wait_lines N: until the database holds N lines
# (at most 60 s: a stuck follow fails the test, it does not hang it)
wait_lines() {
	local k
	for k in $(seq 1 120); do
		[ "$(q "$svcdb" "SELECT coalesce(sum(lines), 0) FROM sources" 2>/dev/null)" = "$1" ] && return 0
		sleep 0.5
	done
	return 1
}
rm -rf "$root/var/lib/smtplog" "$root/var/log" && mkdir -p "$root/var/lib/smtplog" "$root/var/log"
head -n 1000 sample-logs/mail.log.1 > "$root/var/log/mail.log"
PIDFILE=$T/follow.pid systemd_exec contrib/systemd/smtplog-follow.service > "$T/follow.status" &
follow=$!
eq "follow service: the lines there at its start" "$(wait_lines 1000 && echo stored)" stored
tail -n +1001 sample-logs/mail.log.1 >> "$root/var/log/mail.log"
all=$(wc -l < sample-logs/mail.log.1 | tr -d ' ')
eq "follow service: the lines written while it runs" "$(wait_lines "$all" && echo stored)" stored
kill -TERM "$(cat "$T/follow.pid")"
wait "$follow"
eq "follow service: SIGTERM stops it cleanly" "$(cat "$T/follow.status")|$(cat "$T/svc.out")" \
	"0|smtplog: stopped; what was read is stored"
eq "follow service: the events of one clean run" "$(q "$svcdb" "SELECT count(*) FROM events")" \
	"$(q "$T/clean.db" "SELECT count(*) FROM events")"

# The journal drop-in, with a stand-in for journalctl that checks the
# arguments (the unit Debian's Postfix runs as, JSON, a cursor file) and
# serves the journal from the cursor on, as journalctl --cursor-file does
mkdir -p "$T/fakebin"
cat > "$T/fakebin/journalctl" <<'SH'
#!/bin/sh
unit= out= cursor=
for a; do
	case $a in
	--unit=*) unit=${a#--unit=} ;; --output=*) out=${a#--output=} ;;
	--cursor-file=*) cursor=${a#--cursor-file=} ;; --quiet) ;;
	*) echo "journalctl: unexpected argument $a" >&2; exit 1 ;;
	esac
done
[ "$unit" = postfix@-.service ] && [ "$out" = json ] && [ -n "$cursor" ] ||
	{ echo "journalctl: unit '$unit', output '$out', cursor '$cursor'" >&2; exit 1; }
from=0
[ -f "$cursor" ] && from=$(cat "$cursor")
tail -n +$((from + 1)) "$FAKE_JOURNAL"
wc -l < "$FAKE_JOURNAL" > "$cursor"
SH
chmod +x "$T/fakebin/journalctl"
# the journal: sample-logs/mail.log as journalctl -o json gives it
python3 - sample-logs/mail.log > "$T/journal.all" <<'PY'
import json, sys, re, calendar, time
for line in open(sys.argv[1]):
    m = re.match(r'(\w+ +\d+ [\d:]+) (\S+) ([^\[:]+)(?:\[(\d+)\])?: (.*)', line.rstrip('\n'))
    ts = calendar.timegm(time.strptime('2026 ' + m.group(1), '%Y %b %d %H:%M:%S'))
    print(json.dumps({"__REALTIME_TIMESTAMP": str(ts * 1000000), "_HOSTNAME": m.group(2),
                      "SYSLOG_IDENTIFIER": m.group(3), "_PID": m.group(4) or "1", "MESSAGE": m.group(5)}))
PY
rm -rf "$root/var/lib/smtplog" && mkdir -p "$root/var/lib/smtplog"
export FAKE_JOURNAL=$T/journal.json
head -n 20 "$T/journal.all" > "$FAKE_JOURNAL"
dropin=(contrib/systemd/smtplog-load.service contrib/systemd/smtplog-load.service.d/journal.conf)
eq "journal drop-in: first run" "$(FAKEBIN=$T/fakebin systemd_exec "${dropin[@]}")|$(cat "$T/svc.out")" "0|"
cp "$T/journal.all" "$FAKE_JOURNAL"
eq "journal drop-in: the next hour" "$(FAKEBIN=$T/fakebin systemd_exec "${dropin[@]}")|$(cat "$T/svc.out")" "0|"
eq "journal drop-in: an hour with nothing new" "$(FAKEBIN=$T/fakebin systemd_exec "${dropin[@]}")|$(cat "$T/svc.out")" "0|"
unset FAKE_JOURNAL

"$SMTPLOG" analyze -q --no-report --db "$T/journal-clean.db" - < "$T/journal.all"
eq "journal drop-in: every line once" "$(q "$svcdb" "SELECT sum(lines) FROM sources")" "$(wc -l < "$T/journal.all" | tr -d ' ')"
eq "journal drop-in: the events of one clean run" "$(q "$svcdb" "SELECT count(*) FROM events")" \
	"$(q "$T/journal-clean.db" "SELECT count(*) FROM events")"
eq "journal drop-in: the messages of one clean run" \
	"$(q "$svcdb" "SELECT count(*), sum(sender IS NULL), sum(complete) FROM messages")" \
	"$(q "$T/journal-clean.db" "SELECT count(*), sum(sender IS NULL), sum(complete) FROM messages")"

echo "e2e_contrib: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
