#!/bin/bash
# make bench: smtplog against the tools users would otherwise run, on logs
# from ../shared/tools/genlog (seed 42, cached in bench-data/, never
# committed): pflogsumm on Postfix, eximstats on Exim, lnav's bare count(*)
# if lnav is installed, and `wc -l` and `grep -c` as the floor. Each command
# runs BENCH_RUNS times (default 3) on a warm page cache; the table gives the
# median wall time, lines/s, MB/s (10^6 bytes), the highest peak RSS, and how
# many times faster smtplog is. It then checks smtplog's stored totals
# against genlog's expectations (what pflogsumm and eximstats print for the
# same file), peak memory (at most 64 MiB), and with BENCH_LINES=5000000 that
# 5M lines take at most 5.5 times 1M and about the same peak memory (caches
# and sorters bounded: at most 8 MiB more than at 1M).
# Fails (exit 1) with a clear message when a peer is missing or a check fails;
# the 10x targets and the hourly job's ratio are reported, not enforced.
#
# Then the scale runs: smtplog and the peer on BENCH_SCALE_LINES (10M) lines
# of each MTA, BENCH_SCALE_RUNS times (1), on logs generated once into
# build/bench-scale/ and deleted after (1.5 to 2 GB each; 0 leaves them
# out); and a Postfix log of BENCH_OPEN_LINES (2M) lines whose messages never
# finish (genlog's log without its "removed" lines): memory stays bounded.
#
# Last, the nightly job on BENCH_NIGHT_DAYS (7) days of Postfix logs: add a
# day to the database, report on that day and on all of them
# (BENCH_NIGHT_LINES a day; 0 leaves it out; issue 13's scenario is 30 days of
# 1M lines); and the hourly job: 24 runs on a log growing to BENCH_LINES
# lines against one run over it, at most 1.5 times (reported; the two
# databases must end the same) (BENCH_HOURLY=0 leaves it out).
# The end is a table of the performance targets: each met or not met, and by
# how much.
#
# Usage: tools/bench.sh PATH/TO/smtplog
# env:   BENCH_LINES (1000000), BENCH_RUNS (3), BENCH_MTAS ("postfix exim sendmail"),
#        BENCH_SCALE_LINES (10000000), BENCH_SCALE_RUNS (1), BENCH_OPEN_LINES (2000000),
#        BENCH_NIGHT_DAYS (7), BENCH_NIGHT_LINES (300000), GENLOG (../shared/tools/genlog),
#        BENCH_DIR (bench-data)
set -euo pipefail
SMTPLOG=${1:?usage: bench.sh PATH/TO/smtplog}
cd "$(dirname "$0")/.."
LINES=${BENCH_LINES:-1000000}
RUNS=${BENCH_RUNS:-3}
MTAS=${BENCH_MTAS:-postfix exim sendmail}
GENLOG=${GENLOG:-../shared/tools/genlog}
DATA=${BENCH_DIR:-bench-data}
SCALE_LINES=${BENCH_SCALE_LINES:-10000000}
SCALE_RUNS=${BENCH_SCALE_RUNS:-1}
SCALE_DIR=build/bench-scale
OPEN_LINES=${BENCH_OPEN_LINES:-2000000}
NIGHT_DAYS=${BENCH_NIGHT_DAYS:-7}
MEM_LIMIT_MIB=64
export LC_ALL=C.UTF-8 TZ=UTC
mkdir -p "$DATA"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$SCALE_DIR"' EXIT
DB=$TMP/bench.db

die() { echo "bench: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 not found: $2"; }
[ -f "$GENLOG" ] || die "genlog not found at '$GENLOG' (set GENLOG=...)"
need python3 "run 'tools/setup-debian.sh'"
need sqlite3 "run 'tools/setup-debian.sh'"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: run 'tools/setup-debian.sh --bench'"
for m in $MTAS; do
	case $m in
	postfix) need pflogsumm "run 'tools/setup-debian.sh --bench' (Debian package pflogsumm)" ;;
	exim) need eximstats "run 'tools/setup-debian.sh --bench' (Debian package exim4-base)" ;;
	sendmail) ;;
	*) die "unknown MTA '$m' in BENCH_MTAS (expected postfix, exim, sendmail)" ;;
	esac
done
LNAV=$(command -v lnav || true)
[ -n "$LNAV" ] || echo "bench: lnav not installed: its rows are left out ('tools/setup-debian.sh --bench' installs it)" >&2
mkdir -p "$TMP/home"   # lnav wants a writable $HOME for its configuration

