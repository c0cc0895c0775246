/* test_logline: every format by example (table-driven), year inference and
 * --year rollover, time zones across DST changes, journald JSON decoding and
 * its malformed cases, and every line of the shared corpus. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "logline.h"
#include "reader.h"
#include "util.h"

/* Zones by name, or their POSIX rules where the zone database is missing
 * (glibc would silently use UTC). */
static const struct {
	const char *name, *posix;
} zones[] = {
	{ "Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3" },
	{ "America/New_York", "EST5EDT,M3.2.0,M11.1.0" },
};

static void set_tz(const char *tz)
{
	for (size_t i = 0; i < SL_ARRAY_LEN(zones); i++) {
		if (strcmp(tz, zones[i].name) == 0) {
			char path[128];
			snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
			if (access(path, R_OK) != 0)
				tz = zones[i].posix;
			break;
		}
	}
	setenv("TZ", tz, 1);
	tzset();
}

static int64_t iso(const char *s)
{
	struct sl_time t;
	if (sl_time_parse_iso(s, strlen(s), &t) != 0)
		fail_msg("bad time in test: %s", s);
	return t.sec;
}

static const char *fmt_name(enum logline_format f)
{
	switch (f) {
	case LOGLINE_BARE: return "BARE";
	case LOGLINE_RFC3164: return "RFC3164";
	case LOGLINE_RFC3339: return "RFC3339";
	case LOGLINE_JOURNAL_JSON: return "JOURNAL_JSON";
	case LOGLINE_EXIM: return "EXIM";
	}
	return "?";
}

static void check_span(const char *what, const char *line, struct sl_span got, const char *want)
{
	size_t wl = strlen(want);
	if (got.len != wl || (wl && memcmp(got.p, want, wl) != 0))
		fail_msg("%s: %s: got \"%.*s\", want \"%s\"", line, what, (int)got.len,
		         got.p ? got.p : "", want);
}

/* ---- table-driven spot checks */

struct case_ {
	const char *line;
	enum logline_format format;
	const char *ts;        /* ISO UTC as sl_time_format_iso writes it, "" for none */
	const char *host, *program;
	long pid;
	const char *message;
	const char *tz;        /* NULL: UTC */
};

#define REF_2026 "2026-11-24T00:00:00Z"

