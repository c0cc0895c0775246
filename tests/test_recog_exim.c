/* Exim recognition: each pattern group against real line shapes (from
 * tests/corpus/exim, see tests/corpus/SOURCES.md; "genlog" marks lines of
 * ../shared/tools/genlog --mta exim, "synthetic" lines written here after
 * Exim's deliver.c/acl.c formats), and every line of the Exim corpus either
 * recognized or counted as unrecognized exactly as expected. */
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
 * reply: a prefix, NULL for not checked. size: 0 for not checked. For a
 * line with no event (kind none) only the kind is checked. */
struct ecase {
	const char *msg;         /* the message after Exim's stamp, or after the tag */
	const char *prog;        /* NULL: Exim's own stamp; "": a bare line; else a syslog tag */
	enum recog_result res;
	enum ev_kind kind;
	enum ev_class cls;
	int code;
	const char *enh;
	const char *qid, *rcpt, *orig, *sender, *host, *ip, *helo, *proto, *msgid, *fwd;
	const char *nqid, *oqid, *reply;
	long size;
	const char *health;      /* EV_HEALTH: the category */
};

static struct logline ll;
static struct event ev;

static enum recog_result run(const char *prog, const char *msg)
{
	memset(&ll, 0, sizeof ll);
	ll.pid = -1;
	ll.message = (struct sl_span){ msg, strlen(msg) };
	if (!prog) {
		ll.format = LOGLINE_EXIM;
		ll.has_ts = true;
		ll.program = (struct sl_span){ "exim", 4 };
	} else if (*prog) {
		ll.format = LOGLINE_RFC3164;
		ll.has_ts = true;
		ll.host = (struct sl_span){ "mx1", 3 };
		ll.program = (struct sl_span){ prog, strlen(prog) };
		ll.pid = 1234;
	}
	struct sl_span program;
	return recog_line(rec, &ll, &ev, &program);
}

static void check_case(int i, const struct ecase *c)
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
	span_check(i, "orig_recipient", ev.orig_recipient, c->orig, false);
	span_check(i, "sender", ev.sender, c->sender, false);
	span_check(i, "remote_host", ev.remote_host, c->host, false);
	span_check(i, "remote_ip", ev.remote_ip, c->ip, false);
	span_check(i, "helo", ev.helo, c->helo, false);
	span_check(i, "protocol", ev.protocol, c->proto, false);
	span_check(i, "header_msgid", ev.header_msgid, c->msgid, false);
	span_check(i, "forward_to", ev.forward_to, c->fwd, false);
	span_check(i, "new_queue_id", ev.new_queue_id, c->nqid, false);
	span_check(i, "origin_queue_id", ev.origin_queue_id, c->oqid, false);
	if (c->reply)
		span_check(i, "reply", ev.reply, c->reply, true);
	if (c->size)
		int_check(i, "size", ev.size, c->size);
	if (c->kind == EV_HEALTH && (!ev.health || strcmp(ev.health, c->health) != 0)) {
		printf("case %d: health: got %s, want %s\n", i, ev.health ? ev.health : "(none)",
		       c->health);
		failures++;
	}
}

#define IDX "10HmaX-000000005vi-0000"   /* the 4.97+ form, as the test suite writes it */
#define IDY "10HmaY-000000005vi-0000"

static const struct ecase deliveries[] = {
	/* filebeat-module-exim4's pipeline tests (lbausch/filebeat-exim4): more
	 * than one space after the arrow, a quoted local part */
	{ .msg = "1gtTXl-009NOy-Ft ->  foo@bar.tld <\" foo.bar\"@baz.tld> R=dkim_lookuphost "
	         "T=dkim_remote_smtp H=mail.host.tld [123.123.123.123] X=TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256 "
	         "CV=yes A=fixed_cram K C=\"250- 4359466 byte chunk, total 4361651\\n250 OK id=1gtTZ9-0003pq-QN\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .qid = "1gtTXl-009NOy-Ft",
	  .rcpt = "foo@bar.tld", .orig = "\" foo.bar\"@baz.tld", .host = "mail.host.tld",
	  .ip = "123.123.123.123", .nqid = "1gtTZ9-0003pq-QN" },
	/* 0: 0015, a local delivery: the local part, then the address */
	{ .msg = IDX " => userx <page+ux@test.ex> R=localuser T=local_delivery",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .qid = IDX, .rcpt = "page+ux@test.ex" },
	/* 1: 0015, both addresses: where it went, and the original */
	{ .msg = IDY " => userx@test.ex <Userx-S@Test.Ex> R=localuser_ss T=delivery_s H=127.0.0.1 "
	         "[127.0.0.1] C=\"250 OK\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .qid = IDY,
	  .rcpt = "userx@test.ex", .orig = "Userx-S@Test.Ex", .host = "127.0.0.1", .ip = "127.0.0.1",
	  .reply = "250 OK" },
	/* 2: genlog, classic 6-6-2 id, TLS fields between H= and C= */
	{ .msg = "1xUuzy-000F8y-RZ => vgreen51@partners-rural.com R=dnslookup T=remote_smtp "
	         "H=aspmx.l.google.com [137.194.104.143] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes "
	         "C=\"250 2.0.0 OK  1795305602 sq1ph5ohsd7y - gsmtp\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .enh = "2.0.0",
	  .qid = "1xUuzy-000F8y-RZ", .rcpt = "vgreen51@partners-rural.com",
	  .host = "aspmx.l.google.com", .ip = "137.194.104.143", .reply = "250 2.0.0 OK" },
	/* 3: 0217, "->" a further address of the same delivery; L flag */
	{ .msg = IDX " -> d@test.ex R=client T=send_to_server H=127.0.0.1 [127.0.0.1] L C=\"250 OK\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .qid = IDX, .rcpt = "d@test.ex",
	  .host = "127.0.0.1", .ip = "127.0.0.1" },
	/* 4: 0179, port and "*" (continued connection), I= */
	{ .msg = IDY " => abcd@domain.com R=all T=smtp H=127.0.0.1 [127.0.0.1]:PORT_S* "
	         "I=[127.0.0.1]:10001 C=\"250 OK\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .qid = IDY,
	  .rcpt = "abcd@domain.com", .host = "127.0.0.1", .ip = "127.0.0.1" },
	/* 5: 2111, DN="..." with "/C=" inside, and the next hop's id after " id=" */
	{ .msg = IDX " => userx@test.ex R=client T=send_to_server H=127.0.0.1 [127.0.0.1] "
	         "X=TLS1.x:AES256-SHA:256 CV=no DN=\"/C=UK/O=The Exim Maintainers/OU=Test Suite/CN=Phil "
	         "Pennock\" C=\"250 OK id=" IDY "\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .qid = IDX,
	  .rcpt = "userx@test.ex", .host = "127.0.0.1", .ip = "127.0.0.1", .nqid = IDY },
	/* 6: synthetic (delivery_log, logchar '>'): cutthrough, Postfix's "queued as" */
	{ .msg = "1vAbCd-0001Xy-Ab >> user@example.com R=dnslookup T=remote_smtp "
	         "H=mx.example.com [192.0.2.7]:25 C=\"250 2.0.0 Ok: queued as 4XyZ12\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .enh = "2.0.0",
	  .qid = "1vAbCd-0001Xy-Ab", .rcpt = "user@example.com", .host = "mx.example.com",
	  .ip = "192.0.2.7", .nqid = "4XyZ12" },
	/* 7: 0497, :blackhole: is no address: the original is; the address was
	 * thrown away, a discard by policy, no delivery */
	{ .msg = IDY " => :blackhole: <CALLER@myhost.test.ex> R=r0",
	  .kind = EV_POLICY, .qid = IDY, .rcpt = "CALLER@myhost.test.ex" },
	/* 8: genlog, LMTP to Dovecot */
	{ .msg = "1xUuzy-000F8y-RZ => olga.reed <olga.reed@example.net> R=local_user T=dovecot_lmtp "
	         "H=localhost [127.0.0.1] C=\"250 2.0.0 <olga.reed@example.net> S0pPJ5wx8G2KKNmIYlPnmq Saved\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .enh = "2.0.0",
	  .qid = "1xUuzy-000F8y-RZ", .rcpt = "olga.reed@example.net", .host = "localhost",
	  .ip = "127.0.0.1" },
	/* 9: synthetic: a 251 acceptance is a forwarding, with the new address */
	{ .msg = "1vAbCd-0001Xy-Ab => old@example.com R=dnslookup T=remote_smtp H=mx.example.com "
	         "[192.0.2.7] C=\"251 2.1.5 <old@example.com>: user not local; will forward to <new@example.net>\"",
	  .kind = EV_FORWARDED, .cls = EV_CLASS_SUCCESS, .code = 251, .enh = "2.1.5",
	  .qid = "1vAbCd-0001Xy-Ab", .rcpt = "old@example.com", .host = "mx.example.com",
	  .ip = "192.0.2.7", .fwd = "new@example.net" },
	/* 10: 0292, "*>": delivery suppressed by -N, no event */
	{ .msg = IDX " *> userx@t2 R=r2 T=t2 H=127.0.0.1 [127.0.0.1] C=\"delivery bypassed by -N option\"" },
	/* 11: receive.c: recipients discarded by an ACL */
	{ .msg = IDX " => blackhole (DATA ACL discarded recipients)" },
	/* 12: synthetic (string_log_address): a pipe logs its command, spaces and all */
	{ .msg = "1vAbCd-0001Xy-Ab => |/usr/bin/procmail -d bob@example.org <bob@example.org> "
	         "R=procmail T=procmail_pipe",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .qid = "1vAbCd-0001Xy-Ab",
	  .rcpt = "bob@example.org" },
	/* 13: 5100, LMTP confirmation without H= */
	{ .msg = "10HmbD-000000005vi-0000 => userx <userx@myhost.test.ex> R=smartuser T=lmtp "
	         "C=\"250 Number 1 is OK\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .qid = "10HmbD-000000005vi-0000",
	  .rcpt = "userx@myhost.test.ex" },
	/* cPanel's Exim: a first item with spaces, then the parents and the
	 * address (lines quoted in cPanel's exim log tests and a Go parser's
	 * tests): the address is the recipient */
	{ .msg = "1R9oz3-0005fH-O5 => /home/cplove/mail/c.net/sam/.Server Status/ <sam@c.net> "
	         "R=virtual_user_filter T=address_directory",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .qid = "1R9oz3-0005fH-O5", .rcpt = "sam@c.net" },
	{ .msg = "1cW9Lm-0004Tz-TD => philip.stark+01 - test vm notifications (\"philip.stark+01 - Test "
	         "VM Notifications\"@cpanel.net, philip.stark@cpanel.net) <philip.stark@cpanel.net> "
	         "SRS=<SRS0=zTt2S=ZG=63.pota.to=cpanel@cpanel.net> R=virtual_user T=dovecot_virtual_delivery "
	         "C=\"250 2.0.0 <philip.stark+01 - Test VM Notifications@cpanel.net> 4T9TCqvRh1h3OAAA6kPjFA "
	         "Saved\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .enh = "2.0.0",
	  .qid = "1cW9Lm-0004Tz-TD", .rcpt = "philip.stark@cpanel.net" },
	{ .msg = "1wtYaK-0000000GRSy-2tQh => sales+spam |/usr/local/cpanel/bin/autorespond sales@armos.eu "
	         "/home2/armoseu/.autorespond (sales@armos.eu) <sales@armos.eu> R=virtual_aliases_nostar "
	         "T=cagefs_virtual_address_pipe",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .qid = "1wtYaK-0000000GRSy-2tQh",
	  .rcpt = "sales@armos.eu" },
	/* fields after a plain address are no part of it */
	{ .msg = "1wtYaK-0000000GRSy-2tQh => a@b.example F=<s@c.example> R=r T=t H=mx.b.example "
	         "[192.0.2.5] C=\"250 <a@b.example> ok\"",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .code = 250, .qid = "1wtYaK-0000000GRSy-2tQh",
	  .rcpt = "a@b.example", .sender = "s@c.example", .host = "mx.b.example", .ip = "192.0.2.5" },
};