# gen MTA N: the cached log (and its --stats) of N lines, generated if missing
gen() {
	local log="$DATA/$1-$2.log" stats="$DATA/$1-$2.json"
	if [ ! -s "$log" ] || [ ! -s "$stats" ]; then
		echo "bench: generating $log ($2 lines, seed 42)" >&2
		python3 "$GENLOG" --mta "$1" --lines "$2" --seed 42 --stats "$stats.tmp" > "$log.tmp"
		mv "$log.tmp" "$log"
		mv "$stats.tmp" "$stats"
	fi
}

# measure CMD...: RUNS timed runs of CMD (output discarded, a fresh database
# each time, or a copy of $PREP); sets WALL (median seconds), CPU (median
# user + system seconds: on a machine shared with other work, the figure to
# trust) and RSS (highest peak, KiB)
measure() {
	local walls=() cpus=() rss=0 out rc
	for _ in $(seq "$RUNS"); do
		if [ "$DB" = "$TMP/bench.db" ]; then   # else a database only read
			rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
			[ -z "${PREP:-}" ] || cp "$PREP" "$DB"   # start from a given database
		fi
		rc=0
		HOME=$TMP/home /usr/bin/time -o "$TMP/time" -f "%e %M %U %S" "$@" > /dev/null 2>"$TMP/stderr" || rc=$?
		[ "$rc" -eq 0 ] || { cat "$TMP/stderr" >&2; die "'$*' failed (exit $rc)"; }
		read -r w m u sy < <(tail -1 "$TMP/time")
		walls+=("$w")
		cpus+=("$(awk -v u="$u" -v s="$sy" 'BEGIN { print u + s }')")
		[ "$m" -gt "$rss" ] && rss=$m
	done
	WALL=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
	CPU=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
	RSS=$rss
}

# row NAME: one line of the table from WALL and RSS; remembers the wall time
declare -A wall_of rss_of cpu_of
row() {
	wall_of[$1]=$WALL
	cpu_of[$1]=$CPU
	rss_of[$1]=$RSS
	awk -v n="$1" -v w="$WALL" -v r="$RSS" -v l="$NLINES" -v b="$BYTES" 'BEGIN {
		ls = w > 0 ? l / w : 0
		f = ls >= 1e6 ? sprintf("%.1fM", ls / 1e6) : sprintf("%.0fk", ls / 1e3)
		printf "| %-38s | %8.2f | %8s | %7.0f | %8.1f |\n", n, w, f, (w > 0 ? b / 1e6 / w : 0), r / 1024
	}'
}

# speedup A B: how many times faster A is than B
speedup() { awk -v a="${wall_of[$1]}" -v b="${wall_of[$2]}" 'BEGIN { printf "%.1f", (a > 0 ? b / a : 0) }'; }

fail=0
check() {   # check WHAT GOT WANT
	if [ "$2" = "$3" ]; then
		printf 'totals: %-20s %9s  = expected %s\n' "$1" "$2" "$3"
	else
		printf 'totals: %-20s %9s != expected %s\n' "$1" "$2" "$3"
		fail=1
	fi
}
q() { sqlite3 "$DB" "$1"; }
expect() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]])" "$1" "$2" "$3"; }

