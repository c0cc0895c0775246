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


# Sophos UTM (Astaro): syslog-ng's "YYYY:MM:DD-HH:MM:SS host prog[pid]: "
# in local time, its two Exims tagged exim-in and exim-out, and each of
# their lines carrying Exim's own stamp after the tag (the shape of a UTM
# smtp.log as its users quote it: community.sophos.com, "How to analyze the
# SMTP log file", 2019; pastebin.com/7N7NkGDE, 2011).
db=$T/utm.db
cat >"$T/utm.log" <<'LOG'
2019:06:10-11:04:40 defense exim-in[6854]: 2019-06-10 11:04:40 SMTP connection from [192.0.2.10]:53500 (TCP/IP connection count = 1)
2019:06:10-11:04:40 defense exim-in[9103]: 2019-06-10 11:04:40 [192.0.2.10] F=<a@b.example> R=<c@d.example> Accepted: from relay
2019:06:10-11:04:41 defense exim-in[9103]: 2019-06-10 11:04:41 1haLqi-0002Mp-2G <= a@b.example H=mx.b.example [192.0.2.10]:53500 P=esmtps S=5120 id=1@b.example
2019:06:10-11:04:42 defense exim-out[9200]: 2019-06-10 11:04:42 1haLqj-0002Mu-4K => c@d.example R=static_route_hostlist T=static_smtp H=mail.d.example [192.0.2.20]:25 C="250 2.0.0 Ok: queued as 4F0A1"
2019:06:10-11:04:42 defense exim-out[9200]: 2019-06-10 11:04:42 1haLqj-0002Mu-4K Completed
2019:06:10-11:04:43 defense exim-in[9104]: 2019-06-10 11:04:43 H=(x) [192.0.2.11]:4000 F=<s@spam.example> rejected RCPT <c@d.example>: Relay access denied
LOG
eq "analyze, Sophos UTM" "$(run analyze -q --no-report --db "$db" "$T/utm.log")" 0
eq "every UTM line understood" "$(q "$db" "SELECT lines, recognized, unrecognized FROM sources")" "6|6|0"
eq "UTM: the syslog stamp's time, the tag, Exim's fields" \
   "$(q "$db" "SELECT line, ts, host, program, mta, kind, recipient, remote_ip, smtp_code FROM events ORDER BY line")" \
   "4|2019-06-10T11:04:42Z|defense|exim-out|exim|delivered|c@d.example|192.0.2.20|250
6|2019-06-10T11:04:43Z|defense|exim-in|exim|rejected|c@d.example|192.0.2.11|"
eq "UTM: the arrival" "$(q "$db" "SELECT queue_id, sender, size FROM messages WHERE queue_id = '1haLqi-0002Mp-2G'")" \
   "1haLqi-0002Mp-2G|a@b.example|5120"

# A log passed on by a tool: `docker compose logs` of a mailcow stack and
# grep -H over rotated files put their own prefix before each line, `docker
# logs -t` its own RFC 3339 stamp.
db=$T/cap.db
cat >"$T/cap.log" <<'LOG'
postfix-mailcow-1  | Apr 10 23:18:39 a3426da50090 postfix/smtpd[640]: NOQUEUE: reject: RCPT from unknown[192.0.2.214]: 554 5.7.1 <c@d.example>: Relay access denied; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x>
/var/log/mail.log.1:Apr 10 23:18:40 mx1 postfix/smtp[641]: 4F0A1: to=<c@d.example>, relay=mx.d.example[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)
2026-04-10T21:18:41.123456789Z Apr 10 23:18:41 mail postfix/smtpd[642]: NOQUEUE: reject: RCPT from unknown[192.0.2.215]: 450 4.7.1 <c@d.example>: Recipient address rejected: Greylisted; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x>
LOG
eq "analyze, prefixed lines" "$(run analyze -q --no-report --year 2026 --db "$db" "$T/cap.log")" 0
eq "every prefixed line understood" "$(q "$db" "SELECT lines, recognized, unrecognized FROM sources")" "3|3|0"
eq "the prefix is no part of the line: host, program, fields" \
   "$(q "$db" "SELECT line, ts, host, program, kind, remote_ip, smtp_code FROM events ORDER BY line")" \
   "1|2026-04-10T23:18:39Z|a3426da50090|postfix/smtpd|rejected|192.0.2.214|554