static const struct ecase arrivals[] = {
	/* a quoted local part may hold spaces: the sender is the whole quoted
	 * address, and the fields after it are read (Exim test suite,
	 * test/log/2102) */
	{ .msg = "10HmaY-0005vi-00 <= \"name with spaces\"@test.ex H=[127.0.0.1] P=smtps "
	         "X=TLS1.x:ke-RSA-AES256-SHAnnn:xxx CV=no S=sss",
	  .kind = EV_MSG_ARRIVAL, .qid = "10HmaY-0005vi-00", .sender = "\"name with spaces\"@test.ex",
	  .ip = "127.0.0.1", .proto = "smtps" },
	/* the 8bitmime selector's "M8S=0" (a name with a digit) does not end the
	 * field list: id= after it is read (logstash-patterns-core's EXIM spec,
	 * "message arrival with quoted hostname and port") */
	{ .msg = "1gsu1C-003dCu-Hb <= aaron@domain.com H=localhost (10.5.40.204) [127.0.0.1]:39753 "
	         "I=[127.0.0.1]:25 P=esmtpa A=dovecot_plain:aaron@domain.com S=4315 M8S=0 "
	         "id=d2b648f00f1a1b0813c483d552778dc6@domain.com T=\"what's up?!? ;-)\" for "
	         "aaron+forward@domain.com",
	  .kind = EV_MSG_ARRIVAL, .qid = "1gsu1C-003dCu-Hb", .sender = "aaron@domain.com",
	  .host = "localhost", .ip = "127.0.0.1", .helo = "10.5.40.204", .proto = "esmtpa",
	  .msgid = "d2b648f00f1a1b0813c483d552778dc6@domain.com", .size = 4315 },
	/* 0: genlog */
	{ .msg = "1xUuzy-000F8y-RZ <= sales@havenmetro.com H=mta8.havenmetro.com [67.25.122.249] "
	         "P=esmtps X=TLS1.3:TLS_AES_128_GCM_SHA256:256 CV=no S=58095 "
	         "id=20261122000000.0FR98OvU@havenmetro.com",
	  .kind = EV_MSG_ARRIVAL, .qid = "1xUuzy-000F8y-RZ", .sender = "sales@havenmetro.com",
	  .host = "mta8.havenmetro.com", .ip = "67.25.122.249", .proto = "esmtps",
	  .msgid = "20261122000000.0FR98OvU@havenmetro.com", .size = 58095 },
	/* 1: 0612, host name and HELO */
	{ .msg = "10HmaZ-000000005vi-0000 <= b@dump.ex H=localhost (myhost.test.ex) [127.0.0.1] "
	         "P=esmtp S=sss for rmt_accept@test.ex",
	  .kind = EV_MSG_ARRIVAL, .qid = "10HmaZ-000000005vi-0000", .sender = "b@dump.ex",
	  .host = "localhost", .ip = "127.0.0.1", .helo = "myhost.test.ex", .proto = "esmtp" },
	/* 2: genlog, HELO only, authenticated */
	{ .msg = "1xUuzy-000F8y-RZ <= trent.perez@example.org H=([210.177.157.113]) [210.177.157.113] "
	         "P=esmtpsa X=TLS1.3:TLS_AES_128_GCM_SHA256:256 CV=no A=dovecot_plain:trent.perez@example.org "
	         "S=43036 id=20261122000001.5NrRcdJd@example.org",
	  .kind = EV_MSG_ARRIVAL, .qid = "1xUuzy-000F8y-RZ", .sender = "trent.perez@example.org",
	  .ip = "210.177.157.113", .helo = "[210.177.157.113]", .proto = "esmtpsa",
	  .msgid = "20261122000001.5NrRcdJd@example.org", .size = 43036 },
	/* 3: 0032, a bounce: null sender, R= names the message it reports on */
	{ .msg = IDY " <= <> R=" IDX " U=EXIMUSER P=local S=sss",
	  .kind = EV_MSG_ARRIVAL, .qid = IDY, .sender = "<>", .proto = "local", .oqid = IDX },
	/* 4: 0040, R= with a real sender is no bounce; old-form reference */
	{ .msg = IDY " <= jc@rome R=10HmaX-0005vi-00 U=jc44bc P=local S=sss for userx@test.x",
	  .kind = EV_MSG_ARRIVAL, .qid = IDY, .sender = "jc@rome", .proto = "local" },
	/* 5: 0612, "(=" fakereject: kept, the client was told 550 */
	{ .msg = "10HmbC-000000005vi-0000 (= b2@dump.ex H=localhost (myhost.test.ex) [127.0.0.1] "
	         "P=esmtp S=sss for rmt_fakereject@test.ex",
	  .kind = EV_MSG_ARRIVAL, .qid = "10HmbC-000000005vi-0000", .sender = "b2@dump.ex",
	  .host = "localhost", .ip = "127.0.0.1", .helo = "myhost.test.ex", .proto = "esmtp" },
	/* 6: 0015 */
	{ .msg = IDX " Completed", .kind = EV_MSG_REMOVED, .qid = IDX },
	/* 7: Completed with +queue_time_overall */
	{ .msg = "1vAbCd-0001Xy-Ab Completed QT=2s", .kind = EV_MSG_REMOVED, .qid = "1vAbCd-0001Xy-Ab" },
	/* receive.c: the pipelining selector's "L" with its marks ("L-": offered,
	 * not used; "L.-": early pipelining offered too), before S= and id= */
	{ .msg = "1qqAAD-000123-Ab <= a@b.example H=localhost (x) [127.0.0.1]:5000 P=esmtpsa "
	         "X=TLS1.2:ECDHE-RSA-AES128-GCM-SHA256:128 L.- S=1000 id=w@b.example",
	  .kind = EV_MSG_ARRIVAL, .qid = "1qqAAD-000123-Ab", .sender = "a@b.example", .host = "localhost",
	  .ip = "127.0.0.1", .helo = "x", .proto = "esmtpsa", .msgid = "w@b.example", .size = 1000 },
};