summary=()
declare -A res   # MTA:base|scale:wall|peer|rss|lines, open:wall|rss, night:...
for mta in $MTAS; do
	gen "$mta" "$LINES"
	log="$DATA/$mta-$LINES.log"
	stats="$DATA/$mta-$LINES.json"
	NLINES=$(wc -l < "$log")
	BYTES=$(stat -c %s "$log")
	cat "$log" > /dev/null   # warm the page cache
	case $mta in
	postfix) pat='status=' peer=pflogsumm question="kind = 'deferred'" ;;
	exim) pat=' => ' peer=eximstats question="kind = 'deferred'" ;;
	sendmail) pat='stat=' peer= question="kind = 'deferred'" ;;
	esac

	echo
	echo "## $mta: $NLINES lines, $((BYTES / 1000000)) MB, median of $RUNS runs, warm page cache"
	echo
	echo "| command                                | wall s   | lines/s  | MB/s    | peak MiB |"
	echo "|----------------------------------------|---------:|---------:|--------:|---------:|"
	measure wc -l "$log"; row "wc -l (floor)"
	# into a pipe: with its output on /dev/null, GNU grep stops at the first match
	measure sh -c 'grep -c "$1" "$2" | cat' sh "$pat" "$log"; row "grep -c '$pat' (floor)"
	if [ -n "$LNAV" ]; then
		measure "$LNAV" -n -c ';SELECT count(*) FROM all_logs' "$log"; row "lnav, bare count(*)"
	fi
	if [ -n "$peer" ]; then
		measure "$peer" "$log"; row "$peer"
	fi
	measure "$SMTPLOG" analyze -q --db "$DB" "$log"; row "smtplog analyze (store + report)"
	measure "$SMTPLOG" analyze -q --no-report --db "$DB" "$log"; row "smtplog analyze --no-report (store)"
	measure sh -c '"$1" analyze -q --no-report --db "$2" "$3" && sqlite3 "$2" "SELECT count(*) FROM events WHERE $4" >/dev/null' \
		sh "$SMTPLOG" "$DB" "$log" "$question"
	row "smtplog store, then one query"
	echo
	sl="smtplog analyze (store + report)"
	res[$mta:base:wall]=${wall_of[$sl]} res[$mta:base:rss]=${rss_of[$sl]} res[$mta:base:lines]=$NLINES
	[ -z "$peer" ] || res[$mta:base:peer]=${wall_of[$peer]}
	if [ -n "$peer" ]; then
		x=$(speedup "$sl" "$peer")
		line=$(printf '%s: smtplog analyze %.2f s vs %s %.2f s: %sx faster, %.2fx the peak memory (target 10x: %s)' \
			"$mta" "${wall_of[$sl]}" "$peer" "${wall_of[$peer]}" "$x" \
			"$(awk -v a="${rss_of[$sl]}" -v b="${rss_of[$peer]}" 'BEGIN { print a / b }')" \
			"$(awk -v x="$x" 'BEGIN { print (x >= 10 ? "met" : "not met") }')")
		echo "$line"
		summary+=("$line")
	else
		line=$(printf '%s: smtplog analyze %.2f s, %s lines/s (no packaged peer)' "$mta" "${wall_of[$sl]}" \
			"$(awk -v l="$NLINES" -v w="${wall_of[$sl]}" 'BEGIN { printf "%.0fk", l / w / 1e3 }')")
		echo "$line"
		summary+=("$line")
	fi
	if [ -n "$LNAV" ]; then
		st="smtplog store, then one query"
		line=$(printf '%s: store, then one query %.2f s vs lnav count(*) %.2f s: %sx (target: faster than lnav: %s)' \
			"$mta" "${wall_of[$st]}" "${wall_of["lnav, bare count(*)"]}" "$(speedup "$st" "lnav, bare count(*)")" \
			"$(awk -v a="${wall_of[$st]}" -v b="${wall_of["lnav, bare count(*)"]}" 'BEGIN { print (a < b ? "met" : "not met") }')")
		echo "$line"
		summary+=("$line")
	fi
	mib=$(awk -v r="${rss_of[$sl]}" 'BEGIN { printf "%.1f", r / 1024 }')
	if awk -v m="$mib" -v l="$MEM_LIMIT_MIB" 'BEGIN { exit !(m <= l) }'; then
		echo "memory: smtplog peak $mib MiB <= $MEM_LIMIT_MIB MiB: ok"
	else
		echo "memory: smtplog peak $mib MiB > $MEM_LIMIT_MIB MiB: FAILED"
		fail=1
	fi

	# totals: the stored database against genlog's expectations, where
	# smtplog and the peer count the same thing
	rm -f "$DB" "$DB-wal" "$DB-shm"
	"$SMTPLOG" analyze -q --no-report --db "$DB" "$log"
	case $mta in
	postfix)
		e() { expect "$stats" expect_pflogsumm "$1"; }
		check received "$(q "SELECT count(*) FROM messages WHERE arrived = 1 AND origin_id IS NULL")" "$(e received)"
		check delivered "$(q "SELECT count(*) FROM events WHERE kind = 'delivered' AND handoff = 0")" "$(e delivered)"
		check forwarded "$(q "SELECT count(*) FROM events WHERE kind = 'forwarded'")" "$(e forwarded)"
		check deferrals "$(q "SELECT count(*) FROM events WHERE kind = 'deferred'")" "$(e deferrals)"
		check "deferred (messages)" "$(q "SELECT count(DISTINCT message_id) FROM events WHERE kind = 'deferred'")" "$(e deferred)"
		check bounced "$(q "SELECT count(*) FROM events WHERE kind = 'bounced'")" "$(e bounced)"
		check rejected "$(q "SELECT count(*) FROM events WHERE kind = 'rejected'")" "$(e rejected)"
		;;
	exim)
		e() { expect "$stats" expect_eximstats "$1"; }
		# eximstats counts bounce messages (<= <>) as received
		check received "$(q "SELECT count(*) FROM messages WHERE arrived = 1")" "$(e received)"
		check "delivered addresses" "$(q "SELECT count(*) FROM events WHERE kind = 'delivered' AND handoff = 0")" "$(e delivered_addresses)"
		check "delayed messages" "$(q "SELECT count(DISTINCT message_id) FROM events WHERE kind = 'deferred'")" "$(e delayed_messages)"
		check "failed messages" "$(q "SELECT count(DISTINCT message_id) FROM events WHERE kind = 'bounced'")" "$(e failed_messages)"
		check rejects "$(q "SELECT count(*) FROM events WHERE kind = 'rejected' AND class = 'permanent'")" "$(e rejects)"
		check "temp rejects" "$(q "SELECT count(*) FROM events WHERE kind = 'rejected' AND class = 'transient'")" "$(e temp_rejects)"
		;;
	sendmail)
		e() { expect "$stats" expect "$1"; }
		check received "$(q "SELECT count(*) FROM messages WHERE arrived = 1 AND origin_id IS NULL")" "$(e received)"
		check delivered "$(q "SELECT count(*) FROM events WHERE kind = 'delivered' AND handoff = 0")" "$(e delivered)"
		check deferrals "$(q "SELECT count(*) FROM events WHERE kind = 'deferred'")" "$(e deferrals)"
		check bounced "$(q "SELECT count(*) FROM events WHERE kind = 'bounced'")" "$(e bounced)"
		check rejected "$(q "SELECT count(*) FROM events WHERE kind = 'rejected'")" "$(e rejected)"
		;;
	esac

	# 5M: time linear in lines, the same peak memory as 1M
	if [ "$LINES" -gt 1000000 ]; then
		gen "$mta" 1000000
		small="$DATA/$mta-1000000.log"
		cat "$small" > /dev/null
		measure "$SMTPLOG" analyze -q --db "$DB" "$small"
		ratio=$(awk -v a="${wall_of[$sl]}" -v b="$WALL" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
		scale=$(awk -v n="$NLINES" 'BEGIN { printf "%.2f", n / 1000000 }')
		if awk -v r="$ratio" -v s="$scale" 'BEGIN { exit !(r <= 1.1 * s) }'; then
			verdict=ok
		else
			verdict=FAILED
			fail=1
		fi
		line=$(printf '%s: linear: %s lines %.2f s = %sx the 1M-line run (%.2f s), at most %.1fx allowed: %s' \
			"$mta" "$NLINES" "${wall_of[$sl]}" "$ratio" "$WALL" "$(awk -v s="$scale" 'BEGIN { print 1.1 * s }')" "$verdict")
		echo "$line"
		summary+=("$line")
		# bounded, not proportional: SQLite's caches and sorters (4 MiB each,
		# two connections) are not full after 1M lines, so allow 8 MiB more
		big=${rss_of[$sl]}
		if awk -v a="$big" -v b="$RSS" 'BEGIN { exit !(a <= b + 8192) }'; then
			verdict=ok
		else
			verdict=FAILED
			fail=1
		fi
		line=$(printf '%s: flat memory: peak %.1f MiB at %s lines, %.1f MiB at 1M (at most 8 MiB more allowed): %s' "$mta" \
			"$(awk -v r="$big" 'BEGIN { print r / 1024 }')" "$NLINES" "$(awk -v r="$RSS" 'BEGIN { print r / 1024 }')" "$verdict")
		echo "$line"
		summary+=("$line")
	fi
done

# The scale runs: BENCH_SCALE_LINES lines of each MTA, the peer and smtplog
# only, the log deleted as soon as its runs are done
if [ "$SCALE_LINES" -gt 0 ]; then
	mkdir -p "$SCALE_DIR"
	for mta in $MTAS; do
		log="$SCALE_DIR/$mta-$SCALE_LINES.log"
		echo "bench: generating $log ($SCALE_LINES lines, seed 42)" >&2
		python3 "$GENLOG" --mta "$mta" --lines "$SCALE_LINES" --seed 42 > "$log"
		NLINES=$(wc -l < "$log")
		BYTES=$(stat -c %s "$log")
		case $mta in postfix) peer=pflogsumm ;; exim) peer=eximstats ;; *) peer= ;; esac
		echo
		echo "## $mta: $NLINES lines, $((BYTES / 1000000)) MB, median of $SCALE_RUNS runs"
		echo
		echo "| command                                | wall s   | lines/s  | MB/s    | peak MiB |"
		echo "|----------------------------------------|---------:|---------:|--------:|---------:|"
		if [ -n "$peer" ]; then
			RUNS=$SCALE_RUNS measure "$peer" "$log"; row "$peer"
			res[$mta:scale:peer]=$WALL
		fi
		RUNS=$SCALE_RUNS measure "$SMTPLOG" analyze -q --db "$DB" "$log"; row "smtplog analyze (store + report)"
		res[$mta:scale:wall]=$WALL res[$mta:scale:rss]=$RSS res[$mta:scale:lines]=$NLINES
		rm -f "$log" "$DB" "$DB-wal" "$DB-shm"
	done
	rmdir "$SCALE_DIR" 2>/dev/null || true