static const struct case_ cases[] = {
	/* RFC 3164 */
	{ "Nov 23 06:25:01 mx1 postfix/smtp[123]: 4F0A1: to=<a@b.example>, status=sent",
	  LOGLINE_RFC3164, "2026-11-23T06:25:01Z", "mx1", "postfix/smtp", 123,
	  "4F0A1: to=<a@b.example>, status=sent", NULL },
	{ "Nov  3 06:25:01 mx1 postfix-out/smtp[9]: x", LOGLINE_RFC3164, "2026-11-03T06:25:01Z",
	  "mx1", "postfix-out/smtp", 9, "x", NULL },
	/* Postfix maillog_file writes "%b %d": a zero-padded day */
	{ "Nov 03 06:25:01 mx1 postfix/postlog[77]: warning: y", LOGLINE_RFC3164,
	  "2026-11-03T06:25:01Z", "mx1", "postfix/postlog", 77, "warning: y", NULL },
	{ "Mar 7 02:09:33 server postfix/smtpd[27246]: connect", LOGLINE_RFC3164,
	  "2026-03-07T02:09:33Z", "server", "postfix/smtpd", 27246, "connect", NULL },
	{ "Nov 23 06:25:01.123456 mx1 postfix/smtpd[1]: connect from x", LOGLINE_RFC3164,
	  "2026-11-23T06:25:01.123456Z", "mx1", "postfix/smtpd", 1, "connect from x", NULL },
	{ "Nov 23 06:25:01.5 mx1 postfix/smtpd[1]: m", LOGLINE_RFC3164,
	  "2026-11-23T06:25:01.500000Z", "mx1", "postfix/smtpd", 1, "m", NULL },
	{ "Jun 17 14:37:39 <mail.notice> robin sm-mta[2794]: 55HIbcGI002794: <u@y>... User unknown",
	  LOGLINE_RFC3164, "2026-06-17T14:37:39Z", "robin", "sm-mta", 2794,
	  "55HIbcGI002794: <u@y>... User unknown", NULL },
	{ "Jun 17 14:37:39 <22> robin sm-mta[2794]: z", LOGLINE_RFC3164, "2026-06-17T14:37:39Z",
	  "robin", "sm-mta", 2794, "z", NULL },
	/* a raw syslog packet's "<PRI>" kept at the line start (RFC 3164 4.1.1) */
	{ "<22>Nov 23 06:25:01 mx1 postfix/smtp[123]: 4F0A1: to=<a@b.example>", LOGLINE_RFC3164,
	  "2026-11-23T06:25:01Z", "mx1", "postfix/smtp", 123, "4F0A1: to=<a@b.example>", NULL },
	{ "<22>2026-11-23T06:25:01+01:00 mx1 postfix/smtp[123]: m", LOGLINE_RFC3339,
	  "2026-11-23T05:25:01Z", "mx1", "postfix/smtp", 123, "m", NULL },
	/* RFC 5424 section 6, as rsyslog's RSYSLOG_SyslogProtocol23Format writes
	 * it: "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG" */
	{ "<22>1 2026-11-23T06:25:01.123456Z mx1 postfix/smtp 123 - - 4F0A1: to=<a@b.example>",
	  LOGLINE_RFC3339, "2026-11-23T06:25:01.123456Z", "mx1", "postfix/smtp", 123,
	  "4F0A1: to=<a@b.example>", NULL },
	/* rsyslog's %msg% of a relayed RFC 3164 line keeps its leading blank */
	{ "<22>1 2026-11-23T06:25:01Z mx1 postfix/smtpd 123 - -  connect from x[192.0.2.1]",
	  LOGLINE_RFC3339, "2026-11-23T06:25:01Z", "mx1", "postfix/smtpd", 123,
	  "connect from x[192.0.2.1]", NULL },
	{ "<22>1 2026-11-23T07:25:01+01:00 mx1 sm-mta 9 - [timeQuality tzKnown=\"1\" x=\"a\\]b\"]"
	  "[origin ip=\"192.0.2.1\"] 4F0A1: from=<a@b>",
	  LOGLINE_RFC3339, "2026-11-23T06:25:01Z", "mx1", "sm-mta", 9, "4F0A1: from=<a@b>", NULL },
	{ "<22>1 2026-11-23T06:25:01Z - exim - - - \xEF\xBB\xBFmsg", LOGLINE_RFC3339,
	  "2026-11-23T06:25:01Z", "", "exim", -1, "msg", NULL },
	/* a NILVALUE stamp: no time, the line kept whole */
	{ "<22>1 - mx1 exim - - - msg", LOGLINE_BARE, "", "", "", -1, "<22>1 - mx1 exim - - - msg",
	  NULL },
	/* not a PRI: kept whole */
	{ "<999>Nov 23 06:25:01 mx1 p[1]: m", LOGLINE_BARE, "", "", "", -1,
	  "<999>Nov 23 06:25:01 mx1 p[1]: m", NULL },
	/* Solaris/illumos syslogd's "[ID msgid facility.level]" tag, from
	 * gurkulindia.com/main/2011/06/investigating-sendmail-errors-from-syslog/ */
	{ "Apr 16 10:58:56 mymailhost sendmail[24234]: [ID 801593 mail.info] m3G8wu8g024234: "
	  "to=<joe.foe@extdomain.com>, delay=00:00:00",
	  LOGLINE_RFC3164, "2026-04-16T10:58:56Z", "mymailhost", "sendmail", 24234,
	  "m3G8wu8g024234: to=<joe.foe@extdomain.com>, delay=00:00:00", NULL },
	{ "May 20 04:01:12 db7 sendmail[1872]: [ID 801593 mail.crit] NOQUEUE: SYSERR(oracle): x",
	  LOGLINE_RFC3164, "2026-05-20T04:01:12Z", "db7", "sendmail", 1872,
	  "NOQUEUE: SYSERR(oracle): x", NULL },
	{ "Nov 23 06:25:01 mx1 postfix/smtp[9]: [ID 197553 local0.info] 4F0A1: to=<a@b>",
	  LOGLINE_RFC3164, "2026-11-23T06:25:01Z", "mx1", "postfix/smtp", 9, "4F0A1: to=<a@b>",
	  NULL },
	/* not such a tag: kept */
	{ "Nov 23 06:25:01 mx1 p[9]: [ID x mail.info] m", LOGLINE_RFC3164, "2026-11-23T06:25:01Z",
	  "mx1", "p", 9, "[ID x mail.info] m", NULL },
	{ "Nov 23 06:25:01 mx1 p[9]: [ID 5 mail] m", LOGLINE_RFC3164, "2026-11-23T06:25:01Z",
	  "mx1", "p", 9, "[ID 5 mail] m", NULL },
	{ "Nov 23 06:25:01 mx1 sm-mta: no pid", LOGLINE_RFC3164, "2026-11-23T06:25:01Z", "mx1",
	  "sm-mta", -1, "no pid", NULL },
	{ "Nov 23 06:25:01 mx1 opendkim[5]: ", LOGLINE_RFC3164, "2026-11-23T06:25:01Z", "mx1",
	  "opendkim", 5, "", NULL },
	{ "Nov 23 06:25:01 mx1 opendkim[5]:", LOGLINE_RFC3164, "2026-11-23T06:25:01Z", "mx1",
	  "opendkim", 5, "", NULL },
	{ "Nov 23 06:25:01 mx1 postfix/submission/smtpd[8]: connect", LOGLINE_RFC3164,
	  "2026-11-23T06:25:01Z", "mx1", "postfix/submission/smtpd", 8, "connect", NULL },
	{ "Oct 10 01:02:03 u86 deliver(macaco@monos.org): saved mail", LOGLINE_RFC3164,
	  "2026-10-10T01:02:03Z", "u86", "deliver(macaco@monos.org)", -1, "saved mail", NULL },
	{ "Nov 23 06:25:01 postfix/smtp[123]: no host", LOGLINE_RFC3164, "2026-11-23T06:25:01Z",
	  "", "postfix/smtp", 123, "no host", NULL },
	{ "Nov 23 06:25:01 mx1 last message repeated 3 times", LOGLINE_RFC3164,
	  "2026-11-23T06:25:01Z", "mx1", "", -1, "last message repeated 3 times", NULL },
	{ "Nov 23 06:25:01  mx1  postfix/smtp[5]: two spaces", LOGLINE_RFC3164,
	  "2026-11-23T06:25:01Z", "mx1", "postfix/smtp", 5, "two spaces", NULL },
	{ "Nov 23 06:25:01 mx1", LOGLINE_RFC3164, "2026-11-23T06:25:01Z", "mx1", "", -1, "", NULL },
	{ "Nov 23 06:25:01 mx1 smtpd[1]x: not a tag", LOGLINE_RFC3164, "2026-11-23T06:25:01Z",
	  "mx1", "", -1, "smtpd[1]x: not a tag", NULL },
	{ "Nov 23 06:25:01 mx1 host:25 is not a tag", LOGLINE_RFC3164, "2026-11-23T06:25:01Z",
	  "mx1", "", -1, "host:25 is not a tag", NULL },
	/* stamps more than a day after the reference are last year's */
	{ "Nov 25 06:25:01 mx1 p[1]: m", LOGLINE_RFC3164, "2025-11-25T06:25:01Z", "mx1", "p", 1,
	  "m", NULL },
	{ "Dec 31 23:59:59 mx1 p[1]: m", LOGLINE_RFC3164, "2025-12-31T23:59:59Z", "mx1", "p", 1,
	  "m", NULL },
	/* local time: CET in winter, CEST in summer */
	{ "Nov 23 06:25:01 mx1 p[1]: m", LOGLINE_RFC3164, "2026-11-23T05:25:01Z", "mx1", "p", 1,
	  "m", "Europe/Berlin" },
	{ "Jul  1 12:00:00 mx1 p[1]: m", LOGLINE_RFC3164, "2026-07-01T10:00:00Z", "mx1", "p", 1,
	  "m", "Europe/Berlin" },
	{ "Jul  1 12:00:00 mx1 p[1]: m", LOGLINE_RFC3164, "2026-07-01T16:00:00Z", "mx1", "p", 1,
	  "m", "America/New_York" },

	/* RFC 3339 / ISO 8601 */
	{ "2024-08-26T01:33:38.572449+00:00 machine postfix/smtpd[60203]: NOQUEUE: reject: x",
	  LOGLINE_RFC3339, "2024-08-26T01:33:38.572449Z", "machine", "postfix/smtpd", 60203,
	  "NOQUEUE: reject: x", NULL },
	{ "2022-04-14T00:36:03.150Z mailhub postfix/smtps/smtpd[30543]: warning: w",
	  LOGLINE_RFC3339, "2022-04-14T00:36:03.150000Z", "mailhub", "postfix/smtps/smtpd", 30543,
	  "warning: w", NULL },
	{ "2026-11-23T06:25:01+0100 host prog[42]: msg", LOGLINE_RFC3339, "2026-11-23T05:25:01Z",
	  "host", "prog", 42, "msg", NULL },
	{ "2026-11-23T06:25:01-05:00 host prog[42]: msg", LOGLINE_RFC3339, "2026-11-23T11:25:01Z",
	  "host", "prog", 42, "msg", NULL },
	{ "2026-11-23T06:25:01.000123+0100 host prog[42]: msg", LOGLINE_RFC3339,
	  "2026-11-23T05:25:01.000123Z", "host", "prog", 42, "msg", NULL },
	{ "2026-11-23T06:25:01+05:30 host prog: msg", LOGLINE_RFC3339, "2026-11-23T00:55:01Z",
	  "host", "prog", -1, "msg", NULL },
	/* no offset: local time, whatever the offset of the reader's host */
	{ "2026-07-01T12:00:00 host prog[1]: msg", LOGLINE_RFC3339, "2026-07-01T10:00:00Z", "host",
	  "prog", 1, "msg", "Europe/Berlin" },
	{ "2026-07-01T12:00:00+00:00 host prog[1]: msg", LOGLINE_RFC3339, "2026-07-01T12:00:00Z",
	  "host", "prog", 1, "msg", "Europe/Berlin" },

	/* Sophos UTM (Astaro) syslog-ng: "YYYY:MM:DD-HH:MM:SS", local time; its
	 * Exims (tags exim-in, exim-out) keep their own stamp in the message,
	 * which is left out (community.sophos.com, "How to analyze the SMTP log
	 * file", 2019; pastebin.com/7N7NkGDE, 2011) */
	{ "2019:06:10-11:04:40 defense exim-in[6854]: 2019-06-10 11:04:40 SMTP connection from "
	  "[192.0.2.1]:53500 (TCP/IP connection count = 1)", LOGLINE_RFC3339, "2019-06-10T11:04:40Z",
	  "defense", "exim-in", 6854, "SMTP connection from [192.0.2.1]:53500 (TCP/IP connection "
	  "count = 1)", NULL },
	{ "2011:03:08-10:29:44 mx3 exim[11721]: 2011-03-08 10:29:44 1Pwzn4-000333-1Y <= a@b.example",
	  LOGLINE_RFC3339, "2011-03-08T09:29:44Z", "mx3", "exim", 11721,
	  "1Pwzn4-000333-1Y <= a@b.example", "Europe/Berlin" },
	/* the inner stamp as log_timezone and millisec write it */
	{ "Nov 23 06:25:01 mx1 exim[9]: 2026-11-23 06:25:01.123 +0100 1vAbCd-0001Xy-Ab Completed",
	  LOGLINE_RFC3164, "2026-11-23T06:25:01Z", "mx1", "exim", 9, "1vAbCd-0001Xy-Ab Completed",
	  NULL },
	/* a message that starts with digits but no stamp keeps them */
	{ "Nov 23 06:25:01 mx1 postfix/smtp[9]: 2026-11-23 06:25:0 x", LOGLINE_RFC3164,
	  "2026-11-23T06:25:01Z", "mx1", "postfix/smtp", 9, "2026-11-23 06:25:0 x", NULL },
	{ "2019:06:10-11:04:40 h p[1]: 2019-06-10 11:04:40", LOGLINE_RFC3339, "2019-06-10T11:04:40Z",
	  "h", "p", 1, "2019-06-10 11:04:40", NULL },

	/* what tools write before a line they pass on (logline_capture.c):
	 * `docker compose logs` (its service names padded to one width, as
	 * mailcow's users quote them: github.com/ShlomiPorush/mailcow-logs-viewer
	 * issue 52), grep -H and -n over rotated logs (pastebin.com/NVURJM0u,
	 * pastebin.com/tf6Hy2fF) */
	{ "postfix-mailcow-1  | Apr 10 23:18:39 a3426da50090 postfix/postscreen[640]: CONNECT from "
	  "[192.0.2.214]:51937 to [172.22.1.253]:25", LOGLINE_RFC3164, "2026-04-10T23:18:39Z",
	  "a3426da50090", "postfix/postscreen", 640,
	  "CONNECT from [192.0.2.214]:51937 to [172.22.1.253]:25", NULL },
	{ "mailserver | 2026-04-10T23:18:39.123+00:00 mail postfix/smtp[7]: m", LOGLINE_RFC3339,
	  "2026-04-10T23:18:39.123000Z", "mail", "postfix/smtp", 7, "m", NULL },
	{ "/var/log/mail.info:May 11 22:58:21 darksleep postfix/local[31513]: 550861A0E46: removed",
	  LOGLINE_RFC3164, "2026-05-11T22:58:21Z", "darksleep", "postfix/local", 31513,
	  "550861A0E46: removed", NULL },
	{ "/var/log/exim_mainlog.2.gz:2017-01-05 11:24:55 1cP6AB-001ONt-1I Completed", LOGLINE_EXIM,
	  "2017-01-05T11:24:55Z", "", "exim", -1, "1cP6AB-001ONt-1I Completed", NULL },
	{ "maillog:1234:Nov 23 06:25:01 mx1 sm-mta[9]: x", LOGLINE_RFC3164, "2026-11-23T06:25:01Z",
	  "mx1", "sm-mta", 9, "x", NULL },
	/* host and tag with the stamp dropped (fail2ban's journal test lines,
	 * ../shared/corpus/exim/fail2ban-exim.log): Exim's own stamp is the time */
	{ "mail.example.com exim[3751842]: 2021-07-17 23:20:49 plain_server authenticator failed for "
	  "([192.0.2.17]) [192.0.2.27]: 535 Incorrect authentication data", LOGLINE_RFC3164,
	  "2021-07-17T23:20:49Z", "mail.example.com", "exim", 3751842,
	  "plain_server authenticator failed for ([192.0.2.17]) [192.0.2.27]: 535 Incorrect "
	  "authentication data", NULL },
	{ "mx1 sm-mta[42]: q1: to=<a@example.org>, stat=Sent", LOGLINE_RFC3164, "", "mx1", "sm-mta",
	  42, "q1: to=<a@example.org>, stat=Sent", NULL },
	/* a line copied from a web page's HTML with its entities (a question's
	 * quoted log, Apr 16 "serverName postfix/qmgr[1773]: ...: from=&lt;>,";
	 * a SANS ISC diary's "to=&lt;root+...@dshield.org&gt;"): &lt; &gt;
	 * &amp; &quot; &#39; read as the characters they stand for */
	{ "Apr 16 05:55:58 serverName postfix/qmgr[1773]: 3F13A2C0869: from=&lt;>, size=2513, "
	  "nrcpt=1 (queue active)", LOGLINE_RFC3164, "2026-04-16T05:55:58Z", "serverName",
	  "postfix/qmgr", 1773, "3F13A2C0869: from=<>, size=2513, nrcpt=1 (queue active)", NULL },
	{ "Jun 19 10:47:10 mail postfix/smtp[19006]: A5472: to=&lt;a&amp;b@x.example&gt;, "
	  "status=bounced (host h[192.0.2.1] said: 550 5.1.1 &lt;a&amp;b@x.example&gt;: &quot;no"
	  "&quot; &#39;x&#039; &amp;lt;)", LOGLINE_RFC3164, "2026-06-19T10:47:10Z", "mail",
	  "postfix/smtp", 19006, "A5472: to=<a&b@x.example>, status=bounced (host h[192.0.2.1] "
	  "said: 550 5.1.1 <a&b@x.example>: \"no\" 'x' &lt;)", NULL },
	/* the tags around a line in a page's HTML (a question's quoted maillog,
	 * "<p>Apr 16 05:55:58 serverName postfix/bounce[1800]: ...</p>"), a
	 * "<pre><code>" block's first line, a "<br />" after each line */
	{ "  <p>Apr 16 05:55:58 serverName postfix/qmgr[1773]: 3F13A2C0869: from=&lt;>, size=2513, "
	  "nrcpt=1 (queue active)</p>", LOGLINE_RFC3164, "2026-04-16T05:55:58Z", "serverName",
	  "postfix/qmgr", 1773, "3F13A2C0869: from=<>, size=2513, nrcpt=1 (queue active)", NULL },
	{ "<pre class=\"lang-none\"><code>Apr 16 05:55:58 serverName postfix/qmgr[1773]: 3F1: removed",
	  LOGLINE_RFC3164, "2026-04-16T05:55:58Z", "serverName", "postfix/qmgr", 1773, "3F1: removed",
	  NULL },
	{ "Apr 16 05:55:58 serverName postfix/qmgr[1773]: 3F1: removed<br />", LOGLINE_RFC3164,
	  "2026-04-16T05:55:58Z", "serverName", "postfix/qmgr", 1773, "3F1: removed", NULL },
	/* a PRI or a syslog-ng priority is no such tag */
	{ "<22>Apr 16 05:55:58 serverName postfix/qmgr[1773]: 3F1: removed", LOGLINE_RFC3164,
	  "2026-04-16T05:55:58Z", "serverName", "postfix/qmgr", 1773, "3F1: removed", NULL },
	/* a no-break space where a page kept a line's blanks (the day's padding,
	 * between fields; as a character or as &nbsp;): a blank */
	{ "Mar \xc2\xa0" "2 08:00:01 mail postfix/qmgr[1]: 4A1: removed", LOGLINE_RFC3164,
	  "2026-03-02T08:00:01Z", "mail", "postfix/qmgr", 1, "4A1: removed", NULL },
	{ "Mar&nbsp; 2 08:00:01\xc2\xa0mail postfix/qmgr[1]:\xc2\xa0" "4A2: removed a &amp; b",
	  LOGLINE_RFC3164, "2026-03-02T08:00:01Z", "mail", "postfix/qmgr", 1,
	  "4A2: removed a &amp; b", NULL },
	/* no &lt; or &gt;: an ampersand is the line's own */
	{ "Jun 19 10:47:10 mail postfix/cleanup[9]: A5: warning: header Subject: a &amp; b",
	  LOGLINE_RFC3164, "2026-06-19T10:47:10Z", "mail", "postfix/cleanup", 9,
	  "A5: warning: header Subject: a &amp; b", NULL },
	/* parallel shells (pdsh, dsh -M, clush) put "HOST: " before each line of
	 * a host's output; aligned, the name is padded before or after the colon */
	{ "mx2: Nov 23 06:25:01 mx2 postfix/smtp[9]: x", LOGLINE_RFC3164, "2026-11-23T06:25:01Z",
	  "mx2", "postfix/smtp", 9, "x", NULL },
	{ "mx2:    Nov 23 06:25:01 mx2 postfix/smtp[9]: x", LOGLINE_RFC3164, "2026-11-23T06:25:01Z",
	  "mx2", "postfix/smtp", 9, "x", NULL },
	{ "mx2    : Nov 23 06:25:01 mx2 postfix/smtp[9]: x", LOGLINE_RFC3164, "2026-11-23T06:25:01Z",
	  "mx2", "postfix/smtp", 9, "x", NULL },
	{ "mail-03.example.org : 2026-11-23 06:25:01 1vAbCd-0001Xy-Ab Completed", LOGLINE_EXIM,
	  "2026-11-23T06:25:01Z", "", "exim", -1, "1vAbCd-0001Xy-Ab Completed", NULL },
	/* docker logs -t, kubectl logs --timestamps: an RFC 3339 stamp before
	 * the line the container wrote; its time is the outer stamp's */
	{ "2026-11-23T06:25:01.123456789Z Nov 23 07:25:01 mail postfix/qmgr[12]: 4ABC: removed",
	  LOGLINE_RFC3164, "2026-11-23T06:25:01.123456Z", "mail", "postfix/qmgr", 12,
	  "4ABC: removed", NULL },
	{ "mailserver  | 2026-11-23T06:25:01.5Z 2026-11-23 06:25:01 1vAbCd-0001Xy-Ab Completed",
	  LOGLINE_EXIM, "2026-11-23T06:25:01.500000Z", "", "exim", -1, "1vAbCd-0001Xy-Ab Completed",
	  NULL },
	/* a container runtime's log file (CRI: the files of /var/log/containers, a
	 * fluent-bit sidecar's test quotes "2026-09-14T03:12:44.101Z stdout F
	 * {...}"): the stream and the full/part flag after the stamp */
	{ "2026-11-23T06:25:01.123456789Z stdout F Nov 23 07:25:01 mail postfix/qmgr[12]: 4ABC: "
	  "removed", LOGLINE_RFC3164, "2026-11-23T06:25:01.123456Z", "mail", "postfix/qmgr", 12,
	  "4ABC: removed", NULL },
	{ "2026-11-23T06:25:01Z stderr P Nov 23 07:25:01 mail postfix/smtpd[12]: connect from x[192.0.2.1]",
	  LOGLINE_RFC3164, "2026-11-23T06:25:01Z", "mail", "postfix/smtpd", 12,
	  "connect from x[192.0.2.1]", NULL },
	/* Docker's json-file driver: the line the container wrote, JSON-escaped
	 * (a Promtail guide shows {"log":"...\n","stream":"stderr","time":...}) */
	{ "{\"log\":\"Nov 23 06:25:01 mail postfix/smtp[7]: 4ABC: to=\\u003ca@b.example\\u003e, "
	  "status=sent\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-23T06:25:01.5Z\"}",
	  LOGLINE_JOURNAL_JSON, "2026-11-23T06:25:01Z", "mail", "postfix/smtp", 7,
	  "4ABC: to=<a@b.example>, status=sent", NULL },
	/* a shipper's export whose "message" is the line read (Filebeat's
	 * log input) */
	{ "{\"@timestamp\":\"2026-11-23T06:25:01.000Z\",\"host\":{\"name\":\"mail\"},\"message\":"
	  "\"Nov 23 06:25:01 mail postfix/qmgr[9]: 4ABC: removed\"}", LOGLINE_JOURNAL_JSON,
	  "2026-11-23T06:25:01Z", "mail", "postfix/qmgr", 9, "4ABC: removed", NULL },
	{ "{\"log\":\"not a log line\\n\",\"stream\":\"stdout\"}", LOGLINE_BARE, "", "", "", -1,
	  "{\"log\":\"not a log line\\n\",\"stream\":\"stdout\"}", NULL },
	/* no header after the stamp: the line as it was */
	{ "2026-11-23T06:25:01Z host message with no tag", LOGLINE_RFC3339, "2026-11-23T06:25:01Z",
	  "host", "", -1, "message with no tag", NULL },
	/* a UTF-8 byte-order mark before the first line, an indented line */
	{ "\xEF\xBB\xBFNov 23 10:00:02 mx postfix/qmgr[1]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-11-23T10:00:02Z", "mx", "postfix/qmgr", 1, "4ABC: removed", NULL },
	{ "    Nov 23 10:00:02 mx postfix/qmgr[1]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-11-23T10:00:02Z", "mx", "postfix/qmgr", 1, "4ABC: removed", NULL },
	/* a log quoted in a mail or a Markdown block quote, at any depth
	 * (iRedMail's guide "Integrate DBMail with iRedMail" quotes its maillog so) */
	{ "> Aug 14 06:40:20 c60 postfix/pickup[6017]: B89A141FAD: uid=0 from=<root>", LOGLINE_RFC3164,
	  "2026-08-14T06:40:20Z", "c60", "postfix/pickup", 6017, "B89A141FAD: uid=0 from=<root>", NULL },
	{ ">> > Nov 23 10:00:02 mx postfix/qmgr[1]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-11-23T10:00:02Z", "mx", "postfix/qmgr", 1, "4ABC: removed", NULL },
	/* fail2ban-regex lists the lines it missed or matched as "|  LINE" (a
	 * GitHub issue pastes its output: "|  Jul 13 04:51:15 web
	 * postfix/smtpd[1273535]: too many errors after AUTH from ..."); a
	 * comment's '#' before a log line quoted in a script or a config */
	{ "|  Jul 13 04:51:15 web postfix/smtpd[1273535]: too many errors after AUTH from x[1.2.3.4]",
	  LOGLINE_RFC3164, "2026-07-13T04:51:15Z", "web", "postfix/smtpd", 1273535,
	  "too many errors after AUTH from x[1.2.3.4]", NULL },
	{ "# Aug 25 03:43:06 mail postfix/anvil[15611]: statistics: max cache size 1 at Aug 25 03:35:52",
	  LOGLINE_RFC3164, "2026-08-25T03:43:06Z", "mail", "postfix/anvil", 15611,
	  "statistics: max cache size 1 at Aug 25 03:35:52", NULL },
	{ "#Jan 01 00:00:00 middle-earth postfix/tlsproxy[42]: CONNECT from [192.168.1.12]:1000",
	  LOGLINE_RFC3164, "2026-01-01T00:00:00Z", "middle-earth", "postfix/tlsproxy", 42,
	  "CONNECT from [192.168.1.12]:1000", NULL },
	/* an rsyslog template that puts a blank of its own before %msg%, whose
	 * RFC 3164 text keeps the blank after the tag's colon */
	{ "Mar 22 08:00:01 mail postfix/qmgr[12]:  4ABD1: removed", LOGLINE_RFC3164,
	  "2026-03-22T08:00:01Z", "mail", "postfix/qmgr", 12, "4ABD1: removed", NULL },
	/* journalctl -o short-monotonic: seconds since boot where the time of
	 * day goes (systemd logs-show.c, "[%5llu.%06llu]"): no time */
	{ "[  123.456789] mail postfix/qmgr[12]: 4ABC1: removed", LOGLINE_RFC3164, "", "mail",
	  "postfix/qmgr", 12, "4ABC1: removed", NULL },
	{ "[12345.678901] mail postfix/qmgr[12]: 4ABC2: removed", LOGLINE_RFC3164, "", "mail",
	  "postfix/qmgr", 12, "4ABC2: removed", NULL },
	/* BusyBox syslogd (Alpine Linux) writes facility.priority between the
	 * host and the tag (sysklogd/syslogd.c; a backup tool's test tails its
	 * /var/log/messages so: "Mar 22 07:45:01 backup mail.info
	 * postfix/smtpd[1080]: connect from localhost[::1]"), "<N>" for a
	 * priority without names; with -S, no host and no pair */
	{ "Mar 22 07:45:01 backup mail.info postfix/smtpd[1080]: connect from localhost[::1]",
	  LOGLINE_RFC3164, "2026-03-22T07:45:01Z", "backup", "postfix/smtpd", 1080,
	  "connect from localhost[::1]", NULL },
	{ "May 30 22:00:35 gr mail.warn postfix/smtps/smtpd[27561]: warning: x", LOGLINE_RFC3164,
	  "2026-05-30T22:00:35Z", "gr", "postfix/smtps/smtpd", 27561, "warning: x", NULL },
	{ "Mar 22 07:45:01 mx local7.err postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-03-22T07:45:01Z", "mx", "postfix/qmgr", 9, "4ABC: removed", NULL },
	{ "Mar 22 07:45:01 mx <187> postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-03-22T07:45:01Z", "mx", "postfix/qmgr", 9, "4ABC: removed", NULL },
	{ "Mar 22 07:45:01 postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-03-22T07:45:01Z", "", "postfix/qmgr", 9, "4ABC: removed", NULL },
	/* AIX's syslogd: "facility:priority" (a Japanese server memo's maillog:
	 * "Sep  7 15:43:25 smtpsv1 mail:info postfix/smtpd[90288]: connect
	 * from unknown[x.x.x.x]"), a list of facilities joined by '|' */
	{ "Sep  7 15:43:25 smtpsv1 mail:info postfix/smtpd[90288]: connect from unknown[192.0.2.1]",
	  LOGLINE_RFC3164, "2026-09-07T15:43:25Z", "smtpsv1", "postfix/smtpd", 90288,
	  "connect from unknown[192.0.2.1]", NULL },
	{ "Sep  7 15:43:25 aix auth|security:info sshd[1]: m", LOGLINE_RFC3164, "2026-09-07T15:43:25Z",
	  "aix", "sshd", 1, "m", NULL },
	/* a program's line without stamp or host, as a container writes it
	 * (Mailu's smtp container under docker compose, its issue 755; a
	 * Plesk article's postfix/smtpd line): the tag is read, no time */
	{ "smtp_1_dd4911cb7d82 | postfix/smtpd[481]: connect from x[192.0.2.1]", LOGLINE_RFC3164, "",
	  "", "postfix/smtpd", 481, "connect from x[192.0.2.1]", NULL },
	{ "postfix/smtpd[1598278]: 85AB012F841: milter-reject: DATA from localhost[127.0.0.1]: 451 "
	  "4.7.1 Service unavailable - try again later", LOGLINE_RFC3164, "", "", "postfix/smtpd",
	  1598278, "85AB012F841: milter-reject: DATA from localhost[127.0.0.1]: 451 4.7.1 Service "
	  "unavailable - try again later", NULL },
	/* only the shape of Postfix's tags: a name without '/' or a pid is none */
	{ "smtpd[481]: connect from x[192.0.2.1]", LOGLINE_BARE, "", "", "", -1,
	  "smtpd[481]: connect from x[192.0.2.1]", NULL },
	{ "postfix/smtpd: connect from x[192.0.2.1]", LOGLINE_BARE, "", "", "", -1,
	  "postfix/smtpd: connect from x[192.0.2.1]", NULL },
	/* a severity in capitals where the host goes (boky/docker-postfix's
	 * rsyslog template, its issue 112: "postfix_1  | 2022-06-20T20:48:13
	 * .644584+00:00 INFO    postfix/qmgr[204]: ...") */
	{ "postfix_1  | 2022-06-20T20:48:14.644061+00:00 WARNING postfix/qmgr[204]: warning: transport "
	  "smtp failure", LOGLINE_RFC3339, "2022-06-20T20:48:14.644061Z", "", "postfix/qmgr", 204,
	  "warning: transport smtp failure", NULL },
	{ "2022-06-20T20:48:13.644584+00:00 INFO    postfix/qmgr[204]: B45FD26006F: removed",
	  LOGLINE_RFC3339, "2022-06-20T20:48:13.644584Z", "", "postfix/qmgr", 204,
	  "B45FD26006F: removed", NULL },
	/* a host in capitals is still a host */
	{ "2022-06-20T20:48:13Z MAILHOST postfix/qmgr[204]: B45FD26006F: removed", LOGLINE_RFC3339,
	  "2022-06-20T20:48:13Z", "MAILHOST", "postfix/qmgr", 204, "B45FD26006F: removed", NULL },
	/* a word that is no facility.priority stays the message */
	{ "Mar 22 07:45:01 mx mail.infos postfix/qmgr[9]: m", LOGLINE_RFC3164,
	  "2026-03-22T07:45:01Z", "mx", "", -1, "mail.infos postfix/qmgr[9]: m", NULL },
	{ "Mar 22 07:45:01 mx www.info postfix/qmgr[9]: m", LOGLINE_RFC3164,
	  "2026-03-22T07:45:01Z", "mx", "", -1, "www.info postfix/qmgr[9]: m", NULL },
	/* journalctl's short output names the month in the reader's locale
	 * (strftime's %b): a Russian guide to journalctl -p crit quotes
	 * "ноя 03 17:57:27 c003m1cpc512 postfix/sendmail[12179]: fatal: ...";
	 * glibc's de, fr, es/it/pt/nl, pl, ru names, zh/ja's "11月" */
	{ "\xD0\xBD\xD0\xBE\xD1\x8F 03 17:57:27 c003m1cpc512 postfix/sendmail[12179]: fatal: open "
	  "/etc/postfix/main.cf: No such file or directory", LOGLINE_RFC3164, "2026-11-03T17:57:27Z",
	  "c003m1cpc512", "postfix/sendmail", 12179,
	  "fatal: open /etc/postfix/main.cf: No such file or directory", NULL },
	{ "Dez 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2025-12-03T17:57:27Z", "mx", "postfix/qmgr", 9, "4ABC: removed", NULL },
	{ "M\xC3\xA4r 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-03-03T17:57:27Z", "mx", "postfix/qmgr", 9, "4ABC: removed", NULL },
	{ "janv. 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-01-03T17:57:27Z", "mx", "postfix/qmgr", 9, "4ABC: removed", NULL },
	{ "nov 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-11-03T17:57:27Z", "mx", "postfix/qmgr", 9, "4ABC: removed", NULL },
	{ "pa\xC5\xBA 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-10-03T17:57:27Z", "mx", "postfix/qmgr", 9, "4ABC: removed", NULL },
	{ "11\xE6\x9C\x88 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-11-03T17:57:27Z", "mx", "postfix/qmgr", 9, "4ABC: removed", NULL },
	{ " 1\xE6\x9C\x88 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-01-03T17:57:27Z", "mx", "postfix/qmgr", 9, "4ABC: removed", NULL },
	{ " 3\xEC\x9B\x94 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-03-03T17:57:27Z", "mx", "postfix/qmgr", 9, "4ABC: removed", NULL },
	/* no month by that name */
	{ "13\xE6\x9C\x88 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", LOGLINE_BARE, "", "",
	  "", -1, "13\xE6\x9C\x88 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", NULL },
	{ "foo 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", LOGLINE_BARE, "", "", "", -1,
	  "foo 03 17:57:27 mx postfix/qmgr[9]: 4ABC: removed", NULL },
	/* journalctl -o json-seq: RFC 7464's record separator before each entry */
	{ "\x1E{\"__REALTIME_TIMESTAMP\":\"1763879101123456\",\"_HOSTNAME\":\"mx1\","
	  "\"SYSLOG_IDENTIFIER\":\"postfix/qmgr\",\"_PID\":\"9\",\"MESSAGE\":\"4F0C0: removed\"}",
	  LOGLINE_JOURNAL_JSON, "2025-11-23T06:25:01.123456Z", "mx1", "postfix/qmgr", 9,
	  "4F0C0: removed", NULL },
	/* less -N, an editor's line numbers copied with the lines (Ubuntu
	 * Forums, "Mail problems via php in Ubuntu", 2011: its mail.log pasted
	 * so) */
	{ "447 Sep 19 08:06:01 ubuntu postfix/qmgr[1099]: 5EBB7C5092: removed", LOGLINE_RFC3164,
	  "2026-09-19T08:06:01Z", "ubuntu", "postfix/qmgr", 1099, "5EBB7C5092: removed", NULL },
	{ "     12  Nov 23 10:00:02 mx postfix/qmgr[1]: 4ABC: removed", LOGLINE_RFC3164,
	  "2026-11-23T10:00:02Z", "mx", "postfix/qmgr", 1, "4ABC: removed", NULL },
	/* a numbered list of a web page read as text (okwave.jp's guide to
	 * Postfix logs: "4. Oct 3 03:14:45 mail postfix/qmgr[17775]: ...") */
	{ "4. Oct 3 03:14:45 mail postfix/qmgr[17775]: 5E54C38C181: removed", LOGLINE_RFC3164,
	  "2026-10-03T03:14:45Z", "mail", "postfix/qmgr", 17775, "5E54C38C181: removed", NULL },
	/* cat -n */
	{ "  4679\tNov 23 15:54:13 Bumblebee postfix/smtpd[29350]: connect from unknown[192.0.2.218]",
	  LOGLINE_RFC3164, "2026-11-23T15:54:13Z", "Bumblebee", "postfix/smtpd", 29350,
	  "connect from unknown[192.0.2.218]", NULL },
	/* the rest of a rejectlog's folded header stays a bare line */
	{ "    <second@test.ex>", LOGLINE_BARE, "", "", "", -1, "    <second@test.ex>", NULL },
	/* a prefix is only taken when a header follows it */
	{ "4ABC123DEF: to=<a@b.example>, status=sent", LOGLINE_BARE, "", "", "", -1,
	  "4ABC123DEF: to=<a@b.example>, status=sent", NULL },
	{ "web | not a log line", LOGLINE_BARE, "", "", "", -1, "web | not a log line", NULL },

	/* journalctl -o short-full ("%a %F %T %Z", journalctl(1)): a zone by
	 * abbreviation is the local zone, UTC is UTC; -o short-unix: epoch */
	{ "Mon 2026-11-23 06:25:01 UTC mx1 postfix/smtp[9]: 4F0A1: to=<a@b>", LOGLINE_RFC3339,
	  "2026-11-23T06:25:01Z", "mx1", "postfix/smtp", 9, "4F0A1: to=<a@b>", "Europe/Berlin" },
	{ "Mon 2026-11-23 06:25:01 CET mx1 postfix/smtp[9]: m", LOGLINE_RFC3339,
	  "2026-11-23T05:25:01Z", "mx1", "postfix/smtp", 9, "m", "Europe/Berlin" },
	{ "Wed 2026-07-01 12:00:00 +0200 mx1 p[9]: m", LOGLINE_RFC3339, "2026-07-01T10:00:00Z",
	  "mx1", "p", 9, "m", NULL },
	{ "1763879101.123456 mx1 postfix/smtp[9]: m", LOGLINE_RFC3339, "2025-11-23T06:25:01.123456Z",
	  "mx1", "postfix/smtp", 9, "m", NULL },

	/* Exim through syslog cuts a long line into "[1/2] ...", "[2/2] ..."
	 * (src/log.c write_syslog): the first piece is the line's start */
	{ "Jun 29 16:04:19 server exim[1234]: [1/2] 1rKabc-000123-AB <= u@example.com", LOGLINE_RFC3164,
	  "2026-06-29T16:04:19Z", "server", "exim", 1234, "1rKabc-000123-AB <= u@example.com", NULL },
	{ "Jun 29 16:04:19 server exim4[1234]: [1\\3] 1rKabc-000123-AB ** a@b: x", LOGLINE_RFC3164,
	  "2026-06-29T16:04:19Z", "server", "exim4", 1234, "1rKabc-000123-AB ** a@b: x", NULL },
	/* with syslog_timestamp (the default) Exim's own stamp is inside the
	 * first piece, after its marker (planet-work.net's syslog parser tests,
	 * 2017: "[1\\4] 2017-04-24 00:06:31 fixed_login authenticator failed ...") */
	{ "Apr 24 00:06:31 bayamo exim[123]: [1\\4] 2017-04-24 00:06:31 fixed_login authenticator "
	  "failed for (User) [91.200.12.165]: 435 x", LOGLINE_RFC3164, "2026-04-24T00:06:31Z", "bayamo",
	  "exim", 123, "fixed_login authenticator failed for (User) [91.200.12.165]: 435 x", NULL },
	{ "Jun 29 16:04:19 server exim[1234]: [2/2]  c@example.net", LOGLINE_RFC3164,
	  "2026-06-29T16:04:19Z", "server", "exim", 1234, "[2/2]  c@example.net", NULL },
	{ "Jun 29 16:04:19 server postfix/smtpd[1234]: [1/2] x", LOGLINE_RFC3164,
	  "2026-06-29T16:04:19Z", "server", "postfix/smtpd", 1234, "[1/2] x", NULL },

	/* Exim's own logs */
	{ "2026-11-23 06:25:01 1vAbCd-0001Xy-Ab => u@example.com R=dnslookup T=remote_smtp",
	  LOGLINE_EXIM, "2026-11-23T06:25:01Z", "", "exim", -1,
	  "1vAbCd-0001Xy-Ab => u@example.com R=dnslookup T=remote_smtp", NULL },
	{ "2023-05-30 06:10:13.345 login authenticator failed for x", LOGLINE_EXIM,
	  "2023-05-30T06:10:13.345000Z", "", "exim", -1, "login authenticator failed for x", NULL },
	{ "2026-11-23 06:25:01 +0100 1vAbCd-0001Xy-Ab Completed", LOGLINE_EXIM,
	  "2026-11-23T05:25:01Z", "", "exim", -1, "1vAbCd-0001Xy-Ab Completed", NULL },
	{ "2026-11-23 06:25:01 -0500 1vAbCd-0001Xy-Ab Completed", LOGLINE_EXIM,
	  "2026-11-23T11:25:01Z", "", "exim", -1, "1vAbCd-0001Xy-Ab Completed", NULL },
	{ "2013-06-15 11:19:33 [2249] H=([2.181.148.95]) [2.181.148.95]:52391 rejected",
	  LOGLINE_EXIM, "2013-06-15T11:19:33Z", "", "exim", 2249,
	  "H=([2.181.148.95]) [2.181.148.95]:52391 rejected", NULL },
	{ "1999-03-02 09:44:33 [p1234] 10HmaX-000000005vi-0000 <= x@y", LOGLINE_EXIM,
	  "1999-03-02T09:44:33Z", "", "exim", 1234, "10HmaX-000000005vi-0000 <= x@y", NULL },
	{ "2026-11-23 06:25:01.123 +0100 [1234] 1vAbCd-0001Xy-Ab Completed", LOGLINE_EXIM,
	  "2026-11-23T05:25:01.123000Z", "", "exim", 1234, "1vAbCd-0001Xy-Ab Completed", NULL },
	{ "2013-06-07 02:02:09 host exim[1234]: msg", LOGLINE_EXIM, "2013-06-07T02:02:09Z", "host",
	  "exim", 1234, "msg", NULL },
	/* a host name before Exim's stamp (logs gathered from several hosts) */
	{ "mx1 2026-11-23 06:25:01 1vAbCd-0001Xy-Ab Completed", LOGLINE_EXIM, "2026-11-23T06:25:01Z",
	  "mx1", "exim", -1, "1vAbCd-0001Xy-Ab Completed", NULL },
	{ "relay-2.example.org 2026-11-23 06:25:01.500 +0100 [77] 1vAbCd-0001Xy-Ab Completed",
	  LOGLINE_EXIM, "2026-11-23T05:25:01.500000Z", "relay-2.example.org", "exim", 77,
	  "1vAbCd-0001Xy-Ab Completed", NULL },
	{ "2019-10-22 03:39:17 mx1.fqdn.local exim[29786]: dovecot_login authenticator failed",
	  LOGLINE_EXIM, "2019-10-22T03:39:17Z", "mx1.fqdn.local", "exim", 29786,
	  "dovecot_login authenticator failed", NULL },
	{ "2022-06-29 16:04:05 dovecot_login authenticator failed for ([1.2.3.5]) [1.2.3.4]:55379: 535",
	  LOGLINE_EXIM, "2022-06-29T16:04:05Z", "", "exim", -1,
	  "dovecot_login authenticator failed for ([1.2.3.5]) [1.2.3.4]:55379: 535", NULL },
	{ "1999-03-02 09:44:33 Start queue run: pid=p1234", LOGLINE_EXIM, "1999-03-02T09:44:33Z",
	  "", "exim", -1, "Start queue run: pid=p1234", NULL },
	{ "2026-11-23 06:25:01", LOGLINE_EXIM, "2026-11-23T06:25:01Z", "", "exim", -1, "", NULL },
	{ "2026-11-23 06:25:01 +0100", LOGLINE_EXIM, "2026-11-23T05:25:01Z", "", "exim", -1, "",
	  NULL },
	{ "2026-07-01 12:00:00 1vAbCd-0001Xy-Ab Completed", LOGLINE_EXIM, "2026-07-01T10:00:00Z", "",
	  "exim", -1, "1vAbCd-0001Xy-Ab Completed", "Europe/Berlin" },
	{ "2026-07-01 12:00:00 +0000 1vAbCd-0001Xy-Ab Completed", LOGLINE_EXIM,
	  "2026-07-01T12:00:00Z", "", "exim", -1, "1vAbCd-0001Xy-Ab Completed", "Europe/Berlin" },

	/* no header */
	{ "250 OK", LOGLINE_BARE, "", "", "", -1, "250 OK", NULL },
	{ "7EE668039: to=<admin@example.com>, status=sent", LOGLINE_BARE, "", "", "", -1,
	  "7EE668039: to=<admin@example.com>, status=sent", NULL },
	{ "connect from unknown[1.2.3.4]", LOGLINE_BARE, "", "", "", -1,
	  "connect from unknown[1.2.3.4]", NULL },
	{ "", LOGLINE_BARE, "", "", "", -1, "", NULL },
	{ "Nov", LOGLINE_BARE, "", "", "", -1, "Nov", NULL },
	{ "Nov 32 06:25:01 mx1 p[1]: m", LOGLINE_BARE, "", "", "", -1, "Nov 32 06:25:01 mx1 p[1]: m", NULL },
	{ "Nov 23 06:25 mx1 p[1]: m", LOGLINE_BARE, "", "", "", -1, "Nov 23 06:25 mx1 p[1]: m", NULL },
	{ "Nov 23 06:25:01x mx1", LOGLINE_BARE, "", "", "", -1, "Nov 23 06:25:01x mx1", NULL },
	{ "Now 23 06:25:01 mx1 p[1]: m", LOGLINE_BARE, "", "", "", -1, "Now 23 06:25:01 mx1 p[1]: m", NULL },
	{ "2026-13-01 00:00:00 x", LOGLINE_BARE, "", "", "", -1, "2026-13-01 00:00:00 x", NULL },
	{ "2026-11-23T06:25:01+01:00x host p: m", LOGLINE_BARE, "", "", "", -1,
	  "2026-11-23T06:25:01+01:00x host p: m", NULL },
	{ "2026-11-23X06:25:01 host p: m", LOGLINE_BARE, "", "", "", -1,
	  "2026-11-23X06:25:01 host p: m", NULL },
	{ "2026-11-23 06:25:01x", LOGLINE_BARE, "", "", "", -1, "2026-11-23 06:25:01x", NULL },
	/* years no log has (found by fuzzing: year 0000 east of UTC became year -1) */
	{ "0000-01-01 00:44:31 U", LOGLINE_BARE, "", "", "", -1, "0000-01-01 00:44:31 U",
	  "Europe/Berlin" },
	{ "9999-12-31T23:59:59-05:00 h p: m", LOGLINE_BARE, "", "", "", -1,
	  "9999-12-31T23:59:59-05:00 h p: m", NULL },
	{ "{not json", LOGLINE_BARE, "", "", "", -1, "{not json", NULL },

	/* journalctl -o json */
	{ "{\"__REALTIME_TIMESTAMP\":\"1795415101123456\",\"_HOSTNAME\":\"mx1\","
	  "\"SYSLOG_IDENTIFIER\":\"postfix/smtp\",\"_PID\":\"123\",\"MESSAGE\":\"4F0A1: removed\"}",
	  LOGLINE_JOURNAL_JSON, "2026-11-23T06:25:01.123456Z", "mx1", "postfix/smtp", 123,
	  "4F0A1: removed", NULL },
	{ "{ \"MESSAGE\" : \"a\\\"b\\\\c\\/d\\u00e9\\ud83d\\udce7\\t\" , \"_PID\" : \"7\" ,"
	  " \"SYSLOG_PID\" : \"8\", \"_COMM\":\"smtpd\", \"x\": {\"y\": [1, 2.5e3, -3, true, false, null]} }",
	  LOGLINE_JOURNAL_JSON, "", "", "smtpd", 8, "a\"b\\c/d\xc3\xa9\xf0\x9f\x93\xa7\t", NULL },
	{ "{\"MESSAGE\":\"lone \\ud800 and \\udc00 end\",\"SYSLOG_IDENTIFIER\":\"x\",\"_COMM\":\"y\"}",
	  LOGLINE_JOURNAL_JSON, "", "", "x", -1, "lone \xef\xbf\xbd and \xef\xbf\xbd end", NULL },
	{ "{\"MESSAGE\":[104,105,32,255,0],\"_HOSTNAME\":\"h\\u0041\"}", LOGLINE_JOURNAL_JSON, "",
	  "hA", "", -1, "hi \xff ", NULL },
	{ "{\"MESSAGE\":null,\"__REALTIME_TIMESTAMP\":1795415101000000}", LOGLINE_JOURNAL_JSON,
	  "2026-11-23T06:25:01.000000Z", "", "", -1, "", NULL },
	{ "{\"MESSAGE\":[\"not\",\"bytes\"],\"_PID\":12}", LOGLINE_JOURNAL_JSON, "", "", "", 12, "",
	  NULL },
	{ "{}", LOGLINE_JOURNAL_JSON, "", "", "", -1, "", NULL },
	{ "{\"MESSAGE\":\"x\"", LOGLINE_BARE, "", "", "", -1, "{\"MESSAGE\":\"x\"", NULL },
	{ "{\"MESSAGE\":\"x\"} trailing", LOGLINE_BARE, "", "", "", -1,
	  "{\"MESSAGE\":\"x\"} trailing", NULL },
	{ "{\"MESSAGE\":\"bad \\x escape\"}", LOGLINE_BARE, "", "", "", -1,
	  "{\"MESSAGE\":\"bad \\x escape\"}", NULL },
	{ "{\"MESSAGE\":\"\\u12\"}", LOGLINE_BARE, "", "", "", -1, "{\"MESSAGE\":\"\\u12\"}", NULL },
	{ "{\"MESSAGE\":\"unterminated}", LOGLINE_BARE, "", "", "", -1,
	  "{\"MESSAGE\":\"unterminated}", NULL },
	{ "{\"MESSAGE\":[1,2,}", LOGLINE_BARE, "", "", "", -1, "{\"MESSAGE\":[1,2,}", NULL },
	{ "{\"a\":1,}", LOGLINE_BARE, "", "", "", -1, "{\"a\":1,}", NULL },
	{ "{\"a\" 1}", LOGLINE_BARE, "", "", "", -1, "{\"a\" 1}", NULL },
	{ "{\"a\":tru}", LOGLINE_BARE, "", "", "", -1, "{\"a\":tru}", NULL },
	{ "{\"a\":-}", LOGLINE_BARE, "", "", "", -1, "{\"a\":-}", NULL },
	{ "{\"a\":\"raw\ttab\"}", LOGLINE_BARE, "", "", "", -1, "{\"a\":\"raw\ttab\"}", NULL },
};

