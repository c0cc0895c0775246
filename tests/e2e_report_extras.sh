#!/bin/bash
# The report checked by the tools its readers use, which CI installs with
# tools/setup-debian.sh --ci-extras: the HTML page opened in headless
# Chromium (the rendered totals read back from its DOM, a screenshot kept
# as build/test-artifacts/report.png) and the Prometheus output through
# `promtool check metrics`. Run by `make e2e-extras`.
. "$(dirname "$0")/e2e_lib.sh"
ART=${ARTIFACTS:-$PWD/build/test-artifacts}
mkdir -p "$ART"
db=$T/r.db
eq "analyze" "$(run analyze -q --no-report --db "$db" --year 2026 sample-logs/mail.log.2.gz sample-logs/mail.log.1 sample-logs/mail.log)" 0
received=$(q "$db" "SELECT count(*) FROM messages WHERE arrived = 1 AND origin_id IS NULL")
rejected=$(q "$db" "SELECT count(*) FROM v_rejections")

# ---- promtool
eq "prometheus output" "$(run report --db "$db" --format prometheus --output "$T/smtplog.prom")" 0
eq "promtool check metrics" "$(promtool check metrics <"$T/smtplog.prom" 2>&1; echo "status $?")" "status 0"
# label values with quotes, backslashes and newlines from a hostile log
printf '%s\n' \
	'Nov 23 10:00:00 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from evil.example[192.0.2.9]: 554 5.7.1 <x@y>: "quoted" \back\ <b>bold</b>; from=<a@b> to=<x@y> proto=ESMTP helo=<e>' \
	>"$T/hostile.log"
"$SMTPLOG" analyze -q --no-report --db "$T/h.db" --year 2026 "$T/hostile.log"
"$SMTPLOG" report --db "$T/h.db" --format prometheus >"$T/h.prom"
eq "promtool: hostile labels" "$(promtool check metrics <"$T/h.prom" 2>&1; echo "status $?")" "status 0"

# ---- headless Chromium: the page renders, its totals are SQL's, no request leaves it
run report --db "$db" --format html --detail 10 --output "$T/report.html" >/dev/null
profile=$(mktemp -d)
chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
		--hide-scrollbars "$@" 2>"$T/chromium.err"
}
chrome --dump-dom "file://$T/report.html" >"$T/dom.html"
eq "chromium: page loaded" "$(grep -c '</html>' "$T/dom.html")" 1
eq "chromium: rendered totals = SQL" "$(python3 - "$T/dom.html" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.row = None; self.cells = {}; self.cell = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and a.get("id", "").startswith("totals-"):
            self.row = a["id"][7:]; self.cells[self.row] = []
        elif tag == "td" and self.row:
            self.cell = ""
    def handle_endtag(self, tag):
        if tag == "td" and self.row and self.cell is not None:
            self.cells[self.row].append(self.cell.strip()); self.cell = None
        elif tag == "tr":
            self.row = None
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(p.cells["received"][1], p.cells["rejected"][1])
PY
)" "$received $rejected"
eq "chromium: the SVG charts rendered (per day, per hour of day)" "$(grep -c '<svg' "$T/dom.html")" 2
lacks "chromium: no script" "$(cat "$T/dom.html")" "<script"
chrome --screenshot="$ART/report.png" --window-size=1280,2400 "file://$T/report.html" >/dev/null
eq "chromium: screenshot kept" "$(python3 -c '
import sys, struct
b = open(sys.argv[1], "rb").read(24)
w, h = struct.unpack(">II", b[16:24])
print(b[:8] == b"\x89PNG\r\n\x1a\n", w, h)' "$ART/report.png")" "True 1280 2400"
rm -rf "$profile"
echo "e2e_report_extras: $pass passed, $fail failed (screenshot: $ART/report.png)"
[ "$fail" -eq 0 ]
