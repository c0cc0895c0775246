#!/bin/bash
# End-to-end tests of syslog forms that change how lines are read: RFC 5424
# and a raw <PRI> before the header (logline.c), and lines the syslog daemon
# folded, which stand for several identical lines: rsyslog's "message
# repeated N times: [ msg]" and sysklogd's and BSD syslogd's "last message
# repeated N times". Run by `make e2e`.
. "$(dirname "$0")/e2e_lib.sh"

db=$T/f.db
cat >"$T/mail.log" <<'LOG'
<22>1 2026-11-23T06:25:01.123456Z mx1 postfix/smtpd 100 - - NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1 <c@d.example>: Relay access denied; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x>
<22>Nov 23 06:25:02 mx1 postfix/smtpd[100]: NOQUEUE: reject: RCPT from unknown[192.0.2.2]: 554 5.7.1 <c@d.example>: Relay access denied; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x>
Nov 23 06:25:03 mx1 postfix/smtpd[100]: NOQUEUE: reject: RCPT from unknown[192.0.2.3]: 450 4.7.1 <c@d.example>: Recipient address rejected: Greylisted; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x>
Nov 23 06:25:04 mx1 postfix/smtpd[100]: message repeated 2 times: [ NOQUEUE: reject: RCPT from unknown[192.0.2.3]: 450 4.7.1 <c@d.example>: Recipient address rejected: Greylisted; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x>]
Nov 23 06:25:05 mx1 postfix/smtpd[100]: NOQUEUE: reject: RCPT from unknown[192.0.2.4]: 450 4.7.1 <c@d.example>: Recipient address rejected: Greylisted; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x>
Nov 23 06:25:06 mx1 last message repeated 3 times
LOG
eq "analyze" "$(run analyze -q --no-report --year 2026 --db "$db" "$T/mail.log")" 0
eq "every line understood" "$(q "$db" "SELECT lines, recognized, unrecognized FROM sources")" "6|6|0"
eq "RFC 5424 and <PRI> lines: host, program, time" \
   "$(q "$db" "SELECT line, ts, host, program, remote_ip FROM events WHERE line <= 2 ORDER BY line")" \
   "1|2026-11-23T06:25:01.123456Z|mx1|postfix/smtpd|192.0.2.1
2|2026-11-23T06:25:02Z|mx1|postfix/smtpd|192.0.2.2"
eq "a folded line counts each time it stands for" \
   "$(q "$db" "SELECT remote_ip, count(*) FROM events GROUP BY 1 ORDER BY 1")" \
   "192.0.2.1|1
192.0.2.2|1
192.0.2.3|3
192.0.2.4|4"
eq "the repeats of the line before are at the repeat line's place and time" \
   "$(q "$db" "SELECT line, seq, ts FROM events WHERE remote_ip = '192.0.2.4' ORDER BY line, seq")" \
   "5|0|2026-11-23T06:25:05Z
6|0|2026-11-23T06:25:06Z
6|1|2026-11-23T06:25:06Z
6|2|2026-11-23T06:25:06Z"
eq "the report counts them" "$(q "$db" "SELECT sum(rejected) FROM v_daily_summary")" 9
eq "reading it again adds nothing" "$(run analyze -q --no-report --reread --year 2026 --db "$db" "$T/mail.log"; q "$db" "SELECT count(*) FROM events")" "0
9"

# Sendmail cut a long line into pieces (sm_syslog, sendmail/conf.c: "%s[%d]:
# %s ..." but for the last piece, cut after a ',' or ' '): the rows of the
# joined line stand at its first piece, one per recipient of the whole list.
db=$T/sm.db
cat >"$T/sm.log" <<'LOG'
Nov 23 06:25:01 mx2 sm-mta[42]: m3G8wu8g024234: from=<a@b.example>, size=1200, class=0, nrcpts=3, msgid=<1@b.example>, proto=ESMTP, daemon=MTA, relay=c.example [192.0.2.9]
Nov 23 06:25:02 mx2 sm-mta[43]: m3G8wu8g024234[1]: to=<u1@d.example>,<u2@d.example>, ...
Nov 23 06:25:02 mx2 sm-mta[44]: m3G8wu8g024299: from=<x@b.example>, size=1, class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=c.example [192.0.2.9]
Nov 23 06:25:02 mx2 sm-mta[43]: m3G8wu8g024234[2]: <u3@d.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120406,  ...
Nov 23 06:25:02 mx2 sm-mta[43]: m3G8wu8g024234[3]: relay=mx.d.example. [192.0.2.7], dsn=5.1.1, stat=User unknown
LOG
eq "analyze, pieces" "$(run analyze -q --no-report --year 2026 --db "$db" "$T/sm.log")" 0
eq "every piece understood" "$(q "$db" "SELECT lines, recognized, unrecognized FROM sources")" "5|5|0"
eq "the joined line: a row per recipient at its first piece" \
   "$(q "$db" "SELECT line, seq, kind, class, enhanced_code, recipient, relay FROM events ORDER BY line, seq")" \
   "2|0|bounced|permanent|5.1.1|u1@d.example|mx.d.example. [192.0.2.7]
2|1|bounced|permanent|5.1.1|u2@d.example|mx.d.example. [192.0.2.7]
2|2|bounced|permanent|5.1.1|u3@d.example|mx.d.example. [192.0.2.7]"
eq "tied to its message" "$(q "$db" "SELECT count(*) FROM events e JOIN messages m ON m.id = e.message_id WHERE m.sender = 'a@b.example'")" 3
eq "reading the pieces again adds nothing" "$(run analyze -q --no-report --reread --year 2026 --db "$db" "$T/sm.log"; q "$db" "SELECT count(*) FROM events")" "0
3"

echo "e2e_syslog_forms: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
