/* recog_postfix: which lines are Postfix's, and what its status and action
 * words mean. The line shapes themselves are data: patterns/postfix.pat. */
#include <string.h>

#include "recog.h"

/* Daemons of a Postfix instance. A program is Postfix's when its name has
 * a '/' (the syslog_name, e.g. "postfix", "postfix-out", "postfix/submission",
 * or a custom one) followed by one of these. */
const char recog_action_discard[] = "discard";

static const char *const postfix_daemons[] = {
	"smtp", "smtpd", "lmtp", "local", "virtual", "pipe", "error", "retry", "discard",
	"qmgr", "nqmgr", "oqmgr", "cleanup", "pickup", "bounce", "defer", "trace", "verify",
	"postscreen", "dnsblog", "tlsproxy", "anvil", "scache", "master", "postsuper",
	"postqueue", "postdrop", "sendmail", "flush", "showq", "proxymap", "tlsmgr",
	"trivial-rewrite", "spawn", "qmqpd", "postfix-script", "postlog", "postmap",
	"postalias", "postconf", "postmulti", "postkick", "postlock", "smtp-sink",
	"smtp-source", "lmtp-sink", "relay", NULL,
};

static bool postfix_claims(const struct logline *ll)
{
	struct sl_span prog = ll->program;
	/* the usual case, and the answer whatever the daemon: the postfix name,
	 * alone (the postfix command), before a '/' ("postfix/smtpd",
	 * "postfix-out/smtp") or as a systemd unit (journalctl -o with-unit:
	 * "postfix@-.service", "postfix.service"). A tool named after Postfix
	 * ("postfix-policyd", policyd's greylisting daemon) is not Postfix. */
	if (prog.len >= 7 && memcmp(prog.p, "postfix", 7) == 0 &&
	    (prog.len == 7 || prog.p[7] == '@' || prog.p[7] == '.' ||
	     memchr(prog.p + 7, '/', prog.len - 7)))
		return true;
	const char *slash = NULL;
	for (size_t i = prog.len; i > 0; i--)
		if (prog.p[i - 1] == '/') {
			slash = prog.p + i - 1;
			break;
		}
	if (!slash)
		return false;
	/* a custom syslog_name: known when a Postfix daemon follows its '/' */
	struct sl_span base = { slash + 1, (size_t)(prog.p + prog.len - slash - 1) };
	for (size_t i = 0; postfix_daemons[i]; i++)
		if (sl_span_eq(base, postfix_daemons[i]))
			return true;
	return false;
}

