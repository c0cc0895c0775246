/* Sendmail recognition: each pattern group against real line shapes (from
 * tests/corpus/sendmail, see tests/corpus/SOURCES.md; "genlog" marks lines of
 * ../shared/tools/genlog --mta sendmail, "synthetic" lines written here after
 * Sendmail's formats), and every line of the Sendmail corpus recognized. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "testutil.h"
#include "logline.h"
#include "recog.h"
#include "recog_testutil.h"

/* One line and what recog must make of it. Text fields: NULL means the
 * field must be empty; sender "<>" means the null sender (present, empty).
 * reply: a prefix, NULL for not checked. size, nrcpt, delay: 0 for not
 * checked. For a line with no event (kind none) only the kind is checked. */
struct scase {
	const char *msg;         /* the message after "sm-mta[123]: " */
	const char *prog;        /* NULL: sm-mta */
	enum recog_result res;
	enum ev_kind kind;
	enum ev_class cls;
	int code;
	const char *enh;
	const char *qid, *rcpt, *sender, *host, *ip, *proto, *msgid, *fwd, *nqid, *reply;
	long size;
	int nrcpt;
	double delay;
	bool list, notice, split;
};

static struct logline ll;
static struct event ev;

static enum recog_result run(const char *prog, const char *msg)
{
	memset(&ll, 0, sizeof ll);
	ll.format = LOGLINE_RFC3164;
	ll.has_ts = true;
	ll.host = (struct sl_span){ "mx1", 3 };
	if (!prog)
		prog = "sm-mta";
	ll.program = (struct sl_span){ prog, strlen(prog) };
	ll.pid = 1234;
	ll.message = (struct sl_span){ msg, strlen(msg) };
	struct sl_span program;
	return recog_line(rec, &ll, &ev, &program);
}

static void check_case(int i, const struct scase *c)
{
	enum recog_result res = run(c->prog, c->msg);
	int_check(i, "result", res, c->res);
	if (res != RECOG_MATCHED)
		return;
	int_check(i, "kind", ev.kind, c->kind);
	if (c->kind == EV_NONE)
		return;   /* a line with no event: its fields are not used */
	int_check(i, "class", ev.class, c->cls);
	int_check(i, "smtp_code", ev.smtp_code, c->code);
	if (strcmp(ev.enhanced_code, c->enh ? c->enh : "") != 0) {
		printf("case %d: enhanced_code: got \"%s\", want \"%s\"\n", i, ev.enhanced_code,
		       c->enh ? c->enh : "");
		failures++;
	}
	span_check(i, "queue_id", ev.queue_id, c->qid, false);
	span_check(i, "recipient", ev.recipient, c->rcpt, false);
	span_check(i, "sender", ev.sender, c->sender, false);
	span_check(i, "remote_host", ev.remote_host, c->host, false);
	span_check(i, "remote_ip", ev.remote_ip, c->ip, false);
	span_check(i, "protocol", ev.protocol, c->proto, false);
	span_check(i, "header_msgid", ev.header_msgid, c->msgid, false);
	span_check(i, "forward_to", ev.forward_to, c->fwd, false);
	span_check(i, "new_queue_id", ev.new_queue_id, c->nqid, false);
	if (c->reply)
		span_check(i, "reply", ev.reply, c->reply, true);
	if (c->size)
		int_check(i, "size", ev.size, c->size);
	if (c->nrcpt)
		int_check(i, "nrcpt", ev.nrcpt, c->nrcpt);
	if (c->delay > 0 && (ev.delay < c->delay - 0.001 || ev.delay > c->delay + 0.001)) {
		printf("case %d: delay: got %g, want %g\n", i, ev.delay, c->delay);
		failures++;
	}
	int_check(i, "recipient_list", ev.recipient_list, c->list);
	int_check(i, "failure_notice", ev.failure_notice, c->notice);
	int_check(i, "envelope_split", ev.envelope_split, c->split);
}