fi

# Messages that never finish: genlog's Postfix log without the "removed"
# lines that end each message, so every message stays open until the
# correlator's bound evicts it
if [[ " $MTAS " == *" postfix "* ]] && [ "$OPEN_LINES" -gt 0 ]; then
	gen postfix "$OPEN_LINES"
	grep -v ': removed$' "$DATA/postfix-$OPEN_LINES.log" > "$TMP/open.log"
	NLINES=$(wc -l < "$TMP/open.log")
	BYTES=$(stat -c %s "$TMP/open.log")
	echo
	echo "## postfix, messages that never finish: $NLINES lines"
	echo
	echo "| command                                | wall s   | lines/s  | MB/s    | peak MiB |"
	echo "|----------------------------------------|---------:|---------:|--------:|---------:|"
	RUNS=1 measure "$SMTPLOG" analyze -q --db "$DB" "$TMP/open.log"; row "smtplog analyze (store + report)"
	res[open:rss]=$RSS res[open:lines]=$NLINES
	rm -f "$TMP/open.log"
fi

# The nightly job: a database holding NIGHT_DAYS - 1 days of Postfix logs,
# one file a day (BENCH_NIGHT_LINES lines each, genlog's rate set so a file
# spans one day); store the last day into it, then report on that day and
# on all of them, against pflogsumm on the same day's file and a first load
# of that day into an empty database.
if [[ " $MTAS " == *" postfix "* ]] && [ "${BENCH_NIGHT_LINES:-300000}" -gt 0 ]; then
	NL=${BENCH_NIGHT_LINES:-300000}
	# genlog writes about 9 lines a session: 1.35 sessions a second per
	# million lines fills about 21 hours of the day (15 a second filled two)
	rate=$(awk -v n="$NL" 'BEGIN { printf "%.4f", 1.35 * n / 1000000 }')
	day() { date -u -d "2026-11-01 + $(($1 - 1)) days" +%F; }
	days=()
	for d in $(seq "$NIGHT_DAYS"); do
		f="$DATA/night-day-$NL-day$d.log"
		if [ ! -s "$f" ]; then
			echo "bench: generating $f ($NL lines, seed $((100 + d)))" >&2
			python3 "$GENLOG" --mta postfix --lines "$NL" --seed $((100 + d)) --rate "$rate" \
				--start "$(day "$d")T00:00:00" > "$f.tmp"
			mv "$f.tmp" "$f"
		fi
		days+=("$f")
	done
	held=$TMP/held.db
	rm -f "$held"
	"$SMTPLOG" analyze -q --no-report --db "$held" "${days[@]:0:NIGHT_DAYS-1}"
	last=${days[NIGHT_DAYS-1]}
	since=$(day "$NIGHT_DAYS") until=$(day $((NIGHT_DAYS + 1)))
	NLINES=$(wc -l < "$last")
	BYTES=$(stat -c %s "$last")
	cat "$last" > /dev/null
	echo
	echo "## the nightly job: $((NIGHT_DAYS - 1)) days of Postfix logs in the database, $NLINES lines a day"
	echo
	echo "| command (on the last day)              | wall s   | lines/s  | MB/s    | peak MiB |"
	echo "|----------------------------------------|---------:|---------:|--------:|---------:|"
	measure pflogsumm "$last"; row "pflogsumm (the day's file)"
	measure "$SMTPLOG" analyze -q --no-report --db "$DB" "$last"; row "smtplog analyze --no-report (first load)"
	PREP=$held measure "$SMTPLOG" analyze -q --no-report --db "$DB" "$last"; row "smtplog analyze --no-report (add the day)"
	# the reads need no fresh copy each (30 days of 1M lines are 4 GB)
	all=$TMP/all.db
	rm -f "$all"; cp "$held" "$all"; "$SMTPLOG" analyze -q --no-report --db "$all" "$last"
	rm -f "$held"
	DB=$all measure "$SMTPLOG" report --db "$all" --since "$since" --until "$until"; row "smtplog report on the day"
	DB=$all measure "$SMTPLOG" report --db "$all"; row "smtplog report on all $NIGHT_DAYS days"
	DB=$all measure sqlite3 "$all" "SELECT count(*) FROM events WHERE kind = 'deferred' AND ts >= '$since' AND ts < '$until'"
	row "one query on the day (sqlite3)"
	rm -f "$all"
	res[night:first]=${wall_of["smtplog analyze --no-report (first load)"]}
	res[night:add]=${wall_of["smtplog analyze --no-report (add the day)"]}
	res[night:first_cpu]=${cpu_of["smtplog analyze --no-report (first load)"]}
	res[night:add_cpu]=${cpu_of["smtplog analyze --no-report (add the day)"]}
	res[night:day_cpu]=${cpu_of["smtplog report on the day"]}
	res[night:all_cpu]=${cpu_of["smtplog report on all $NIGHT_DAYS days"]}
	res[night:day]=${wall_of["smtplog report on the day"]}
	res[night:all]=${wall_of["smtplog report on all $NIGHT_DAYS days"]}
	nightly=$(awk -v a="${res[night:add]}" -v b="${res[night:day]}" 'BEGIN { print a + b }')
	line=$(printf 'nightly: add the day %.2f s + report on it %.2f s = %.2f s vs pflogsumm on the day %.2f s: %sx faster' \
		"${res[night:add]}" "${res[night:day]}" "$nightly" "${wall_of["pflogsumm (the day's file)"]}" \
		"$(awk -v a="$nightly" -v b="${wall_of["pflogsumm (the day's file)"]}" 'BEGIN { printf "%.1f", b / a }')")
	echo "$line"
	summary+=("$line")