2|2026-04-10T23:18:40Z|mx1|postfix/smtp|delivered|192.0.2.20|250
3|2026-04-10T21:18:41.123456Z|mail|postfix/smtpd|rejected|192.0.2.215|450"

# journalctl -o short-iso, as saved from `journalctl -u postfix`: its own
# "-- Journal begins at ... --" and "-- Boot ID --" lines are another
# program's, not mail lines left unread.
db=$T/jc.db
cat >"$T/jc.log" <<'LOG'
-- Journal begins at Mon 2026-11-23 06:00:01 UTC, ends at Mon 2026-11-23 06:25:09 UTC. --
2026-11-23T06:25:01+0000 mx1 postfix/smtp[9]: 4F0A1: to=<c@d.example>, relay=mx.d.example[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)
-- Boot 4b2d9f0c1e8a4b6c9d0e1f2a3b4c5d6e --
2026-11-23T06:25:09+0000 mx1 postfix/master[1]: daemon started -- version 3.7.11, configuration /etc/postfix
LOG
eq "analyze, journalctl export" "$(run analyze -q --no-report --db "$db" "$T/jc.log")" 0
eq "journalctl's markers: other program's lines, none unread" \
   "$(q "$db" "SELECT lines, recognized, unrecognized, foreign_lines FROM sources")" "4|2|0|2"
eq "journalctl's markers: counted under its name" \
   "$(q "$db" "SELECT program, reason, count FROM unrecognized")" "journalctl|not mail-transfer|2"

# Exim through syslog keeps its own stamp in the message unless
# syslog_timestamp is false (the option's default is true).
db=$T/exs.db
cat >"$T/exs.log" <<'LOG'
Nov 23 06:25:01 mx3 exim[4100]: 2026-11-23 06:25:01 1vAbCd-0001Xy-Ab <= a@b.example H=mx.b.example [192.0.2.30] P=esmtp S=900
Nov 23 06:25:02 mx3 exim[4101]: 2026-11-23 06:25:02 [4101] 1vAbCd-0001Xy-Ab ** c@d.example R=dnslookup T=remote_smtp H=mx.d.example [192.0.2.31]: SMTP error from remote mail server after RCPT TO:<c@d.example>: 550 5.1.1 unknown
LOG
eq "analyze, Exim's stamp through syslog" "$(run analyze -q --no-report --year 2026 --db "$db" "$T/exs.log")" 0
eq "every such line understood" "$(q "$db" "SELECT lines, recognized, unrecognized FROM sources")" "2|2|0"
eq "the bounce and its message" \
   "$(q "$db" "SELECT e.kind, e.smtp_code, e.enhanced_code, m.sender FROM events e JOIN messages m ON m.id = e.message_id")" \
   "bounced|550|5.1.1|a@b.example"

# BusyBox syslogd (Alpine Linux, mail containers) writes facility.priority
# between the host and the tag (sysklogd/syslogd.c); a log quoted in a mail
# or a forum post has '>' marks or line numbers before its lines. Lines of a
# backup host's /var/log/messages as a Rust test of it quotes them.
db=$T/bb.db
cat >"$T/bb.log" <<'LOG'
Mar 22 07:45:01 backup mail.info postfix/smtpd[1080]: 8095C171A: client=localhost[::1]
Mar 22 07:45:01 backup mail.info postfix/cleanup[1083]: 8DB5E171B: message-id=<20260322124501.8095C171A@backup.ethantwardy.com>
Mar 22 07:45:01 backup mail.info postfix/qmgr[595]: 8DB5E171B: from=<backup@backup.ethantwardy.com>, size=633, nrcpt=1 (queue active)
> Mar 22 07:45:01 backup mail.info postfix/smtp[1085]: 8DB5E171B: to=<et@ethantwardy.com>, orig_to=<root@backup.ethantwardy.com>, relay=none, delay=0.04, delays=0.01/0.02/0.01/0, dsn=4.4.1, status=deferred (connect to 10.4.0.1[10.4.0.1]:25: Connection refused)
  449 Mar 22 11:31:04 backup mail.info postfix/smtp[1091]: 8DB5E171B: to=<et@ethantwardy.com>, orig_to=<root@backup.ethantwardy.com>, relay=10.4.0.1[10.4.0.1]:25, delay=13562, delays=13551/0.02/11/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as A96957B976)