static const struct scase deliveries[] = {
	/* 0: plain, the MSP hands the message to the local MTA: the next hop's id */
	{ .prog = "sendmail",
	  .msg = "j061bW9V000809: to=cpan-testers@perl.org, ctladdr=maddingue (501/20), delay=00:00:01, "
	         "xdelay=00:00:00, mailer=relay, pri=30151, relay=localhost [127.0.0.1], dsn=2.0.0, "
	         "stat=Sent (j061bXn5000812 Message accepted for delivery)",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "j061bW9V000809",
	  .rcpt = "cpan-testers@perl.org", .host = "localhost", .ip = "127.0.0.1",
	  .nqid = "j061bXn5000812", .delay = 1 },
	/* 1: plain, remote: the relay's trailing dot goes */
	{ .prog = "sendmail",
	  .msg = "j061bXn5000812: to=<cpan-testers@perl.org>, delay=00:00:10, xdelay=00:00:10, "
	         "mailer=esmtp, pri=30373, relay=mx.develooper.com. [63.251.223.176], dsn=2.0.0, "
	         "stat=Sent (Queued! <200501060137.j061bW9V000809@jupiter.maddingue.net>)",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "j061bXn5000812",
	  .rcpt = "cpan-testers@perl.org", .host = "mx.develooper.com", .ip = "63.251.223.176",
	  .reply = "Queued! <2005", .delay = 10 },
	/* 2: fluent-plugin, one line for two recipients; relay=[ip] [ip] */
	{ .prog = "sendmail",
	  .msg = "u31FFPtp032300: to=<sent1@example.com>,<sent2@example.com>, delay=00:00:00, "
	         "xdelay=00:00:00, mailer=esmtp, pri=245938, relay=[93.184.216.34] [93.184.216.34], "
	         "dsn=2.0.0, stat=Sent (ok:  Message 40279894 accepted)",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "u31FFPtp032300",
	  .rcpt = "<sent1@example.com>,<sent2@example.com>", .ip = "93.184.216.34", .list = true },
	/* the MSP logs a recipient as it was given: with a To: header's phrase
	 * (a forum post of 2017, Ubuntu's sendmail with PHP's mail()) */
	{ .prog = "sendmail",
	  .msg = "v8T8xJkc021561: to=sunnogo1 <sun@xxx.com.cn>, ctladdr=www-data (33/33), "
	         "delay=00:01:00, xdelay=00:01:00, mailer=relay, pri=32020, relay=[127.0.0.1] "
	         "[127.0.0.1], dsn=2.0.0, stat=Sent (v8T8xJvo021562 Message accepted for delivery)",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "v8T8xJkc021561",
	  .rcpt = "sun@xxx.com.cn", .ip = "127.0.0.1", .nqid = "v8T8xJvo021562", .delay = 60 },
	/* a phrase in quotes with a comma in it is one address, no list */
	{ .prog = "sendmail",
	  .msg = "v8T8xJkc021561: to=\"Doe, John\" <jd@example.com>, ctladdr=www-data (33/33), "
	         "delay=00:00:01, xdelay=00:00:01, mailer=relay, pri=32020, relay=[127.0.0.1] "
	         "[127.0.0.1], dsn=2.0.0, stat=Sent (v8T8xJvo021562 Message accepted for delivery)",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "v8T8xJkc021561",
	  .rcpt = "jd@example.com", .ip = "127.0.0.1", .nqid = "v8T8xJvo021562", .delay = 1 },
	/* 3: fluent-plugin, a day in the delay, a reply code in the deferral */
	{ .prog = "sendmail",
	  .msg = "u31FFPtp032300: to=<deferred2@example.com>, delay=1+00:00:15, xdelay=00:00:15, "
	         "mailer=esmtp, pri=34527, relay=[93.184.216.34] [93.184.216.34], dsn=4.3.5, "
	         "stat=Deferred: 451 4.3.5 Server configuration problem",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .code = 451, .enh = "4.3.5",
	  .qid = "u31FFPtp032300", .rcpt = "deferred2@example.com", .ip = "93.184.216.34",
	  .reply = "451 4.3.5 Server configuration problem", .delay = 86415 },
	/* 4: genlog, deferred with only the dsn= code */
	{ .msg = "6AM0160064138: to=<lena.kelly@metro-harbor.com>, delay=00:00:02, xdelay=00:00:02, "
	         "mailer=esmtp, pri=34808, relay=metro-harbor-com.mail.protection.outlook.com. "
	         "[43.1.71.216], dsn=4.0.0, stat=Deferred: Connection timed out with "
	         "metro-harbor-com.mail.protection.outlook.com.",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .enh = "4.0.0", .qid = "6AM0160064138",
	  .rcpt = "lena.kelly@metro-harbor.com", .host = "metro-harbor-com.mail.protection.outlook.com",
	  .ip = "43.1.71.216", .reply = "Connection timed out" },
	/* 5: genlog: a bounce with the enhanced code and no reply code */
	{ .msg = "6AM0070058736: to=<support@gmail.com>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, "
	         "pri=34943, relay=gmail-smtp-in.l.google.com. [209.85.114.86], dsn=5.1.1, stat=User unknown",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .enh = "5.1.1", .qid = "6AM0070058736",
	  .rcpt = "support@gmail.com", .host = "gmail-smtp-in.l.google.com", .ip = "209.85.114.86",
	  .reply = "User unknown" },
	/* 6: genlog, a relay with no IP */
	{ .msg = "6AM04M0081102: to=<asmith9@capitalhaven.org>, delay=00:00:02, xdelay=00:00:02, "
	         "mailer=esmtp, pri=32401, relay=capitalhaven.org, dsn=5.1.2, stat=Host unknown (Name "
	         "server: capitalhaven.org: host not found)",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .enh = "5.1.2", .qid = "6AM04M0081102",
	  .rcpt = "asmith9@capitalhaven.org", .host = "capitalhaven.org", .reply = "Host unknown" },
	/* 7: genlog, local delivery with ctladdr= */
	{ .msg = "6AM0000058400: to=<ben.lee@example.org>, ctladdr=<ben.lee@example.org> (1297/1297), "
	         "delay=00:00:00, xdelay=00:00:00, mailer=local, pri=88095, dsn=2.0.0, stat=Sent",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "6AM0000058400",
	  .rcpt = "ben.lee@example.org" },
	/* 8: sendmail-done, a to= line without stat=: the dsn= class decides */
	{ .msg = "j78ASk4e013165: to=kweek@glurpp, delay=00:00:01, xdelay=00:00:01, mailer=cyrusv2, "
	         "pri=31046, relay=localhost, dsn=2.0.0",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "j78ASk4e013165",
	  .rcpt = "kweek@glurpp", .host = "localhost" },
	/* 9: synthetic: queued for later, no attempt */
	{ .msg = "j78ASk4e013166: to=<a@example.com>, delay=00:00:00, mailer=esmtp, pri=30000, "
	         "stat=queued" },
	/* 10: synthetic: accepted with 251, forwarded */
	{ .msg = "j78ASk4e013167: to=<old@example.com>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, "
	         "pri=30000, relay=mx.example.com. [192.0.2.5], dsn=2.1.5, stat=Sent (251 2.1.5 "
	         "<old@example.com>... User not local; will forward to <new@example.net>)",
	  .kind = EV_FORWARDED, .cls = EV_CLASS_SUCCESS, .code = 251, .enh = "2.1.5",
	  .qid = "j78ASk4e013167", .rcpt = "old@example.com", .host = "mx.example.com",
	  .ip = "192.0.2.5", .fwd = "new@example.net" },
	/* 11: synthetic: 551 names the address to try */
	{ .msg = "j78ASk4e013168: to=<old@example.com>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, "
	         "pri=30000, relay=mx.example.com. [192.0.2.5], dsn=5.1.6, stat=User not local; please "
	         "try <new@example.net>",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .enh = "5.1.6", .qid = "j78ASk4e013168",
	  .rcpt = "old@example.com", .host = "mx.example.com", .ip = "192.0.2.5",
	  .fwd = "new@example.net" },
	/* 12: queue IDs of every length: 15 characters (7-digit pid) */
	{ .prog = "sendmail",
	  .msg = "xA32R2PQ3529565: to=<a@example.com>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, "
	         "pri=30000, relay=mx.example.com. [192.0.2.5], dsn=2.0.0, stat=Sent (ok)",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "xA32R2PQ3529565",
	  .rcpt = "a@example.com", .host = "mx.example.com", .ip = "192.0.2.5" },
	/* 13: and the short ones of 8.9/8.11 */
	{ .prog = "sendmail",
	  .msg = "NAA05221: to=<a@example.com>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, "
	         "relay=mx.example.com. [192.0.2.5], stat=Sent (ok)",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .qid = "NAA05221", .rcpt = "a@example.com",
	  .host = "mx.example.com", .ip = "192.0.2.5" },
	/* srvrsmtp.c logundelrcpts(): the recipients of a message refused at
	 * DATA, no mailer= (no delivery tried); the "Milter: data, reject=" line
	 * before it is the refusal (a ClamAV milter how-to, pasosdeJesus.org,
	 * 2005; sonic.net's sendmail lines in a grok test, 2012) */
	{ .msg = "j73H4I2N015245: to=<a@pasosdeJesus.org>, delay=00:00:02, pri=100560, stat=virus "
	         "Worm.Mydoom.I detected by ClamAV - http://www.clamav.net" },
	{ .msg = "qAD0Cg5c013756: to=<augie@corp.sonic.net>, delay=00:00:00, pri=30747, stat=Mail Rejected: "
	         "high volume mailings not allowed. Contact support@sonic.net for more information." },
};

