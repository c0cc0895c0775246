#!/bin/bash
# make test-clickhouse: the ClickHouse set-up of README "Scaling out", end to
# end. Starts Debian's clickhouse-server (tools/setup-debian.sh --clickhouse
# installs it) as a foreground process on 127.0.0.1, a free port, with its
# data in a temporary directory; loads clickhouse/schema.sql; exports the
# databases of two hosts (the sample logs: a Postfix host, an Exim and
# Sendmail gateway) and delivers each export twice; then checks that
# clickhouse/report.sql gives smtplog's own report of the same logs (totals,
# and the failure sections by code and reason), that counts by host, kind,
# class and code equal `smtplog query` on the SQLite rows, and that an incremental export adds
# nothing twice. With ../shared/tools/genlog (or GENLOG=...), two more
# hosts of CLICKHOUSE_LINES generated Postfix lines each (the same seed, so
# the same queue IDs on both) measure rows per second into ClickHouse and
# merge speed. No timing is asserted.
# Usage: tools/test-clickhouse.sh PATH/TO/smtplog
set -uo pipefail
SMTPLOG=${1:?usage: test-clickhouse.sh PATH/TO/smtplog}
cd "$(dirname "$0")/.."
LINES=${CLICKHOUSE_LINES:-200000}
GENLOG=${GENLOG:-../shared/tools/genlog}
SERVER=$(command -v clickhouse-server || echo /usr/bin/clickhouse-server)
[ -x "$SERVER" ] || { echo "test-clickhouse: clickhouse-server not installed (tools/setup-debian.sh --clickhouse)" >&2; exit 1; }
T=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export TZ=UTC LC_ALL=C.UTF-8
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
eq()  { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
same() {   # name, file, file: equal as sorted lines
	if cmp -s <(sort "$2") <(sort "$3"); then ok; else bad "$1:"; diff <(sort "$2") <(sort "$3") | head -20 >&2; fi
}
now() { date +%s.%N; }

# ---- the server: loopback only, a free port, everything under $T
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/ch"
cat >"$T/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>$port</tcp_port>
  <path>$T/ch/</path>
  <tmp_path>$T/ch/tmp/</tmp_path>
  <user_files_path>$T/ch/user_files/</user_files_path>
  <format_schema_path>$T/ch/format_schemas/</format_schema_path>
  <users_config>$T/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
</yandex>
EOF
cat >"$T/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
EOF
"$SERVER" --config-file="$T/config.xml" >"$T/server.log" 2>&1 &
pid=$!
ch() { clickhouse-client --host 127.0.0.1 --port "$port" "$@"; }
load() { ch --max_insert_block_size=100000 --date_time_input_format=best_effort --input_format_skip_unknown_fields=1 \
	--query 'INSERT INTO smtplog.ingest FORMAT JSONEachRow'; }
for _ in $(seq 60); do
	ch --query 'SELECT 1' >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.5
done
if ! ch --query 'SELECT 1' >/dev/null 2>&1; then
	echo "test-clickhouse: the server did not start:" >&2
	tail -20 "$T/server.log" >&2
	exit 1
fi
echo "test-clickhouse: $(ch --query 'SELECT version()') on 127.0.0.1:$port" >&2
ch --multiquery <clickhouse/schema.sql || { echo "test-clickhouse: schema.sql failed" >&2; exit 1; }

# ---- two hosts, each export delivered twice
S=sample-logs
"$SMTPLOG" analyze -q --no-report --db "$T/mx1.db" $S/mail.log* || exit 1
"$SMTPLOG" analyze -q --no-report --db "$T/gw1.db" $S/exim/mainlog $S/sendmail/maillog || exit 1
"$SMTPLOG" analyze -q --no-report --db "$T/all.db" $S/mail.log* $S/exim/mainlog $S/sendmail/maillog || exit 1
for h in mx1 gw1; do
	"$SMTPLOG" export --db "$T/$h.db" >"$T/$h.jsonl" || exit 1
done
cat "$T/mx1.jsonl" "$T/gw1.jsonl" | load
eq "first delivery loaded" "$?" 0
cat "$T/gw1.jsonl" "$T/mx1.jsonl" | load
eq "second delivery loaded" "$?" 0
sqlite_rows() { sqlite3 -batch -noheader "$1" "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM messages)" | tr '|' ' '; }
ch_rows() { echo "$(ch --query "SELECT count() FROM smtplog.events $1") $(ch --query "SELECT count() FROM smtplog.messages $1")"; }
want=$(sqlite_rows "$T/all.db")
eq "rows with FINAL: each key once" "$(ch_rows FINAL)" "$want"
read -r ev msg <<<"$want"
eq "rows as stored: both deliveries" "$(ch_rows "")" "$((2 * ev)) $((2 * msg))"

# ---- clickhouse/report.sql against smtplog's own report of the same logs
"$SMTPLOG" report --db "$T/all.db" --format json >"$T/report.json" || exit 1
# each statement of report.sql, by the comment line that names it
section() { awk -v name="-- $1:" 'index($0, name) == 1 { on = 1; next } on && /^$/ { exit } on' clickhouse/report.sql; }
ch --query "$(section totals | sed 's/FORMAT Vertical;/FORMAT TSVWithNames/')" >"$T/ch.totals"
python3 - "$T/report.json" "$T/ch.totals" "$T" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
names, values = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
with open(sys.argv[3] + "/want.totals", "w") as w, open(sys.argv[3] + "/got.totals", "w") as g:
    for n, v in zip(names, values):
        if n == "rejected":
            want = report["totals"]["rejected"]
        else:
            want = report["totals"][n]
        w.write(f"{n} {want}\n")
        g.write(f"{n} {v}\n")
# the failure sections: (code, enhanced code, reason, events, distinct)
for sec, distinct in (("transient", "messages"), ("permanent", "messages"), ("rejected", "clients")):
    with open(f"{sys.argv[3]}/want.{sec}", "w") as w:
        # the report's JSON schema 1 keeps them under "sections"
        groups = report["sections"][sec]["groups"] if "sections" in report else report[sec]
        for grp in groups:
            # the report splits code-less rejections by their reply text: compared by code only
            if sec == "rejected" and grp["smtp_code"] is None and grp["enhanced_code"] is None:
                continue
            cells = [grp["smtp_code"], grp["enhanced_code"], grp["reason"], grp["count"], grp[distinct]]
            w.write("\t".join("\\N" if c is None else str(c) for c in cells) + "\n")
EOF
same "report.sql totals = smtplog report totals" "$T/got.totals" "$T/want.totals"
for sec in transient permanent rejected; do
	ch --query "$(section "$sec" | sed 's/;$//')" |
		awk -F '\t' -v sec="$sec" 'sec != "rejected" || $1 != "\\N" || $2 != "\\N"' >"$T/got.$sec"
	same "report.sql $sec section = smtplog report" "$T/got.$sec" "$T/want.$sec"
done
eq "report.sql: the transient section is not empty" "$([ -s "$T/got.transient" ] && echo rows)" rows

# ---- totals by host, kind, class and code: ClickHouse = smtplog query
sq() { "$SMTPLOG" query --db "$T/all.db" --format tsv --no-header "$1"; }
sq "SELECT coalesce(host, ''), kind, coalesce(class, 'NULL'), coalesce(smtp_code, 'NULL'), count(*)
	FROM events GROUP BY 1, 2, 3, 4" >"$T/want.kinds"
ch --query "SELECT host, kind, ifNull(class, 'NULL'), ifNull(toString(smtp_code), 'NULL'), count()
	FROM smtplog.events FINAL GROUP BY host, kind, class, smtp_code" >"$T/got.kinds"
same "counts by host, kind, class, code" "$T/got.kinds" "$T/want.kinds"
eq "counts by kind: not empty" "$(grep -c . "$T/want.kinds")" "$(sq "SELECT count(*) FROM (SELECT DISTINCT host, kind, class, smtp_code FROM events)")"
sq "SELECT coalesce(host, ''), count(*), sum(complete), sum(arrived AND origin_id IS NULL)
	FROM messages GROUP BY 1" >"$T/want.msgs"
ch --query "SELECT host, count(), sum(complete), sum(arrived AND isNull(origin_key))
	FROM smtplog.messages FINAL GROUP BY host" >"$T/got.msgs"
same "messages by host (complete, received)" "$T/got.msgs" "$T/want.msgs"

# ---- the knowledge base as a table, joined
sqlite3 -batch -noheader -readonly "$T/all.db" "SELECT json_object('code', code, 'lang', lang,
	'class', class, 'title', title, 'description', description, 'when_seen', when_seen,
	'fix_sender', fix_sender, 'fix_admin', fix_admin) FROM codes" |
	ch --query 'INSERT INTO smtplog.codes FORMAT JSONEachRow'
