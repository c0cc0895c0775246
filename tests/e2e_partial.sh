#!/bin/bash
# Input that is not whole when a run reads it. A last line still being
# written is left for the next run (which stores it once, with every field)
# unless the file is complete (a rotated name, --final); a file truncated
# while a run reads it keeps what was read, says so and exits 1. The
# truncation happens at a known point: SMTPLOG_FAULT=checkpoint:1:stop
# stops the run after its first batch, the test cuts the file, SIGCONT.
source "$(dirname "$0")/e2e_lib.sh"
unset SMTPLOG_FAULT SMTPLOG_CHECKPOINT_LINES

# rows of a database, without the bookkeeping columns (as tests/e2e_crash.sh)
rows() {
	q "$1" "SELECT ts, host, queue_id, kind, sender, recipient, smtp_code, enhanced_code,
	               status, reply, line, seq FROM events ORDER BY id;
	        SELECT queue_id, sender, size, header_message_id, nrcpt, complete FROM messages ORDER BY id;"
}

# ---- a half-written last line waits for its newline
# sample-logs/mail.log cut inside line 11 (a delivery: to=<bob@example.org>, status=sent)
log=sample-logs/mail.log
cut=$(( $(head -n 10 "$log" | wc -c) + 60 ))
head -c "$cut" "$log" > "$T/mail.log"
eq "half line: exit" "$(run analyze -q --no-report --year 2026 --db "$T/p.db" "$T/mail.log")" 0
eq "half line: not stored" "$(q "$T/p.db" "SELECT lines, bytes FROM sources")" "10|$(head -n 10 "$log" | wc -c)"
eq "half line: no event of it" "$(q "$T/p.db" "SELECT count(*) FROM events WHERE line = 11")" 0
eq "half line, run again: exit" "$(run analyze --no-report --year 2026 --db "$T/p.db" "$T/mail.log")" 0
has "half line, run again: nothing new" "$(cat "$T/err")" "$T/mail.log: 10 lines"
tail -c +"$((cut + 1))" "$log" >> "$T/mail.log"
eq "completed: exit" "$(run analyze -q --no-report --year 2026 --db "$T/p.db" "$T/mail.log")" 0
eq "completed: line 11 once, whole" \
	"$(q "$T/p.db" "SELECT count(*), kind, recipient, sender, status, enhanced_code FROM events WHERE line = 11")" \
	"1|delivered|bob@example.org|jane.doe@gmail.com|sent|2.0.0"
eq "completed: every line once" "$(q "$T/p.db" "SELECT lines, bytes FROM sources")" "$(wc -l < "$log")|$(wc -c < "$log")"
eq "whole: one run" "$(run analyze -q --no-report --year 2026 --db "$T/w.db" "$log")" 0
eq "completed: the rows of one run over the whole file" "$(rows "$T/p.db")" "$(rows "$T/w.db")"

# ---- a file that is complete: read to its end, last line included
printf '%s' "$(head -n 11 "$log")" > "$T/r.log"     # line 11 without its newline
eq "no newline: held" "$(run analyze -q --no-report --year 2026 --db "$T/r.db" "$T/r.log")" 0
eq "no newline: 10 lines" "$(q "$T/r.db" "SELECT lines FROM sources")" 10
mv "$T/r.log" "$T/r.log.1"
eq "rotated: exit" "$(run analyze -q --no-report --year 2026 --db "$T/r.db" "$T/r.log.1")" 0
eq "rotated: its last line read" "$(q "$T/r.db" "SELECT lines, (SELECT count(*) FROM events WHERE line = 11) FROM sources")" "11|1"
printf '%s' "$(head -n 11 "$log")" > "$T/f.log"
eq "--final: exit" "$(run analyze -q --no-report --final --year 2026 --db "$T/f.db" "$T/f.log")" 0
eq "--final: its last line read" "$(q "$T/f.db" "SELECT lines FROM sources")" 11
eq "stdin: read to its end" "$(printf '%s' "$(head -n 11 "$log")" | "$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/s.db" - >/dev/null 2>&1; q "$T/s.db" "SELECT lines FROM sources")" 11

# ---- a file truncated while it is read
# 200 copies of the sample (1.2 MB); the run stops after its first batch
# of 1000 lines (what it has read by then: its 64 KiB prefix and one 256
# KiB chunk), the file is cut to 600000 bytes, inside a line, and the run
# goes on to the new end
for i in $(seq 200); do cat "$log"; done > "$T/big.log"
size=$(wc -c < "$T/big.log")
SMTPLOG_CHECKPOINT_LINES=1000 SMTPLOG_FAULT=checkpoint:1:stop \
	"$SMTPLOG" analyze --no-report --year 2026 --db "$T/t.db" "$T/big.log" >"$T/out" 2>"$T/err" &
pid=$!
# wait for the stop (a state, not a time: the loop ends when it is reached)
for _ in $(seq 600); do
	[ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" = T ] && break
	sleep 0.1
done
eq "truncated: stopped after the first batch" "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" T
truncate -s 600000 "$T/big.log"
kill -CONT "$pid"
wait "$pid"
eq "truncated: exit 1" "$?" 1
has "truncated: says so" "$(cat "$T/err")" "became shorter while it was read"
whole=$(head -c 600000 "$T/big.log" | tr -cd '\n' | wc -c)
has "truncated: says what is stored" "$(cat "$T/err")" "the $whole lines read before are stored"
eq "truncated: the lines read are stored" "$(q "$T/t.db" "SELECT lines, bytes FROM sources")" \
	"$whole|$(head -n "$whole" "$T/big.log" | wc -c)"
eq "truncated: their rows" "$(q "$T/t.db" "SELECT max(line) <= $whole FROM events")" 1
# the next run: the same file, now shorter than when it was opened; nothing is lost or doubled
printf '\n' >> "$T/big.log"
eq "after: exit" "$(run analyze -q --no-report --year 2026 --db "$T/t.db" "$T/big.log")" 0
eq "after: every line once" "$(q "$T/t.db" "SELECT lines FROM sources")" "$(wc -l < "$T/big.log")"
head -c 600001 "$T/big.log" > "$T/ref.log"
eq "after: one run's rows" "$(run analyze -q --no-report --year 2026 --db "$T/ref.db" "$T/ref.log")" 0
eq "after: the rows of one run over the cut file" "$(rows "$T/t.db")" "$(rows "$T/ref.db")"

echo "e2e_partial: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