static const struct scase arrivals[] = {
	/* 0: genlog, inbound */
	{ .msg = "6AM0000058366: from=<sales@havenmetro.com>, size=58095, class=0, nrcpts=1, "
	         "msgid=<20261122000000.WnRTjTQp@havenmetro.com>, bodytype=8BITMIME, proto=ESMTPS, "
	         "daemon=MTA-v4, relay=mta8.havenmetro.com [67.25.122.249]",
	  .kind = EV_MSG_ARRIVAL, .qid = "6AM0000058366", .sender = "sales@havenmetro.com",
	  .host = "mta8.havenmetro.com", .ip = "67.25.122.249", .proto = "ESMTPS",
	  .msgid = "20261122000000.WnRTjTQp@havenmetro.com", .size = 58095, .nrcpt = 1 },
	/* 1: genlog, the MSP: a local user, no brackets */
	{ .prog = "sendmail",
	  .msg = "6AM0090059026: from=root, size=3447, class=0, nrcpts=1, "
	         "msgid=<20261122000009.XQ5jGuc1@mx1.example.org>, relay=root@localhost",
	  .kind = EV_MSG_ARRIVAL, .qid = "6AM0090059026", .sender = "root", .host = "localhost",
	  .msgid = "20261122000009.XQ5jGuc1@mx1.example.org", .size = 3447, .nrcpt = 1 },
	/* 2: fail2ban: every recipient refused: the transaction's envelope and
	 * client, nrcpt 0 (correlate counts no mail received) */
	{ .msg = "55HIbcGI002794: from=<root@yourhost.com>, size=108, class=0, nrcpts=0, proto=ESMTP, "
	         "daemon=MTA-v4, relay=[192.168.1.45]",
	  .kind = EV_MSG_ARRIVAL, .qid = "55HIbcGI002794", .sender = "root@yourhost.com",
	  .ip = "192.168.1.45", .proto = "ESMTP", .size = 108 },
	/* 3: synthetic: the null sender */
	{ .msg = "j78ASk4e013170: from=<>, size=3000, class=0, nrcpts=1, msgid=<x@y>, proto=ESMTP, "
	         "daemon=MTA, relay=mx.example.com [192.0.2.9] (may be forged)",
	  .kind = EV_MSG_ARRIVAL, .qid = "j78ASk4e013170", .sender = "<>", .host = "mx.example.com",
	  .ip = "192.0.2.9", .proto = "ESMTP", .msgid = "x@y", .size = 3000, .nrcpt = 1 },
	/* 4: sendmail-done */
	{ .msg = "j78ASk4e013165: done; delay=00:00:01, ntries=1", .kind = EV_MSG_REMOVED,
	  .qid = "j78ASk4e013165" },
};

static const struct scase rejects[] = {
	/* 0: fail2ban: the transaction's queue ID ties the reject to its from= line */
	{ .prog = "sm-acceptingconnections",
	  .msg = "s1P819mk027713: ruleset=check_rcpt, arg1=<asservnew@freemailhost.ru>, "
	         "relay=128-68-136-133.broadband.corbina.ru [128.68.136.133], reject=550 5.7.1 "
	         "<asservnew@freemailhost.ru>... Relaying denied. Proper authentication required.",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .code = 550, .enh = "5.7.1",
	  .qid = "s1P819mk027713", .rcpt = "asservnew@freemailhost.ru",
	  .host = "128-68-136-133.broadband.corbina.ru",
	  .ip = "128.68.136.133", .reply = "550 5.7.1 <asservnew@freemailhost.ru>... Relaying denied" },
	/* 1: fail2ban, temporary, (may be forged) */
	{ .msg = "56CF8Qni004012: ruleset=check_rcpt, arg1=<existing-user@example.com>, relay=[192.0.2.100] "
	         "(may be forged), reject=451 4.1.8 Domain of sender address "
	         "test.whatever@service.example.com does not resolve",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .code = 451, .enh = "4.1.8",
	  .qid = "56CF8Qni004012", .rcpt = "existing-user@example.com", .ip = "192.0.2.100" },
	/* 2: genlog, check_mail: arg1 is the sender */
	{ .msg = "6AM00E0059490: ruleset=check_mail, arg1=<uma.jones@printdesign.com>, "
	         "relay=smtp.printdesign.com [142.19.46.208], reject=451 4.1.8 Domain of sender address "
	         "uma.jones@printdesign.com does not resolve",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .code = 451, .enh = "4.1.8",
	  .qid = "6AM00E0059490", .sender = "uma.jones@printdesign.com", .host = "smtp.printdesign.com",
	  .ip = "142.19.46.208" },
	/* 3: genlog, check_relay at connect, no queue ID at all */
	{ .msg = "ruleset=check_relay, arg1=out.deltalumen.com, arg2=149.242.238.104, "
	         "relay=out.deltalumen.com [149.242.238.104], reject=421 4.3.2 Connection rate limit exceeded.",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .code = 421, .enh = "4.3.2",
	  .host = "out.deltalumen.com", .ip = "149.242.238.104" },
	/* 4: genlog, a milter refusing a recipient */
	{ .msg = "6AM0020058361: Milter: to=<grace80@example.org>, reject=451 4.7.1 Greylisting in action, "
	         "please come back in 00:05:00",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .code = 451, .enh = "4.7.1",
	  .qid = "6AM0020058361", .rcpt = "grace80@example.org" },
	/* 5: genlog, a milter refusing the queued message after DATA: it belongs to the message */
	{ .msg = "6AM0170064248: Milter: data, reject=554 5.7.1 Spam message rejected",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .code = 554, .enh = "5.7.1",
	  .qid = "6AM0170064248" },
	/* 6: fail2ban, an address refused at SMTP time: no code in the line */
	{ .msg = "55HIbcGI002794: <baduser@yourhost.com>... User unknown",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .qid = "55HIbcGI002794",
	  .rcpt = "baduser@yourhost.com", .reply = "User unknown" },
	/* 7: synthetic (FEATURE(redirect)): 551 names the new address */
	{ .msg = "j78ASk4e013171: <old@example.com>... User not local; please try <new@example.net>",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .qid = "j78ASk4e013171",
	  .rcpt = "old@example.com", .fwd = "new@example.net" },
	/* 8: custom-dsn */
	{ .prog = "sendmail", .msg = "j4K99tuR029876: message size (12382169) exceeds maximum (10000000)",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .qid = "j4K99tuR029876", .reply = "message size" },
	/* srvrsmtp.c: a milter refusing the client at connect (sendmail 8.x
	 * source, "Milter: connect: host=%s, addr=%s, rejecting commands" and
	 * "..., temp failing commands", MilterLogLevel > 3) */
	{ .msg = "NOQUEUE: Milter: connect: host=bad.example.com, addr=192.0.2.66, rejecting commands",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .host = "bad.example.com", .ip = "192.0.2.66",
	  .reply = "rejecting commands" },
	{ .msg = "NOQUEUE: Milter: connect: host=[192.0.2.67], addr=192.0.2.67, temp failing commands",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .ip = "192.0.2.67",
	  .reply = "temp failing commands" },
	/* 9: synthetic: tcpwrappers */
	{ .msg = "NOQUEUE: tcpwrappers (bad.example.com, 192.0.2.66) rejection",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .host = "bad.example.com", .ip = "192.0.2.66" },
};