static const struct ecase failures_cases[] = {
	/* cPanel lines of Exim 4.82 quoted in cPanel's forum guide "Reading and
	 * Understanding the exim_mainlog" (forums.cpanel.net/resources/
	 * reading-and-understanding-the-exim-main_log.383/, as copied into
	 * logdata-anomaly-miner's tests): the smtp transport of that time put
	 * the host inside its error, "...: host NAME [IP]: 451 ..." */
	{ .msg = "1XWqqy-00028x-FK == test@badluckbryan.com R=lookuphost T=remote_smtp defer (-44): SMTP "
	         "error from remote mail server after RCPT TO:<test@gylsystems.com>: host gylsystems.com "
	         "[69.69.69.69]: 451 Temporary local problem - please try later",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .code = 451, .qid = "1XWqqy-00028x-FK",
	  .rcpt = "test@badluckbryan.com", .host = "gylsystems.com", .ip = "69.69.69.69",
	  .reply = "SMTP error from remote mail server after RCPT TO:<test@gylsystems.com>: host" },
	{ .msg = "1XtYro-004Ecv-65 ** aaron@domain.com R=dkim_lookuphost T=dkim_remote_smtp: SMTP error "
	         "from remote mail server after MAIL FROM:<aaron@domain.com> SIZE=1604: host "
	         "mail.fictional.example [10.5.40.204]: 553 <aaron@domain.com> unable to verify address",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .code = 553, .qid = "1XtYro-004Ecv-65",
	  .rcpt = "aaron@domain.com", .host = "mail.fictional.example", .ip = "10.5.40.204" },
	{ .msg = "1XeRdP-0006JC-FO ** aaron@domain.com R=dkim_lookuphost T=dkim_remote_smtp: SMTP error "
	         "from remote mail server after end of data: host mail.fictional.example [10.5.40.204]: "
	         "554 rejected due to spam content",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .code = 554, .qid = "1XeRdP-0006JC-FO",
	  .rcpt = "aaron@domain.com", .host = "mail.fictional.example", .ip = "10.5.40.204" },
	{ .msg = "1rNbOb-0002Xy-Ci == a@dom.example R=dkim_lookuphost T=dkim_remote_smtp defer (-18): "
	         "Remote host mx.dom.example [192.0.2.1] closed connection in response to end of data",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .qid = "1rNbOb-0002Xy-Ci", .rcpt = "a@dom.example",
	  .host = "mx.dom.example", .ip = "192.0.2.1", .reply = "Remote host mx.dom.example" },
	/* the first item holds spaces when "(parents)" or "<top>" follows, as
	 * a delivery's does (a cPanel autoresponder pipe, see exim.delivery) */
	{ .msg = "1rNbOb-0002Xy-Cd ** sales+spam |/usr/local/cpanel/bin/autorespond sales@dom.example "
	         "/home/u/.autorespond (sales@dom.example) <sales@dom.example> R=virtual_aliases "
	         "T=address_pipe: Child process of address_pipe transport returned 69 (could mean service "
	         "or program unavailable) from command: /usr/local/cpanel/bin/autorespond",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .qid = "1rNbOb-0002Xy-Cd", .rcpt = "sales@dom.example",
	  .reply = "Child process of address_pipe transport returned 69" },
	{ .msg = "1rNbOb-0002Xy-Ce ** a@dom.example: Domain dom.example has exceeded the max emails per "
	         "hour (100/100 (100%)) allowed. <x>",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .qid = "1rNbOb-0002Xy-Ce", .rcpt = "a@dom.example",
	  .reply = "Domain dom.example has exceeded" },
	/* a host named in a reply that is not the transport's error stays out */
	{ .msg = "1XeRdP-0006JC-FP ** aaron@domain.com R=dnslookup: lookup of host mx.example [x] failed",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .qid = "1XeRdP-0006JC-FP",
	  .rcpt = "aaron@domain.com" },
	/* a cPanel virtual_user delivery logs the address twice, "u@d <u@d>":
	 * no redirection, so no original address (LMTP to Dovecot, the
	 * shape of cPanel's dovecot_virtual_delivery transport) */
	{ .msg = "1rNbOb-0002Xy-Ah ** user@dom.example <user@dom.example> F=<s@x.example> R=virtual_user "
	         "T=dovecot_virtual_delivery: LMTP error after RCPT TO:<user@dom.example>: 550 5.1.1 "
	         "<user@dom.example> User doesn't exist: user@dom.example",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .code = 550, .enh = "5.1.1",
	  .qid = "1rNbOb-0002Xy-Ah", .rcpt = "user@dom.example", .sender = "s@x.example",
	  .reply = "LMTP error after RCPT TO:<user@dom.example>: 550 5.1.1" },
	{ .msg = "1rNbOb-0002Xy-Ab == User@Dom.example <user@dom.example> R=virtual_user "
	         "T=dovecot_virtual_delivery defer (-1): LMTP error after RCPT TO:<user@dom.example>: 452 "
	         "4.2.2 <user@dom.example> Quota exceeded (mailbox for user is full)",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .code = 452, .enh = "4.2.2",
	  .qid = "1rNbOb-0002Xy-Ab", .rcpt = "User@Dom.example" },
	/* filebeat-module-exim4's pipeline tests (lbausch/filebeat-exim4) */
	{ .msg = "1gpXfR-0040X2-94 ** mail@host.tld R=virtual_aliases: No Such User Here",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .qid = "1gpXfR-0040X2-94", .rcpt = "mail@host.tld",
	  .reply = "No Such User Here" },
	{ .msg = "1h43YE-0005F1-ND == mail@host.tld R=dnslookup T=remote_smtp defer (-53): retry time not "
	         "reached for any host for 'host.tld'",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .qid = "1h43YE-0005F1-ND", .rcpt = "mail@host.tld",
	  .reply = "retry time not reached for any host for 'host.tld'" },
	/* 0: 0160 */
	{ .msg = IDX " == userx@domain.com R=all T=smtp defer (-44) H=127.0.0.1 [127.0.0.1]: SMTP error "
	         "from remote mail server after RCPT TO:<userx@domain.com>: 452 Temporary error",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .code = 452, .qid = IDX,
	  .rcpt = "userx@domain.com", .host = "127.0.0.1", .ip = "127.0.0.1",
	  .reply = "SMTP error from remote mail server after RCPT TO:<userx@domain.com>: 452" },
	/* 1: genlog, enhanced code */
	{ .msg = "1xUuzy-000F8y-RZ == contact@maplepeak.com R=dnslookup T=remote_smtp defer (-44) "
	         "H=aspmx.l.google.com [137.194.104.143]: SMTP error from remote mail server after RCPT "
	         "TO:<contact@maplepeak.com>: 451 4.7.1 Greylisting in action, please come back later",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .code = 451, .enh = "4.7.1",
	  .qid = "1xUuzy-000F8y-RZ", .rcpt = "contact@maplepeak.com", .host = "aspmx.l.google.com",
	  .ip = "137.194.104.143" },
	/* 2: 0179, after MAIL FROM, with I= after the host */
	{ .msg = "10HmaZ-000000005vi-0000 == userz@domain.com R=all T=smtp defer (-45) H=127.0.0.1 "
	         "[127.0.0.1]:PORT_S I=[127.0.0.1]:10001: SMTP error from remote mail server after MAIL "
	         "FROM:<>: 450 not right now, sorry",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .code = 450, .qid = "10HmaZ-000000005vi-0000",
	  .rcpt = "userz@domain.com", .host = "127.0.0.1", .ip = "127.0.0.1",
	  .reply = "SMTP error from remote mail server after MAIL FROM:<>: 450" },
	/* 3: 0211, strerror before the host */
	{ .msg = "10HmbB-000000005vi-0000 == userx@domain1 R=others T=smtp defer (dd): Connection timed "
	         "out H=ip4.ip4.ip4.ip4 [ip4.ip4.ip4.ip4]: SMTP timeout after initial connection",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .qid = "10HmbB-000000005vi-0000",
	  .rcpt = "userx@domain1", .host = "ip4.ip4.ip4.ip4", .ip = "ip4.ip4.ip4.ip4",
	  .reply = "SMTP timeout after initial connection" },
	/* deliver.c deferral_log(): " defer (errno): strerror", then the host,
	 * then ": message" only when there is one; with none, the errno's text
	 * is the reply */
	{ .msg = "1rKabe-000123-AB == slow@example.net R=dnslookup T=remote_smtp defer (110): "
	         "Connection timed out H=mx.example.net [192.0.2.3]",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .qid = "1rKabe-000123-AB",
	  .rcpt = "slow@example.net", .host = "mx.example.net", .ip = "192.0.2.3",
	  .reply = "Connection timed out" },
	/* 4: genlog: a connection failure has no code at all */
	{ .msg = "1xUv3T-000Hmp-Bx == elena.smith@peakmeadow.co.uk R=dnslookup T=remote_smtp defer (111): "
	         "Connection refused",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .qid = "1xUv3T-000Hmp-Bx",
	  .rcpt = "elena.smith@peakmeadow.co.uk", .reply = "Connection refused" },
	/* 5: genlog, LMTP: local part first */
	{ .msg = "1xUv3T-000Hmp-Bx == grace.bailey <grace.bailey@example.org> R=local_user T=dovecot_lmtp "
	         "defer (-44) H=localhost [127.0.0.1]: LMTP error after end of data: 452 4.2.2 "
	         "<grace.bailey@example.org> Quota exceeded (mailbox for user is full)",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .code = 452, .enh = "4.2.2",
	  .qid = "1xUv3T-000Hmp-Bx", .rcpt = "grace.bailey@example.org", .host = "localhost",
	  .ip = "127.0.0.1" },
	/* 6: 0612 and 7: 0476: no attempt made this time, still a deferral
	 * (an "==" line, as eximstats counts them), with no code */
	{ .msg = "10HmbD-000000005vi-0000 == rmt_defer@test.ex routing defer (-52): retry time not reached",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .qid = "10HmbD-000000005vi-0000",
	  .rcpt = "rmt_defer@test.ex", .reply = "retry time not reached" },
	{ .msg = IDY " == usery@test.ex R=r1 T=t1 defer (-54): retry time not reached for any host for "
	         "'test.ex'",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .qid = IDY, .rcpt = "usery@test.ex",
	  .reply = "retry time not reached for any host for 'test.ex'" },
	/* 8: 0217 (older Exim: " : ") */
	{ .msg = IDX " ** c@test.ex R=client T=send_to_server H=127.0.0.1 [127.0.0.1] : SMTP error from "
	         "remote mail server after RCPT TO:<c@test.ex>: 550 Perm error",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .code = 550, .qid = IDX, .rcpt = "c@test.ex",
	  .host = "127.0.0.1", .ip = "127.0.0.1", .reply = "SMTP error from remote mail server" },
	/* 9: genlog, 551 names the address to try */
	{ .msg = "1xUv1C-000G2Z-MJ ** alerts@solarrural.nl R=dnslookup T=remote_smtp "
	         "H=eu-smtp-inbound-1.mimecast.com [205.221.33.105]: SMTP error from remote mail server "
	         "after RCPT TO:<alerts@solarrural.nl>: 551 5.1.6 <alerts@solarrural.nl>: User not local; "
	         "please try <marketing@solarrural.nl>",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .code = 551, .enh = "5.1.6",
	  .qid = "1xUv1C-000G2Z-MJ", .rcpt = "alerts@solarrural.nl",
	  .host = "eu-smtp-inbound-1.mimecast.com", .ip = "205.221.33.105",
	  .fwd = "marketing@solarrural.nl" },
	/* 10: 0160, routing failure */
	{ .msg = IDY " ** CALLER@myhost.test.ex : Unrouteable address",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .qid = IDY, .rcpt = "CALLER@myhost.test.ex",
	  .reply = "Unrouteable address" },
	/* 11: 0211, F= (sender_on_delivery) */
	{ .msg = IDX " ** userx@domain1 F=<CALLER@test.ex> R=others T=smtp H=localhost4.test.ex "
	         "[127.0.0.1] : SMTP error from remote mail server after initial connection: 550 Go away (A)",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .code = 550, .qid = IDX, .rcpt = "userx@domain1",
	  .sender = "CALLER@test.ex", .host = "localhost4.test.ex", .ip = "127.0.0.1" },
	/* 12: 5510, PRDR */
	{ .msg = "10HmbA-000000005vi-0000 ** userq@test.ex R=r0 T=t1 H=127.0.0.1 [127.0.0.1] : PRDR error "
	         "after DATA: 550 second rcpt does not like content",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .code = 550, .qid = "10HmbA-000000005vi-0000",
	  .rcpt = "userq@test.ex", .host = "127.0.0.1", .ip = "127.0.0.1" },
	/* 13: 0160: Exim gave up retrying: an expiry */
	{ .msg = IDX " ** userx@domain.com: retry timeout exceeded",
	  .kind = EV_EXPIRED, .cls = EV_CLASS_PERMANENT, .qid = IDX, .rcpt = "userx@domain.com",
	  .reply = "retry timeout exceeded" },
	/* 14: synthetic, the reason in front (as Exim's bounce text shows it) */
	{ .msg = "1vAbCd-0001Xy-Ab ** user@example.org R=local_user T=local_delivery: mailbox is full: "
	         "retry timeout exceeded",
	  .kind = EV_EXPIRED, .cls = EV_CLASS_PERMANENT, .qid = "1vAbCd-0001Xy-Ab",
	  .rcpt = "user@example.org", .reply = "mailbox is full: retry timeout exceeded" },
	/* 15: 0211: the host-level error repeated by the "==" line after it: no event */
	{ .msg = IDX " H=localhost4.test.ex [127.0.0.1]: SMTP error from remote mail server after "
	         "initial connection: 450 I'm busy" },
	/* 16: 0476 */
	{ .msg = "10HmaZ-000000005vi-0000 H=127.0.0.1 [127.0.0.1] Connection refused" },
	/* the smtp transport's write_logs(): any errno text after the host (an
	 * Exim 4.97 mainlog quoted in a public write-up, IPv6 unreachable) */
	{ .msg = "1smkL5-00000000e65-24eQ H=mx.yandex.ru [2a02:6b8::311] Network is unreachable" },
	{ .msg = "1smkL5-00000000e65-24eQ H=mx.example.net [192.0.2.7]:25 No route to host" },
	/* Exim 4.84 and older wrote the same line without "H=" (a Debian
	 * exim 4.84_2 mainlog, github.com/ParisNw/Debian-VM- mainlog; a cPanel
	 * "exim -v" transcript, pastebin.com/U6aqKG9d) */
	{ .msg = "1cImAN-0001CD-0m ASPMX.L.GOOGLE.COM [2607:f8b0:400d:c01::1b] Network is unreachable" },
	{ .msg = "1cImAN-0001CD-0m ASPMX.L.GOOGLE.COM [74.125.192.26] Connection timed out" },
	{ .msg = "1cJ17G-00022T-63 aspmx.l.google.com [173.194.204.26] Connection refused" },
	/* synthetic, the same with a message: "name [ip]: text" */
	{ .msg = "1cJ17G-00022T-63 mx.example.net [192.0.2.7]: SMTP error from remote mail server "
	         "after RCPT TO:<a@example.net>: 451 4.7.1 Greylisted" },
	/* the later pieces of a long line cut for syslog (src/log.c write_syslog) */
	{ .msg = "[2/2]  c@example.net d@example.net" },
	{ .msg = "[3\\3] 550 5.1.1 third line" },
	/* 17: 0203 and 18: 0206: freezing */
	{ .msg = "10HmaZ-000000005vi-0000 Frozen (delivery error message)" },
	{ .msg = IDX " Message is frozen" },
	/* 19: synthetic (failure_log): a pipe that failed */
	{ .msg = "1vAbCd-0001Xy-Ab ** |/usr/local/bin/filter --strict <bob@example.org> R=filter "
	         "T=address_pipe: Child process of address_pipe transport returned 69 (could mean "
	         "service or program unavailable) from command: /usr/local/bin/filter",
	  .kind = EV_BOUNCED, .cls = EV_CLASS_PERMANENT, .qid = "1vAbCd-0001Xy-Ab",
	  .rcpt = "bob@example.org", .reply = "Child process of address_pipe" },
	/* transports/smtp.c: every host past its retry cutoff, the address failed
	 * untried (Exim source; Sisimai's Exim tests quote both texts): expiries */
	{ .msg = "1abCde-0001Xy-Ab ** a@b.example R=dnslookup T=remote_smtp: retry time not reached for any "
	         "host after a long failure period",
	  .kind = EV_EXPIRED, .cls = EV_CLASS_PERMANENT, .qid = "1abCde-0001Xy-Ab", .rcpt = "a@b.example",
	  .reply = "retry time not reached for any host after" },
	{ .msg = "1abCde-0001Xy-Ab ** a@b.example R=dnslookup T=remote_smtp: all hosts for 'b.example' have "
	         "been failing for a long time and were last tried after this message arrived",
	  .kind = EV_EXPIRED, .cls = EV_CLASS_PERMANENT, .qid = "1abCde-0001Xy-Ab", .rcpt = "a@b.example",
	  .reply = "all hosts for 'b.example'" },
};

