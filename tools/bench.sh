#!/bin/bash
# make bench: smtplog against the tools users would otherwise run, on logs
# from ../shared/tools/genlog (cached in bench-data/, never committed).
# Prints median wall time, lines/s, MB/s, peak RSS and the ratio to each peer,
# and checks that smtplog's totals equal genlog's expected totals.
# Usage: tools/bench.sh PATH/TO/smtplog   (env: BENCH_LINES, BENCH_RUNS, GENLOG)
set -euo pipefail
SMTPLOG=${1:?usage: bench.sh PATH/TO/smtplog}
cd "$(dirname "$0")/.."
LINES=${BENCH_LINES:-1000000}
RUNS=${BENCH_RUNS:-3}
GENLOG=${GENLOG:-../shared/tools/genlog}
DATA=${BENCH_DIR:-bench-data}
mkdir -p "$DATA"

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$GENLOG" ] || [ -f "$GENLOG" ] || die "genlog not found at '$GENLOG' (set GENLOG=...)"
command -v pflogsumm >/dev/null || die "pflogsumm not found: run 'tools/setup-debian.sh --bench'"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: run 'tools/setup-debian.sh --bench'"
command -v sqlite3 >/dev/null || die "sqlite3 not found: run 'tools/setup-debian.sh'"

log="$DATA/postfix-$LINES.log"
stats="$DATA/postfix-$LINES.json"
if [ ! -s "$log" ] || [ ! -s "$stats" ]; then
	echo "bench: generating $log ($LINES lines, seed 42)" >&2
	python3 "$GENLOG" --mta postfix --lines "$LINES" --seed 42 --stats "$stats" > "$log.tmp"
	mv "$log.tmp" "$log"
fi
bytes=$(stat -c %s "$log")
cat "$log" > /dev/null   # warm the page cache

# run NAME CMD...: RUNS timed runs; sets MED_WALL and MAX_RSS_KB
run() {
	local name=$1; shift
	local walls=() rss=0 out
	for _ in $(seq "$RUNS"); do
		rm -f "$DATA/bench.db" "$DATA/bench.db-wal" "$DATA/bench.db-shm"
		out=$( { /usr/bin/time -f "%e %M" "$@" > /dev/null 2>/dev/null; } 2>&1 | tail -1)
		walls+=("${out% *}")
		[ "${out#* }" -gt "$rss" ] && rss=${out#* }
	done
	MED_WALL=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	MAX_RSS_KB=$rss
	printf '%-34s %8.2f s %10.0f lines/s %8.1f MB/s %8.1f MiB\n' "$name" "$MED_WALL" \
		"$(echo "$LINES / $MED_WALL" | bc -l)" "$(echo "$bytes / 1000000 / $MED_WALL" | bc -l)" \
		"$(echo "$MAX_RSS_KB / 1024" | bc -l)"
}

echo "bench: postfix, $LINES lines, $((bytes / 1000000)) MB, median of $RUNS runs, warm cache"
printf '%-34s %10s %18s %13s %12s\n' tool wall throughput "" "peak RSS"
run "wc -l (floor)" wc -l "$log"; wc_wall=$MED_WALL
run "grep -c status= (floor)" grep -c status= "$log"
run "smtplog analyze (store + report)" "$SMTPLOG" analyze -q --db "$DATA/bench.db" "$log"
sl_wall=$MED_WALL; sl_rss=$MAX_RSS_KB
run "smtplog analyze --db :memory:" "$SMTPLOG" analyze -q --db :memory: "$log"
run "pflogsumm" pflogsumm "$log"; pf_wall=$MED_WALL; pf_rss=$MAX_RSS_KB
echo
printf 'smtplog vs pflogsumm: %.1fx faster, %.2fx the peak memory\n' \
	"$(echo "$pf_wall / $sl_wall" | bc -l)" "$(echo "$sl_rss / $pf_rss" | bc -l)"

# totals: the stored database against genlog's expected pflogsumm totals
rm -f "$DATA/bench.db"
"$SMTPLOG" analyze -q --no-report --db "$DATA/bench.db" "$log"
q() { sqlite3 "$DATA/bench.db" "$1"; }
exp() { python3 -c "import json,sys; print(json.load(open('$stats'))['expect_pflogsumm']['$1'])"; }
fail=0
check() {
	local what=$1 got=$2 want=$3
	if [ "$got" = "$want" ]; then
		printf 'totals: %-10s %8s  = genlog %s\n' "$what" "$got" "$want"
	else
		printf 'totals: %-10s %8s != genlog %s\n' "$what" "$got" "$want"; fail=1
	fi
}
check received "$(q "SELECT count(*) FROM messages WHERE arrived=1 AND origin_id IS NULL")" "$(exp received)"
check delivered "$(q "SELECT count(*) FROM events WHERE kind='delivered' AND handoff=0")" "$(exp delivered)"
check forwarded "$(q "SELECT count(*) FROM events WHERE kind='forwarded'")" "$(exp forwarded)"
check deferrals "$(q "SELECT count(*) FROM events WHERE kind='deferred'")" "$(exp deferrals)"
check deferred "$(q "SELECT count(DISTINCT message_id) FROM events WHERE kind='deferred'")" "$(exp deferred)"
check bounced "$(q "SELECT count(*) FROM events WHERE kind='bounced'")" "$(exp bounced)"
check rejected "$(q "SELECT count(*) FROM events WHERE kind='rejected'")" "$(exp rejected)"
rm -f "$DATA/bench.db"
exit $fail