static const struct scase notices[] = {
	/* 0: custom-dsn: the DSN announces the bounce of j4K970hV028494 */
	{ .prog = "sendmail", .msg = "j4K970hV028494: j4K975hV028499: DSN: Service unavailable",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .qid = "j4K970hV028494",
	  .nqid = "j4K975hV028499", .reply = "Service unavailable", .notice = true },
	/* 1: custom-dsn: the queue lifetime ran out */
	{ .prog = "sendmail", .msg = "j4EGMdrM030190: j4IIMlJ5000376: return to sender: Cannot send "
	                            "message for 4 days",
	  .kind = EV_EXPIRED, .cls = EV_CLASS_PERMANENT, .qid = "j4EGMdrM030190",
	  .nqid = "j4IIMlJ5000376", .notice = true },
	/* 2: custom-dsn: a return receipt is no failure */
	{ .prog = "sendmail", .msg = "j4IIuhXi011472: j4IJMlLo021380: DSN: Return receipt",
	  .kind = EV_MSG_NOTIFY, .qid = "j4IIuhXi011472", .nqid = "j4IJMlLo021380" },
	/* 3: custom-dsn: a delay warning */
	{ .prog = "sendmail", .msg = "j4K488I4001736: j4K6MJcE012524: sender notify: Warning: could not "
	                            "send message for past 4 hours",
	  .kind = EV_MSG_NOTIFY, .qid = "j4K488I4001736", .nqid = "j4K6MJcE012524" },
	/* savemail.c: "sender notify" once a warning was sent (EF_WARNING):
	 * the expiry notice of a message deferred for 8 days (an Ubuntu 8.14.1
	 * sm-mta mail.log on Ubuntu Forums, "Sendmail not sending", 2008-12-02) */
	{ .msg = "mAO2tx04010773: mB26PuEl004811: sender notify: Cannot send message for 5 days",
	  .kind = EV_EXPIRED, .cls = EV_CLASS_PERMANENT, .qid = "mAO2tx04010773",
	  .nqid = "mB26PuEl004811", .reply = "Cannot send message for 5 days", .notice = true },
	/* 4: custom-dsn: the postmaster's copy */
	{ .prog = "sendmail", .msg = "j4K9EjQ0008950: j4K9ElQ0008953: postmaster notify: Data format error",
	  .kind = EV_MSG_NOTIFY, .qid = "j4K9EjQ0008950", .nqid = "j4K9ElQ0008953" },
	/* deliver.c sendall(): the envelope split for an owner- alias, its
	 * sender the owner (../shared/corpus technoids log) */
	{ .msg = "h9NL1K9M013890: h9NL1K9M013891: clone: owner=Postmaster", .kind = EV_MSG_NOTIFY,
	  .qid = "h9NL1K9M013890", .nqid = "h9NL1K9M013891", .sender = "Postmaster", .split = true },
	/* 5..: no events, but Sendmail's */
	{ .msg = "56VFYCxS024291: lost input channel from mail.aqicn.org [139.162.120.196] to MTA-v4 "
	         "after rcpt" },
	{ .msg = "x2TMXH7Y023221: internettl.org [104.152.52.29] (may be forged) did not issue "
	         "MAIL/EXPN/VRFY/ETRN during connection to TLSMTA" },
	{ .prog = "sendmail", .msg = "j4K97TIQ029478: timeout waiting for input from [61.250.xxx.yyy] "
	                            "during message collect" },
	{ .msg = "STARTTLS=server, relay=[130.67.61.19], version=TLSv1.3, verify=NO, "
	         "cipher=TLS_AES_128_GCM_SHA256, bits=256/256" },
	{ .msg = "AUTH=server, relay=[179.4.172.5], authid=mallory.scott@example.org, mech=PLAIN, bits=0" },
	{ .msg = "s1GNXHYB005133: [190.5.230.178]: possible SMTP attack: command=AUTH, count=5" },
	/* srvrsmtp.c BadRcptThrottle (sendmail 8.x source) */
	{ .msg = "s1GNXHYB005134: x.example [192.0.2.1]: Possible SMTP RCPT flood, throttling." },
	/* tls_server runs when Sendmail delivers (cf/README): its reject= is
	 * our client giving up on a server's TLS, a health row naming the
	 * server, no refusal of a client (sonic.net's sendmail lines, in a grok
	 * test of 2012) */
	{ .prog = "sendmail", .msg = "ruleset=tls_server, arg1=SOFTWARE, relay=goransoncpa-com.mail.eo.outlook.com, "
	                            "reject=403 4.7.0 TLS handshake failed.",
	  .kind = EV_HEALTH, .host = "goransoncpa-com.mail.eo.outlook.com", .reply = "ruleset=tls_server" },
	/* synthetic, after cf/README: tls_rcpt, before a RCPT is sent */
	{ .msg = "r1AB2C3D004567: ruleset=tls_rcpt, arg1=<a@example.com>, relay=mx.example.com. [192.0.2.7], "
	         "reject=403 4.7.0 not authenticated",
	  .kind = EV_HEALTH, .host = "mx.example.com", .ip = "192.0.2.7", .reply = "ruleset=tls_rcpt" },
	/* daemon health (the health table): system errors */
	{ .msg = "SYSERR(root): hash map \"Alias0\": missing map file /etc/mail/aliases.db: No such file "
	         "or directory", .kind = EV_HEALTH, .reply = "hash map \"Alias0\": missing map file" },
	{ .msg = "j4KDbUaV007215: SYSERR(root): collect: Cannot write ./dfj4KDbUaV007215 (bfcommit, uid=0, "
	         "gid=25): No space left on device", .kind = EV_HEALTH, .reply = "collect: Cannot write" },
	{ .prog = "sendmail", .msg = "j4KDbUaV007215[2]: \\263\\273\\270 continued" },
	/* a piece whose run was not seen from its start, and a daemon note's */
	{ .prog = "sendmail", .msg = "[2]: note continued" },
	/* queue.c loseqfile(): a queue file set aside (LOG_ALERT); runqueue()'s
	 * notes; headers.c's shortened MIME header (sendmail 8.x source) */
	{ .msg = "5ANBP3Qx002003: Losing ./qf5ANBP3Qx002003: savemail panic", .kind = EV_HEALTH,
	  .reply = "Losing ./qf5ANBP3Qx002003: savemail panic" },
	/* a second daemon on a taken port: daemon.c opendaemonsocket() logs,
	 * after its SYSERR, "daemon NAME: problem creating SMTP socket" at
	 * LOG_ALERT; queue.c readqf() refuses a queue file of the wrong owner
	 * or mode, "bogus queue file, uid=N, gid=N, mode=N" (LOG_ALERT), before
	 * its "Losing" line; util.c cannot write the pid file (LOG_ERR); at
	 * start-up an interface address with no name is a warning (Ubuntu
	 * Forums, "Openemm sendmail smarthost help", 2009; "How to setup mail
	 * server using sendmail on Ubuntu 13.04?", 2014; "ERROR while configure
	 * sendmail on ubuntu server", 2009) */
	{ .prog = "sendmail", .msg = "daemon MTA: problem creating SMTP socket", .kind = EV_HEALTH,
	  .reply = "daemon MTA: problem creating SMTP socket" },
	{ .msg = "daemon MTA-v4: problem creating SMTP socket", .kind = EV_HEALTH,
	  .reply = "daemon MTA-v4: problem creating SMTP socket" },
	{ .prog = "sendmail", .msg = "n2DAj1fe006727: bogus queue file, uid=114, gid=126, mode=100660",
	  .kind = EV_HEALTH, .reply = "bogus queue file, uid=114" },
	{ .prog = "sendmail", .msg = "unable to write pid to /home/openemm/var/run/sendmail-mqueue-client.pid: "
	                            "Permission denied",
	  .kind = EV_HEALTH, .reply = "unable to write pid to " },
	{ .msg = "gethostbyaddr(127.0.0.2) failed: 1", .kind = EV_HEALTH, .reply = "gethostbyaddr(" },
	/* other notes of a daemon named in the line stay notes */
	{ .msg = "daemon MTA-v4: optional socket disabled" },
	{ .msg = "runqueue: Aborting queue run: load average too high" },
	{ .msg = "5ANBP4Qx002004: Truncated MIME Content-Type header due to field size (length = 256) "
	         "(possible attack)" },
	{ .prog = "sm-msp-queue", .msg = "starting daemon (8.14.4): queueing@00:25:00" },
	{ .msg = "u31FFPtp032300: Milter: no active filter" },
	/* alias.c (sendmail 8.x source, readaliases() and alias()): the aliases
	 * rebuilt, LogLevel > 7; one alias expanded, LogLevel > 10 */
	{ .msg = "/etc/mail/aliases: 32 aliases, longest 10 bytes, 342 bytes total" },
	{ .msg = "u31FFPtp032300: alias root => admin@example.com, ops" },
	/* milter.c milter_send_command(): one filter's answer (MilterLogLevel
	 * > 10); the "Milter: ..., reject=" line says what was refused */
	{ .msg = "u31FFPtp032300: milter=clamav-milter, action=data, continue" },
	{ .msg = "u31FFPtp032300: milter=spamass, action=eoh, reject=550 5.7.1 Spam" },
	/* milter.c (LOG_ERR) and srvrsmtp.c: a milter the daemon cannot use
	 * (sendmail 8.x source) is a health row, an error */
	{ .msg = "j4K9lEiQ019678: Milter (clamav): error connecting to filter: Connection refused by "
	         "/var/run/clamav/clamav-milter.ctl",
	  .kind = EV_HEALTH, .reply = "Milter (clamav): error connecting to filter" },
	{ .msg = "NOQUEUE: Milter: initialization failed, temp failing commands",
	  .kind = EV_HEALTH, .reply = "Milter: initialization failed" },
	{ .msg = "u31FFPtp032300: Milter (spamass): timeout before data read", .kind = EV_HEALTH,
	  .reply = "Milter (spamass): timeout before data read" },
	/* deliver.c sendall(): a message a milter or ruleset discarded (sendmail
	 * 8.x source, LogLevel 5 to 9) */
	{ .msg = "k876hJS0063495: discarded", .kind = EV_POLICY, .qid = "k876hJS0063495" },
	/* Postfix's compatibility command is Postfix's, not Sendmail's */
	{ .prog = "postfix/sendmail", .msg = "fatal: usage: sendmail [options]", .kind = EV_HEALTH,
	  .reply = "usage: sendmail [options]" },
	{ .msg = "something Sendmail never wrote", .res = RECOG_UNRECOGNIZED },
};