static void run_case(const struct case_ *c)
{
	set_tz(c->tz ? c->tz : "UTC");
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 0, iso(REF_2026));
	struct logline ll;
	memset(&ll, 0x5a, sizeof ll);   /* every field must be written */
	logline_parse(&ctx, c->line, strlen(c->line), &ll);
	if (ll.format != c->format)
		fail_msg("%s: format: got %s, want %s", c->line, fmt_name(ll.format), fmt_name(c->format));
	char ts[SL_TIME_ISO_MAX] = "";
	if (ll.has_ts)
		sl_time_format_iso(ll.ts, ts);
	else
		assert_int_equal(ll.ts.sec, 0);
	if (strcmp(ts, c->ts) != 0)
		fail_msg("%s: ts: got \"%s\", want \"%s\"", c->line, ts, c->ts);
	check_span("host", c->line, ll.host, c->host);
	check_span("program", c->line, ll.program, c->program);
	check_span("message", c->line, ll.message, c->message);
	if (ll.pid != c->pid)
		fail_msg("%s: pid: got %ld, want %ld", c->line, ll.pid, c->pid);
	logline_ctx_release(&ctx);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++)
		run_case(&cases[i]);
	set_tz("UTC");
}

/* Lines the syslog daemon folded: rsyslog's "message repeated N times:
 * [ msg]" (rsyslog's RepeatedMsgReduction) stands for msg N times;
 * sysklogd's and BSD syslogd's "last message repeated N times" for the
 * line before it. Anything else of the kind is read as it stands. */
