#!/bin/bash
# run.sh BUILD SECONDS NAME...: makes each harness's seed corpus (from the
# committed logs, so a clean clone needs nothing else), runs each harness
# SECONDS seconds, and prints libFuzzer's figures: executions, edge coverage
# (cov) and features (ft). A crash stops nothing else; the input that caused
# it is kept as BUILD/fuzz/artifacts/NAME-crash-* and the run fails.
set -uo pipefail
build=$1 seconds=$2
shift 2
cd "$(dirname "$0")/../.."
out=$build/fuzz
mkdir -p "$out/artifacts"

# seeds NAME DIR: the seed files of one harness
seeds() {
	local name=$1 dir=$2 f i=0
	rm -rf "$dir" && mkdir -p "$dir"
	local logs=(tests/corpus/*/*.log sample-logs/mail.log sample-logs/mail.log.1
	            sample-logs/exim/mainlog sample-logs/sendmail/maillog)
	case $name in
	fuzz_logline)
		# one seed per distinct line
		cat "${logs[@]}" | sort -u | head -n 3000 | split -l 1 -a 4 - "$dir/line-" ;;
	fuzz_report)
		# a report costs milliseconds: every eighth distinct line, 20 to a seed
		cat "${logs[@]}" | sort -u | awk 'NR % 8 == 1' | split -l 20 -a 3 - "$dir/lines-" ;;
	fuzz_recog)
		# runs of 20 consecutive lines, so messages open, change and close
		for f in "${logs[@]}"; do
			split -l 20 -a 3 "$f" "$dir/$(basename "$f")-"
		done ;;
	fuzz_ingest)
		# runs of 30 lines, the first byte saying after how many (0-15) the
		# file is cut; every sixth run only: each input costs three loads
		for f in "${logs[@]}"; do
			split -l 30 -a 3 "$f" "$dir/$(basename "$f")-"
		done
		ls "$dir" | awk 'NR % 6 != 1' | sed "s#^#$dir/#" | xargs rm -f
		for f in "$dir"/*; do
			{ printf "\\x$(printf %02x $((i++ % 16)))"; cat "$f"; } > "$f.cut" && mv "$f.cut" "$f"
		done ;;
	fuzz_reader)
		for f in "${logs[@]}"; do
			[ "$(wc -c < "$f")" -le 65536 ] || continue
			cp "$f" "$dir/$(basename "$f")"
			i=$((i + 1))
			[ $((i % 4)) -eq 0 ] && gzip -9 -c "$f" > "$dir/$(basename "$f").gz"
		done
		cp sample-logs/mail.log.2.gz "$dir/"
		# several members, one cut short, CRLF line ends, NULs and a long line
		{ gzip -c sample-logs/mail.log.1; gzip -c tests/corpus/exim/ossec-exim-ini.log; } > "$dir/members.gz"
		gzip -c sample-logs/mail.log | head -c 300 > "$dir/cut.gz"
		sed 's/$/\r/' tests/corpus/postfix/crowdsec-postfix-logs.log > "$dir/crlf.log"
		printf 'a\0b\nNov 23 06:25:01 mx1 postfix/smtp[1]: \xc3\x28 x\n%0300d\nend' 0 > "$dir/odd.log" ;;
	fuzz_patterns)
		for f in patterns/*.pat; do
			cp "$f" "$dir/$(basename "$f")"
			# and each entry alone (entries are separated by blank lines)
			awk -v d="$dir/$(basename "$f" .pat)-" 'BEGIN { RS = ""; n = 0 }
				/(^|\n)id:/ { print > (d n++) }' "$f"
		done ;;
	esac
}

failed=0 passed=0
summary=()
for name in "$@"; do
	bin=$out/$name
	corpus=$out/corpus/$name
	seeddir=$out/seeds/$name
	mkdir -p "$corpus"
	seeds "$name" "$seeddir"
	log=$out/$name.log
	# inputs as long as the seeds need: longer ones only slow the search down
	case $name in
	fuzz_reader) max_len=70000 ;;    # past the 64 KiB fingerprint prefix
	fuzz_patterns) max_len=16384 ;;
	fuzz_recog) max_len=8192 ;;     # 20 lines
	fuzz_ingest) max_len=8192 ;;    # 30 lines
	*) max_len=4096 ;;
	esac
	echo "== $name: $seconds s on $(ls "$seeddir" | wc -l) seeds" >&2
	# -timeout: one input that runs 10 s is a hang; -rss_limit_mb: 2 GiB is a leak;
	# -seed: a fixed seed (FUZZ_SEED, default 1) makes a run repeatable, so a
	# failure in CI is found again by the same command on any machine
	"$bin" -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=$max_len \
		-print_final_stats=1 -dict=tests/fuzz/mail.dict -artifact_prefix="$out/artifacts/$name-" \
		"$corpus" "$seeddir" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		status=ok
	else
		failed=$((failed + 1))
		status="FAILED (exit $rc; see $log)"
		grep -E 'ERROR|check failed|SUMMARY|Test unit written' "$log" | head -n 8 >&2
	fi
	summary+=("$(printf '%-14s %10s execs  cov: %-6s ft: %-6s %s' "$name" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$status")")
done
printf '%s\n' "${summary[@]}"
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