/* Fields by name wherever they stand (issue: anonymisers and patches drop
 * a comma or a space; versions order fields differently; new ones appear).
 * Each is a line above with its separators or order changed. */
static const struct scase fields[] = {
	/* 0: deliveries 0, every ", " a bare "," */
	{ .prog = "sendmail",
	  .msg = "j061bW9V000809: to=cpan-testers@perl.org,ctladdr=maddingue (501/20),delay=00:00:01,"
	         "xdelay=00:00:00,mailer=relay,pri=30151,relay=localhost [127.0.0.1],dsn=2.0.0,"
	         "stat=Sent (j061bXn5000812 Message accepted for delivery)",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "j061bW9V000809",
	  .rcpt = "cpan-testers@perl.org", .host = "localhost", .ip = "127.0.0.1",
	  .nqid = "j061bXn5000812", .delay = 1 },
	/* 1: deliveries 3, the commas gone, two recipients */
	{ .prog = "sendmail",
	  .msg = "u31FFPtp032300: to=<deferred2@example.com>,<d3@example.com> delay=1+00:00:15 "
	         "xdelay=00:00:15 mailer=esmtp pri=34527 relay=[93.184.216.34] [93.184.216.34] dsn=4.3.5 "
	         "stat=Deferred: 451 4.3.5 Server configuration problem",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .code = 451, .enh = "4.3.5",
	  .qid = "u31FFPtp032300", .rcpt = "<deferred2@example.com>,<d3@example.com>",
	  .ip = "93.184.216.34", .reply = "451 4.3.5 Server configuration problem", .delay = 86415,
	  .list = true },
	/* 2: deliveries 1 in another order, with unknown fields */
	{ .prog = "sendmail",
	  .msg = "j061bXn5000812: to=<cpan-testers@perl.org>, relay=mx.develooper.com. [63.251.223.176], "
	         "x_custom=a b, c, mailer=esmtp, dsn=2.0.0, tls_verify=OK, delay=00:00:10, "
	         "stat=Sent (Queued! <200501060137.j061bW9V000809@jupiter.maddingue.net>), xdelay=00:00:10",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "j061bXn5000812",
	  .rcpt = "cpan-testers@perl.org", .host = "mx.develooper.com", .ip = "63.251.223.176",
	  .reply = "Queued! <2005", .delay = 10 },
	/* 3: arrivals 0 with bare commas */
	{ .msg = "6AM0000058366: from=<sales@havenmetro.com>,size=58095,class=0,nrcpts=1,"
	         "msgid=<20261122000000.WnRTjTQp@havenmetro.com>,bodytype=8BITMIME,proto=ESMTPS,"
	         "daemon=MTA-v4,relay=mta8.havenmetro.com [67.25.122.249]",
	  .kind = EV_MSG_ARRIVAL, .qid = "6AM0000058366", .sender = "sales@havenmetro.com",
	  .host = "mta8.havenmetro.com", .ip = "67.25.122.249", .proto = "ESMTPS",
	  .msgid = "20261122000000.WnRTjTQp@havenmetro.com", .size = 58095, .nrcpt = 1 },
	/* 4: arrivals 0, relay= first, nrcpts= last, spaces only */
	{ .msg = "6AM0000058366: from=<sales@havenmetro.com> relay=mta8.havenmetro.com [67.25.122.249] "
	         "size=58095 proto=ESMTPS msgid=<20261122000000.WnRTjTQp@havenmetro.com> nrcpts=1",
	  .kind = EV_MSG_ARRIVAL, .qid = "6AM0000058366", .sender = "sales@havenmetro.com",
	  .host = "mta8.havenmetro.com", .ip = "67.25.122.249", .proto = "ESMTPS",
	  .msgid = "20261122000000.WnRTjTQp@havenmetro.com", .size = 58095, .nrcpt = 1 },
	/* 5: rejects 0, glued */
	{ .prog = "sm-acceptingconnections",
	  .msg = "s1P819mk027713: ruleset=check_rcpt,arg1=<asservnew@freemailhost.ru>,"
	         "relay=128-68-136-133.broadband.corbina.ru [128.68.136.133],reject=550 5.7.1 "
	         "<asservnew@freemailhost.ru>... Relaying denied. Proper authentication required.",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .code = 550, .enh = "5.7.1",
	  .qid = "s1P819mk027713", .rcpt = "asservnew@freemailhost.ru",
	  .host = "128-68-136-133.broadband.corbina.ru", .ip = "128.68.136.133",
	  .reply = "550 5.7.1 <asservnew@freemailhost.ru>... Relaying denied" },
	/* 6: rejects 2, the relay= after reject=, arg2= between */
	{ .msg = "6AM00E0059490: ruleset=check_mail, arg2=x, arg1=<uma.jones@printdesign.com>, "
	         "reject=451 4.1.8 Domain of sender address uma.jones@printdesign.com does not resolve, "
	         "relay=smtp.printdesign.com [142.19.46.208]",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .code = 451, .enh = "4.1.8",
	  .qid = "6AM00E0059490", .sender = "uma.jones@printdesign.com", .host = "smtp.printdesign.com",
	  .ip = "142.19.46.208",
	  .reply = "451 4.1.8 Domain of sender address uma.jones@printdesign.com does not resolve" },
	/* 7: rejects 4, glued */
	{ .msg = "6AM0020058361: Milter: to=<grace80@example.org>,reject=451 4.7.1 Greylisting in action, "
	         "please come back in 00:05:00",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .code = 451, .enh = "4.7.1",
	  .qid = "6AM0020058361", .rcpt = "grace80@example.org" },
	/* 8: deliveries 7 with ctladdr= before to= */
	{ .msg = "6AM0000058400: ctladdr=<ben.lee@example.org> (1297/1297), to=<ben.lee@example.org>, "
	         "delay=00:00:00, xdelay=00:00:00, mailer=local, pri=88095, dsn=2.0.0, stat=Sent",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .enh = "2.0.0", .qid = "6AM0000058400",
	  .rcpt = "ben.lee@example.org" },
	/* 9: a ruleset line without reject= is no refusal */
	{ .msg = "6AM0020058362: ruleset=check_rcpt, arg1=<a@example.org>, relay=[192.0.2.1], "
	         "quarantine=held for review" },
	/* 10: corpus (fail2ban-sendmail-reject.log), the queue ID of the transaction */
	{ .prog = "sendmail", .msg = "rA37ZTSC026250: <arhipov@domain.com>... No such user here",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .qid = "rA37ZTSC026250",
	  .rcpt = "arhipov@domain.com", .reply = "No such user here" },
	/* 11: NOQUEUE is no queue ID */
	{ .msg = "NOQUEUE: ruleset=check_relay, arg1=[192.0.2.7], arg2=192.0.2.7, relay=[192.0.2.7], "
	         "reject=421 4.3.2 Connection rate limit exceeded.",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .code = 421, .enh = "4.3.2", .ip = "192.0.2.7" },
};