static void test_repeats(void **state)
{
	(void)state;
	set_tz("UTC");
	static const struct {
		const char *line, *program, *message;
		unsigned repeat, previous;
	} reps[] = {
		{ "Nov 23 06:25:04 mx1 postfix/smtpd[100]: message repeated 2 times: [ warning: x]",
		  "postfix/smtpd", "warning: x", 2, 0 },
		{ "2026-11-23T06:25:04+00:00 mx1 postfix/smtpd[100]: message repeated 12 times: [NOQUEUE: y]",
		  "postfix/smtpd", "NOQUEUE: y", 12, 0 },
		{ "Nov 23 06:25:06 mx1 last message repeated 3 times", "", "last message repeated 3 times",
		  0, 3 },
		/* not the daemon's: no closing bracket, no count, a zero, a program */
		{ "Nov 23 06:25:04 mx1 p[1]: message repeated 2 times: [ x", "p",
		  "message repeated 2 times: [ x", 0, 0 },
		{ "Nov 23 06:25:04 mx1 p[1]: message repeated many times: [ x]", "p",
		  "message repeated many times: [ x]", 0, 0 },
		{ "Nov 23 06:25:06 mx1 last message repeated 0 times", "", "last message repeated 0 times",
		  0, 0 },
		{ "Nov 23 06:25:06 mx1 p[1]: last message repeated 3 times", "p",
		  "last message repeated 3 times", 0, 0 },
		{ "Nov 23 06:25:06 mx1 p[1]: message repeated 99999999999 times: [ x]", "p",
		  "message repeated 99999999999 times: [ x]", 0, 0 },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(reps); i++) {
		struct logline_ctx ctx;
		struct logline ll;
		logline_ctx_init(&ctx, 2026, iso(REF_2026));
		logline_parse(&ctx, reps[i].line, strlen(reps[i].line), &ll);
		check_span("program", reps[i].line, ll.program, reps[i].program);
		check_span("message", reps[i].line, ll.message, reps[i].message);
		if (ll.repeat != reps[i].repeat || ll.repeat_previous != reps[i].previous)
			fail_msg("%s: repeat %u/%u, want %u/%u", reps[i].line, ll.repeat, ll.repeat_previous,
			         reps[i].repeat, reps[i].previous);
		logline_ctx_release(&ctx);
	}
}

