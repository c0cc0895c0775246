#!/bin/bash
# End-to-end tests of the reasons: how many of the corpus's real failure
# replies get a specific reason (the figure is printed; at least 90% is
# required), Exim's "Unrouteable address" for one of this host's own
# domains, and Exim's retry-time waits. Run by `make e2e`.
. "$(dirname "$0")/e2e_lib.sh"

# ---- coverage: every failure event (transient or permanent) of the corpus,
# outside the Exim test suite (its harness's own servers say what the tests
# make them say)
db=$T/corpus.db
files=$(ls tests/corpus/*/*.log | grep -v exim-testsuite)
# shellcheck disable=SC2086
eq "corpus analyze" "$(run analyze -q --no-report --db "$db" $files)" 0
read -r all named <<<"$(q "$db" "SELECT count(*), count(reason) FROM events
                                 WHERE class IN ('transient', 'permanent')" | tr '|' ' ')"
read -r texts tnamed <<<"$(q "$db" "SELECT count(*), count(reason) FROM events
                                 WHERE class IN ('transient', 'permanent')
                                   AND reply IS NOT NULL AND reply <> ''" | tr '|' ' ')"
echo "reasons: $named of $all failure events ($((100 * named / all))%), $tnamed of $texts with a reply text ($((100 * tnamed / texts))%)"
eq "at least 90% of the failures have a reason" "$((100 * named >= 90 * all))" 1
eq "the corpus has failures to count" "$((all >= 150))" 1
# every reason named is one of the knowledge base's, in every language
eq "reasons known in four languages" "$(q "$db" "SELECT count(DISTINCT e.reason) FROM events e
      WHERE e.reason IS NOT NULL AND (SELECT count(*) FROM reasons r WHERE r.id = e.reason) <> 4")" 0

# ---- Exim "Unrouteable address" for a domain this host delivers locally:
# no such local user; for any other domain, a routing (DNS) failure. The
# refusal comes before the first local delivery: line order does not matter.
# Line shapes: smtp_in.c smtp_handle_acl_fail ("%s %s%srejected %s%s"),
# deliver.c delivery_log ("=> local_part <address> R= T=").
cat >"$T/mainlog" <<'EOF'
2026-11-23 06:00:00 H=mx.example.net [192.0.2.7] F=<a@example.net> rejected RCPT <nobody@ours.example>: Unrouteable address
2026-11-23 06:00:01 H=mx.example.net [192.0.2.7] F=<a@example.net> rejected RCPT <x@elsewhere.example>: Unrouteable address
2026-11-23 06:05:00 1vAbCd-0001Xy-Ab <= a@example.net H=mx.example.net [192.0.2.7] P=esmtp S=1234
2026-11-23 06:05:00 1vAbCd-0001Xy-Ab => bob <bob@ours.example> R=localuser T=local_delivery
2026-11-23 06:05:00 1vAbCd-0001Xy-Ab Completed
EOF
db=$T/exim.db
eq "exim analyze" "$(run analyze -q --no-report --db "$db" "$T/mainlog")" 0
eq "own domain: no such local user" \
	"$(q "$db" "SELECT reason FROM events WHERE recipient = 'nobody@ours.example'")" user-unknown
eq "another domain: routing failure" \
	"$(q "$db" "SELECT reason FROM events WHERE recipient = 'x@elsewhere.example'")" host-not-found
# a later run into the same database knows the domain from the first
printf '%s\n' '2026-11-23 07:00:00 H=mx.example.net [192.0.2.7] F=<a@example.net> rejected RCPT <nobody2@ours.example>: Unrouteable address' >"$T/mainlog.2"
eq "exim second run" "$(run analyze -q --no-report --db "$db" "$T/mainlog.2")" 0
eq "own domain, later run" \
	"$(q "$db" "SELECT reason FROM events WHERE recipient = 'nobody2@ours.example'")" user-unknown

# ---- Exim "retry time not reached": a deferral (eximstats counts every
# "==" line), no code, named a wait (tests/corpus/exim/exim-testsuite-log-0476.log)
db=$T/retry.db
eq "retry analyze" "$(run analyze -q --no-report --db "$db" tests/corpus/exim/exim-testsuite-log-0476.log)" 0
eq "== lines are deferrals" "$(q "$db" "SELECT count(*) FROM events WHERE kind = 'deferred'")" \
	"$(grep -c ' == ' tests/corpus/exim/exim-testsuite-log-0476.log)"
eq "the wait: no code, its reason" "$(q "$db" "SELECT quote(smtp_code), reason FROM events
      WHERE reply LIKE 'retry time not reached%'")" "NULL|retry-wait"
eq "the wait's title says so" "$(q "$db" "SELECT title FROM reasons WHERE id = 'retry-wait' AND lang = 'en'")" \
	"Waiting for the retry time"

echo "e2e_reasons: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