static void run_table(const struct scase *cases, size_t n)
{
	failures = 0;
	for (size_t i = 0; i < n; i++)
		check_case((int)i, &cases[i]);
	assert_int_equal(failures, 0);
}

/* recog_address, recog_address_list_next: how a to= list is cut into
 * addresses (ingest feeds one event per address) */
static void test_address_lists(void **state)
{
	(void)state;
	static const struct {
		const char *list, *addr[3];
	} cases[] = {
		{ "<a@x.example>,<b@y.example>", { "a@x.example", "b@y.example", NULL } },
		{ "a@x.example, b@y.example", { "a@x.example", "b@y.example", NULL } },
		{ "sunnogo1 <sun@xxx.com.cn>,other <o@x.example>", { "sun@xxx.com.cn", "o@x.example", NULL } },
		{ "\"Doe, John\" <jd@x.example>,<b@y.example>", { "jd@x.example", "b@y.example", NULL } },
		{ "<\"odd,local\"@x.example>", { "\"odd,local\"@x.example", NULL, NULL } },
		{ "<>", { "", NULL, NULL } },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		const char *p = cases[i].list, *e = p + strlen(p);
		size_t n = 0;
		while (p < e) {
			const char *next = recog_address_list_next(p, e);
			struct sl_span a = recog_address((struct sl_span){ p, (size_t)(next - p) });
			assert_true(n < 3 && cases[i].addr[n]);
			span_check((int)i, "address", a, cases[i].addr[n], false);
			n++;
			p = next < e ? next + 1 : e;
		}
		assert_true(n == 3 || !cases[i].addr[n]);
	}
	assert_int_equal(failures, 0);
}