static const struct ecase rejects[] = {
	/* 0: crowdsec, TLS fields between H= and F= */
	{ .msg = "H=imfo.test.com [1.2.3.4]:35328 X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=no "
	         "F=<info6@test.com> rejected RCPT <sales@toto.com.au>: No Such User Here",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .rcpt = "sales@toto.com.au",
	  .sender = "info6@test.com", .host = "imfo.test.com", .ip = "1.2.3.4",
	  .reply = "No Such User Here" },
	/* smtp_in.c: an EHLO argument that is no host name (an Exim rejectlog
	 * quoted on a Q&A page, 2017) */
	{ .msg = "rejected EHLO from mail.mra.mu [196.27.73.162]: syntactically invalid argument(s): "
	         "mra_esa1.mra.mu",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .host = "mail.mra.mu",
	  .ip = "196.27.73.162", .helo = "mra_esa1.mra.mu", .reply = "syntactically invalid argument(s)" },
	{ .msg = "rejected HELO from [192.0.2.9]:1234: syntactically invalid argument(s): (no argument "
	         "given)",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .ip = "192.0.2.9",
	  .reply = "syntactically invalid argument(s)" },
	/* 1: genlog, a defer verb: "temporarily rejected", and no code */
	{ .msg = "H=smtp.delta-local.com [48.184.155.216] F=<noreply@delta-local.com> temporarily "
	         "rejected RCPT <zack37@example.org>: greylisted, please try again later",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .rcpt = "zack37@example.org",
	  .sender = "noreply@delta-local.com", .host = "smtp.delta-local.com", .ip = "48.184.155.216" },
	/* 2: crowdsec, at connect */
	{ .msg = "H=test.sa.com [1.2.3.4]:18146 temporarily rejected connection in \"connect\" ACL: "
	         "\"Host is ratelimited (1.9/1h max:1.2)\"",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .host = "test.sa.com", .ip = "1.2.3.4",
	  .reply = "\"Host is ratelimited" },
	/* 3: rejectlog 0622, the ACL's message carries a code */
	{ .msg = "H=localhost (myhost.test.ex) [127.0.0.1] F=<CALLER@myhost.test.ex> temporarily rejected "
	         "RCPT <B@test.ex>: 452 4.5.3 Try again",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .code = 452, .enh = "4.5.3", .rcpt = "B@test.ex",
	  .sender = "CALLER@myhost.test.ex", .host = "localhost", .ip = "127.0.0.1",
	  .helo = "myhost.test.ex" },
	/* 4: 0227: a callout's answer quoted in the text is not this server's code */
	{ .msg = "H=(test) [V4NET.0.0.3] U=root F=<uncheckable@localhost1> rejected RCPT <z@remote.domain>: "
	         "127.0.0.1 [127.0.0.1] : SMTP error from remote mail server after RCPT "
	         "TO:<z@remote.domain>: 550 Recipient not liked",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .rcpt = "z@remote.domain",
	  .sender = "uncheckable@localhost1", .ip = "V4NET.0.0.3", .helo = "test" },
	/* 5: 0227, after DATA, with the message id */
	{ .msg = IDX " H=(test) [V4NET.0.0.4] U=root F=<uncheckable@localhost1> rejected after DATA: "
	         "there is no valid sender in any header line",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .qid = IDX, .sender = "uncheckable@localhost1",
	  .ip = "V4NET.0.0.4", .helo = "test", .reply = "there is no valid sender" },
	/* 6: fail2ban, older Exim: addresses without <> */
	{ .msg = "H=([2.181.148.95]) [2.181.148.95]:52391 I=[1.2.3.4]:25 F=fantasizesg4@google.com "
	         "rejected RCPT some@email.com: rejected found in dnsbl zen.spamhaus.org",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .rcpt = "some@email.com",
	  .sender = "fantasizesg4@google.com", .ip = "2.181.148.95", .helo = "[2.181.148.95]" },
	/* 7: fail2ban, local_scan, F= before H= */
	{ .msg = "1Ai79e-0000Dq-8i F=uzwltcmwto24@melissacam.biz H=lsanca1-ar3-4-47-028-040.lsanca1.elnk."
	         "dsl.genuity.net [4.47.28.40] P=smtp rejected by local_scan(): Rejected: hits=7.5 "
	         "required=5.0 trigger=5.0",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .qid = "1Ai79e-0000Dq-8i",
	  .sender = "uzwltcmwto24@melissacam.biz",
	  .host = "lsanca1-ar3-4-47-028-040.lsanca1.elnk.dsl.genuity.net", .ip = "4.47.28.40",
	  .reply = "Rejected: hits=7.5" },
	/* 8: rejectlog 0900, receive.c */
	{ .msg = "rejected from <someone@some.domain> H=(tester) [127.0.0.1]: Non-CRLF-terminated header, "
	         "under CHUNKING: message abandoned",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .sender = "someone@some.domain",
	  .ip = "127.0.0.1", .helo = "tester", .reply = "Non-CRLF-terminated header" },
	/* 9: genlog, MAIL */
	{ .msg = "H=smtp.designaqua.com [157.188.108.31] F=<chloe.howard@designaqua.com> rejected MAIL "
	         "<chloe.howard@designaqua.com>: Access denied",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .sender = "chloe.howard@designaqua.com",
	  .host = "smtp.designaqua.com", .ip = "157.188.108.31", .reply = "Access denied" },
	/* 10: 0536, local SMTP, null sender */
	{ .msg = "U=CALLER F=<> rejected RCPT <user4@test.ex>: 599 5.2.3 Main and extended code",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .code = 599, .enh = "5.2.3",
	  .rcpt = "user4@test.ex", .sender = "<>" },
	/* 11: 0612, no log message at all */
	{ .msg = "H=localhost (myhost.test.ex) [127.0.0.1] F=<c@dump.ex> temporarily rejected RCPT "
	         "<rmt_defer@test.ex>",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .rcpt = "rmt_defer@test.ex",
	  .sender = "c@dump.ex", .host = "localhost", .ip = "127.0.0.1", .helo = "myhost.test.ex" },
	/* 12 and 13: fail2ban, synchronization errors: this server refused the
	 * connection (smtp_in.c answers 554 and closes it) */
	{ .msg = "SMTP protocol synchronization error (input sent without waiting for greeting): "
	         "rejected connection from H=[211.148.195.192]:25936 I=[1.2.3.4]:25 input=\"GET / HTTP/1.1\"",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .ip = "211.148.195.192",
	  .reply = "SMTP protocol synchronization error (input sent without waiting for greeting)" },
	{ .msg = "SMTP protocol synchronization error (next input sent too soon: pipelining was not "
	         "advertised): rejected \"RSET\" H=ba77.mx83.fr [82.96.160.77]:58302 I=[1.2.3.4]:25 next "
	         "input=\"QUIT\\r\\n\"",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .host = "ba77.mx83.fr", .ip = "82.96.160.77",
	  .reply = "SMTP protocol synchronization error (next input sent too soon" },
	/* 14: fail2ban, the drop verb of a connect ACL */
	{ .msg = "H=[192.0.2.101]:62839 dropped by 'connect' ACL: Country is banned",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .ip = "192.0.2.101",
	  .reply = "Country is banned" },
	/* 15: 0901, a defer verb in the connect ACL: transient */
	{ .msg = "H=[127.0.0.1] temporarily rejected connection in \"connect\" ACL: host deferred",
	  .kind = EV_REJECTED, .cls = EV_CLASS_TRANSIENT, .ip = "127.0.0.1", .reply = "host deferred" },
	/* 16: smtp_in.c smtp_handle_acl_fail, "%s %s%srejected %s%s" for a deny
	 * in the connect ACL (synthetic, from that format) */
	{ .msg = "H=mail.example.net [192.0.2.7]:41000 rejected connection in \"connect\" ACL: "
	         "listed in zen.spamhaus.org",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .host = "mail.example.net", .ip = "192.0.2.7",
	  .reply = "listed in zen.spamhaus.org" },
	/* 17: an SMTP call dropped after too many errors stays a session note */
	{ .msg = "SMTP call from [192.0.2.109] dropped: too many syntax or protocol errors "
	         "(last command was \"AUTH LOGIN\")" },
};