fi

# The hourly job: a Postfix log growing to $LINES lines over a day, read
# by a run every hour (24 runs, each on the file as it is then) against one
# run over the whole file. Each run reads only what is new, so the 24 cost
# at most HOURLY_LIMIT (1.5) times the one; the database ends the same.
if [[ " $MTAS " == *" postfix "* ]] && [ "${BENCH_HOURLY:-1}" -gt 0 ]; then
	gen postfix "$LINES"
	log="$DATA/postfix-$LINES.log"
	total=$(wc -l < "$log")
	cat "$log" > /dev/null
	one_db=$TMP/one.db hourly_db=$TMP/hourly.db grow=$TMP/hourly-mail.log
	rm -f "$one_db"
	# cpu_ns CMD...: runs CMD; prints its wall and CPU (user + system) time in ns
	cpu_ns() {
		local t0 out
		t0=$(date +%s%N)
		out=$( { /usr/bin/time -f "%U %S" "$@" >/dev/null; } 2>&1 | tail -1)
		echo "$(( $(date +%s%N) - t0 )) $(awk -v u="${out% *}" -v s="${out#* }" 'BEGIN { printf "%.0f", (u + s) * 1e9 }')"
	}
	split -n l/24 -d -a 2 "$log" "$TMP/hour."   # an hour's lines each
	# HOURLY_PAIRS (3) pairs, one run over the file then the 24 runs, in
	# turn: the ratio of each pair, and the pair of the median ratio is
	# the one reported (a machine whose speed drifts moves both halves of
	# a pair alike)
	pairs=${HOURLY_PAIRS:-3} ratios=() pair_data=()
	for ((k = 0; k < pairs; k++)); do
		rm -f "$one_db" "$one_db"-wal "$one_db"-shm
		read -r one one_cpu < <(cpu_ns "$SMTPLOG" analyze -q --no-report --db "$one_db" "$log")
		rm -f "$hourly_db" "$hourly_db"-wal "$hourly_db"-shm "$grow"
		: > "$grow"
		spent=0 spent_cpu=0
		for hour in "$TMP"/hour.*; do
			cat "$hour" >> "$grow"   # as syslog appends
			read -r w c < <(cpu_ns "$SMTPLOG" analyze -q --no-report --db "$hourly_db" "$grow")
			spent=$(( spent + w )) spent_cpu=$(( spent_cpu + c ))
		done
		ratios+=("$(awk -v a="$spent_cpu" -v b="$one_cpu" 'BEGIN { printf "%.4f", a / b }') $k")
		pair_data+=("$one $one_cpu $spent $spent_cpu")
	done
	median=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (pairs + 1) / 2 ))p" | cut -d' ' -f2)
	read -r one one_cpu spent spent_cpu <<< "${pair_data[$median]}"
	all_ratios=$(printf '%s\n' "${ratios[@]}" | cut -d' ' -f1 | awk '{ printf "%s%.2f", (NR > 1 ? ", " : ""), $1 }')
	rm -f "$TMP"/hour.*
	same=$(for d in "$one_db" "$hourly_db"; do
		sqlite3 "$d" "SELECT (SELECT count(*) FROM events) || ' events, ' || (SELECT count(*) FROM messages) || ' messages, ' || (SELECT count(*) FROM events WHERE sender IS NULL)"
	done | uniq | wc -l)
	# The cost is CPU time: one run over the whole file keeps both cores
	# busy (parsing beside the writer), while an hour's run is too short to
	# overlap much, so wall time also counts the runs' serial start and close.
	ratio=$(awk -v a="$spent_cpu" -v b="$one_cpu" 'BEGIN { printf "%.2f", a / b }')
	wall_ratio=$(awk -v a="$spent" -v b="$one" 'BEGIN { printf "%.2f", a / b }')
	res[hourly]=$ratio
	limit=${HOURLY_LIMIT:-1.5}
	verdict=ok
	awk -v r="$ratio" -v l="$limit" 'BEGIN { exit !(r <= l) }' || verdict="not met"
	[ "$same" -eq 1 ] || { verdict="FAILED (the database differs from one run's)"; fail=1; }
	line=$(printf 'hourly: 24 runs on a file growing to %s lines: CPU %.2f s against %.2f s for one run over it, %sx (at most %s; the median of %s pairs: %s): %s; wall %.2f s against %.2f s, %sx' \
		"$total" "$(awk -v a="$spent_cpu" 'BEGIN { print a / 1e9 }')" "$(awk -v a="$one_cpu" 'BEGIN { print a / 1e9 }')" \
		"$ratio" "$limit" "$pairs" "$all_ratios" "$verdict" "$(awk -v a="$spent" 'BEGIN { print a / 1e9 }')" \
		"$(awk -v a="$one" 'BEGIN { print a / 1e9 }')" "$wall_ratio")
	echo
	echo "$line"
	summary+=("$line")