static bool span_has_prefix(struct sl_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static const char *span_find(struct sl_span s, const char *lit)
{
	return sl_memmem(s.p, s.len, lit, strlen(lit));
}

/* "... queued as ABC123)" or "forwarded as ABC123": the id of the copy. */
static struct sl_span id_after(struct sl_span s, const char *lit)
{
	const char *p = span_find(s, lit);
	if (!p)
		return SL_SPAN_NULL;
	p += strlen(lit);
	const char *end = s.p + s.len, *q = p;
	while (q < end && ((*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'Z') ||
	                   (*q >= 'a' && *q <= 'z')))
		q++;
	return q > p ? (struct sl_span){ p, (size_t)(q - p) } : SL_SPAN_NULL;
}

/* host_from_text - remote_host/remote_ip from the first "<lit>host[ip]"
 * of the text, trying each "<lit>" in turn ("host or service busy; host
 * mx[ip] said:" names it at the second). A socket path where the address
 * goes is no IP. True when found. */
static bool host_from_text(struct sl_span text, const char *lit, struct event *ev)
{
	const size_t n = strlen(lit);
	const char *end = text.p + text.len;
	for (const char *p = span_find(text, lit); p; ) {
		p += n;
		const char *open = p;
		while (open < end && *open != '[' && *open != ' ' && *open != ':')
			open++;
		const char *close = open < end && *open == '[' && open > p
		                    ? memchr(open, ']', (size_t)(end - open)) : NULL;
		if (close) {
			ev->remote_host = (struct sl_span){ p, (size_t)(open - p) };
			ev->remote_ip = (struct sl_span){ open + 1, (size_t)(close - open - 1) };
			if (memchr(ev->remote_ip.p, '/', ev->remote_ip.len))
				ev->remote_ip = SL_SPAN_NULL;
			return true;
		}
		p = sl_memmem(p, (size_t)(end - p), lit, n);
	}
	return false;
}

/* The words before the host that the smtp client's texts of a failure use
 * (smtp_connect.c "connect to", smtp_trouble.c "host ... said", "refused to
 * talk to me", "lost connection with", "conversation with ... timed out",
 * smtp_sasl_glue.c "SASL authentication failed; server ... said"); the
 * error(8) agent repeats them after "delivery temporarily suspended: ". */
static const char *const relay_words[] = {
	"connect to ", "host ", "lost connection with ", "conversation with ", "server ", NULL,
};

/* reply_code_attr - an entry's "reply-code: 421 4.3.2": the code sent for
 * a line that logs none (postscreen's busy replies) */
static void reply_code_attr(const struct pattern *p, struct event *ev)
{
	const char *a = pattern_attr(p, "reply-code");
	if (!a || ev->smtp_code || a[0] < '2' || a[0] > '5' || a[1] < '0' || a[1] > '9' ||
	    a[2] < '0' || a[2] > '9')
		return;
	ev->smtp_code = (a[0] - '0') * 100 + (a[1] - '0') * 10 + (a[2] - '0');
	const char *e = a + 3;
	while (*e == ' ')
		e++;
	size_t n = strspn(e, "0123456789.");
	if (!ev->enhanced_code[0] && n && n < sizeof ev->enhanced_code) {
		memcpy(ev->enhanced_code, e, n);
		ev->enhanced_code[n] = '\0';
	}
}

static void postfix_refine(const struct logline *ll, const struct pattern_match *m, struct event *ev)
{
	(void)ll;
	reply_code_attr(m->pattern, ev);
	const char *kind = pattern_kind(m->pattern);
	if (strcmp(kind, "status") == 0) {
		struct sl_span st = ev->status;
		if (sl_span_eq(st, "sent")) {
			ev->kind = EV_DELIVERED;
			struct sl_span fwd = id_after(ev->reply, "forwarded as ");
			if (!sl_span_empty(fwd)) {
				ev->kind = EV_FORWARDED;
				ev->new_queue_id = fwd;
			} else if (span_find(ev->reply, "Ok, discarded, id=") ||
			           (span_find(ev->reply, "Ok, id=") && span_find(ev->reply, ", DISCARD"))) {
				/* a content filter that kept the message from its
				 * recipient: amavisd-new answers "250 2.7.0 Ok, discarded,
				 * id=03774-01 - SPAM" (or "- INFECTED: ...", or "250 2.5.0
				 * Ok, id=03164-18, DISCARD(bounce.suppressed)"): no
				 * delivery, a discard by policy */
				ev->kind = EV_POLICY;
				ev->action = (struct sl_span){ recog_action_discard,
				                               sizeof recog_action_discard - 1 };
			} else if (span_find(ev->reply, "Ok, id=") && span_find(ev->reply, ", BOUNCE")) {
				/* "250 2.5.0 Ok, id=18438-02, BOUNCE": amavisd-new refused
				 * the message and sends the sender a non-delivery notice
				 * itself. Its 250 took the hand-off: no code of the failure. */
				ev->kind = EV_BOUNCED;
				ev->smtp_code = 0;
				ev->enhanced_code[0] = '\0';
			} else {
				ev->new_queue_id = id_after(ev->reply, "queued as ");
			}
		} else if (sl_span_eq(st, "deferred") || sl_span_eq_nocase(st, "softbounce")) {
			ev->kind = EV_DEFERRED;
		} else if (sl_span_eq(st, "bounced")) {
			ev->kind = EV_BOUNCED;
		} else if (sl_span_eq(st, "expired") || sl_span_eq(st, "force-expired")) {
			ev->kind = EV_EXPIRED;
		} else if (span_has_prefix(st, "deliverable") || span_has_prefix(st, "undeliverable")) {
			/* address verification, also "undeliverable-but-not-cached" */
			ev->kind = EV_PROBE;
			ev->class = st.p[0] == 'd' ? EV_CLASS_SUCCESS : EV_CLASS_PERMANENT;
		} else {
			ev->kind = EV_NONE;   /* an unknown status word: keep the line recognized, no event */
		}
		/* relay=none names no host; the text often does: "connect to
		 * mx.example.net[192.0.2.1]:25: Connection timed out" (the
		 * first of relay_words that names one) */
		if (sl_span_eq(ev->remote_host, "none")) {
			ev->remote_host = SL_SPAN_NULL;
			for (size_t i = 0; relay_words[i] && !host_from_text(ev->reply, relay_words[i], ev); i++)
				;
		}
	} else if (strcmp(kind, "action") == 0) {
		struct sl_span a = ev->action;
		if (sl_span_eq(a, "reject") || sl_span_eq(a, "defer") || sl_span_eq(a, "milter-reject") ||
		    sl_span_eq(a, "proxy-reject") || sl_span_eq(a, "defer_if_permit") ||
		    sl_span_eq(a, "defer_if_reject"))
			ev->kind = EV_REJECTED;
		else
			ev->kind = EV_POLICY;
		if (sl_span_eq(ev->queue_id, "NOQUEUE"))
			ev->queue_id = SL_SPAN_NULL;
	}
	/* a 251 acceptance is a forwarding, and counts among deliveries */
	if (ev->kind == EV_DELIVERED && ev->smtp_code == 251)
		ev->kind = EV_FORWARDED;
	if (!sl_span_empty(ev->header_msgid) && ev->header_msgid.p[0] == '<') {
		ev->header_msgid.p++;
		ev->header_msgid.len--;
		if (ev->header_msgid.len && ev->header_msgid.p[ev->header_msgid.len - 1] == '>')
			ev->header_msgid.len--;
	}
}

const struct recog_mta recog_postfix = {
	.name = "postfix",
	.mta = EV_MTA_POSTFIX,
	.claims = postfix_claims,
	.refine = postfix_refine,
};