eq "codes loaded" "$(ch --query "SELECT count() FROM smtplog.codes FINAL")" "$(sqlite3 "$T/all.db" "SELECT count(*) FROM codes")"
ch --query "$(section titles | sed 's/;$//')" >"$T/got.titles"
eq "codes joined to failures" "$(grep -P '^5\.1\.1\t' "$T/got.titles" | cut -f2)" "Bad Destination Mailbox Address"

# ---- incremental: a destination gets each row once; open messages again, harmlessly
"$SMTPLOG" export --db "$T/mx1.db" --incremental ch >"$T/inc1.jsonl" &&
	"$SMTPLOG" export --db "$T/mx1.db" --incremental ch >"$T/inc2.jsonl"
eq "incremental: no event the second time" "$(grep -c '"type":"event"' "$T/inc2.jsonl")" 0
cat "$T/inc1.jsonl" "$T/inc2.jsonl" | load
eq "incremental deliveries on top: rows unchanged" "$(ch_rows FINAL)" "$want"
ch --query "OPTIMIZE TABLE smtplog.events FINAL" && ch --query "OPTIMIZE TABLE smtplog.messages FINAL"
eq "after ClickHouse merged the parts: duplicates gone" "$(ch_rows "")" "$want"

# ---- measured: rows per second into ClickHouse, merge speed (GENLOG)
if [ -f "$GENLOG" ]; then
	for h in mx2 mx3; do
		python3 "$GENLOG" --mta postfix --lines "$LINES" --seed 14 --hostname "$h" >"$T/$h.log" &&
			"$SMTPLOG" analyze -q --no-report --db "$T/$h.db" "$T/$h.log" || exit 1
	done
	t0=$(now)
	"$SMTPLOG" merge -q --db "$T/site.db" "$T/mx2.db" "$T/mx3.db" || exit 1
	t1=$(now)
	read -r mev mmsg <<<"$(sqlite_rows "$T/site.db")"
	"$SMTPLOG" export --db "$T/site.db" >"$T/site.jsonl" || exit 1
	t2=$(now)
	load <"$T/site.jsonl"
	t3=$(now)
	rows=$((mev + mmsg))
	eq "generated hosts: same queue IDs, separate messages" "$(sqlite3 "$T/site.db" "SELECT count(DISTINCT host) FROM messages")" 2
	eq "generated hosts loaded" "$(ch --query "SELECT count() FROM smtplog.events FINAL WHERE host IN ('mx2', 'mx3')")" "$mev"
	awk -v r="$rows" -v l="$LINES" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" 'BEGIN {
		m = t1 - t0; e = t2 - t1; c = t3 - t2
		printf "test-clickhouse: 2 hosts x %d lines = %d rows: merge %.2f s (%.0f rows/s), export %.2f s (%.0f rows/s), ClickHouse load %.2f s (%.0f rows/s)\n",
			l, r, m, r / m, e, r / e, c, r / c }' >&2
fi

echo "test-clickhouse: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
