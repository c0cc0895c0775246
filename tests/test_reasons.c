/* test_reasons: the reply-text rules of patterns/reasons.pat and the texts of
 * data/reasons/. Real replies quoted from the test corpus (tests/corpus/,
 * attribution in tests/corpus/SOURCES.md) must get the right reason; each
 * excerpt is checked to still occur in its file. Also: codes: restrictions,
 * every reason has a rule and texts, rule errors are reported.
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "codes.h"
#include "patterns.h"
#include "reasons.h"

struct fixture {
	struct pattern_set *set;
	struct reasons *r;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct sl_error err;
	f->set = patterns_new();
	/* the source tree's file, so an edit is tested without a rebuild of the embedding */
	if (patterns_add_dir(f->set, SOURCE_DIR "/patterns", &err) ||
	    patterns_compile(f->set, &err)) {
		print_error("%s\n", err.msg);
		return -1;
	}
	f->r = reasons_new(f->set, &err);
	if (!f->r) {
		print_error("%s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	reasons_free(f->r);
	patterns_free(f->set);
	free(f);
	return 0;
}

/* classify - as a caller does: the codes come from the reply text itself */
static const char *classify(struct reasons *r, const char *text)
{
	int reply;
	char enh[CODES_ENHANCED_MAX];
	codes_extract(text, &reply, enh);
	return reasons_classify(r, text, strlen(text), reply, enh);
}

/* Replies servers really sent, verbatim from the corpus (file, excerpt). */
static const struct corpus_case {
	const char *file;      /* under tests/corpus/ */
	const char *text;      /* what the log shows of the reply */
	const char *reason;    /* NULL: no rule should claim it */
} corpus_cases[] = {
	/* Postfix, delivery agent and smtpd */
	{ "postfix/whyscream-grok-test-messages.log",
	  "450 4.7.1 <user@example.com>: Recipient address rejected: Greylisted for 5 minutes (in reply to RCPT TO command)",
	  "greylisting" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "450 4.2.0 <whatever-user@lists.example.org>: Recipient address rejected: Greylisted, see",
	  "greylisting" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "451 4.7.1 Greylisting in action, please come back later", "greylisting" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "450 4.1.8 root@localhost.localdomain: Sender address rejected: Domain not found (in reply to RCPT TO command)",
	  "sender-domain-unresolvable" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "conversation with mx00.gmx.com[74.208.5.4] timed out while receiving the initial server greeting",
	  "connection-timeout" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "421-4.7.0 [1.2.3.4      15] Our system has detected an unusual rate of 421-4.7.0 unsolicited mail originating from your IP address. To protect our 421-4.7.0 users from spam, mail sent from your IP address has been temporarily 421-4.7.0 rate limited.",
	  "rate-limit" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "550-5.7.1 [2607:4100:3:25:100::2      12] Our system has detected that this 550-5.7.1 message is likely unsolicited mail. To reduce the amount of spam sent 550-5.7.1 to Gmail, this message has been blocked.",
	  "reputation" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "535 5.7.8 Error: authentication failed: authentication failure", "auth-failed" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "550 5.1.1 <toernooicommissie@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
	  "user-unknown" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "554 5.7.1 Service unavailable; Helo command [news.zihan-promo.com] blocked using dbl.spamhaus.org",
	  "dnsbl-spamhaus" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "550 5.7.1 Service unavailable; client [27.157.200.233] blocked using zen.spamhaus.org",
	  "dnsbl-spamhaus" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "454 4.7.1 <aap@henk.com>: Relay access denied", "relay-denied" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "554 5.7.0 Reject, contact postmaster@example.com, id=31619-02 - spam", "policy-spam" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "Host or domain name not found. Name service error for name=198.204.82.110.list.dnswl.org type=A: Host not found, try again",
	  "host-not-found" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "connect to intern.nl[194.109.6.98]:25: Connection timed out", "connection-timeout" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "reject: CONNECT from [1.2.3.4]:1337: too many connections", "too-many-connections" },
	{ "postfix/fail2ban-postfix.log",
	  "450 4.7.1 Client host rejected: cannot find your hostname, [93.184.216.34]",
	  "reverse-dns-missing" },
	{ "postfix/fail2ban-postfix.log",
	  "550 5.7.25 Client host rejected: cannot find your hostname, [192.0.2.246]",
	  "reverse-dns-missing" },
	{ "postfix/fail2ban-postfix.log",
	  "450 4.7.1 Client host rejected: cannot find your reverse hostname, [2.3.4.5]",
	  "reverse-dns-missing" },
	{ "postfix/fail2ban-postfix.log",
	  "450 4.1.8 <some@nonexistant.tld>: Sender address rejected: Domain not found",
	  "sender-domain-unresolvable" },
	{ "postfix/fail2ban-postfix.log",
	  "550 5.7.1 Service unavailable; client [216.245.194.173] blocked using rbl.example.com",
	  "dnsbl" },
	{ "postfix/fail2ban-postfix.log",
	  "550 5.1.1 <sales@server.com>: Recipient address rejected: User unknown in local recipient table",
	  "user-unknown" },
	/* an access map's own text (check_sender_access): a local access list */
	{ "postfix/fail2ban-postfix.log",
	  "554 5.7.1 <foo@bad.domain>: Sender address rejected: match bad.domain", "access-denied" },
	{ "postfix/ossec-postfix-ini.log",
	  "550 5.7.1 Service unavailable; client [157.122.148.242] blocked using bl.spamcop.net",
	  "dnsbl-spamcop" },
	{ "postfix/crowdsec-postfix-helo.log",
	  "504 5.5.2 <WIN-9QL4SDRB93L>: Helo command rejected: need fully-qualifiedhostname",
	  "helo-rejected" },
	{ "postfix/crowdsec-postfix-relay.log",
	  "454 4.7.1 <spammer@domain.tld>: Relay access denied", "relay-denied" },
	{ "postfix/parse-syslog-mail-cpan-rt-28807.log",
	  "Host or domain name not found. Name service error for name=gmail.coml type=A: Host not found",
	  "host-not-found" },
	{ "postfix/zentyal-maillog-helper-test.log", "Quota exceeded (mailbox for user is full)",
	  "mailbox-full" },
	{ "postfix/zentyal-maillog-helper-test.log",
	  "host mail.dplanet.com[67.23.8.134] said: 550 5.1.1 <nobj@dplanet.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)",
	  "user-unknown" },
	{ "postfix/zentyal-maillog-helper-test.log",
	  "connect to 192.168.45.120[192.168.45.120]:25: Connection timed out", "connection-timeout" },
	{ "postfix/pflogsumm-go-sample.log", "(550 User unknown)", "user-unknown" },
	{ "postfix/hsn723-postfix-exporter-test.log",
	  "550 5.7.1 Service unavailable; client [1.2.3.4] blocked using zen.spamhaus.org",
	  "dnsbl-spamhaus" },
	{ "postfix/hsn723-postfix-exporter-test.log",
	  "host mail.domain.com[1.1.1.1] said: 451 DT:SPM 163 mx13,P8CowECpNVM_oEVaenoEAQ--.23796S3 1514512449, please try again 15min later (in reply to end of DATA command)",
	  "policy-spam" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "status=sent (250 2.0.0 Ok: queued as", NULL },
	/* Sendmail */
	{ "sendmail/fail2ban-sendmail-reject.log",
	  "550 5.7.1 <asservnew@freemailhost.ru>... Relaying denied. Proper authentication required.",
	  "relay-denied" },
	{ "sendmail/fail2ban-sendmail-reject.log",
	  "550 5.7.1 <gert-jan@t-online.ch>... Relaying denied. IP name lookup failed [41.204.78.137]",
	  "relay-denied" },
	{ "sendmail/fail2ban-sendmail-reject.log",
	  "553 5.1.8 <camila.pinto@camilopinto.pt>... Domain of sender address camila.pinto@andrewweitzman.com does not exist",
	  "sender-domain-unresolvable" },
	{ "sendmail/fail2ban-sendmail-reject.log",
	  "550 5.7.1 <joaofr@camilopinto.pt>... Rejected: 151.232.63.226 listed at sbl-xbl.spamhaus.org",
	  "dnsbl-spamhaus" },
	{ "sendmail/fail2ban-sendmail-reject.log",
	  "550 5.7.1 <user@host.com>... Rejected: IP in SpamCop blacklist, see: http://spamcop.net/bl.shtml?74.137.127.206",
	  "dnsbl-spamcop" },
	{ "sendmail/fail2ban-sendmail-reject.log",
	  "550 5.7.1 <user@host.com>... Rejected: IP in Barracuda RBL, see: http://www.barracudacentral.org/reputation?ip=203.229.186.250",
	  "dnsbl-barracuda" },
	{ "sendmail/fail2ban-sendmail-reject.log",
	  "550 5.7.1 <user@host.com>... Rejected: IP in SpamHaus PBL", "dnsbl-spamhaus" },
	{ "sendmail/fail2ban-sendmail-reject.log",
	  "550 5.1.1 <non-existing-user@example.com>... User unknown", "user-unknown" },
	{ "sendmail/fail2ban-sendmail-reject.log",
	  "550 5.7.1 <linda@domain.com>... Fix reverse DNS for 192.0.2.5", "reverse-dns-missing" },
	{ "sendmail/fail2ban-sendmail-reject.log", "<arhipov@domain.com>... No such user here",
	  "user-unknown" },
	{ "sendmail/fail2ban-sendmail-reject.log", "reject=421 4.3.2 Connection rate limit exceeded.",
	  "rate-limit" },
	{ "sendmail/fail2ban-sendmail-reject.log", "reject=421 4.3.2 Too many open connections.",
	  "too-many-connections" },
	{ "sendmail/fail2ban-sendmail-reject.log",
	  "450 4.4.0 <spameri@tiscali.it>... Relaying temporarily denied. Cannot resolve PTR record for 45.125.66.67",
	  "reverse-dns-missing" },
	{ "sendmail/parse-syslog-mail-sendmail-ruleset.log",
	  "553 5.1.8 <fwipada@dakkitydak.fap>... Domain of sender address abuse@gov.us does not exist",
	  "sender-domain-unresolvable" },
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log",
	  "500 Mail appears to be unsolicited -- send error reports to postmaster@example.net",
	  "policy-spam" },
	/* Exim */
	{ "exim/fail2ban-exim-spam.log", "rejected found in dnsbl zen.spamhaus.org", "dnsbl-spamhaus" },
	{ "exim/fail2ban-exim-spam.log", "rejected because 111.67.203.114 is in a black list at dnsbl.sorbs.net",
	  "dnsbl-sorbs" },
	{ "exim/crowdsec-exim-spam.log",
	  "JunkMail rejected - test.com [1.2.3.4]:53343 is in an RBL: https://www.spamhaus.org/sbl/query/SBLCSS",
	  "dnsbl-spamhaus" },
	{ "exim/fail2ban-exim.log", "535 Incorrect authentication data (set_id=brian)", "auth-failed" },
	{ "exim/fail2ban-exim.log", "rejected RCPT <oksana@birzhatm.ua>: Unknown user", "user-unknown" },
	{ "exim/exim-testsuite-log-0511.log", "H=127.0.0.1 [127.0.0.1] Connection refused",
	  "connection-refused" },
	{ "exim/exim-testsuite-log-0217.log",
	  "Connection timed out H=127.0.0.1 [127.0.0.1]: SMTP timeout after RCPT TO:<f@test.ex>",
	  "connection-timeout" },
	{ "exim/exim-testsuite-log-0227.log",
	  "SMTP error from remote mail server after RCPT TO:<bad@localhost>: 550 Unknown user",
	  "user-unknown" },
	/* Exim's answer when it hit a local error of its own (a lookup that
	 * deferred, a full disk): the server's own trouble */
	{ "exim/exim-testsuite-log-0612.log",
	  "451 Temporary local problem - please try later", "server-config" },
	/* sender verification (Exim verify = sender) */
	{ "exim/crowdsec-exim-logs.log", "Sender verify failed", "sender-verify-failed" },
	{ "exim/exim-testsuite-log-0227.log", "Could not complete sender verify callout",
	  "sender-verify-failed" },
	/* authentication required for submission */
	{ "exim/crowdsec-exim-logs.log", "SMTP AUTH is required for message submission on port 587",
	  "auth-required" },
	/* mail loops */
	{ "postfix/zentyal-maillog-helper-test.log", "mail for 192.168.45.120 loops back to myself",
	  "mail-loop" },
	{ "postfix/whyscream-grok-test-messages.log", "mail forwarding loop for tom@example.com",
	  "mail-loop" },
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log",
	  "Too many hops 26 (25 max): from <someone@hotmail.com> via localhost", "mail-loop" },
	/* a session that broke off */
	{ "postfix/whyscream-grok-test-messages.log",
	  "delivery temporarily suspended: lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO",
	  "connection-lost" },
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log", "DSN: I/O error", "connection-lost" },
	/* the server's own configuration */
	{ "sendmail/fluent-plugin-sendmail-data.log", "451 4.3.5 Server configuration problem",
	  "server-config" },
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log", "Local configuration error",
	  "server-config" },
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log",
	  "Error in ldap_search using someone in map Alias0: Can't contact LDAP server", "server-config" },
	/* protocol errors */
	{ "postfix/whyscream-grok-test-messages.log", "550 5.5.1 Protocol error", "protocol-error" },
	{ "postfix/fail2ban-postfix.log", "550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce",
	  "protocol-error" },
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log", "Remote protocol error",
	  "protocol-error" },
	{ "exim/fail2ban-exim.log",
	  "SMTP protocol synchronization error (input sent without waiting for greeting)",
	  "protocol-error" },
	/* malformed addresses */
	{ "postfix/whyscream-grok-test-messages.log",
	  "504 5.5.2 <aap@henk>: Sender address rejected: need fully-qualified address",
	  "address-invalid" },
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log", "Invalid route address",
	  "address-invalid" },
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log", "Invalid host name", "address-invalid" },
	/* content filters, DNS */
	{ "postfix/whyscream-grok-test-messages.log", "5.7.1 Blocked by SpamAssassin", "policy-spam" },
	{ "exim/fail2ban-exim-spam.log", "Rejected: hits=7.5 required=5.0 trigger=5.0", "policy-spam" },
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log",
	  "Host unknown (Name server: attbi.com.: no data known)", "host-not-found" },
	/* postscreen: a busy server (answered 421) */
	{ "postfix/hsn723-postfix-exporter-test.log", "all server ports busy", "too-many-connections" },
	{ "postfix/hsn723-postfix-exporter-test.log", "all screening ports busy",
	  "too-many-connections" },
	{ "postfix/ossec-postfix-ini.log", "450 4.3.2 Service currently unavailable",
	  "too-many-connections" },
	/* Sendmail's bare "Service unavailable" is no busy server */
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log", "Service unavailable", NULL },
	/* no way to the host at all */
	{ "postfix/whyscream-grok-test-messages.log",
	  "connect to mail2.crabruzzo.it[2.115.207.21]:25: No route to host", "network-unreachable" },
	{ "postfix/whyscream-grok-test-messages.log",
	  "connect to aspmx.l.google.com[2a00:1450:400b:c02::1a]:25: Network is unreachable",
	  "network-unreachable" },
	/* a connect ACL's own refusal */
	{ "exim/fail2ban-exim.log", "Country is banned", "access-denied" },
	/* the queue: waiting for the retry time, the retry period over */
	{ "exim/exim-testsuite-log-0476.log", "retry time not reached for any host", "retry-wait" },
	{ "exim/exim-testsuite-log-0160.log", "retry timeout exceeded", "retry-expired" },
	{ "postfix/hsn723-postfix-exporter-test.log", "expired, returned to sender", "retry-expired" },
	{ "sendmail/parse-syslog-mail-sendmail-custom-dsn.log", "Cannot send message for 4 days",
	  "retry-expired" },
};