static const struct ecase notes[] = {
	/* synthetic, after smtp_in.c host_and_ident() with the incoming_interface
	 * selector (" I=[ip]:port" after the client), on in cPanel's exim.conf */
	{ .msg = "H=(x) [192.0.2.61]:5000 I=[10.0.0.1]:587 incomplete transaction (RSET) from <a@b.example>" },
	{ .msg = "1rNbOb-0002Xy-Dk H=localhost (x) [127.0.0.1]:40000 I=[127.0.0.1]:25 Warning: "
	         "\"SpamAssassin as cpaneleximscanner detected OUTGOING smtp message as NOT spam (-0.1)\"" },
	{ .msg = "H=(x) [192.0.2.67]:5000 I=[10.0.0.1]:25 Warning: Sender rate 12.0 / 1h" },
	/* synthetic, after acl.c: a refused MAIL names the sender */
	{ .msg = "H=(x) [192.0.2.68]:5000 I=[10.0.0.1]:25 rejected MAIL <a@b.example>: Access denied",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .sender = "a@b.example", .ip = "192.0.2.68",
	  .helo = "x", .reply = "Access denied" },
	/* cPanel's own logwrite for each message sent out (the cPanel forum
	 * guide's lines, as in logdata-anomaly-miner's tests) */
	{ .msg = "1XRlM6-003yMv-KG SMTP connection outbound 1410368816 1XRlM6-003yMv-KG domain.com "
	         "live@somedomain.com" },
	{ .msg = "Start queue run: pid=p1234" },
	{ .msg = "exim x.yz daemon started: pid=p1237, no queue runs, listening for SMTP on port PORT_D" },
	{ .msg = "SMTP connection from (hydra) [10.101.1.10]:53682 lost" },
	{ .msg = "no host name found for IP address 192.0.2.8" },
	/* daemon health: rows of the health table */
	{ .msg = "dovecot_login authenticator failed for ([1.2.3.5]) [1.2.3.4]:55379: 535 Incorrect "
	         "authentication data (set_id=info@test.com)",
	  .kind = EV_HEALTH, .health = "sasl", .ip = "1.2.3.4",
	  .reply = "dovecot_login authenticator failed for" },
	{ .msg = "H=tata.test.biz [1.2.3.4]:41584 sender verify fail for <toto@test.biz>: The mail "
	         "server does not recognize toto@test.biz as a valid sender." },
	{ .msg = "unexpected disconnection while reading SMTP command from (User) [120.155.208.9]:2120 D=21s" },
	{ .msg = "TLS error on connection from (win-077ccx) [128.1.57.122] (SSL_accept): error:0A000126:SSL "
	         "routines::unexpected eof while reading",
	  .kind = EV_HEALTH, .health = "tls", .reply = "TLS error on connection from" },
	{ .msg = "1VxPit-000MMd-U4 SA: Action: flagged as Spam but accepted: score=8.2 required=5.0" },
	/* smtp_in.c: "unexpected %s while reading SMTP command from": EOF when the
	 * client is a local process (sender_host_unknown), "disconnection" else;
	 * no MAIL in a TCP Fast Open connection ("no MAIL in %sSMTP connection",
	 * "TFO " or "TFO* "); receive.c's timeout of a local submission */
	{ .msg = "unexpected EOF while reading SMTP command from [192.0.2.1] D=0s" },
	{ .msg = "no MAIL in TFO* SMTP connection from [192.0.2.1]:4000 D=1s C=EHLO,QUIT" },
	{ .msg = "timed out while reading local message" },
	/* synthetic, after smtp_in.c: a connection turned away before the
	 * greeting (smtp_accept_reserve, TCP wrappers) is a session note */
	{ .msg = "temporarily refused connection from [192.0.2.7]: not in reserve list: connected=100 "
	         "max=100 reserve=10" },
	{ .msg = "refused connection from [192.0.2.8] (tcp wrappers)" },
	/* transports/smtp.c check_response(): a timeout names the host inside its
	 * text; the host-level note repeats it with the message id (a forum post:
	 * exim4 to smtp.blueyonder.co.uk, Ubuntu, "LOG: MAIN" output of exim -v) */
	{ .msg = "1abCde-0001Xy-Ab SMTP timeout while connected to smtp.blueyonder.co.uk [195.188.53.60] "
	         "after initial connection: Connection timed out" },
	{ .msg = "1abCde-0001Xy-Ab == xxx@xxx.ac.uk R=send_via_BY T=BY_smtp defer (110): Connection timed "
	         "out: SMTP timeout while connected to smtp.blueyonder.co.uk [195.188.53.60] after initial "
	         "connection",
	  .kind = EV_DEFERRED, .cls = EV_CLASS_TRANSIENT, .qid = "1abCde-0001Xy-Ab", .rcpt = "xxx@xxx.ac.uk",
	  .host = "smtp.blueyonder.co.uk", .ip = "195.188.53.60", .reply = "Connection timed out: SMTP" },
	/* deliver.c post_process_one(): the first line a pipe's output, logged
	 * by the transport's log_output (or log_fail_output, log_defer_output) */
	{ .msg = "1abCde-0001Xy-Ab <a@example.com>: procmail_pipe transport output: procmail: Couldn't "
	         "create \"/var/mail/a\"" },
	/* deliver.c deliver_message(): a system filter's "seen finish" discards
	 * the message ("=> discarded (system filter)", no delivery), or keeps
	 * what it generated; a filter error is a panic; an unreadable spool file */
	{ .msg = "1abCde-0001Xy-Ab => discarded (system filter)" },
	/* host.c during a delivery: the router's lookup found no address (Exim
	 * test suite, test/log/0099) */
	{ .msg = "10HmbC-0005vi-00 no IP address found for host nonexist.test.ex" },
	/* a failure of a child address whose error is ignored names its parent */
	{ .msg = "1abCde-0001Xy-Ab x@example.com <list@example.com>: error ignored" },
	{ .msg = "1abCde-0001Xy-Ab original recipients ignored (system filter)" },
	{ .msg = "1abCde-0001Xy-Ab Delivery deferred by system filter" },
	{ .msg = "1abCde-0001Xy-Ab Format error in spool file 1abCde-0001Xy-Ab-H: size=1234" },
	{ .msg = "1abCde-0001Xy-Ab Error in system filter: error in filter file: unknown filtering command "
	         "\"iff\" near line 3 of filter file",
	  .kind = EV_HEALTH, .health = "panic", .reply = "Error in system filter: " },
	/* paniclog: deliver.c common_error(), logged to main and panic logs; exim.c
	 * for an untrusted -C file (a docker test's delivery log, 2025) */
	{ .msg = "1abCde-0001Xy-Ab User 0 set for local_delivery transport is on the never_users list",
	  .kind = EV_HEALTH, .health = "panic", .reply = "User 0 set for local_delivery transport" },
	/* dkim.c: LOG_MAIN|LOG_PANIC (exim_exporter's test paniclog) */
	{ .msg = "1jdghf-00034W-No DKIM: signing failed: RSA_LONG_LINE",
	  .kind = EV_HEALTH, .health = "panic", .reply = "DKIM: signing failed: RSA_LONG_LINE" },
	{ .msg = "exim user lost privilege for using -C option",
	  .kind = EV_HEALTH, .health = "panic", .reply = "exim user lost privilege" },
	/* Exim 4.94 and later refuse a file name or lookup built from tainted
	 * data: exim_open2() and search_open() log "Tainted filename '%s'" and
	 * "Tainted filename for search: '%s'" to the main and panic logs (a
	 * VestaCP forum note on Exim 4.94, 2020; Exim test suite,
	 * test/paniclog/0630); search.c only warns of a tainted query that is not
	 * quoted (test/paniclog/2610); acl.c cannot add a warn verb's header
	 * lines outside a message ACL (test/paniclog/0021) */
	{ .msg = "Tainted filename for search: '/etc/exim/domains/domain.com/aliases'",
	  .kind = EV_HEALTH, .health = "panic", .reply = "Tainted filename for search: " },
	{ .msg = "10HmaX-0005vi-00 Tainted filename 'TESTSUITE/spool/dest3'",
	  .kind = EV_HEALTH, .health = "panic", .reply = "Tainted filename 'TESTSUITE" },
	{ .msg = "10HmaX-0005vi-00 tainted search query is not properly quoted (router r1, "
	         "TESTSUITE/test-config 66): select name from them where id='ph10'",
	  .kind = EV_HEALTH, .health = "warning", .reply = "tainted search query is not" },
	{ .msg = "ACL \"warn\" with \"message\" setting found in a non-message (EHLO or HELO) ACL: "
	         "cannot specify header lines here: message ignored",
	  .kind = EV_HEALTH, .health = "panic", .reply = "ACL \"warn\" with \"message\"" },
	/* smtp_in.c host_and_ident(): an RFC 1413 ident answer adds " U=name"
	 * after the client, and a client with no host (-bs) is "U=name" alone
	 * (Exim test suite, test/log/0021, test/log/0024, test/rejectlog/0365) */
	{ .msg = "H=(x.y.z) [10.9.8.10] U=CALLER Warning: This warning is from a HELO ACL (command "
	         "helo x.y.z)" },
	{ .msg = "H=(test) [V4NET.11.12.16] U=CALLER Warning: found in rbl2.test.ex" },
	{ .msg = "U=CALLER sender verify defer for <callout@x>: Could not complete sender verify "
	         "callout: V4NET.0.0.0 [V4NET.0.0.0] could not connect: Network Error" },
	/* synthetic, after acl.c: a warn verb's condition deferred, logged with
	 * host_and_ident(), which is "U=name" alone for a local SMTP client */
	{ .msg = "U=CALLER Warning: ACL \"warn\" statement skipped: condition test deferred" },
	{ .msg = "1abCde-0001Xy-Ab U=CALLER Warning: ACL \"warn\" statement skipped: condition test "
	         "deferred" },
	/* routers/rf_self_action.c: a router whose host is this one (self =
	 * freeze, the default) logs "lowest numbered MX record points to local
	 * host" or, for a host that is no MX, "remote host address is the local
	 * host", naming what was being verified (planet-work.net's syslog parser
	 * tests, 2017) */
	{ .msg = "remote host address is the local host: sante-vie-positive.org (while verifying "
	         "<ethan_hale@sante-vie-positive.org> from host 46-105-63-163.kimsufi.com (revolusyn.com) "
	         "[46.105.63.163])",
	  .kind = EV_HEALTH, .health = "panic", .reply = "remote host address is the local host: " },
	/* paniclog */
	{ .msg = "Failed to create spool file /var/spool/exim4//input//1vAbCd-0001Xy-Ab-D: Permission denied",
	  .kind = EV_HEALTH, .health = "panic", .reply = "Failed to create spool file" },
	{ .msg = "Exim configuration error in line 42 of /etc/exim4/exim4.conf:",
	  .kind = EV_HEALTH, .health = "panic", .reply = "Exim configuration error in line 42" },
	/* Debian's exim4 init script and daily cron job (exim4-base) tell syslog,
	 * as "exim4", that the paniclog is not empty (a Raspberry Pi note on
	 * /var/log/mail.warn, 2019) */
	{ .prog = "exim4", .msg = "ALERT: exim paniclog /var/log/exim4/paniclog has non-zero size, mail "
	                         "system possibly broken",
	  .kind = EV_HEALTH, .health = "error", .reply = "ALERT: exim paniclog " },
	/* through syslog: "exim[1234]:" and the +pid selector's "[1234] " */
	{ .prog = "exim", .msg = "[8003] SMTP protocol error in \"AUTH LOGIN\" H=(User) [192.0.2.29]:4816 "
	                        "I=[192.0.2.1]:25 Ci=8003 LOGIN authentication mechanism not supported" },
	{ .prog = "exim4", .msg = "H=test.com [1.2.3.4]:53343 F=<info@test.com> rejected RCPT "
	                         "<toto@toto.com>: \"JunkMail rejected\"",
	  .kind = EV_REJECTED, .cls = EV_CLASS_PERMANENT, .rcpt = "toto@toto.com", .sender = "info@test.com",
	  .host = "test.com", .ip = "1.2.3.4" },
	/* Sophos UTM runs its Exims as "exim-in" and "exim-out" (syslog_processname)
	 * and logs each accepted recipient with a logwrite of its own;
	 * "ctasd reports" is its spam classifier's verdict
	 * (community.sophos.com, "How to analyze the SMTP log file", 2019;
	 * pastebin.com/7N7NkGDE, 2011) */
	{ .prog = "exim-in", .msg = "[10.OUR.IP.X] F=<aromer@mycompany.com> R=<jack.tuinstra@customer.com> "
	                           "Accepted: from relay" },
	{ .prog = "exim-in", .msg = "[192.0.2.1]:53500 F=<SRS0=tyYMsf=UJ=b.example=u@c.example> "
	                           "R=<t@d.example> Accepted: from relay" },
	{ .prog = "exim", .msg = "1Pwzn4-000333-1Y ctasd reports 'Unknown' "
	                        "RefID:str=0001.0A090203.4D765978.010D,ss=1,fgs=0" },
	{ .prog = "exim-out", .msg = "1haLqj-0002Mu-4K => c@d.example R=static_route_hostlist "
	                            "T=static_smtp H=mail.d.example [192.0.2.20]:25",
	  .kind = EV_DELIVERED, .cls = EV_CLASS_SUCCESS, .qid = "1haLqj-0002Mu-4K",
	  .rcpt = "c@d.example", .host = "mail.d.example", .ip = "192.0.2.20" },
	/* rejectlog header dump: bare lines, no stamp */
	{ .prog = "", .msg = "Envelope-from: <someone@some.domain>" },
	{ .prog = "", .msg = "Envelope-to: <CALLER@test.ex>" },
	{ .prog = "", .msg = "    <second@test.ex>" },
	{ .prog = "", .msg = "  To: Susan@random.com" },
	{ .prog = "", .msg = "P Received: from [127.0.0.1] (helo=tester)" },
	{ .prog = "", .msg = "\tby myhost.test.ex with esmtp (Exim x.yz)" },
	{ .prog = "", .msg = " may not follow <u212@shrike.depaul.edu", .res = RECOG_UNRECOGNIZED },
	/* not Exim's: a harness line, a wrong message id length */
	{ .prog = "", .msg = "******** SERVER ********", .res = RECOG_UNRECOGNIZED },
	{ .msg = "1vAbCd-0001X-Ab => user@example.com R=r T=t", .res = RECOG_UNRECOGNIZED },
	{ .msg = "1vAbCd-0001Xyz-Ab => user@example.com R=r T=t", .res = RECOG_UNRECOGNIZED },
	{ .prog = "dovecot", .msg = "imap-login: Login: user=<x>", .res = RECOG_FOREIGN },
};