Mar 22 11:31:04 backup mail.info postfix/qmgr[595]: 8DB5E171B: removed
LOG
eq "analyze, BusyBox and quoted lines" "$(run analyze -q --no-report --year 2026 --db "$db" "$T/bb.log")" 0
eq "every such line understood" "$(q "$db" "SELECT lines, recognized, unrecognized FROM sources")" "6|6|0"
eq "the deferral and the delivery of one message, on host backup" \
   "$(q "$db" "SELECT e.host, e.kind, e.enhanced_code, m.sender FROM events e JOIN messages m ON m.id = e.message_id ORDER BY e.line")" \
   "backup|deferred|4.4.1|backup@backup.ethantwardy.com
backup|delivered|2.0.0|backup@backup.ethantwardy.com"

# A Postfix container's log as the runtime stores it: Docker's json-file
# driver (/var/lib/docker/containers/ID/ID-json.log) and the CRI files of
# Kubernetes (/var/log/containers): the lines inside are read as lines.
db=$T/ct.db
cat >"$T/ct.log" <<'LOG'
{"log":"Nov 23 06:25:01 mx4 postfix/qmgr[12]: 4F0A1: from=\u003ca@b.example\u003e, size=900, nrcpt=1 (queue active)\n","stream":"stdout","time":"2026-11-23T06:25:01.1Z"}
2026-11-23T06:25:02.123456789Z stdout F Nov 23 06:25:02 mx4 postfix/smtp[13]: 4F0A1: to=<c@d.example>, relay=mx.d.example[192.0.2.40]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.d.example[192.0.2.40] said: 550 5.1.1 unknown user (in reply to RCPT TO command))
LOG
eq "analyze, container log files" "$(run analyze -q --no-report --year 2026 --db "$db" "$T/ct.log")" 0
eq "every such line understood" "$(q "$db" "SELECT lines, recognized, unrecognized FROM sources")" "2|2|0"
eq "the bounce tied to its message" \
   "$(q "$db" "SELECT e.host, e.kind, e.smtp_code, m.sender FROM events e JOIN messages m ON m.id = e.message_id")" \
   "mx4|bounced|550|a@b.example"

# A log line a mail client or a forum broke into several (logline_wrap.c):
# a mailing list's quoted maillog ("> ... from=<a@b.example>, size=366," then
# "> nrcpt=1 (queue active)"), a blog's line with each field on its own
# ("... to=<sysadmin@example.com>, " then "relay=...:25, " then
# "delay=0.35, " ...), a forum's blank line inside one: the parts read as
# the line they were, its event at the first part's place; blank lines are
# no mail lines; a part that is understood alone stays alone, unless it is
# cut: a parenthesis left open, a Postfix refusal without the "proto=" that
# smtpd_check.c always writes after the reply.
db=$T/wrap.db
cat >"$T/wrap.log" <<'LOG'
> Jan 12 14:29:38 F055 postfix/qmgr[26852]: 78F628C4596: from=<a@b.example>, size=366,
> nrcpt=1 (queue active)
Dec 21 21:54:51 server postfix/smtp[18154]: 9E0443E949: to=<sysadmin@example.com>, 
relay=spool.mail.gandi.net[217.70.178.1]:25, 
delay=0.35, 
delays=0.02/0.01/0.26/0.07, 
dsn=5.1.8, 
status=bounced (host spool.mail.gandi.net[217.70.178.1] said: 550 5.1.8 <root@server>: Sender address rejected: Domain not found (in reply to RCPT TO command))

Nov 12 13:30:26 rvs001 postfix/local[6908]: 5208720090BC: to=<richard@ri-vier.nl>, relay=local, delay=9.7, delays=9.6/0.02/0/0.02, dsn=5.2.0, 