fi

# The targets (issue 13), each met or not, and by how much
targets=()
# target WHAT MEASURED OK(0|1) DISTANCE [WHY]: WHY, what stands in the way
# (docs/performance.md has the measurements), is printed when not met
target() {
	local why=""
	[ "$3" = 1 ] || why=${5:-}
	targets+=("| $1 | $2 | $([ "$3" = 1 ] && echo met || echo "not met") | $4 | $why |")
}
mlines() { awk -v l="$1" 'BEGIN { printf "%.3gM", l / 1e6 }'; }
# at_most WHAT MEASURED_S LIMIT_S UNIT [WHY]: a time or size under a bound
at_most() {
	local ok dist
	read -r ok dist < <(awk -v m="$2" -v l="$3" -v u="$4" 'BEGIN {
		if (m <= l) printf "1 %.2f %s to spare\n", l - m, u
		else printf "0 %.2f %s over (%.0f%% less needed)\n", m - l, u, 100 * (m - l) / m }')
	target "$1" "$(printf '%.2f %s (at most %.2f)' "$2" "$4" "$3")" "$ok" "$dist" "${5:-}"
}
why_speed="storing every event (a row of 33 columns, its indexes) already takes more than the budget; narrow rows and a parse split after matching are the levers left"
why_memory="the open messages (--max-open), SQLite's caches and the report's key budget"
why_linear="the report's key lists outgrow their 16 MiB budget and are counted through partition files; the index build's sort merges in more passes"
why_add="the indexes on random keys (queue ID, recipient domain) are kept row by row: most of their pages are read, written to the WAL and checkpointed"
why_report="exact top lists and distinct counts read every event of the period; only per-day key tables would avoid it"
for phase in base scale; do
	for mta in postfix exim; do
		w=${res[$mta:$phase:wall]:-} p=${res[$mta:$phase:peer]:-}
		[ -n "$w" ] && [ -n "$p" ] || continue
		case $mta in postfix) f=10 peer=pflogsumm ;; exim) f=7 peer=eximstats ;; esac
		read -r x ok dist < <(awk -v w="$w" -v p="$p" -v f="$f" 'BEGIN {
			x = p / w; need = p / f; printf "%.1f %d ", x, (x >= f)
			if (x >= f) printf "%.2f s to spare\n", need - w
			else printf "%.2f s too slow: at most %.2f s, %.0f%% less\n", w - need, need, 100 * (w - need) / w }')
		target "$mta $(mlines "${res[$mta:$phase:lines]}"): analyze at least ${f}x $peer" \
			"${x}x ($w s against $p s)" "$ok" "$dist" "$why_speed"
	done
	if [ -n "${res[sendmail:$phase:wall]:-}" ] && [ -n "${res[exim:$phase:wall]:-}" ]; then
		read -r sm ex ok dist < <(awk -v sl="${res[sendmail:$phase:lines]}" -v sw="${res[sendmail:$phase:wall]}" \
			-v el="${res[exim:$phase:lines]}" -v ew="${res[exim:$phase:wall]}" 'BEGIN {
			s = sl / sw; e = el / ew; printf "%.0fk %.0fk %d ", s / 1e3, e / 1e3, (s >= e)
			if (s >= e) printf "%.0f%% faster\n", 100 * (s - e) / e
			else printf "%.0f%% slower\n", 100 * (e - s) / e }')
		target "sendmail $(mlines "${res[sendmail:$phase:lines]}"): lines/s at least Exim's" \
			"$sm lines/s against $ex" "$ok" "$dist" "$why_speed"
	fi
	for mta in $MTAS; do
		[ -n "${res[$mta:$phase:rss]:-}" ] || continue
		at_most "$mta $(mlines "${res[$mta:$phase:lines]}"): peak memory" \
			"$(awk -v r="${res[$mta:$phase:rss]}" 'BEGIN { print r / 1024 }')" "$MEM_LIMIT_MIB" MiB "$why_memory"
	done
