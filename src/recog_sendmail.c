/* recog_sendmail: which lines are Sendmail's, and what its status words,
 * recipient lists and notices mean. patterns/sendmail.pat tells the line
 * shapes apart; the "name=value" fields of to=, from=, ruleset= and Milter
 * lines are read here by name, wherever they stand, so a field in another
 * order, an unknown one, or one glued to the one before it (a comma or a
 * space missing) loses nothing. Programs: sendmail (the MSP client), sm-mta,
 * sm-msp-queue and the other "sm-" names a daemon gives itself. */
#include <limits.h>
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

/* ---- fields by name */

enum sm_field {
	SMF_TO, SMF_FROM, SMF_DELAY, SMF_RELAY, SMF_DSN, SMF_STAT, SMF_SIZE, SMF_NRCPTS,
	SMF_MSGID, SMF_PROTO, SMF_RULESET, SMF_ARG1, SMF_REJECT, SMF_MAILER, SMF_HOST, SMF_ADDR,
	SMF_COUNT
};

/* The names Sendmail writes (sendmail/deliver.c logdelivery, srvrsmtp.c,
 * parseaddr.c, milter.c): the fields read, then those only known. A
 * free-text value (stat=, reject=) ends only before one of these. */
static const char *const sm_names[] = {
	[SMF_TO] = "to", [SMF_FROM] = "from", [SMF_DELAY] = "delay", [SMF_RELAY] = "relay",
	[SMF_DSN] = "dsn", [SMF_STAT] = "stat", [SMF_SIZE] = "size", [SMF_NRCPTS] = "nrcpts",
	[SMF_MSGID] = "msgid", [SMF_PROTO] = "proto", [SMF_RULESET] = "ruleset", [SMF_ARG1] = "arg1",
	[SMF_REJECT] = "reject", [SMF_MAILER] = "mailer", [SMF_HOST] = "host", [SMF_ADDR] = "addr",
	"ctladdr", "xdelay", "pri", "class", "bodytype", "daemon", "arg2", "quarantine",
	"ntries", "tls_verify", "auth", "orcpt", "notify",
};

/* Longest field name we look for after a separator. */
#define SM_NAME_MAX 16

/* name_at - the length of the "name" of a "name=" at p (a lower-case
 * letter, then letters, digits, '_'), else 0 */