status=bounced (maildir delivery failed: create maildir file /home/richard/Maildir/tmp/1226493026.P6908.rvs001.ri-vier.nl: Permission denied)
Nov 12 13:30:27 rvs001 postfix/qmgr[1]: 5208720090BC: removed
Nov 12 13:30:28 rvs001 postfix/smtpd[2]: no pattern knows this
nor this rest
Nov 12 13:30:29 rvs001 postfix/qmgr[1]: 5208720090BD: removed
Nov  8 05:26:31 mail1 postfix/smtp[99]: 1A2B: to=<x@y.example>, relay=mx.y.example[192.0.2.5]:25, delay=1, dsn=5.1.1, status=bounced (host mx.y.example[192.0.2.5] said: 550 5.1.1 <x@y.example>: Recipient
    address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))
Nov  8 05:26:32 mail1 postfix/smtp[99]: 1A2C: to=<z@y.example>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to mx.y.example[192.0.2.5]:25: Connection timed out
Nov  8 05:26:33 mail1 postfix/qmgr[1]: 1A2C: removed
Nov  8 05:26:34 mail1 postfix/smtpd[5]: NOQUEUE: reject: RCPT from s2.example.au[192.0.2.18]: 450 4.7.1 <s2.example.au>: Helo command rejected: Host not found; from=<nor@example.au>
 to=<l@example.org> proto=ESMTP helo=<s2.example.au>
Nov  8 05:26:35 mail1 postfix/postscreen[6]: NOQUEUE: reject: CONNECT from [192.0.2.19]:41000: too many connections
Nov  8 05:26:36 mail1 postfix/qmgr[1]: 1A2D: removed
LOG
eq "analyze, broken lines" "$(run analyze -q --no-report --year 2026 --db "$db" "$T/wrap.log")" 0
eq "the parts counted as understood, blank lines as no mail line" \
   "$(q "$db" "SELECT lines, recognized, unrecognized, foreign_lines FROM sources")" "24|20|2|2"
eq "each joined line's event at its first part" \
   "$(q "$db" "SELECT line, kind, recipient, smtp_code, enhanced_code, remote_host FROM events ORDER BY line")" \
   "3|bounced|sysadmin@example.com|550|5.1.8|spool.mail.gandi.net
10|bounced|richard@ri-vier.nl||5.2.0|local
17|bounced|x@y.example|550|5.1.1|mx.y.example
19|deferred|z@y.example||4.4.1|mx.y.example
21|rejected|l@example.org|450|4.7.1|s2.example.au
23|rejected||421|4.7.0|"
eq "a reply broken off inside its parentheses read whole" \
   "$(q "$db" "SELECT reason, reply FROM events WHERE line = 17")" \
   "user-unknown|host mx.y.example[192.0.2.5] said: 550 5.1.1 <x@y.example>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"
eq "the quoted arrival joined" "$(q "$db" "SELECT queue_id, sender, size FROM messages WHERE queue_id = '78F628C4596'")" \
   "78F628C4596|a@b.example|366"

# A broken line whose first part is the last whole line of a run, a line
# still being written after it: it is left for the next run, which reads it
# with its rest, as one run over the whole log does.
db=$T/wrap-runs.db
head -n 17 "$T/wrap.log" >"$T/wrap-runs.log"
rest=$(sed -n 18p "$T/wrap.log")
printf '%s' "${rest:0:15}" >>"$T/wrap-runs.log"
eq "analyze, a log ending in a broken line's first part" \
   "$(run analyze -q --no-report --year 2026 --db "$db" "$T/wrap-runs.log")" 0
eq "the part left for the next run" "$(q "$db" "SELECT lines, bytes < size OR size IS NULL FROM sources")" "16|1"
printf '%s\n' "${rest:15}" >>"$T/wrap-runs.log"
tail -n +19 "$T/wrap.log" >>"$T/wrap-runs.log"
eq "analyze, the rest appended" "$(run analyze -q --no-report --year 2026 --db "$db" "$T/wrap-runs.log")" 0
eq "two runs store what one run stores" \
   "$(q "$db" "SELECT lines, recognized, unrecognized, foreign_lines FROM sources")
$(q "$db" "SELECT line, kind, recipient, reason FROM events ORDER BY line")" \
   "$(q "$T/wrap.db" "SELECT lines, recognized, unrecognized, foreign_lines FROM sources")
$(q "$T/wrap.db" "SELECT line, kind, recipient, reason FROM events ORDER BY line")"

echo "e2e_syslog_forms: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