static void test_deliveries(void **state)
{
	(void)state;
	run_table(deliveries, SL_ARRAY_LEN(deliveries));
}

static void test_arrivals(void **state)
{
	(void)state;
	run_table(arrivals, SL_ARRAY_LEN(arrivals));
}

static void test_rejects(void **state)
{
	(void)state;
	run_table(rejects, SL_ARRAY_LEN(rejects));
}

static void test_notices_and_notes(void **state)
{
	(void)state;
	run_table(notices, SL_ARRAY_LEN(notices));
	/* the Postfix line above went to Postfix's patterns */
	run("postfix/sendmail", "fatal: usage: sendmail [options]");
	assert_int_equal(ev.mta, EV_MTA_POSTFIX);
}

static void test_fields_by_name(void **state)
{
	(void)state;
	run_table(fields, SL_ARRAY_LEN(fields));
}

/* Solaris/illumos syslogd's "[ID n facility.level]" tag: the line of
 * gurkulindia.com/main/2011/06/investigating-sendmail-errors-from-syslog/,
 * completed after Sendmail's to= format */
static void test_solaris_tag(void **state)
{
	(void)state;
	static const char line[] =
		"Apr 16 10:58:56 mymailhost sendmail[24234]: [ID 801593 mail.info] m3G8wu8g024234: "
		"to=<joe.foe@extdomain.com>, ctladdr=<john@mymailhost.mydomain.com> (100/10), "
		"delay=00:00:01, xdelay=00:00:01, mailer=relay, pri=120406, relay=[127.0.0.1] [127.0.0.1], "
		"dsn=2.0.0, stat=Sent (m3G8wuxL024237 Message accepted for delivery)";
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 2026, (int64_t)time(NULL));
	struct logline pl;
	struct sl_span prog;
	logline_parse(&ctx, line, sizeof line - 1, &pl);
	assert_int_equal(recog_line(rec, &pl, &ev, &prog), RECOG_MATCHED);
	assert_int_equal(ev.kind, EV_DELIVERED);
	assert_true(sl_span_eq(ev.queue_id, "m3G8wu8g024234"));
	assert_true(sl_span_eq(ev.new_queue_id, "m3G8wuxL024237"));
	logline_ctx_release(&ctx);
}

/* A to= line sm_syslog cut in pieces (sendmail conf.c: "%s[%d]: %s ..." for
 * each piece but the last, cut after a ',' or ' '): the pieces before the
 * last are notes, the last one is the whole line's delivery. */
static void test_pieces(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"Apr 16 10:58:56 mx sendmail[24234]: m3G8wu8g024234[1]: to=<a@example.com>,<b@example.com>, ...",
		"Apr 16 10:58:56 mx sendmail[24234]: m3G8wu8g024234[2]: <c@example.com>, delay=00:00:01, "
		"xdelay=00:00:01, mailer=esmtp, pri=120406,  ...",
		"Apr 16 10:58:56 mx sendmail[24234]: m3G8wu8g024234[3]: relay=mx.example.com. [192.0.2.7], "
		"dsn=4.0.0, stat=Deferred: 451 4.7.1 Greylisted",
	};
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 2026, (int64_t)time(NULL));
	struct logline pl;
	struct sl_span prog;
	for (size_t i = 0; i < SL_ARRAY_LEN(lines); i++) {
		logline_parse(&ctx, lines[i], strlen(lines[i]), &pl);
		assert_int_equal(recog_line(rec, &pl, &ev, &prog), RECOG_MATCHED);
		if (i + 1 < SL_ARRAY_LEN(lines))
			assert_int_equal(ev.kind, EV_NONE);
	}
	assert_true(pl.joined);
	assert_int_equal(ev.kind, EV_DEFERRED);
	assert_int_equal(ev.class, EV_CLASS_TRANSIENT);
	assert_int_equal(ev.smtp_code, 451);
	assert_string_equal(ev.enhanced_code, "4.0.0");
	assert_true(sl_span_eq(ev.queue_id, "m3G8wu8g024234"));
	assert_true(ev.recipient_list);
	assert_true(sl_span_eq(ev.recipient, "<a@example.com>,<b@example.com>,<c@example.com>"));
	assert_true(sl_span_eq(ev.remote_ip, "192.0.2.7"));
	logline_ctx_release(&ctx);
}

/* Long legitimate lines, up to the longest line read (--max-line 65536),
 * and hostile ones: the pattern, then the field scanner, each in one pass.
 * Asserted: what the line means, and that no match limit was hit. */
#define LONG_MSG 65000

static char *long_buf;

/* long_msg - prefix, filler repeated to about LONG_MSG bytes, suffix */
static const char *long_msg(const char *prefix, const char *filler, const char *suffix)
{
	size_t p = strlen(prefix), f = strlen(filler), x = strlen(suffix), n = p;
	memcpy(long_buf, prefix, p);
	while (n + f + x < LONG_MSG) {
		memcpy(long_buf + n, filler, f);
		n += f;
	}
	memcpy(long_buf + n, suffix, x + 1);
	return long_buf;
}