/* Replies of the big providers as their postmaster pages and bounces show
 * them (not in the corpus; documented examples, addresses replaced). */
static const struct corpus_case provider_cases[] = {
	{ "gmail", "421-4.7.28 [192.0.2.1      15] Our system has detected an unusual rate of unsolicited mail originating from your IP address.", "rate-limit" },
	{ "gmail", "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy.", "dmarc-fail" },
	{ "gmail", "550-5.7.26 This mail has been blocked because the sender is unauthenticated.", "dmarc-fail" },
	{ "gmail", "550 5.7.1 Email rejected per DMARC policy for example.com", "dmarc-fail" },
	{ "gmail", "552 5.2.2 The email account that you tried to reach is over quota.", "mailbox-full" },
	{ "gmail", "550 5.1.1 The email account that you tried to reach does not exist.", "user-unknown" },
	{ "gmail", "550 5.2.1 The email account that you tried to reach is disabled.", "mailbox-disabled" },
	{ "microsoft", "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation. (AS843)", "rate-limit" },
	{ "microsoft", "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).", "blocked-ip" },
	{ "microsoft", "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).", "blocked-ip" },
	{ "microsoft", "550 5.7.606 Access denied, banned sending IP [192.0.2.1].", "blocked-ip" },
	{ "yahoo", "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints", "rate-limit" },
	/* Plesk's Outgoing Mail Control (its milter's 'limit-out' handler), as
	 * Plesk's support article "What will happen to emails that are sent once
	 * the outgoing limit is reached?" quotes the cleanup line */
	{ "plesk", "5.7.0 Your message could not be sent. The limit on the number of allowed "
	  "outgoing messages was exceeded. Try again later.", "rate-limit" },
	/* sending quotas of policy daemons: cluebringer (policyd v2, its
	 * quotas module's "Policy rejection; Message count quota exceeded"), a
	 * quota policy's "Sender quota limit reached" (a GitHub issue's pasted
	 * NOQUEUE line, bhozar/grafana-dashboards 6) */
	{ "cluebringer", "554 5.7.1 <a@b.example>: Sender address rejected: Policy rejection; Message "
	  "count quota exceeded", "rate-limit" },
	{ "cluebringer", "554 5.7.1 Policy rejection; Message cumulative size quota exceeded",
	  "rate-limit" },
	{ "quota-policy", "554 5.7.1 <a@b.example>: Recipient address rejected: Sender quota limit "
	  "reached.", "rate-limit" },
	/* local(8) over mailbox_size_limit (its mailbox file cannot grow: EFBIG), as
	 * pasted logs show it ("postfix/local[917]: ... dsn=5.2.2, status=bounced
	 * (cannot update mailbox /var/mail/root for user root. error writing
	 * message: File too large)"); the VDA quota patch's virtual(8) message */
	{ "postfix-local", "cannot update mailbox /var/mail/root for user root. error writing message: "
	  "File too large", "mailbox-full" },
	{ "postfix-vda", "maildir delivery failed: Sorry, the user's maildir has overdrawn his "
	  "diskspace quota, please try again later.", "mailbox-full" },
	/* Postfix's smtp client when its policy requires TLS (smtp_proto.c,
	 * smtp_tls_security_level encrypt or verify): a deferral, never a fall
	 * back to plain text */
	{ "postfix-smtp", "Cannot start TLS: handshake failure", "tls-required" },
	{ "postfix-smtp", "Server certificate not verified", "tls-required" },
	{ "postfix-smtp", "delivery temporarily suspended: Server certificate not trusted",
	  "tls-required" },
	{ "rfc", "530 5.7.0 Must issue a STARTTLS command first", "tls-required" },
	{ "rfc", "551 User not local; please try <bob@example.net>", "user-not-local" },
	/* a receiver refusing the sending address itself, as Postfix logs it
	 * (Verizon and Road Runner in forum posts, 2010-2016) */
	{ "verizon", "host relay.verizon.net[206.46.232.11] refused to talk to me: 571 Email from "
	  "192.0.2.138 is currently blocked by Verizon Online's anti-spam system.", "blocked-ip" },
	{ "roadrunner", "host hrndva-smtpin02.mail.rr.com[71.74.56.244] refused to talk to me: 554 "
	  "5.7.1 - ERROR: Mail refused - <192.0.2.1> - See http://security.rr.com/cgi-bin/block",
	  "blocked-ip" },
	/* 551 sent for another cause: the text's cause wins (a bounce quoted on
	 * linux-kernel, 2023); a bare 551 stays "user not local" */
	{ "linux-kernel", "host mx5.hisilicon.com[124.71.93.234] said: 551 5.1.1 <z@hisilicon.com>: "
	  "Recipient address rejected: Failed recipient validation check.: host 127.0.0.1[127.0.0.1] "
	  "said: 554 5.7.1 recipient verify from ldap failed", "user-unknown" },
	{ "rfc", "551 try elsewhere", "user-not-local" },
	/* the mailbox named between "mailbox" and "is full"; 551 with it is full */
	{ "postfix", "host mx.example.net[192.0.2.7] said: 551 mailbox <bob@example.net> is full "
	  "(in reply to RCPT TO command)", "mailbox-full" },
	{ "postfix", "550 mailbox bob@example.net is full", "mailbox-full" },
	/* a hyphen between the words (Exim test suite, test/log/0098: a remote
	 * "451 Over-quota" quoted in a deferral) */
	{ "exim", "SMTP error from remote mail server after RCPT TO:<rrrr@remote.defer>: 451 Over-quota",
	  "mailbox-full" },
	/* Plesk's greylisting handler at DATA (support article 214013) */
	{ "plesk", "milter-reject: DATA from localhost[127.0.0.1]: 451 4.7.1 Service unavailable - "
	  "try again later; from=<a@example.com> to=<b@example.org> proto=ESMTP helo=<mail.example.com>",
	  "greylisting" },
	/* a bare 4xx "Service unavailable" stays a busy server */
	{ "postscreen", "421 4.3.2 Service currently unavailable", "too-many-connections" },
	/* "Address rejected" with RFC 3463's "other address status", nothing
	 * more: the address is refused as such (the '#' in "#5.1.0" is the
	 * server's); a named cause after "Sender address rejected:" wins */
	{ "postfix", "host mx.example.net[192.0.2.7] said: 550 #5.1.0 Address rejected "
	  "bob@example.net (in reply to RCPT TO command)", "user-unknown" },
	{ "rfc", "550 5.1.0 Address rejected", "user-unknown" },
	{ "rfc", "550 5.1.0 <a@example.com>: Sender address rejected: Domain not found",
	  "sender-domain-unresolvable" },
	{ "postfix", "550 5.1.6 <bob@example.com>: Recipient address rejected: User has moved to bob@example.net", "user-not-local" },
	{ "rfc", "552 5.3.4 Message size exceeds fixed limit", "message-too-large" },
	{ "rfc", "550 5.7.23 The message was rejected because of Sender Policy Framework violation", "spf-fail" },
	{ "rfc", "550 5.7.20 No passing DKIM signature found", "dkim-fail" },
	{ "clamav", "554 5.7.1 Virus found: Win.Trojan.Agent", "virus" },
	{ "rfc", "530 5.7.0 Authentication required", "auth-required" },
	{ "rfc", "421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later.", "too-many-connections" },
	/* Gmail, "Gmail SMTP errors and codes", support.google.com/a/answer/3726730 */
	{ "gmail", "550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has been blocked. The sender must authenticate with at least one of SPF or DKIM.", "dmarc-fail" },
	{ "gmail", "421 4.7.0 IP not in whitelist for RCPT domain, closing connection.", "access-denied" },
	{ "gmail", "450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your message at a later time.", "rate-limit" },
	{ "gmail", "421 4.7.0 TLS required for RCPT domain, closing connection.", "tls-required" },
	{ "gmail", "550 5.7.1 The IP you're using to send mail is not authorized to send email directly to our servers. Please use the SMTP relay at your service provider instead.", "blocked-ip" },
	/* the same, multi-line as logged: Exim writes the line breaks as "\n",
	 * each line with its code (an Exim ** line quoted in a public README);
	 * Postfix joins the lines with a space (smtp_chat.c) */
	{ "gmail", "SMTP error from remote mail server after pipelined end of data: 550-5.7.1 [37.120.52.145] The IP you're using to send mail is not authorized to\\n550-5.7.1 send email directly to our servers. Please use the SMTP relay at your\\n550-5.7.1 service provider instead. Learn more at\\n550 5.7.1  https://support.google.com/mail/?p=NotAuthorizedError c3si4159020wri.581 - gsmtp", "blocked-ip" },
	{ "gmail", "host gmail-smtp-in.l.google.com[192.0.2.26] said: 550-5.7.1 [192.0.2.1] The IP you're using to send mail is not authorized to 550-5.7.1 send email directly to our servers. Please use the SMTP relay at your 550-5.7.1 service provider instead. Learn more at 550 5.7.1  https://support.google.com/mail/?p=NotAuthorizedError x - gsmtp (in reply to end of DATA command)", "blocked-ip" },
	/* Yahoo Sender Hub, "SMTP error codes": TSS09 is a block, TSS04 a throttle */
	{ "yahoo", "553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes", "blocked-ip" },
	/* Microsoft, "Email non-delivery reports and SMTP errors in Exchange Online"
	 * (learn.microsoft.com): 5.7.606-649 banned IP, 5.7.708, 5.7.57 */
	{ "microsoft", "550 5.7.649 Access denied, banned sending IP [192.0.2.1]", "blocked-ip" },
	{ "microsoft", "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.", "blocked-ip" },
	{ "microsoft", "530 5.7.57 SMTP; Client was not authenticated to send anonymous mail during MAIL FROM", "auth-required" },
	/* classic DNSBLs as Postfix's reject_rbl_client words them (smtpd_check.c) */
	{ "spamhaus", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1", "dnsbl-spamhaus" },
	{ "barracuda", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using b.barracudacentral.org; http://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.1", "dnsbl-barracuda" },
	{ "spamcop", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.1", "dnsbl-spamcop" },
	/* null MX, RFC 7505 4.2 and 4.3; Postfix dns_lookup.c "Domain %s does
	 * not accept mail (nullMX)", smtpd's 556 5.1.10 */
	{ "rfc7505", "556 5.1.10 <foo@example.com>: Recipient address rejected: Domain example.com does not accept mail (nullMX)", "null-mx" },
	{ "postfix", "Domain example.com does not accept mail (nullMX)", "null-mx" },
	{ "rfc7505", "550 5.7.27 Sender address has null MX", "null-mx" },
	/* local access lists: Postfix check_client_access REJECT (smtpd_check.c
	 * "%s rejected: Access denied"), Sendmail's access database (cf/README) */
	{ "postfix", "554 5.7.1 <bad.example.net[192.0.2.9]>: Client host rejected: Access denied", "access-denied" },
	{ "sendmail", "550 5.7.1 <spam@example.com>... Access denied", "access-denied" },
	/* sender verification: Postfix reject_unverified_sender (ADDRESS_VERIFICATION_README) */
	{ "postfix", "450 4.1.7 <a@example.org>: Sender address rejected: undeliverable address: host mx.example.org[192.0.2.3] said: 550 5.1.1 User unknown", "sender-verify-failed" },
	/* strerror after Postfix's "connect to host[ip]:port: " (smtp_connect.c) */
	{ "postfix", "connect to mx.example.com[2001:db8::25]:25: Network is unreachable", "network-unreachable" },
	{ "postfix", "connect to mx.example.com[192.0.2.25]:25: No route to host", "network-unreachable" },
	/* Microsoft, "Fix NDR error 550 5.4.1 in Exchange Online": the recipient
	 * is not in the directory (directory-based edge blocking) */
	{ "microsoft", "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)", "user-unknown" },
	/* RFC 5321 4.2.3's text for 550; Yahoo's "doesn't have a yahoo.com account" */
	{ "rfc", "550 Requested action not taken: mailbox unavailable", "user-unknown" },
	{ "yahoo", "554 delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0] - mta1.mail.yahoo.com", "user-unknown" },
	/* Exim's dnslookup router: the domain's MX hosts do not exist */
	{ "exim", "all relevant MX records point to non-existent hosts", "host-not-found" },
	/* the receiver's own trouble: Dovecot LMTP, RFC 3463 4.3.1, Postfix local(8) */
	{ "dovecot", "451 4.3.0 <u@example.org> Temporary internal error", "server-config" },
	{ "rfc", "452 4.3.1 Insufficient system storage", "server-config" },
	{ "postfix", "maildir delivery failed: Permission denied", "server-config" },
	{ "postfix", "mail transport unavailable", "server-config" },
	/* the delivery command of pipe(8) or local(8) failing (Ubuntu Forums,
	 * procmail missing, 2010; pipe/pipe.c "Command time limit exceeded") */
	{ "postfix", "Command died with status 127: \"procmail -a \"$EXTENSION\"\". Command output: "
	  "sh: procmail: not found ", "server-config" },
	{ "postfix", "Command time limit exceeded: \"/usr/bin/faxmail\"", "server-config" },
	/* Exim transports/pipe.c: the command of a pipe transport failed
	 * ("Child process of %s transport returned %d%s from command: %s"; a
	 * README on piping mail to PHP, cPanel's address_pipe) */
	{ "exim", "Child process of address_pipe transport returned 127 (could mean unable to exec or "
	  "command does not exist) from command: /usr/local/bin/php", "server-config" },
	/* error(8) for a transport that failed to start (qmgr: "transport lmtp
	 * failure"), infohtreasure/Postfix-Maillog-Dump maillog */
	{ "postfix", "unknown mail transport error", "server-config" },
	/* Exim smtp_in.c: a HELO/EHLO argument that is no host name (a rejectlog
	 * quoted on a Q&A page: "rejected EHLO from mail.mra.mu [196.27.73.162]:
	 * syntactically invalid argument(s): mra_esa1.mra.mu") */
	{ "exim", "syntactically invalid argument(s)", "helo-rejected" },
	/* Sendmail's local mailer and queue directory (forum posts) */
	{ "sendmail", "local mailer (/usr/sbin/sensible-mda) exited with EX_TEMPFAIL", "server-config" },
	{ "sendmail", "421 4.3.0 collect: Cannot write ./dfk67GY7lH016365 (bfcommit, uid=0, gid=122): No such file or directory", "server-config" },
	/* cf/m4/proto.m4: a map lookup that failed (here a missing access.db)
	 * answers "451 4.3.0 Temporary system failure. Please try again later."
	 * (Ubuntu Forums, "Mail server", 2011) */
	{ "sendmail", "451 4.3.0 Temporary system failure. Please try again later.", "server-config" },
	/* a DNSBL's own site named in the refusal, with no "listed" or
	 * "blocked using" (Sendmail check_relay rejects quoted in OSSEC's
	 * Sendmail log samples and AWStats' maillogconvert.pl comments) */
	{ "sendmail", "553 5.3.0 Message from 60.240.56.231 blocked - see http://dynablock.njabl.org/",
	  "dnsbl" },
	{ "sendmail", "550 5.7.1 Mail from 213.97.175.235 refused. Rejected for bad WHOIS info on IP of "
	  "your SMTP server - see http://www.rfc-ignorant.org/", "dnsbl" },
	/* Exim deliver.c: queue_smtp_domains, sent at the next queue run */
	{ "exim", "domain matches queue_smtp_domains, or -odqs set", "retry-wait" },
	/* the same wait as later Exims word it, and queue_domains holding an
	 * address at routing (Exim test suite, test/log/0055) */
	{ "exim", "first-pass only routing due to -odqs, queue_smtp_domains or control=queue",
	  "retry-wait" },
	{ "exim", "domain is in queue_domains", "retry-wait" },
	/* a redirect router's ":fail: No such person at this address"
	 * (logstash-patterns-core's EXIM spec, "delivery failed") */
	{ "exim", "R=virtual_aliases: No such person at this address.", "user-unknown" },
	/* Exim receive.c: a message that went round too often */
	{ "exim", "Too many \"Received\" headers - suspected mail loop", "mail-loop" },
	/* Exim's dnslookup router: a null MX; a host or its MXs without an
	 * address (Exim test suite, test/log/0099) */
	{ "exim", "an MX or SRV record indicated no SMTP service", "null-mx" },
	{ "exim", "lookup of host \"nonexist.test.ex\" failed in all router", "host-not-found" },
	{ "exim", "missing MX, or all MXs point to missing A records, and defer requested", "host-not-found" },
	/* Exim transports/smtp.c: hosts past their retry cutoff, the address
	 * failed untried: the queue gave up, no wait */
	{ "exim", "retry time not reached for any host after a long failure period", "retry-expired" },
	{ "exim", "all hosts for 'b.example' have been failing for a long time and were last tried after "
	  "this message arrived", "retry-expired" },
};

static bool file_contains(const char *rel, const char *needle)
{
	char path[1024];
	const char *dirs[] = { SOURCE_DIR "/tests/corpus", test_corpus_dir() };
	for (size_t d = 0; d < SL_ARRAY_LEN(dirs); d++) {
		snprintf(path, sizeof path, "%s/%s", dirs[d], rel);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		struct sl_buf b;
		sl_buf_init(&b);
		char chunk[8192];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			sl_buf_add(&b, chunk, n);
		fclose(f);
		bool hit = strstr(b.data, needle) != NULL;
		sl_buf_release(&b);
		return hit;
	}
	return false;
}

static void check_cases(struct reasons *r, const struct corpus_case *cases, size_t n)
{
	size_t failed = 0;
	for (size_t i = 0; i < n; i++) {
		const char *got = classify(r, cases[i].text);
		bool ok = cases[i].reason ? got && strcmp(got, cases[i].reason) == 0 : got == NULL;
		if (!ok) {
			print_error("%s: \"%s\": got %s, want %s\n", cases[i].file, cases[i].text,
			            got ? got : "(none)", cases[i].reason ? cases[i].reason : "(none)");
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

static void test_corpus_replies(void **state)
{
	struct fixture *f = *state;
	size_t real = 0;
	for (size_t i = 0; i < SL_ARRAY_LEN(corpus_cases); i++)
		real += corpus_cases[i].reason != NULL;
	assert_true(real >= 30);
	check_cases(f->r, corpus_cases, SL_ARRAY_LEN(corpus_cases));
}

/* The quotes above are still what the corpus files say. */
static void test_corpus_excerpts_exist(void **state)
{
	(void)state;
	for (size_t i = 0; i < SL_ARRAY_LEN(corpus_cases); i++) {
		const char *t = corpus_cases[i].text;
		/* "(550 User unknown)" and "reject=..." keep the log's own framing */
		if (!file_contains(corpus_cases[i].file, t)) {
			print_error("%s does not contain \"%s\"\n", corpus_cases[i].file, t);
			fail();
		}
	}
}

static void test_provider_replies(void **state)
{
	struct fixture *f = *state;
	check_cases(f->r, provider_cases, SL_ARRAY_LEN(provider_cases));
}

/* codes: restricts a rule; an unknown code does not exclude it. */
static void test_code_restrictions(void **state)
{
	struct fixture *f = *state;
	const char *t = "Greylisted, see http://postgrey.schweikert.ch/";
	size_t n = strlen(t);
	assert_string_equal(reasons_classify(f->r, t, n, 450, "4.2.0"), "greylisting");
	assert_string_equal(reasons_classify(f->r, t, n, 0, ""), "greylisting");
	assert_string_equal(reasons_classify(f->r, t, n, 0, "4.7.1"), "greylisting");
	assert_string_equal(reasons_classify(f->r, t, n, 0, NULL), "greylisting");
	assert_null(reasons_classify(f->r, t, n, 550, "5.7.1"));
	assert_null(reasons_classify(f->r, t, n, 0, "5.7.1"));
	/* a later rule still gets its chance when an earlier one is excluded */
	const char *t2 = "Greylisted; user unknown";
	assert_string_equal(reasons_classify(f->r, t2, strlen(t2), 550, ""), "user-unknown");
	assert_string_equal(reasons_classify(f->r, t2, strlen(t2), 450, ""), "greylisting");
	assert_null(reasons_classify(f->r, "", 0, 550, ""));
}

/* Answers are remembered per text and codes: asking again, in any order,
 * with other codes or with a text too long to remember, answers the same. */
static void test_repeated_replies(void **state)
{
	struct fixture *f = *state;
	const char *t = "Greylisted, see http://postgrey.schweikert.ch/";
	const char *t2 = "Greylisted; user unknown";
	char longer[600];
	memset(longer, 'x', sizeof longer);
	memcpy(longer + 400, "user unknown", 12);
	for (int round = 0; round < 3; round++) {
		assert_string_equal(reasons_classify(f->r, t, strlen(t), 450, "4.2.0"), "greylisting");
		assert_null(reasons_classify(f->r, t, strlen(t), 550, "5.7.1"));
		assert_null(reasons_classify(f->r, t, strlen(t), 0, "5.7.1"));
		assert_string_equal(reasons_classify(f->r, t, strlen(t), 0, NULL), "greylisting");
		assert_string_equal(reasons_classify(f->r, t2, strlen(t2), 550, ""), "user-unknown");
		assert_string_equal(reasons_classify(f->r, t2, strlen(t2), 450, ""), "greylisting");
		/* a prefix of a remembered text is another text */
		assert_null(reasons_classify(f->r, t2, 4, 550, ""));
		assert_string_equal(reasons_classify(f->r, longer, sizeof longer, 550, ""),
		                    "user-unknown");
		assert_null(reasons_classify(f->r, longer, 300, 550, ""));
	}
}

/* Every reason has texts in every language and at least one rule; every rule
 * names a reason that exists (reasons_new checked that). */
static void test_reason_table(void **state)
{
	struct fixture *f = *state;
	static const enum codes_lang langs[] = { CODES_EN, CODES_JA, CODES_KO, CODES_ZH };
	assert_true(reasons_count() >= 25);
	for (size_t i = 0; i < reasons_count(); i++) {
		const char *id = reasons_id_at(i);
		for (size_t l = 0; l < SL_ARRAY_LEN(langs); l++) {
			struct reason_info ri;
			assert_true(reasons_text(id, langs[l], &ri));
			assert_string_equal(ri.id, id);
			assert_true(ri.title[0] && ri.diagnosis[0] && ri.remedy[0]);
		}
		bool has_rule = false;
		for (size_t k = 0; k < patterns_count(f->set, "reason"); k++) {
			const char *a = pattern_attr(patterns_at(f->set, "reason", k), "reason");
			has_rule |= a && strcmp(a, id) == 0;
		}
		if (!has_rule) {
			print_error("reason '%s' has no rule in patterns/reasons.pat\n", id);
			fail();
		}
	}
	assert_null(reasons_id_at(reasons_count()));
	struct reason_info ri;
	assert_false(reasons_text("no-such-reason", CODES_EN, &ri));
	assert_false(reasons_text(NULL, CODES_EN, &ri));
	/* the ids the brief names exist */
	static const char *const ids[] = {
		"greylisting", "rate-limit", "dnsbl", "dnsbl-spamhaus", "spf-fail", "dkim-fail",
		"dmarc-fail", "auth-required", "auth-failed", "mailbox-full", "user-unknown",
		"relay-denied", "message-too-large", "tls-required", "sender-domain-unresolvable",
		"reverse-dns-missing", "helo-rejected", "policy-spam", "user-not-local", "host-not-found",
		"connection-refused", "connection-timeout", "too-many-connections", "blocked-ip",
		"reputation",
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(ids); i++)
		assert_true(reasons_text(ids[i], CODES_EN, &ri));
}

/* The copy embedded in the binary loads too. */
static void test_builtin_rules(void **state)
{
	(void)state;
	struct sl_error err;
	struct pattern_set *set = patterns_new();
	assert_int_equal(patterns_add_builtin(set, &err), 0);
	assert_int_equal(patterns_compile(set, &err), 0);
	struct reasons *r = reasons_new(set, &err);
	assert_non_null(r);
	assert_string_equal(classify(r, "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown"),
	                    "user-unknown");
	reasons_free(r);
	patterns_free(set);
}

static void test_rule_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "id: r1\nmta: reason\nprograms: *\nkind: reason\nregex: x\n",
		  "pattern 'r1': no 'reason:' attribute" },
		{ "id: r2\nmta: reason\nprograms: *\nkind: reason\nreason: no-such\nregex: x\n",
		  "pattern 'r2': unknown reason 'no-such' (not in data/reasons/en.txt)" },
		{ "id: r3\nmta: reason\nprograms: *\nkind: reason\nreason: dnsbl\ncodes: 5yy\nregex: x\n",
		  "pattern 'r3': bad code '5yy' in codes (expected 550, 5xx or 5.7.1)" },
		{ "id: r4\nmta: reason\nprograms: *\nkind: reason\nreason: dnsbl\ncodes: 550 5.7.1 4xx\nregex: x\n",
		  NULL },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		struct sl_error err;
		struct pattern_set *set = patterns_new();
		sl_error_clear(&err);
		assert_int_equal(patterns_add_text(set, "t.pat", cases[i].text, strlen(cases[i].text), &err), 0);
		assert_int_equal(patterns_compile(set, &err), 0);
		struct reasons *r = reasons_new(set, &err);
		if (cases[i].want) {
			assert_null(r);
			assert_int_equal(err.code, SL_EFORMAT);
			assert_string_equal(err.msg, cases[i].want);
		} else {
			assert_non_null(r);
			assert_string_equal(reasons_classify(r, "x", 1, 550, ""), "dnsbl");
			assert_null(reasons_classify(r, "x", 1, 554, ""));
			assert_string_equal(reasons_classify(r, "x", 1, 0, "5.7.1"), "dnsbl");
			assert_string_equal(reasons_classify(r, "x", 1, 451, ""), "dnsbl");
			assert_null(reasons_classify(r, "x", 1, 0, "5.7.2"));
			assert_null(reasons_classify(r, "x", 1, 250, ""));
		}
		reasons_free(r);
		patterns_free(set);
	}
}

/* Every line of the corpus goes through the rules without trouble, and a
 * good share of the rejections get a reason. */
static void test_corpus_sweep(void **state)
{
	struct fixture *f = *state;
	static const char *const files[] = {
		"postfix/whyscream-grok-test-messages.log", "postfix/fail2ban-postfix.log",
		"sendmail/fail2ban-sendmail-reject.log", "exim/fail2ban-exim.log",
	};
	size_t lines = 0, classified = 0;
	for (size_t i = 0; i < SL_ARRAY_LEN(files); i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/tests/corpus/%s", SOURCE_DIR, files[i]);
		FILE *fp = fopen(path, "rb");
		if (!fp)
			skip();
		char line[8192];
		while (fgets(line, sizeof line, fp)) {
			lines++;
			classified += classify(f->r, line) != NULL;
		}
		fclose(fp);
	}
	assert_true(lines > 100);
	assert_true(classified > 40);
	assert_int_equal(patterns_stats(f->set)->limit_hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_replies),
		cmocka_unit_test(test_corpus_excerpts_exist),
		cmocka_unit_test(test_provider_replies),
		cmocka_unit_test(test_code_restrictions),
		cmocka_unit_test(test_repeated_replies),
		cmocka_unit_test(test_reason_table),
		cmocka_unit_test(test_builtin_rules),
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_corpus_sweep),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
