/* recog_sendmail: which lines are Sendmail's, and what its status words,
 * recipient lists and notices mean (patterns/sendmail.pat holds the line
 * shapes). Programs: sendmail (the MSP client), sm-mta, sm-msp-queue and
 * the other "sm-" names a daemon gives itself (sm-acceptingconnections). */
#include <string.h>

#include "recog.h"

/* sendmail_claims - "sendmail" and "sm-*", but not Postfix's compatibility
 * command "postfix/sendmail" */
static bool sendmail_claims(const struct logline *ll)
{
	struct sl_span p = ll->program;
	if (memchr(p.p, '/', p.len))
		return false;
	return sl_span_eq(p, "sendmail") || (p.len > 3 && memcmp(p.p, "sm-", 3) == 0);
}

static bool span_starts(struct sl_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static const char *span_find(struct sl_span s, const char *lit)
{
	return s.len ? sl_memmem(s.p, s.len, lit, strlen(lit)) : NULL;
}

/* strip_angles - "<a@b>" -> "a@b" */
static struct sl_span strip_angles(struct sl_span s)
{
	if (s.len >= 2 && s.p[0] == '<' && s.p[s.len - 1] == '>' &&
	    !memchr(s.p + 1, '<', s.len - 2))
		return (struct sl_span){ s.p + 1, s.len - 2 };
	return s;
}

/* Largest value read into one part of a delay: more digits saturate
 * (the line still gives a delay, the longest one can think of). */
#define SM_DELAY_PART_MAX 999999999L

/* delay_seconds - Sendmail's "[D+]HH:MM:SS" in seconds, -1 if it is not one */
static double delay_seconds(struct sl_span s)
{
	long days = 0, parts[3] = { 0, 0, 0 };
	int np = 0;
	long cur = 0;
	bool digits = false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		if (c >= '0' && c <= '9') {
			cur = cur > (SM_DELAY_PART_MAX - (c - '0')) / 10 ? SM_DELAY_PART_MAX
			                                                   : cur * 10 + (c - '0');
			digits = true;
		} else if (c == '+' && np == 0 && digits) {
			days = cur;
			cur = 0;
			digits = false;
		} else if (c == ':' && np < 2 && digits) {
			parts[np++] = cur;
			cur = 0;
			digits = false;
		} else {
			return -1;
		}
	}
	if (np != 2 || !digits)
		return -1;
	parts[2] = cur;
	return (double)days * 86400 + (double)parts[0] * 3600 + (double)parts[1] * 60 + (double)parts[2];
}

/* id_after - the token after `lit`: "queued as ABC" */
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

/* next_hop_id - the id the next hop gave the message: a local Sendmail
 * answers "<qid> Message accepted for delivery", Postfix "queued as <qid>" */
static struct sl_span next_hop_id(struct sl_span reply)
{
	struct sl_span id = id_after(reply, "queued as ");
	if (!sl_span_empty(id))
		return id;
	const char *acc = span_find(reply, " Message accepted for delivery");
	if (acc) {
		const char *b = acc;
		while (b > reply.p && b[-1] != ' ' && b[-1] != '(')
			b--;
		struct sl_span cand = { b, (size_t)(acc - b) };
		for (size_t i = 0; i < cand.len; i++)
			if (!((cand.p[i] >= '0' && cand.p[i] <= '9') || (cand.p[i] >= 'A' && cand.p[i] <= 'Z') ||
			      (cand.p[i] >= 'a' && cand.p[i] <= 'z')))
				return SL_SPAN_NULL;
		return cand;
	}
	return SL_SPAN_NULL;
}

/* to_kind - what a to= line says happened: stat=Sent, stat=Deferred,
 * stat=queued (no attempt yet), else the text of a permanent failure; where
 * stat= is missing, the dsn= class decides */
static enum ev_kind to_kind(const struct event *ev)
{
	struct sl_span st = ev->status;
	if (span_starts(st, "Sent"))
		return EV_DELIVERED;
	if (span_starts(st, "Deferred"))
		return EV_DEFERRED;
	if (span_starts(st, "queued"))
		return EV_NONE;
	switch (ev->enhanced_code[0]) {
	case '2': return sl_span_empty(st) ? EV_DELIVERED : EV_NONE;
	case '4': return EV_DEFERRED;
	case '5': return EV_BOUNCED;
	default: return sl_span_empty(st) ? EV_NONE : EV_BOUNCED;
	}
}

/* sendmail_refine - kinds from stat= and nrcpts=, lists, notices */
static void sendmail_refine(const struct logline *ll, const struct pattern_match *m,
                            struct event *ev)
{
	(void)ll;
	const char *kind = pattern_kind(m->pattern);
	if (strcmp(kind, "status") == 0) {
		ev->kind = to_kind(ev);
		/* "to=<a>,<b>": one event per address (ingest splits the list) */
		struct sl_span r = ev->recipient;
		if (r.len && memchr(r.p, ',', r.len))
			ev->recipient_list = true;
		else
			ev->recipient = strip_angles(r);
		ev->delay = delay_seconds(m->field[PF_DELAY]);
		if (ev->kind == EV_DELIVERED) {
			ev->new_queue_id = next_hop_id(ev->reply);
			if (ev->smtp_code == 251)
				ev->kind = EV_FORWARDED;
		}
	} else if (ev->kind == EV_MSG_ARRIVAL) {
		/* from= with nrcpts=0: every recipient was refused, no message */
		if (ev->nrcpt == 0)
			ev->kind = EV_NONE;
		ev->header_msgid = strip_angles(ev->header_msgid);
	} else if (ev->kind == EV_REJECTED) {
		ev->recipient = strip_angles(ev->recipient);
		/* "<a>... Relaying temporarily denied", "... Deferred: ...": a
		 * text with no code says itself whether the refusal is temporary */
		if (ev->smtp_code == 0 && !ev->enhanced_code[0] &&
		    (span_starts(ev->reply, "Deferred") || span_find(ev->reply, "temporarily")))
			ev->class = EV_CLASS_TRANSIENT;
	} else if (ev->kind == EV_BOUNCED && pattern_attr(m->pattern, "notice")) {
		/* "<qid>: <dsnqid>: DSN: <why>": a notice about the message, sent
		 * back as message dsnqid. A return receipt or a delay warning is
		 * no failure; "Cannot send message for 5 days" is the queue
		 * lifetime running out. */
		struct sl_span why = ev->reply;
		if (span_starts(why, "Return receipt") || span_starts(why, "Warning:") ||
		    span_starts(why, "Relayed") || span_starts(why, "Delivered") ||
		    span_starts(why, "Expanded")) {
			ev->kind = EV_MSG_NOTIFY;
		} else {
			if (span_starts(why, "Cannot send message"))
				ev->kind = EV_EXPIRED;
			ev->failure_notice = true;
		}
	}
}

const struct recog_mta recog_sendmail = {
	.name = "sendmail",
	.mta = EV_MTA_SENDMAIL,
	.claims = sendmail_claims,
	.refine = sendmail_refine,
	.no_removal_line = true,
};