static size_t name_at(const char *p, const char *e)
{
	const char *q = p;
	if (q >= e || *q < 'a' || *q > 'z')
		return 0;
	while (q < e && q - p <= SM_NAME_MAX &&
	       ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_'))
		q++;
	return q < e && *q == '=' ? (size_t)(q - p) : 0;
}

/* known_name - index into sm_names, or -1 */
static int known_name(const char *p, size_t n)
{
	for (size_t i = 0; i < SL_ARRAY_LEN(sm_names); i++)
		if (strlen(sm_names[i]) == n && memcmp(sm_names[i], p, n) == 0)
			return (int)i;
	return -1;
}

/* field_follows - does a field begin after the separator at p (", ", ","
 * or " ")? free: only a known name ends a free-text value. */
static bool field_follows(const char *p, const char *e, bool free)
{
	const char *q = p + 1;
	if (*p == ',' && q < e && *q == ' ')
		q++;
	size_t n = name_at(q, e);
	return n && (!free || known_name(q, n) >= 0);
}

/* value_end - where the value that starts at v ends: before the separator
 * of the next field, or at e. An address in <> is taken whole first. */
static const char *value_end(const char *v, const char *e, bool free)
{
	const char *q = v;
	if (!free && q < e && *q == '<') {
		const char *gt = memchr(q, '>', (size_t)(e - q));
		if (gt)
			q = gt + 1;
	}
	for (; q < e; q++)
		if ((*q == ',' || *q == ' ') && field_follows(q, e, free))
			return q;
	return e;
}

/* sm_scan - the fields of text by name (the first of each name); a token
 * that is no field ("Milter:", "data", the queue ID) is passed over. One
 * pass: each separator looks at most SM_NAME_MAX bytes ahead. */
static void sm_scan(struct sl_span text, struct sl_span f[SMF_COUNT])
{
	for (int i = 0; i < SMF_COUNT; i++)
		f[i] = SL_SPAN_NULL;
	const char *p = text.p, *e = text.p + text.len;
	while (p < e) {
		while (p < e && (*p == ' ' || *p == ','))
			p++;
		size_t n = name_at(p, e);
		if (!n) {
			/* not a field: on to the next separator */
			while (p < e && *p != ' ' && *p != ',')
				p++;
			continue;
		}
		int k = known_name(p, n);
		const char *v = p + n + 1;
		const char *end = value_end(v, e, k == SMF_STAT || k == SMF_REJECT);
		if (k >= 0 && k < SMF_COUNT && !f[k].p)
			f[k] = (struct sl_span){ v, (size_t)(end - v) };
		p = end;
	}
}

/* read_relay - "relay=[user@]host[.] [ip] [(may be forged)]", "[ip] [ip]"
 * (no name: the first is the address again), "[ip]", "host" */
static void read_relay(struct sl_span r, struct event *ev)
{
	if (sl_span_empty(r))
		return;
	ev->relay = r;
	const char *p = r.p, *e = r.p + r.len;
	const char *at = memchr(p, '@', r.len);
	const char *sp = memchr(p, ' ', r.len);
	if (at && (!sp || at < sp) && at + 1 < e && at[1] != '[')
		p = at + 1;
	if (p < e && *p != '[') {
		const char *h = p;
		while (p < e && *p != ' ' && *p != '[' && *p != ',')
			p++;
		const char *he = p;
		while (he > h && he[-1] == '.')
			he--;
		if (he > h)
			ev->remote_host = (struct sl_span){ h, (size_t)(he - h) };
	}
	/* the last [...] before the end or " (may be forged)" is the address */
	struct sl_span ip = SL_SPAN_NULL;
	while (p < e) {
		while (p < e && *p == ' ')
			p++;
		if (p >= e || *p != '[')
			break;
		const char *close = memchr(p, ']', (size_t)(e - p));
		if (!close)
			break;
		ip = (struct sl_span){ p + 1, (size_t)(close - p - 1) };
		p = close + 1;
	}
	if (!sl_span_empty(ip))
		ev->remote_ip = ip;
}

/* read_dsn - "x.y.z" with 1-3 digits in y and z */
static void read_dsn(struct sl_span d, struct event *ev)
{
	size_t i = 0, part = 0, digits = 0;
	if (d.len < 5 || d.len >= sizeof ev->enhanced_code || (d.p[0] != '2' && d.p[0] != '4' &&
	                                                       d.p[0] != '5'))
		return;
	for (i = 1; i < d.len; i++) {
		if (d.p[i] == '.' && (i == 1 || digits > 0) && part < 2) {
			part++;
			digits = 0;
		} else if (d.p[i] >= '0' && d.p[i] <= '9' && part > 0 && digits < 3) {
			digits++;
		} else {
			return;
		}
	}
	if (part != 2 || digits == 0)
		return;
	memcpy(ev->enhanced_code, d.p, d.len);
	ev->enhanced_code[d.len] = '\0';
}

/* read_stat - "Sent (reply)", "Deferred: why", "Deferred", else the text
 * of a failure, which is both status and reply */
static void read_stat(struct sl_span st, struct event *ev)
{
	if (!st.p)
		return;
	static const char *const words[] = { "Sent", "Deferred" };
	for (size_t i = 0; i < SL_ARRAY_LEN(words); i++) {
		size_t n = strlen(words[i]);
		if (st.len < n || memcmp(st.p, words[i], n) != 0)
			continue;
		if (st.len > n && st.p[n] != ' ' && st.p[n] != ':')
			continue;
		ev->status = (struct sl_span){ st.p, n };
		const char *p = st.p + n, *e = st.p + st.len;
		if (p < e && *p == ':')
			p++;
		while (p < e && *p == ' ')
			p++;
		if (p < e && *p == '(' && st.p[n] == ' ') {
			p++;
			if (e > p && e[-1] == ')')
				e--;
		}
		ev->reply = p < e ? (struct sl_span){ p, (size_t)(e - p) } : SL_SPAN_NULL;
		return;
	}
	ev->status = ev->reply = st;
}

/* milter_connect - srvrsmtp.c: a milter's verdict on a new client,
 * "Milter: connect: host=NAME, addr=IP, rejecting commands" (the client is
 * greeted 554 and every command refused), "..., temp failing commands" (4xx
 * until it leaves), "..., shutdown", or "..., reject=CODE TEXT": a refusal
 * of the client, whose address the addr= value ends with the verdict. */
static void milter_connect(struct sl_span host, struct sl_span addr, struct event *ev)
{
	const char *p = addr.p, *e = addr.p + addr.len;
	while (p < e && *p != ',' && *p != ' ')
		p++;
	if (host.len && host.p[0] != '[')
		ev->remote_host = host;   /* "[ip]": no name was found */
	ev->remote_ip = (struct sl_span){ addr.p, (size_t)(p - addr.p) };
	while (p < e && (*p == ',' || *p == ' '))
		p++;
	struct sl_span verdict = { p, (size_t)(e - p) };
	if (ev->reply.p || sl_span_empty(verdict))
		return;   /* reject= says it, or nothing was refused */
	if (span_starts(verdict, "rejecting commands")) {
		ev->reply = verdict;
		ev->class = EV_CLASS_PERMANENT;
	} else if (span_starts(verdict, "temp failing commands") || span_starts(verdict, "shutdown")) {
		ev->reply = verdict;
		ev->class = EV_CLASS_TRANSIENT;
	}
}

/* read_fields - fill the event from the line's fields; `what` is the
 * pattern's fields: attribute (delivery, envelope, ruleset, milter).
 * Returns whether a to= line names its mailer= (a delivery attempt). */
static bool read_fields(const struct logline *ll, const char *what, struct event *ev)
{
	struct sl_span f[SMF_COUNT];
	sm_scan(ll->message, f);
	read_relay(f[SMF_RELAY], ev);
	if (strcmp(what, "delivery") == 0) {
		ev->recipient = f[SMF_TO];
		ev->delay = delay_seconds(f[SMF_DELAY]);
		read_dsn(f[SMF_DSN], ev);
		read_stat(f[SMF_STAT], ev);
	} else if (strcmp(what, "envelope") == 0) {
		ev->sender = f[SMF_FROM];
		ev->size = recog_number(f[SMF_SIZE], -1, LONG_MAX);
		ev->nrcpt = (int)recog_number(f[SMF_NRCPTS], -1, INT_MAX);
		ev->header_msgid = f[SMF_MSGID];
		ev->protocol = f[SMF_PROTO];
	} else {
		/* a refusal: ruleset=check_rcpt names the recipient in arg1=,
		 * check_mail the sender; a Milter line says to= or from= */
		struct sl_span rs = f[SMF_RULESET];
		if (sl_span_eq(rs, "check_rcpt"))
			ev->recipient = f[SMF_ARG1];
		else if (sl_span_eq(rs, "check_mail"))
			ev->sender = f[SMF_ARG1];
		if (!rs.p) {
			ev->recipient = f[SMF_TO];
			ev->sender = f[SMF_FROM];
		}
		ev->reply = f[SMF_REJECT];
		if (!rs.p && f[SMF_HOST].p && f[SMF_ADDR].p)
			milter_connect(f[SMF_HOST], f[SMF_ADDR], ev);
		/* no reject=: a quarantine, discard or note, no refusal */
		if (!ev->reply.p)
			ev->kind = EV_NONE;
	}
	ev->sender = recog_address(ev->sender);
	recog_reply_codes(ev);
	return f[SMF_MAILER].p != NULL;
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
	const char *kind = pattern_kind(m->pattern);
	const char *fields = pattern_attr(m->pattern, "fields");
	bool mailer = fields && read_fields(ll, fields, ev);
	if (strcmp(kind, "status") == 0) {
		ev->kind = to_kind(ev);
		/* No mailer=: no delivery was tried. srvrsmtp.c logundelrcpts()
		 * lists "who the mail would have gone to" when the message was
		 * refused during its SMTP transaction ("to=<a>, delay=00:00:02,
		 * pri=100560, stat=virus Worm.Mydoom.I detected by ClamAV" after
		 * "Milter: data, reject=554 5.7.1 virus ..."): the refusal has its
		 * own line, and the sender got it at once, no bounce. */
		if (ev->kind == EV_BOUNCED && !mailer)
			ev->kind = EV_NONE;
		/* "to=<a>,<b>": one event per address (ingest splits the list) */
		struct sl_span r = ev->recipient;
		if (r.len && recog_address_list_next(r.p, r.p + r.len) < r.p + r.len)
			ev->recipient_list = true;
		else
			ev->recipient = recog_address(r);
		if (ev->kind == EV_DELIVERED) {
			ev->new_queue_id = next_hop_id(ev->reply);
			if (ev->smtp_code == 251)
				ev->kind = EV_FORWARDED;
		}
	} else if (ev->kind == EV_MSG_ARRIVAL) {
		/* from= with nrcpts=0: every recipient was refused, no message
		 * (correlate keeps the transaction, but not as mail received) */
		ev->header_msgid = recog_address(ev->header_msgid);
	} else if (ev->kind == EV_REJECTED) {
		ev->recipient = recog_address(ev->recipient);
		/* "<a>... Relaying temporarily denied", "... Deferred: ...": a
		 * text with no code says itself whether the refusal is temporary */
		if (ev->smtp_code == 0 && !ev->enhanced_code[0] &&
		    (span_starts(ev->reply, "Deferred") || span_find(ev->reply, "temporarily")))
			ev->class = EV_CLASS_TRANSIENT;
	} else if (ev->kind == EV_MSG_NOTIFY && pattern_attr(m->pattern, "split")) {
		ev->envelope_split = true;
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