done
[ -z "${res[open:rss]:-}" ] || at_most "postfix $(mlines "${res[open:lines]}"), messages that never finish: peak memory" \
	"$(awk -v r="${res[open:rss]}" 'BEGIN { print r / 1024 }')" "$MEM_LIMIT_MIB" MiB "$why_memory"
for mta in $MTAS; do
	[ -n "${res[$mta:scale:wall]:-}" ] && [ -n "${res[$mta:base:wall]:-}" ] || continue
	k=$(awk -v a="${res[$mta:scale:lines]}" -v b="${res[$mta:base:lines]}" 'BEGIN { print a / b }')
	at_most "$mta: time linear, $(mlines "${res[$mta:scale:lines]}") against $(mlines "${res[$mta:base:lines]}")" \
		"$(awk -v a="${res[$mta:scale:wall]}" -v b="${res[$mta:base:wall]}" 'BEGIN { print a / b }')" \
		"$(awk -v k="$k" 'BEGIN { print 1.05 * k }')" times "$why_linear"
done
[ -z "${res[hourly]:-}" ] || at_most "hourly (issue 11): 24 runs on a log growing to $(mlines "$LINES") lines, against one run over it (CPU)" \
	"${res[hourly]}" "${HOURLY_LIMIT:-1.5}" times \
	"each run inserts into indexes on random keys and writes each page it changes twice (WAL, then the checkpoint that leaves the file readable by its group); with 16 KiB pages the one run got 10% cheaper and the 24 runs 4%: a page a random key dirties is written whole"