static void test_long_and_hostile_lines(void **state)
{
	(void)state;
	long_buf = malloc(LONG_MSG + 256);
	assert_non_null(long_buf);
	unsigned long limits = patterns_stats(set)->limit_hits;

	/* a to= line naming 2,500 recipients (deliveries 2, op.me: one line per
	 * delivery attempt to one host) */
	run("sendmail", long_msg("u31FFPtp032300: to=<sent0@example.com>", ",<sent1@example.com>",
	                         ", delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=245938, "
	                         "relay=[93.184.216.34] [93.184.216.34], dsn=2.0.0, stat=Sent (ok)"));
	assert_int_equal(ev.kind, EV_DELIVERED);
	assert_true(ev.recipient_list);
	assert_true(ev.recipient.len > LONG_MSG - 300);
	assert_true(sl_span_eq(ev.remote_ip, "93.184.216.34"));
	assert_true(sl_span_eq(ev.reply, "ok"));

	/* a reject of 65,000 bytes whose text looks like fields */
	run(NULL, long_msg("s1P819mk027713: ruleset=check_rcpt, arg1=<a@example.org>, relay=[192.0.2.1], "
	                   "reject=550 5.7.1 <a@example.org>... Rejected", ", see=x, y=z", " end"));
	assert_int_equal(ev.kind, EV_REJECTED);
	assert_int_equal(ev.smtp_code, 550);
	assert_true(sl_span_eq(ev.recipient, "a@example.org"));
	assert_true(ev.reply.len > LONG_MSG - 200);

	/* "<addr>... text" of 65,000 bytes */
	run(NULL, long_msg("55HIbcGI002794: <baduser@yourhost.com>... User unknown", " ...", ""));
	assert_int_equal(ev.kind, EV_REJECTED);
	assert_true(sl_span_eq(ev.recipient, "baduser@yourhost.com"));

	/* hostile: separators, names and brackets without end */
	run(NULL, long_msg("j78ASk4e013166: to=", ",", ""));
	assert_int_equal(ev.kind, EV_NONE);
	run(NULL, long_msg("j78ASk4e013166: to=<a@example.org>", ", a=", ", stat=Sent"));
	assert_int_equal(ev.kind, EV_DELIVERED);
	assert_true(sl_span_eq(ev.recipient, "a@example.org"));
	run(NULL, long_msg("j78ASk4e013166: from=<", "<", ", nrcpts=1"));
	assert_int_equal(ev.kind, EV_MSG_ARRIVAL);
	assert_int_equal(ev.nrcpt, 1);
	run(NULL, long_msg("j78ASk4e013166: ruleset=check_rcpt, arg1=", " abcdefghijklmnopq=", ""));
	assert_int_equal(ev.kind, EV_NONE);      /* no reject=: no refusal */
	run(NULL, long_msg("j78ASk4e013166: ", "[1.2.3.4]: EXPN ", "root [rejected]"));
	assert_int_equal(ev.kind, EV_NONE);
	assert_int_equal(run(NULL, long_msg("j78ASk4e013166: ", ": ETRN x", " y")), RECOG_MATCHED);
	assert_int_equal(run(NULL, long_msg("x", " did not issu", "e")), RECOG_UNRECOGNIZED);
	assert_int_equal(run(NULL, long_msg("", "<a>.. ", "")), RECOG_UNRECOGNIZED);

	assert_int_equal(patterns_stats(set)->limit_hits, limits);
	free(long_buf);
}

/* ---- the corpus: every line recognized */

static void test_corpus(void **state)
{
	(void)state;
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/sendmail", test_corpus_dir());
	DIR *d = opendir(dir);
	if (!d) {
		printf("skipped: no corpus at %s\n", dir);
		skip();
	}
	char *names[64];
	size_t nn = 0;
	struct dirent *de;
	while ((de = readdir(d)) && nn < SL_ARRAY_LEN(names))
		if (strstr(de->d_name, ".log"))
			names[nn++] = strdup(de->d_name);
	closedir(d);
	qsort(names, nn, sizeof *names, cmp_names);
	assert_true(nn >= 8);

	long lines = 0, kinds[EV_KIND_COUNT] = { 0 }, notice_events = 0;
	failures = 0;
	for (size_t i = 0; i < nn; i++) {
		char path[1200];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		struct logline_ctx ctx;
		logline_ctx_init(&ctx, 2026, (int64_t)time(NULL));
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		long unrec = 0, foreign = 0;
		while ((n = getline(&line, &cap, f)) > 0) {
			if (line[n - 1] == '\n')
				n--;
			if (n && line[n - 1] == '\r')   /* the reader strips CR */
				n--;
			lines++;
			struct logline pl;
			struct event e;
			struct sl_span prog;
			logline_parse(&ctx, line, (size_t)n, &pl);
			switch (recog_line(rec, &pl, &e, &prog)) {
			case RECOG_MATCHED:
				kinds[e.kind]++;
				notice_events += e.failure_notice;
				break;
			case RECOG_UNRECOGNIZED:
				printf("%s: unrecognized [%.*s] %.*s\n", names[i], (int)prog.len, prog.p, (int)n,
				       line);
				unrec++;
				break;
			case RECOG_FOREIGN:
				printf("%s: foreign [%.*s] %.*s\n", names[i], (int)prog.len, prog.p, (int)n, line);
				foreign++;
				break;
			}
		}
		failures += (int)(unrec + foreign);
		free(line);
		logline_ctx_release(&ctx);
		fclose(f);
		free(names[i]);
	}
	assert_int_equal(failures, 0);
	/* the whole corpus, by kind (a change here is a change of meaning) */
	assert_int_equal(lines, 382);
	assert_int_equal(kinds[EV_DELIVERED], 125);
	assert_int_equal(kinds[EV_DEFERRED], 2);
	assert_int_equal(kinds[EV_BOUNCED], 9);
	assert_int_equal(kinds[EV_EXPIRED], 1);
	assert_int_equal(kinds[EV_REJECTED], 34);
	assert_int_equal(kinds[EV_MSG_ARRIVAL], 121);
	assert_int_equal(kinds[EV_MSG_REMOVED], 2);
	assert_int_equal(kinds[EV_MSG_NOTIFY], 10);   /* with technoids' "clone: owner=" */
	assert_int_equal(kinds[EV_NONE], 71);
	assert_int_equal(kinds[EV_HEALTH], 7);   /* AUTH failures */
	assert_int_equal(notice_events, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_lists),
		cmocka_unit_test(test_deliveries),
		cmocka_unit_test(test_arrivals),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_notices_and_notes),
		cmocka_unit_test(test_fields_by_name),
		cmocka_unit_test(test_solaris_tag),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_long_and_hostile_lines),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
