#!/bin/bash
# Crash-exactness: an hourly job over growing and rotating logs, killed at
# every named phase (SMTPLOG_FAULT, see DEVELOPERS.md "Crash safety") and at
# random moments (SIGKILL, SIGTERM, SIGINT), then run again, leaves the
# database one clean run over the final files gives: the same row counts and
# the same checksum of every row of every table (times of the bookkeeping
# columns added_at, updated_at, saved_at, the inode, SQLite's planner
# statistics and sources.key_fingerprint, the first bytes a source was
# first read with, which a growing file has fewer of, left out).
#
# Logs: the bundled samples (Postfix, three generations; Exim) by default;
# with CRASH_GENLOG_LINES=N, N-line Postfix and Exim logs from genlog
# (GENLOG, default ../shared/tools/genlog): `make test-crash-long` uses 1M.
# CRASH_RANDOM (default 4) random kills per signal.
set -uo pipefail
cd "$(dirname "$0")/.."
SMTPLOG=${SMTPLOG:-$PWD/build/smtplog}
T=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT; echo "$T" >&2
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8
unset SMTPLOG_DB SMTPLOG_FAULT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
eq()  { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
q()   { sqlite3 -batch -noheader "$1" "$2"; }
LINES_GEN=${CRASH_GENLOG_LINES:-0}
RANDOM_KILLS=${CRASH_RANDOM:-4}

# ---- the final logs, in $T/final: mail.log.2.gz, mail.log.1, mail.log, mainlog
mkdir -p "$T/final"
if [ "$LINES_GEN" -gt 0 ]; then
	GENLOG=${GENLOG:-../shared/tools/genlog}
	[ -f "$GENLOG" ] || { echo "e2e_crash: genlog not found at '$GENLOG' (set GENLOG=...)" >&2; exit 1; }
	python3 "$GENLOG" --mta postfix --lines "$LINES_GEN" --seed 7 > "$T/pf.log"
	python3 "$GENLOG" --mta exim --lines "$LINES_GEN" --seed 7 > "$T/final/mainlog"
	third=$((LINES_GEN / 3))
	head -n "$third" "$T/pf.log" | gzip -c > "$T/final/mail.log.2.gz"
	sed -n "$((third + 1)),$((2 * third))p" "$T/pf.log" > "$T/final/mail.log.1"
	tail -n +"$((2 * third + 1))" "$T/pf.log" > "$T/final/mail.log"
	YEAR=2026
	CHECKPOINT=$((LINES_GEN / 20))
else
	cp sample-logs/mail.log.2.gz sample-logs/mail.log.1 sample-logs/mail.log "$T/final/"
	cp sample-logs/exim/mainlog "$T/final/mainlog"
	YEAR=2026
	CHECKPOINT=500
fi
ARGS=(analyze -q --no-report --year "$YEAR")

# dump DB: every row of every table, bookkeeping times left out, ordered
dump() {
	local db=$1 t
	for t in $(q "$db" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
		local cols
		cols=$(q "$db" "SELECT group_concat(name, ', ') FROM pragma_table_info('$t')
		                WHERE name NOT IN ('added_at', 'updated_at', 'saved_at', 'dev', 'inode',
		                                   'key_fingerprint')")
		echo "== $t $(q "$db" "SELECT count(*) FROM $t")"
		q "$db" "SELECT $cols FROM $t ORDER BY $cols" | md5sum
	done
}

# The hourly job in a fresh directory $1, each file named relative to it:
# step 1 the old generations and the first halves of the live files, step 2
# the live files grown to their end. smtplog_step N runs step N once (with
# whatever environment the caller set) and returns its exit status.
half() { echo $(( $(wc -l < "$1") / 2 )); }
setup_dir() {
	rm -rf "$1"; mkdir -p "$1"
	cp "$T/final/mail.log.2.gz" "$T/final/mail.log.1" "$1/"
	head -n "$(half "$T/final/mail.log")" "$T/final/mail.log" > "$1/mail.log"
	head -n "$(half "$T/final/mainlog")" "$T/final/mainlog" > "$1/mainlog"
}
grow() {   # appended in place: the same inode, as syslog writes
	tail -n +"$(( $(half "$T/final/mail.log") + 1 ))" "$T/final/mail.log" >> "$1/mail.log"
	tail -n +"$(( $(half "$T/final/mainlog") + 1 ))" "$T/final/mainlog" >> "$1/mainlog"
}
step() {   # step DIR: one run of the job
	(cd "$1" && SMTPLOG_CHECKPOINT_LINES=$CHECKPOINT exec "$SMTPLOG" "${ARGS[@]}" --db job.db \
		mail.log.2.gz mail.log.1 mail.log mainlog)
}

# ---- the reference: one clean run over the final files
mkdir -p "$T/ref"
cp "$T/final/"* "$T/ref/"
t0=$(date +%s%N)
(cd "$T/ref" && "$SMTPLOG" "${ARGS[@]}" --db job.db mail.log.2.gz mail.log.1 mail.log mainlog)
eq "reference run" $? 0
ref_ms=$(( ($(date +%s%N) - t0) / 1000000 + 1 ))
want=$(dump "$T/ref/job.db")
eq "the reference has rows of health (postscreen, warnings)" "$(q "$T/ref/job.db" "SELECT count(*) > 0 FROM health")" 1
rows=$(q "$T/ref/job.db" "SELECT (SELECT count(*) FROM events) || ' events, ' || (SELECT count(*) FROM messages) || ' messages'")

# ---- the job without faults equals one clean run (a message whose lines
# span the two runs keeps its sender, size and Message-ID in every event)
setup_dir "$T/job"
step "$T/job"; eq "hourly step 1" $? 0
grow "$T/job"
step "$T/job"; eq "hourly step 2" $? 0
eq "two runs over a growing log: the rows of one clean run" "$(dump "$T/job/job.db")" "$want"
eq "events of messages spanning two runs keep the sender" \
	"$(q "$T/job/job.db" "SELECT count(*) FROM events e JOIN messages m ON m.id = e.message_id
	                       WHERE e.sender IS NULL AND m.sender IS NOT NULL")" \
	"$(q "$T/ref/job.db" "SELECT count(*) FROM events e JOIN messages m ON m.id = e.message_id
	                       WHERE e.sender IS NULL AND m.sender IS NOT NULL")"
eq "a third run adds nothing" "$(step "$T/job"; echo $?; dump "$T/job/job.db")" "0
$want"

# finish DIR STEP: after an interrupted run of STEP, the job goes on as cron
# would run it (the interrupted step again, then the rest); then compare
finish() {
	local dir=$1 from=$2 label=$3 st
	step "$dir"; st=$?
	[ "$st" -eq 0 ] || bad "$label: re-run of step $from exited $st"
	if [ "$from" -eq 1 ]; then
		grow "$dir"
		step "$dir"; st=$?
		[ "$st" -eq 0 ] || bad "$label: step 2 exited $st"
	fi
	eq "$label: the rows of one clean run" "$(dump "$dir/job.db")" "$want"
}

# ---- a kill at each named phase, in each step, at its first and a later pass
# (step 2 skips the two old generations: two files, two resume points)
PHASES1="opened source checkpoint:1 checkpoint:3 flushed:1 flushed:3 resume-commit:1
resume-commit:2 resume-commit:4 resumed:1 resumed:3 indexed closing"
PHASES2="opened source:3 checkpoint:1 flushed:1 flushed:2 resume-commit:1 resume-commit:2
resumed:2 indexed closing"
declare -A killed
for st in 1 2; do
	phases=$PHASES1
	[ "$st" -eq 1 ] || phases=$PHASES2
	for phase in $phases; do
		dir="$T/f-$st-${phase/:/-}"
		setup_dir "$dir"
		if [ "$st" -eq 2 ]; then
			step "$dir" || bad "phase $phase: step 1 failed"
			grow "$dir"
		fi
		SMTPLOG_FAULT=$phase step "$dir" 2>/dev/null
		code=$?
		if [ "$code" -ne 137 ]; then
			bad "step $st, phase $phase: no kill there (exit $code)"
			continue
		fi
		killed[${phase%%:*}]=$(( ${killed[${phase%%:*}]:-0} + 1 ))
		finish "$dir" "$st" "killed at $phase in step $st"
	done
done

# ---- random moments: SIGKILL, SIGTERM, SIGINT after a random delay
n_rand=0 n_hit=0
for sig in KILL TERM INT; do
	for i in $(seq "$RANDOM_KILLS"); do
		dir="$T/r-$sig-$i"
		setup_dir "$dir"
		st=$(( (i % 2) + 1 ))
		if [ "$st" -eq 2 ]; then step "$dir"; grow "$dir"; fi
		(cd "$dir" && SMTPLOG_CHECKPOINT_LINES=$CHECKPOINT exec "$SMTPLOG" "${ARGS[@]}" \
			--db job.db mail.log.2.gz mail.log.1 mail.log mainlog 2>/dev/null) &
		pid=$!
		ms=$(( (RANDOM * 32768 + RANDOM) % (ref_ms * 3 / 2 + 1) ))
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -s "$sig" "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		[ $? -gt 128 ] && n_hit=$((n_hit + 1))
		n_rand=$((n_rand + 1))
		finish "$dir" "$st" "SIG$sig at a random moment (trial $i, step $st)"
	done
done

summary=""
for p in "${!killed[@]}"; do summary="$summary $p=${killed[$p]}"; done
echo "e2e_crash: $rows; kills by phase:$summary; $n_rand random signals (SIGKILL, SIGTERM, SIGINT), $n_hit of them mid-run"
echo "e2e_crash: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