/* Nested past the limit: refused, not a stack overflow. */
static void test_json_depth(void **state)
{
	(void)state;
	struct sl_buf b;
	sl_buf_init(&b);
	sl_buf_adds(&b, "{\"x\":");
	for (int i = 0; i < 10000; i++)
		sl_buf_addc(&b, '[');
	for (int i = 0; i < 10000; i++)
		sl_buf_addc(&b, ']');
	sl_buf_adds(&b, ",\"MESSAGE\":\"m\"}");
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 0, iso(REF_2026));
	struct logline ll;
	logline_parse(&ctx, b.data, b.len, &ll);
	assert_int_equal(ll.format, LOGLINE_BARE);

	/* ten deep is fine */
	sl_buf_reset(&b);
	sl_buf_adds(&b, "{\"x\":[[[[[[[[[[{}]]]]]]]]]],\"MESSAGE\":\"m\"}");
	logline_parse(&ctx, b.data, b.len, &ll);
	assert_int_equal(ll.format, LOGLINE_JOURNAL_JSON);
	check_span("message", b.data, ll.message, "m");
	sl_buf_release(&b);
	logline_ctx_release(&ctx);
}

/* Spans into scratch stay right when decoding grows (moves) the buffer. */
static void test_json_scratch_growth(void **state)
{
	(void)state;
	struct sl_buf b, want;
	sl_buf_init(&b);
	sl_buf_init(&want);
	sl_buf_adds(&b, "{\"_HOSTNAME\":\"h\\u00e9\",\"MESSAGE\":\"");
	for (int i = 0; i < 5000; i++) {
		sl_buf_adds(&b, "\\u00e9x");
		sl_buf_adds(&want, "\xc3\xa9x");
	}
	sl_buf_adds(&b, "\",\"SYSLOG_IDENTIFIER\":\"p\\/q\"}");
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 0, iso(REF_2026));
	struct logline ll;
	for (int round = 0; round < 2; round++) {
		logline_parse(&ctx, b.data, b.len, &ll);
		assert_int_equal(ll.format, LOGLINE_JOURNAL_JSON);
		check_span("host", "growth", ll.host, "h\xc3\xa9");
		check_span("program", "growth", ll.program, "p/q");
		check_span("message", "growth", ll.message, want.data);
	}
	sl_buf_release(&b);
	sl_buf_release(&want);
	logline_ctx_release(&ctx);
}

