/* recog_exim: which lines are Exim's, and what its fields mean beyond what
 * the patterns capture (patterns/exim.pat holds the line shapes). Exim
 * writes its own mainlog, rejectlog and paniclog ("2026-11-23 06:25:01
 * 1vAbCd-0001Xy-Ab => ..."), or goes through syslog as "exim[123]:". */
#include <string.h>

#include "recog.h"

/* exim_claims - native Exim stamps, and syslog tags exim / exim4, and
 * "exim-NAME": syslog_processname names the tag, and Sophos UTM runs its
 * two Exims as "exim-in" and "exim-out" */
static bool exim_claims(const struct logline *ll)
{
	if (ll->format == LOGLINE_EXIM)
		return true;
	struct sl_span p = ll->program;
	return sl_span_eq(p, "exim") || sl_span_eq(p, "exim4") ||
	       (p.len > 5 && memcmp(p.p, "exim-", 5) == 0 && !memchr(p.p, '/', p.len));
}

static bool span_has(struct sl_span s, char c)
{
	return s.len && memchr(s.p, c, s.len) != NULL;
}

static bool span_eq_nocase(struct sl_span a, struct sl_span b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++) {
		char x = a.p[i], y = b.p[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

static bool span_starts(struct sl_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static bool span_has_text(struct sl_span s, const char *lit)
{
	return s.len && sl_memmem(s.p, s.len, lit, strlen(lit)) != NULL;
}

/* id_after - the token after `lit` in s: "queued as ABC", " id=1vAb-..." */
static struct sl_span id_after(struct sl_span s, const char *lit)
{
	size_t n = strlen(lit);
	const char *p = s.len ? sl_memmem(s.p, s.len, lit, n) : NULL;
	if (!p)
		return SL_SPAN_NULL;
	p += n;
	const char *end = s.p + s.len, *q = p;
	while (q < end && ((*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'Z') ||
	                   (*q >= 'a' && *q <= 'z') || *q == '-'))
		q++;
	return q > p ? (struct sl_span){ p, (size_t)(q - p) } : SL_SPAN_NULL;
}

/* reply_starts_with_code - "550 ...", "452 4.5.3 ...", "5.7.1 ...": the
 * ACL's own message carries a code */
static bool reply_starts_with_code(struct sl_span r)
{
	if (r.len < 3 || (r.p[0] != '2' && r.p[0] != '4' && r.p[0] != '5'))
		return false;
	if (r.p[1] == '.')
		return r.p[2] >= '0' && r.p[2] <= '9';
	return r.p[1] >= '0' && r.p[1] <= '9' && r.p[2] >= '0' && r.p[2] <= '9' &&
	       (r.len == 3 || r.p[3] == ' ' || r.p[3] == '-');
}

/* host_in_reply - "...: host mx.example.net [192.0.2.1]: 550 ...": the
 * server an smtp transport of Exim 4.8x and older named inside its error
 * (transports/smtp.c then wrote "SMTP error from remote mail server after
 * %s%s: host %s [%s]: %s", "Remote host %s [%s] closed connection in
 * response to %s%s" and check_response()'s "SMTP timeout while connected
 * to %s [%s] after %s"; later ones log it as H= before the colon) */
static void host_in_reply(struct event *ev)
{
	struct sl_span r = ev->reply;
	if (!r.p)
		return;   /* no reply (and no pointer to add a length to) */
	const char *end = r.p + r.len;
	static const char lit[] = ": host ", timeout[] = "SMTP timeout while connected to ";
	const char *p = NULL;
	if (span_starts(r, "host "))
		p = r.p + 5;
	else if (span_starts(r, "Remote host "))
		p = r.p + 12;
	else if (r.len > sizeof lit && (p = sl_memmem(r.p, r.len, lit, sizeof lit - 1)))
		p += sizeof lit - 1;
	else if (r.len > sizeof timeout &&
	         (p = sl_memmem(r.p, r.len, timeout, sizeof timeout - 1)))
		p += sizeof timeout - 1;
	if (!p)
		return;
	const char *name = p;
	while (p < end && *p != ' ' && *p != '[' && *p != ']' && *p != ':')
		p++;
	if (p == name || end - p < 4 || p[0] != ' ' || p[1] != '[')
		return;
	const char *ip = p + 2, *close = memchr(ip, ']', (size_t)(end - ip));
	if (!close || close == ip || close + 1 >= end || (close[1] != ':' && close[1] != ' '))
		return;
	ev->remote_host = (struct sl_span){ name, (size_t)(p - name) };
	ev->remote_ip = (struct sl_span){ ip, (size_t)(close - ip) };
}

/* exim_refine - addresses, the bounce link, reject codes and class */
static void exim_refine(const struct logline *ll, const struct pattern_match *m, struct event *ev)
{
	(void)ll;
	(void)m;
	/* "=> userx <userx@test.ex>", "=> |/usr/bin/procmail -d bob <bob@b>",
	 * "=> :blackhole: <a@b>": the first item is a local part, pipe, file or
	 * blackhole (a local part or a path may hold spaces, which no address
	 * does); the address is the one in <>. When both are addresses,
	 * the first is where it went and the second the original. */
	struct sl_span r = ev->recipient;
	bool blackhole = sl_span_eq(r, ":blackhole:");
	if (!sl_span_empty(ev->orig_recipient) &&
	    (!span_has(r, '@') || span_has(r, ' ') || r.p[0] == '|' || r.p[0] == '/' || r.p[0] == ':')) {
		ev->recipient = ev->orig_recipient;
		ev->orig_recipient = SL_SPAN_NULL;
	} else if (r.len && span_eq_nocase(r, ev->orig_recipient)) {
		/* "user@d <user@d>" (a cPanel virtual_user router): the same
		 * address, not one before a redirection */
		ev->orig_recipient = SL_SPAN_NULL;
	}
	switch (ev->kind) {
	case EV_MSG_ARRIVAL:
		/* "<= <> R=ID": a bounce, reporting on message ID */
		if (!sl_span_empty(ev->new_queue_id) && ev->sender.p && ev->sender.len == 0)
			ev->origin_queue_id = ev->new_queue_id;
		ev->new_queue_id = SL_SPAN_NULL;
		break;
	case EV_DELIVERED:
		/* C="250 ... queued as X" / C="250 OK id=X": the next hop's id, which
		 * correlate links when the hop is a local content filter */
		ev->new_queue_id = id_after(ev->reply, "queued as ");
		if (sl_span_empty(ev->new_queue_id))
			ev->new_queue_id = id_after(ev->reply, " id=");
		if (ev->smtp_code == 251)
			ev->kind = EV_FORWARDED;
		/* "=> :blackhole: <a@b> R=r": a redirect router's :blackhole:
		 * threw the address away (deliver.c logs the discard as a
		 * delivery line): no delivery, a discard by policy */
		if (blackhole) {
			ev->kind = EV_POLICY;
			ev->action = (struct sl_span){ recog_action_discard, strlen(recog_action_discard) };
		}
		break;
	case EV_REJECTED:
		/* Exim logs no response code of its own: a code that is not the
		 * start of the ACL's message came from elsewhere (a callout's
		 * answer quoted in the text) and is not this server's. */
		if (!reply_starts_with_code(ev->reply)) {
			ev->smtp_code = 0;
			ev->enhanced_code[0] = '\0';
		}
		/* acl.c: "temporarily rejected" for defer, "rejected" for deny */
		ev->class = span_starts(ev->action, "temporarily") ? EV_CLASS_TRANSIENT
		                                                   : EV_CLASS_PERMANENT;
		break;
	case EV_BOUNCED:
		/* transports/smtp.c fails an address whose hosts are all past
		 * their retry cutoff without trying them: "retry time not reached
		 * for any host after a long failure period", "all hosts [for
		 * 'd'] have been failing for a long time and were last tried after
		 * this message arrived": Exim gave up retrying, an expiry */
		if (span_has_text(ev->reply, "for any host after a long failure period") ||
		    span_has_text(ev->reply, "were last tried after this message arrived"))
			ev->kind = EV_EXPIRED;
		/* fall through */
	case EV_DEFERRED:
	case EV_EXPIRED:
		if (sl_span_empty(ev->remote_ip))
			host_in_reply(ev);
		break;
	default:
		break;
	}
}

const struct recog_mta recog_exim = {
	.name = "exim",
	.mta = EV_MTA_EXIM,
	.claims = exim_claims,
	.refine = exim_refine,
};