if [ -n "${res[night:add]:-}" ]; then
	at_most "nightly, $((NIGHT_DAYS - 1)) days held: add a day, against a first load of it" \
		"$(awk -v a="${res[night:add]}" -v b="${res[night:first]}" 'BEGIN { print a / b }')" 1.5 times "$why_add"
	at_most "nightly, $((NIGHT_DAYS - 1)) days held: add a day, against a first load of it (CPU)" \
		"$(awk -v a="${res[night:add_cpu]}" -v b="${res[night:first_cpu]}" 'BEGIN { print (b > 0 ? a / b : 0) }')" 1.5 times "$why_add"
	at_most "nightly: report on one day of $NIGHT_DAYS" "${res[night:day]}" 0.05 s "$why_report"
	at_most "nightly: report on one day of $NIGHT_DAYS (CPU)" "${res[night:day_cpu]}" 0.05 s "$why_report"
	at_most "nightly: report on all $NIGHT_DAYS days" "${res[night:all]}" 0.3 s "$why_report"
	at_most "nightly: report on all $NIGHT_DAYS days (CPU)" "${res[night:all_cpu]}" 0.3 s "$why_report"
	[ "$NIGHT_DAYS" -ge 30 ] || echo "bench: the nightly targets are for 30 days of 1M lines (BENCH_NIGHT_DAYS=30 BENCH_NIGHT_LINES=1000000)" >&2
fi

echo
echo "## summary ($LINES lines)"
printf '%s\n' "${summary[@]}"
echo
echo "## targets"
echo
echo "| target | measured | verdict | distance | why, when not met |"
echo "|---|---|---|---|---|"
printf '%s\n' "${targets[@]}"
[ "$fail" -eq 0 ] || die "a check failed (see above)"