static void run_table(const struct ecase *cases, size_t n)
{
	failures = 0;
	for (size_t i = 0; i < n; i++)
		check_case((int)i, &cases[i]);
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

static void test_deferrals_and_bounces(void **state)
{
	(void)state;
	run_table(failures_cases, SL_ARRAY_LEN(failures_cases));
}

static void test_rejects(void **state)
{
	(void)state;
	run_table(rejects, SL_ARRAY_LEN(rejects));
}

static void test_notes_and_foreign(void **state)
{
	(void)state;
	run_table(notes, SL_ARRAY_LEN(notes));
}

/* ---- the corpus: every line recognized, or counted where expected */

struct expect_unrec {
	const char *file;
	int exim;           /* counted under the program "exim" */
	int bare;           /* counted under "(no header)" */
	const char *why;
};

static const struct expect_unrec corpus_unrec[] = {
	{ "exim-testsuite-log-0162.log", 0, 2, "the rest of a multi-line message: lines that start "
	                                       "with spaces could be anyone's" },
	{ "exim-testsuite-log-0211.log", 7, 0, "test harness markers \"Test: ...\"" },
	{ "exim-testsuite-log-0548.log", 0, 1, "\"******** SERVER ********\" harness marker" },
	{ "exim-testsuite-log-0600.log", 12, 0, "x-test-header-*: logwrite of the test's ACL" },
	{ "exim-testsuite-log-0612.log", 55, 1, "event_action logwrite (\"event tcp:connect data\"), "
	                                        "harness markers (rej/never, playout, ...)" },
	{ "exim-testsuite-log-0901.log", 0, 1, "harness marker" },
	{ "exim-testsuite-log-2111.log", 0, 1, "harness marker" },
	{ "exim-testsuite-log-4540.log", 13, 1, "DKIM ACL logwrite (signer:, dkim_status, "
	                                        "Authentication-Results:), harness marker" },
	{ "exim-testsuite-log-5100.log", 0, 229, "the harness's LMTP server script and transcript" },
	{ "exim-testsuite-log-9901.log", 0, 1, "harness marker" },
	{ "exim-testsuite-rejectlog-0622.log", 0, 1, "harness marker" },
	{ "exim-testsuite-rejectlog-0639.log", 0, 1, "harness marker" },
	{ "exim-testsuite-rejectlog-0900.log", 0, 1, "harness marker" },
};

struct corpus_count {
	long lines, unrec_exim, unrec_bare, unrec_other, foreign;
	long kinds[EV_KIND_COUNT];
};

/* count_file - what the pipeline's logline + recog make of every line; CR
 * is stripped as the reader does */
static void count_file(const char *path, struct corpus_count *cc)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 2026, (int64_t)time(NULL));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		if (n && line[n - 1] == '\r')
			n--;
		cc->lines++;
		struct logline pl;
		struct event e;
		struct sl_span prog;
		logline_parse(&ctx, line, (size_t)n, &pl);
		switch (recog_line(rec, &pl, &e, &prog)) {
		case RECOG_MATCHED:
			cc->kinds[e.kind]++;
			break;
		case RECOG_UNRECOGNIZED:
			if (sl_span_eq(prog, "exim"))
				cc->unrec_exim++;
			else if (sl_span_eq(prog, "(no header)"))
				cc->unrec_bare++;
			else
				cc->unrec_other++;
			break;
		case RECOG_FOREIGN:
			cc->foreign++;
			break;
		}
	}
	free(line);
	logline_ctx_release(&ctx);
	fclose(f);
}