/* ---- year inference and time zones, over a stream of lines */

struct seq {
	const char *line;
	const char *ts;
};

static void run_seq(const char *tz, int year, const char *ref, const struct seq *s, size_t n)
{
	set_tz(tz);
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, year, iso(ref));
	for (size_t i = 0; i < n; i++) {
		struct logline ll;
		logline_parse(&ctx, s[i].line, strlen(s[i].line), &ll);
		char ts[SL_TIME_ISO_MAX] = "";
		if (ll.has_ts)
			sl_time_format_iso(ll.ts, ts);
		if (strcmp(ts, s[i].ts) != 0)
			fail_msg("[%s, year %d, ref %s] %s: got \"%s\", want \"%s\"", tz, year, ref,
			         s[i].line, ts, s[i].ts);
	}
	logline_ctx_release(&ctx);
	set_tz("UTC");
}

/* Dec 31 -> Jan 1 inside one file, the year taken from the file's mtime. */
static void test_year_from_mtime(void **state)
{
	(void)state;
	static const struct seq s[] = {
		{ "Dec 30 10:00:00 mx1 p[1]: m", "2024-12-30T10:00:00Z" },
		{ "Dec 31 23:59:59 mx1 p[1]: m", "2024-12-31T23:59:59Z" },
		{ "Jan  1 00:00:01 mx1 p[1]: m", "2025-01-01T00:00:01Z" },
		{ "Dec 31 23:59:58 mx1 p[1]: late", "2024-12-31T23:59:58Z" },
		{ "Jan  2 09:59:59 mx1 p[1]: m", "2025-01-02T09:59:59Z" },  /* within a day of mtime */
		{ "Jan  2 10:00:01 mx1 p[1]: m", "2024-01-02T10:00:01Z" },  /* past it: last year's */
		/* other formats carry their year and do not disturb inference */
		{ "2025-01-01T00:00:05+00:00 mx1 p[1]: m", "2025-01-01T00:00:05Z" },
		{ "Jan  1 00:00:06 mx1 p[1]: m", "2025-01-01T00:00:06Z" },
	};
	run_seq("UTC", 0, "2025-01-01T10:00:00Z", s, SL_ARRAY_LEN(s));

	/* the same in Berlin: mtime 2025-01-01 10:00 local */
	static const struct seq b[] = {
		{ "Dec 31 23:59:59 mx1 p[1]: m", "2024-12-31T22:59:59Z" },
		{ "Jan  1 00:00:01 mx1 p[1]: m", "2024-12-31T23:00:01Z" },
		{ "Jan  2 09:00:00 mx1 p[1]: m", "2025-01-02T08:00:00Z" },
	};
	run_seq("Europe/Berlin", 0, "2025-01-01T09:00:00Z", b, SL_ARRAY_LEN(b));
}

