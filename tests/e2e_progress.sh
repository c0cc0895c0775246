#!/bin/bash
# The progress line of analyze: on a terminal (script(1) from util-linux
# gives the run one) standard error shows bytes read of the total, lines a
# second and the time left, then erases it ("\r", ESC [K) before the next
# message; nothing of it when standard error is a file or a pipe, or with
# --quiet. Run by `make e2e`.
source "$(dirname "$0")/e2e_lib.sh"
if ! command -v script >/dev/null; then
	echo "e2e_progress: script(1) missing (util-linux): skipped"
	exit 0
fi
# 300 copies of the sample: 12,900 lines, past the 8192 after which the line is first drawn
for i in $(seq 300); do cat sample-logs/mail.log; done >"$T/big.log"
tty_run() { script -qec "$1" /dev/null >"$T/tty" 2>&1; }

tty_run "'$SMTPLOG' analyze --no-report --year 2026 --db '$T/a.db' '$T/big.log'"
out=$(cat -v "$T/tty")
has "tty: bytes of the total" "$out" " MB read ("
has "tty: lines a second" "$out" " lines/s"
has "tty: time left" "$out" " left^[[K"
has "tty: erased before the next message" "$out" "^M^[[Ksmtplog: $T/big.log: 12900 lines"
eq "tty: every line stored" "$(q "$T/a.db" "SELECT lines FROM sources")" 12900

tty_run "'$SMTPLOG' analyze -q --no-report --year 2026 --db '$T/b.db' '$T/big.log'"
eq "tty, --quiet: nothing" "$(cat "$T/tty")" ""

tty_run "cat '$T/big.log' | '$SMTPLOG' analyze --no-report --year 2026 --db '$T/c.db' -"
out=$(cat -v "$T/tty")
has "tty, a pipe: bytes read, no total" "$out" " MB read, "
lacks "tty, a pipe: no time left" "$out" " left"

eq "not a tty: exit" "$(run analyze --no-report --year 2026 --db "$T/d.db" "$T/big.log")" 0
lacks "not a tty: no progress" "$(cat -v "$T/err")" "lines/s"
lacks "not a tty: no escapes" "$(cat -v "$T/err")" "^["
has "not a tty: the summary" "$(cat "$T/err")" "12900 lines"

echo "e2e_progress: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
