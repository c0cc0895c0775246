#!/bin/bash
# End-to-end tests of contrib/: the cron.d entry's jobs run as cron runs
# them (env -i with cron's environment plus the file's own variables,
# through SHELL -c) against sample logs, through a first run before
# mail.log.1 exists, a rotation and a host with no mail log; the systemd
# units checked by systemd-analyze verify against a root where `make
# install` put the binary, and the load service's command run as systemd
# would run it. Paths under /var/log, /var/lib and /usr/local are moved
# into a temporary root; nothing else in the files is changed.
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

# the load service's ExecStart as systemd runs it: words split, no shell,
# the command looked up in systemd's fixed PATH, SMTPLOG_DB from the unit
exec_line=$(relocate contrib/systemd/smtplog-load.service | sed -n 's/^ExecStart=//p')
env_line=$(relocate contrib/systemd/smtplog-load.service | sed -n 's/^Environment=//p')
rm -rf "$root/var/lib/smtplog" && mkdir -p "$root/var/lib/smtplog"
make -s install DESTDIR="$root" PREFIX=/usr/local >/dev/null
out=$(python3 - "$exec_line" "$env_line" "$root" <<'PY'
import os, shlex, subprocess, sys
argv, env = shlex.split(sys.argv[1]), dict([sys.argv[2].split("=", 1)])
env["PATH"] = ":".join(sys.argv[3] + d if d.startswith("/usr/local") else d
                       for d in "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".split(":"))
p = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
print(f"{p.returncode}|{p.stdout.decode()}", end="")
PY
)
eq "systemd: the load service's command" "$out" "0|"
eq "systemd: it stored both files" "$(q "$root/var/lib/smtplog/smtplog.db" "SELECT count(*), sum(lines) FROM sources")" \
	"2|$(wc -l < sample-logs/mail.log.1 | tr -d ' ')"

echo "e2e_contrib: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