/* The same rollover with --year: it starts at Y and follows the months. */
static void test_year_fixed(void **state)
{
	(void)state;
	static const struct seq s[] = {
		{ "Dec 30 10:00:00 mx1 p[1]: m", "2024-12-30T10:00:00Z" },
		{ "Dec 31 23:59:59 mx1 p[1]: m", "2024-12-31T23:59:59Z" },
		{ "Jan  1 00:00:01 mx1 p[1]: m", "2025-01-01T00:00:01Z" },
		{ "Dec 31 23:59:58 mx1 p[1]: late", "2024-12-31T23:59:58Z" },  /* late, not a new year */
		{ "Jan  2 10:00:01 mx1 p[1]: m", "2025-01-02T10:00:01Z" },
		{ "Feb  1 00:00:00 mx1 p[1]: m", "2025-02-01T00:00:00Z" },
		{ "Jan 31 23:59:59 mx1 p[1]: late", "2025-01-31T23:59:59Z" },  /* small step back */
		{ "Jul  1 00:00:00 mx1 p[1]: m", "2025-07-01T00:00:00Z" },
		{ "Dec 31 00:00:00 mx1 p[1]: m", "2025-12-31T00:00:00Z" },
		{ "Jan  1 00:00:00 mx1 p[1]: m", "2026-01-01T00:00:00Z" },
	};
	/* the reference time plays no part */
	run_seq("UTC", 2024, "2030-06-01T00:00:00Z", s, SL_ARRAY_LEN(s));
}

/* Europe/Berlin across both DST changes of 2025, in one stream, so the
 * per-hour offset cache is exercised across the switch. */
static void test_dst_berlin(void **state)
{
	(void)state;
	static const struct seq s[] = {
		{ "Mar 30 01:59:59 mx1 p[1]: m", "2025-03-30T00:59:59Z" },  /* CET, +1 */
		{ "Mar 30 03:00:00 mx1 p[1]: m", "2025-03-30T01:00:00Z" },  /* CEST, +2 */
		{ "Mar 30 03:59:59 mx1 p[1]: m", "2025-03-30T01:59:59Z" },
		{ "Mar 30 01:30:00 mx1 p[1]: late", "2025-03-30T00:30:00Z" },
		{ "2025-03-30 01:30:00 exim line", "2025-03-30T00:30:00Z" },
		{ "2025-03-30T04:00:00 host p[1]: m", "2025-03-30T02:00:00Z" },
		{ "Oct 26 01:30:00 mx1 p[1]: m", "2025-10-25T23:30:00Z" },  /* CEST */
		{ "Oct 26 03:30:00 mx1 p[1]: m", "2025-10-26T02:30:00Z" },  /* CET again */
		{ "Oct 26 04:00:00 mx1 p[1]: m", "2025-10-26T03:00:00Z" },
	};
	run_seq("Europe/Berlin", 2025, "2025-01-01T00:00:00Z", s, SL_ARRAY_LEN(s));
}

/* ---- the corpus: every line of every file */

static int corpus_lines, corpus_bare, corpus_stamped;

static bool looks_stamped(const char *p, size_t n)
{
	if (n >= 4 && sl_month_from_abbr(p) && p[3] == ' ')
		return true;
	return n >= 11 && p[4] == '-' && p[7] == '-' && (p[10] == ' ' || p[10] == 'T') &&
	       p[0] >= '0' && p[0] <= '9';
}

/* In UTC and with no offset in the stamp, the UTC fields must be the text's. */
static void check_fields(const char *line, size_t n, const struct logline *ll)
{
	int y, mon, d, h, mi, s;
	sl_time_to_utc(ll->ts.sec, &y, &mon, &d, &h, &mi, &s);
	char want[32], got[32];
	if (ll->format == LOGLINE_RFC3164) {
		const char *p = line + 4;
		int day = 0;
		if (*p == ' ')
			p++;
		while (*p >= '0' && *p <= '9')
			day = day * 10 + (*p++ - '0');
		snprintf(want, sizeof want, "%d %d %.8s", sl_month_from_abbr(line), day, p + 1);
		snprintf(got, sizeof got, "%d %d %02d:%02d:%02d", mon, d, h, mi, s);
		if (y < 1999 || y > 2026)
			fail_msg("%.*s: implausible year %d", (int)n, line, y);
	} else if (ll->format == LOGLINE_EXIM || ll->format == LOGLINE_RFC3339) {
		snprintf(want, sizeof want, "%.10s %.8s", line, line + 11);
		snprintf(got, sizeof got, "%04d-%02d-%02d %02d:%02d:%02d", y, mon, d, h, mi, s);
		if (ll->format == LOGLINE_RFC3339) {
			/* the corpus's RFC 3339 lines are all UTC ("Z" or "+00:00") */
			const char *z = memchr(line, ' ', n);
			assert_non_null(z);
			if (z[-1] != 'Z' && memcmp(z - 6, "+00:00", 6) != 0)
				return;
		} else if (n > 25 && line[19] == ' ' && (line[20] == '+' || line[20] == '-') &&
		           line[21] >= '0' && line[21] <= '9') {
			return;   /* Exim's stamp with a zone (+hhmm, log_timezone): not UTC */
		}
	} else {
		return;
	}
	if (strcmp(want, got) != 0)
		fail_msg("%.*s: got %s, want %s", (int)n, line, got, want);
}

static void corpus_file(const char *path)
{
	struct sl_error err;
	struct reader *r = reader_open(path, 0, &err);
	if (!r)
		fail_msg("%s", err.msg);
	/* a fixed reference, not the checkout's mtime: the years are stable */
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 0, iso(REF_2026));
	struct reader_line ln;
	int rc;
	while ((rc = reader_next(r, &ln, &err)) == 1) {
		struct logline ll;
		logline_parse(&ctx, ln.text, ln.len, &ll);
		corpus_lines++;
		const char *end = ln.text + ln.len;
		if (looks_stamped(ln.text, ln.len)) {
			corpus_stamped++;
			if (ll.format == LOGLINE_BARE || !ll.has_ts)
				fail_msg("%s:%llu: not parsed: %.*s", path, (unsigned long long)ln.lineno,
				         (int)ln.len, ln.text);
			check_fields(ln.text, ln.len, &ll);
			/* the message is the line's tail */
			assert_true(ll.message.p >= ln.text && ll.message.p + ll.message.len == end);
			if (ll.format == LOGLINE_RFC3164)
				assert_false(sl_span_empty(ll.host));
			if (ll.format == LOGLINE_EXIM)
				assert_false(sl_span_empty(ll.program));
		} else if (ln.text[0] != '{') {
			/* a tag with its stamp dropped (parse_bare_tag): a program and pid */
			if (ll.format == LOGLINE_RFC3164 && !sl_span_empty(ll.program) && ll.pid >= 0)
				continue;
			if (ll.format != LOGLINE_BARE)
				fail_msg("%s:%llu: got %s for %.*s", path, (unsigned long long)ln.lineno,
				         fmt_name(ll.format), (int)ln.len, ln.text);
			assert_ptr_equal(ll.message.p, ln.text);
			assert_int_equal(ll.message.len, ln.len);
			corpus_bare++;
		}
	}
	if (rc < 0)
		fail_msg("%s", err.msg);
	reader_free(r);
	logline_ctx_release(&ctx);
}