static void test_corpus(void **state)
{
	(void)state;
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/exim", test_corpus_dir());
	DIR *d = opendir(dir);
	if (!d) {
		printf("skipped: no corpus at %s\n", dir);
		skip();
	}
	char *names[256];
	size_t nn = 0;
	struct dirent *de;
	while ((de = readdir(d)) && nn < SL_ARRAY_LEN(names))
		if (strstr(de->d_name, ".log"))
			names[nn++] = strdup(de->d_name);
	closedir(d);
	qsort(names, nn, sizeof *names, cmp_names);
	assert_true(nn >= 40);

	struct corpus_count total;
	memset(&total, 0, sizeof total);
	bool seen[SL_ARRAY_LEN(corpus_unrec)] = { false };
	failures = 0;
	for (size_t i = 0; i < nn; i++) {
		char path[1400];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		struct corpus_count cc;
		memset(&cc, 0, sizeof cc);
		count_file(path, &cc);
		int want_exim = 0, want_bare = 0;
		for (size_t k = 0; k < SL_ARRAY_LEN(corpus_unrec); k++)
			if (strcmp(corpus_unrec[k].file, names[i]) == 0) {
				want_exim = corpus_unrec[k].exim;
				want_bare = corpus_unrec[k].bare;
				seen[k] = true;
			}
		if (cc.unrec_exim != want_exim || cc.unrec_bare != want_bare || cc.unrec_other ||
		    cc.foreign) {
			printf("%s: unrecognized exim %ld, bare %ld, other %ld, foreign %ld; want exim %d, "
			       "bare %d\n", names[i], cc.unrec_exim, cc.unrec_bare, cc.unrec_other, cc.foreign,
			       want_exim, want_bare);
			failures++;
		}
		total.lines += cc.lines;
		for (int k = 0; k < EV_KIND_COUNT; k++)
			total.kinds[k] += cc.kinds[k];
		free(names[i]);
	}
	for (size_t k = 0; k < SL_ARRAY_LEN(corpus_unrec); k++)
		if (!seen[k]) {
			printf("%s: listed, but not in the corpus\n", corpus_unrec[k].file);
			failures++;
		}
	assert_int_equal(failures, 0);
	/* the whole corpus, by kind (a change here is a change of meaning) */
	assert_int_equal(total.lines, 1449);
	assert_int_equal(total.kinds[EV_DELIVERED], 144);
	assert_int_equal(total.kinds[EV_POLICY], 16);   /* "=> :blackhole: <a>": discards */
	assert_int_equal(total.kinds[EV_DEFERRED], 82);   /* 7 "retry time not reached" */
	assert_int_equal(total.kinds[EV_BOUNCED], 258);
	assert_int_equal(total.kinds[EV_EXPIRED], 12);
	assert_int_equal(total.kinds[EV_REJECTED], 111);   /* 3 synchronization errors, 1 drop */
	assert_int_equal(total.kinds[EV_MSG_ARRIVAL], 124);
	assert_int_equal(total.kinds[EV_MSG_REMOVED], 85);
	assert_int_equal(total.kinds[EV_NONE], 225);
	assert_int_equal(total.kinds[EV_HEALTH], 65);   /* 62 SASL, 3 TLS failures */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deliveries),
		cmocka_unit_test(test_arrivals),
		cmocka_unit_test(test_deferrals_and_bounces),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_notes_and_foreign),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