static void test_corpus(void **state)
{
	(void)state;
	static const char *const dirs[] = { "postfix", "exim", "sendmail" };
	set_tz("UTC");
	int files = 0;
	for (size_t i = 0; i < SL_ARRAY_LEN(dirs); i++) {
		char dir[512];
		snprintf(dir, sizeof dir, SOURCE_DIR "/tests/corpus/%s", dirs[i]);
		DIR *d = opendir(dir);
		assert_non_null(d);
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			size_t n = strlen(de->d_name);
			if (n < 5 || strcmp(de->d_name + n - 4, ".log") != 0)
				continue;
			char path[1024];
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			corpus_file(path);
			files++;
		}
		closedir(d);
	}
	/* the corpus as SOURCES.md describes it */
	assert_int_equal(files, 70);
	assert_int_equal(corpus_lines, 2727);
	assert_true(corpus_stamped > 2100);
	assert_true(corpus_bare > 300);
}

/* A sample of RFC 3164 corpus lines, field by field. */
static void test_corpus_samples(void **state)
{
	(void)state;
	static const struct case_ samples[] = {
		{ "Jun 18 08:05:17 <mail.notice> myhost sm-mta[17002]: 55IC59VD017002: ruleset=check_rcpt",
		  LOGLINE_RFC3164, "2026-06-18T08:05:17Z", "myhost", "sm-mta", 17002,
		  "55IC59VD017002: ruleset=check_rcpt", NULL },
		{ "Nov  3 11:35:30 Microsoft sendmail[26254]: rA37ZTSC026250: <a@d>... No such user here",
		  LOGLINE_RFC3164, "2026-11-03T11:35:30Z", "Microsoft", "sendmail", 26254,
		  "rA37ZTSC026250: <a@d>... No such user here", NULL },
		{ "Oct 14 19:45:05 [exim] LOGIN authenticator failed", LOGLINE_RFC3164,
		  "2026-10-14T19:45:05Z", "[exim]", "", -1, "LOGIN authenticator failed", NULL },
		{ "2016-04-01 11:08:00 info exim[8003]: [8003] SMTP protocol error", LOGLINE_EXIM,
		  "2016-04-01T11:08:00Z", "info", "exim", 8003, "[8003] SMTP protocol error", NULL },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(samples); i++)
		run_case(&samples[i]);
}

/* Every prefix of every example, in a buffer of exactly that size, so that
 * ASan sees any read past the end; the spans stay inside the line. */
static void check_prefixes(struct logline_ctx *ctx, const char *line, size_t n)
{
	for (size_t len = 0; len <= n; len++) {
		char *buf = xmalloc(len ? len : 1);
		memcpy(buf, line, len);
		struct logline ll;
		logline_parse(ctx, buf, len, &ll);
		const char *b = buf, *e = buf + len;
		if (ll.format == LOGLINE_JOURNAL_JSON) {
			free(buf);
			continue;   /* spans may lie in scratch */
		}
		if (ctx->unescaped.len && ll.message.p >= ctx->unescaped.data &&
		    ll.message.p <= ctx->unescaped.data + ctx->unescaped.len) {
			b = ctx->unescaped.data;   /* an HTML-escaped line, decoded */
			e = b + ctx->unescaped.len;
		}
		assert_true(ll.message.p >= b && ll.message.p + ll.message.len == e);
		if (ll.host.p)
			assert_true(ll.host.p >= b && ll.host.p + ll.host.len <= ll.message.p);
		if (ll.program.p && ll.format != LOGLINE_EXIM)
			assert_true(ll.program.p >= b && ll.program.p + ll.program.len <= e);
		if (ll.format == LOGLINE_BARE)
			assert_false(ll.has_ts);
		free(buf);
	}
}

static void test_prefixes(void **state)
{
	(void)state;
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 0, iso(REF_2026));
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++)
		check_prefixes(&ctx, cases[i].line, strlen(cases[i].line));
	logline_ctx_release(&ctx);
}

/* Lines with bytes swapped for the characters the parsers look at
 * (deterministic): no crash, no span outside the line. */
static void test_mutations(void **state)
{
	(void)state;
	static const char interesting[] = "0123456789 :[]{}\"\\u,.+-ZTpdD\x80\xff";
	uint64_t x = 7;
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 0, iso(REF_2026));
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		size_t n = strlen(cases[i].line);
		if (n == 0)
			continue;
		char *buf = xmalloc(n);
		for (int round = 0; round < 200; round++) {
			memcpy(buf, cases[i].line, n);
			for (int k = 0; k < 3; k++) {
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
				size_t at = (size_t)(x >> 33) % n;
				buf[at] = interesting[(x >> 20) % (sizeof interesting - 1)];
			}
			check_prefixes(&ctx, buf, n);
		}
		free(buf);
	}
	logline_ctx_release(&ctx);
}

/* Sendmail's pieces of one long message (sm_syslog in sendmail/conf.c:
 * "%s[%d]: %s ..." for each piece but the last, "%s[%d]: %s" for the last,
 * cut just after the last ',' or ' ' that fits, so after ", " the
 * piece ends in two spaces and " ..."): the last piece's line carries the joined
 * message; another process's line in between changes nothing. */
static void test_sendmail_pieces(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		unsigned piece;
		const char *message;   /* NULL: the line's own tail */
	} s[] = {
		{ "Nov 23 06:25:01 mx sendmail[42]: m3G8wu8g024234[1]: to=<a@example.org>, ...", 1, NULL },
		{ "Nov 23 06:25:01 mx sendmail[43]: m3G8wu8g024299: from=<x@example.org>, size=1", 0, NULL },
		{ "Nov 23 06:25:01 mx sendmail[42]: m3G8wu8g024234[2]: <b@example.org>,  ...", 2, NULL },
		{ "Nov 23 06:25:01 mx sendmail[42]: m3G8wu8g024234[3]: delay=00:00:01, stat=Sent", 3,
		  "m3G8wu8g024234: to=<a@example.org>,<b@example.org>, delay=00:00:01, stat=Sent" },
		/* a last piece whose run was not seen from its start: as it is */
		{ "Nov 23 06:25:02 mx sendmail[42]: m3G8wu8g024234[2]: delay=00:00:01, stat=Sent", 2, NULL },
		/* a next number from another process, or of another queue ID, is not the run's */
		{ "Nov 23 06:25:03 mx sm-mta[7]: NOQUEUE[1]: ruleset=check_rcpt, arg1=<c@example.org>,  ...",
		  1, NULL },
		{ "Nov 23 06:25:03 mx sm-mta[8]: NOQUEUE[2]: reject=550 5.7.1 no", 2, NULL },
		{ "Nov 23 06:25:03 mx sm-mta[7]: m3G8wu8g024234[2]: reject=550 5.7.1 no", 2, NULL },
		{ "Nov 23 06:25:03 mx sm-mta[7]: NOQUEUE[2]: reject=550 5.7.1 <c@example.org>... no", 2,
		  "NOQUEUE: ruleset=check_rcpt, arg1=<c@example.org>, reject=550 5.7.1 <c@example.org>... no" },
		/* the daemon's own notes (NOQID) have no ID before the number */
		{ "Nov 23 06:25:04 mx sm-mta[7]: [1]: long note,  ...", 1, NULL },
		{ "Nov 23 06:25:04 mx sm-mta[7]: [2]: its end", 2, "long note, its end" },
		/* the 999th piece gives up: what came before is the message */
		{ "Nov 23 06:25:05 mx sm-mta[7]: q1[1]: to=<a@example.org>,  ...", 1, NULL },
		{ "Nov 23 06:25:05 mx sm-mta[7]: q1[2]: log terminated, too many parts", 2,
		  "q1: to=<a@example.org>, " },
		/* a line of only "name/daemon[pid]: " (no time, no host): its key has an
		 * empty field */
		{ "mail/sm-mta[9]: q2[1]: to=<a@example.org>,  ...", 1, NULL },
		{ "mail/sm-mta[9]: q2[2]: stat=Sent", 2, "q2: to=<a@example.org>, stat=Sent" },
		/* not pieces */
		{ "Nov 23 06:25:06 mx sm-mta[7]: q1[x]: to=<a@example.org>", 0, NULL },
		{ "Nov 23 06:25:06 mx sm-mta[7]: q1[0]: to=<a@example.org>, ...", 0, NULL },
		{ "Nov 23 06:25:06 mx sm-mta[7]: q1[2]:to=<a@example.org>", 0, NULL },
		{ "Nov 23 06:25:06 mx exim[7]: [1/2] 2026-11-23 ...", 0, NULL },
	};
	set_tz("UTC");
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 2026, iso(REF_2026));
	for (size_t i = 0; i < SL_ARRAY_LEN(s); i++) {
		struct logline ll;
		size_t n = strlen(s[i].line);
		logline_parse(&ctx, s[i].line, n, &ll);
		if (ll.piece != s[i].piece)
			fail_msg("%s: piece: got %u, want %u", s[i].line, ll.piece, s[i].piece);
		if (s[i].message) {
			assert_true(ll.joined);
			if (ll.message.len != strlen(s[i].message) ||
			    memcmp(ll.message.p, s[i].message, ll.message.len) != 0)
				fail_msg("%s: message: got \"%.*s\", want \"%s\"", s[i].line,
				         (int)ll.message.len, ll.message.p, s[i].message);
		} else {
			assert_false(ll.joined);
			assert_true(ll.message.p > s[i].line && ll.message.p + ll.message.len == s[i].line + n);
		}
	}
	logline_ctx_release(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_sendmail_pieces),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_json_depth),
		cmocka_unit_test(test_json_scratch_growth),
		cmocka_unit_test(test_year_from_mtime),
		cmocka_unit_test(test_year_fixed),
		cmocka_unit_test(test_dst_berlin),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_corpus_samples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
