/* recog: decides which MTA wrote a line, runs that MTA's patterns, and turns
 * the captured groups into an event. The per-MTA knowledge that is not
 * pattern data (which programs are whose, what a status word means) lives
 * in the recog_<mta>.c vtables. */
#include "recog.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

extern const struct recog_mta recog_postfix;
extern const struct recog_mta recog_exim;
extern const struct recog_mta recog_sendmail;

const struct recog_mta *const recog_mtas[] = { &recog_postfix, &recog_exim, &recog_sendmail, NULL };

const struct recog_mta *recog_mta_by_name(const char *name)
{
	for (size_t i = 0; recog_mtas[i]; i++)
		if (strcmp(recog_mtas[i]->name, name) == 0)
			return recog_mtas[i];
	return NULL;
}

/* The kind named by a pattern's `kind:`, cached by pattern: looking the name
 * up on every match cost a string compare per kind. Direct-mapped. */
#define RECOG_KIND_CACHE 64

struct recog {
	struct pattern_set *set;
	const struct recog_mta *forced;
	struct {
		const struct pattern *p;
		enum ev_kind kind;
	} kinds[RECOG_KIND_CACHE];
};

static const char *const kind_names[EV_KIND_COUNT] = {
	[EV_DELIVERED] = "delivered", [EV_DEFERRED] = "deferred", [EV_BOUNCED] = "bounced",
	[EV_EXPIRED] = "expired",     [EV_REJECTED] = "rejected", [EV_FORWARDED] = "forwarded",
	[EV_PROBE] = "probe",         [EV_POLICY] = "policy",
};

/* Pattern `kind:` values for lifecycle and derived kinds. */
static const struct {
	const char *name;
	enum ev_kind kind;
} pattern_kinds[] = {
	{ "none", EV_NONE },             { "arrival", EV_MSG_ARRIVAL },
	{ "header_id", EV_MSG_HEADER_ID }, { "queued", EV_MSG_QUEUED },
	{ "removed", EV_MSG_REMOVED },   { "notify", EV_MSG_NOTIFY },
	{ "health", EV_HEALTH },
};

/* The categories of the health table. */
static const char *const health_categories[] = {
	"warning", "error", "fatal", "panic", "sasl", "tls", "postscreen", NULL
};

const char *recog_health_category(const char *name, size_t len)
{
	for (size_t i = 0; health_categories[i]; i++)
		if (strlen(health_categories[i]) == len && memcmp(health_categories[i], name, len) == 0)
			return health_categories[i];
	return NULL;
}

/* health_of - the category of a health line: the pattern's `category:`, else
 * its status group (the severity word: "warning", "fatal", ...) */
static const char *health_of(const struct pattern *p, struct sl_span status)
{
	const char *attr = pattern_attr(p, "category");
	if (attr)
		return recog_health_category(attr, strlen(attr));
	return recog_health_category(status.p ? status.p : "", status.len);
}

const char *ev_kind_name(enum ev_kind k)
{
	return (k > EV_NONE && k < EV_KIND_COUNT) ? kind_names[k] : NULL;
}

enum ev_kind ev_kind_from_name(const char *s)
{
	for (int k = 0; k < EV_KIND_COUNT; k++)
		if (kind_names[k] && strcmp(kind_names[k], s) == 0)
			return (enum ev_kind)k;
	for (size_t i = 0; i < SL_ARRAY_LEN(pattern_kinds); i++)
		if (strcmp(pattern_kinds[i].name, s) == 0)
			return pattern_kinds[i].kind;
	return EV_NONE;
}

const char *ev_class_name(enum ev_class c)
{
	switch (c) {
	case EV_CLASS_SUCCESS: return "success";
	case EV_CLASS_TRANSIENT: return "transient";
	case EV_CLASS_PERMANENT: return "permanent";
	default: return NULL;
	}
}

const char *ev_mta_name(enum ev_mta m)
{
	switch (m) {
	case EV_MTA_POSTFIX: return "postfix";
	case EV_MTA_EXIM: return "exim";
	case EV_MTA_SENDMAIL: return "sendmail";
	default: return NULL;
	}
}

void event_clear(struct event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->size = -1;
	ev->nrcpt = -1;
	ev->delay = -1;
}

struct recog *recog_new(struct pattern_set *set, const char *force_mta, struct sl_error *err)
{
	const struct recog_mta *forced = NULL;
	if (force_mta && *force_mta) {
		forced = recog_mta_by_name(force_mta);
		if (!forced)
			return sl_error_set(err, SL_EUSAGE,
			                    "unknown MTA '%s' (expected postfix, exim or sendmail)", force_mta),
			       NULL;
	}
	struct recog *r = xcalloc(1, sizeof *r);
	r->set = set;
	r->forced = forced;
	return r;
}

void recog_free(struct recog *r)
{
	free(r);
}

/* ---- reply-text helpers shared by every MTA */

static bool is_enhanced_at(const char *p, const char *end, size_t *len)
{
	/* c.s.d with c in {2,4,5}, s and d 1-3 digits, then a non-digit */
	const char *q = p;
	if (q >= end || (*q != '2' && *q != '4' && *q != '5'))
		return false;
	q++;
	for (int part = 0; part < 2; part++) {
		if (q >= end || *q != '.')
			return false;
		q++;
		int digits = 0;
		while (q < end && isdigit((unsigned char)*q) && digits < 4) {
			q++;
			digits++;
		}
		if (digits == 0 || digits > 3)
			return false;
	}
	if (q < end && (isdigit((unsigned char)*q) || *q == '.'))
		return false;
	*len = (size_t)(q - p);
	return true;
}

static bool is_reply_code_at(const char *p, const char *end)
{
	return end - p >= 3 && p[0] >= '2' && p[0] <= '5' && isdigit((unsigned char)p[1]) &&
	       isdigit((unsigned char)p[2]) &&
	       (end - p == 3 || p[3] == ' ' || p[3] == '-' || p[3] == ')' || p[3] == ',');
}

static void copy_enhanced(struct event *ev, const char *p, size_t n)
{
	if (n >= sizeof ev->enhanced_code)
		return;
	memcpy(ev->enhanced_code, p, n);
	ev->enhanced_code[n] = '\0';
}

/* Address in "<addr>" (or a bare token) after the literal `after`. */
static bool find_address_after(struct sl_span text, const char *after, struct sl_span *out)
{
	const char *end = text.p + text.len;
	size_t alen = strlen(after);
	for (const char *p = text.p; p && p < end;) {
		const char *hit = sl_memmem(p, (size_t)(end - p), after, alen);
		if (!hit)
			return false;
		const char *a = hit + alen;
		while (a < end && *a == ' ')
			a++;
		if (a < end && *a == '<') {
			const char *close = memchr(a, '>', (size_t)(end - a));
			if (close && close > a + 1) {
				*out = (struct sl_span){ a + 1, (size_t)(close - a - 1) };
				return true;
			}
		} else {
			const char *b = a;
			while (b < end && !isspace((unsigned char)*b) && *b != ')' && *b != ';' && *b != ',')
				b++;
			if (b > a && memchr(a, '@', (size_t)(b - a))) {
				while (b > a && b[-1] == '.')
					b--;
				*out = (struct sl_span){ a, (size_t)(b - a) };
				return true;
			}
		}
		p = hit + alen;
	}
	return false;
}

void recog_reply_codes(struct event *ev)
{
	struct sl_span r = ev->reply;
	if (sl_span_empty(r))
		return;
	const char *end = r.p + r.len;
	/* A reply code starts the text or follows ": " ("said: 451", "me: 421",
	 * "RCPT TO:<x>: 550"); anything else that looks like three digits is
	 * part of a host name, an address or a number. */
	for (const char *p = r.p; p < end; p++) {
		bool boundary = (p == r.p) || (p - r.p >= 2 && p[-1] == ' ' && p[-2] == ':');
		if (!boundary)
			continue;
		if (ev->smtp_code == 0 && is_reply_code_at(p, end)) {
			ev->smtp_code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
			const char *q = p + 3;
			while (q < end && (*q == ' ' || *q == '-'))
				q++;
			/* qmail's habit, which other servers copy: a "#" before the
			 * enhanced code ("550 #5.1.0 Address rejected") */
			if (q < end && *q == '#')
				q++;
			size_t n;
			if (!ev->enhanced_code[0] && is_enhanced_at(q, end, &n))
				copy_enhanced(ev, q, n);
			break;
		}
		size_t n;
		if (ev->smtp_code == 0 && !ev->enhanced_code[0] && is_enhanced_at(p, end, &n)) {
			copy_enhanced(ev, p, n);
			break;
		}
	}
	/* qmail puts the enhanced code at the end of its text instead: "553
	 * sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)" */
	if (ev->smtp_code && !ev->enhanced_code[0]) {
		const char *h = sl_memmem(r.p, r.len, "(#", 2);
		size_t n;
		if (h && is_enhanced_at(h + 2, end, &n) && h + 2 + n < end && h[2 + n] == ')' &&
		    h[2] == '0' + ev->smtp_code / 100)
			copy_enhanced(ev, h + 2, n);
	}
	if (sl_span_empty(ev->forward_to) &&
	    (ev->smtp_code == 251 || ev->smtp_code == 551 ||
	     sl_memmem(r.p, r.len, "not local", 9))) {
		if (!find_address_after(r, "forward to", &ev->forward_to) &&
		    !find_address_after(r, "please try", &ev->forward_to) &&
		    !find_address_after(r, "forwarded to", &ev->forward_to))
			find_address_after(r, "try", &ev->forward_to);
	}
}

enum ev_class recog_class_for(const struct event *ev)
{
	switch (ev->kind) {
	case EV_DELIVERED:
	case EV_FORWARDED:
		return EV_CLASS_SUCCESS;
	case EV_DEFERRED:
		return EV_CLASS_TRANSIENT;
	case EV_BOUNCED:
	case EV_EXPIRED:
		return EV_CLASS_PERMANENT;
	case EV_REJECTED: {
		char first = ev->smtp_code ? (char)('0' + ev->smtp_code / 100) : ev->enhanced_code[0];
		return first == '4' ? EV_CLASS_TRANSIENT : EV_CLASS_PERMANENT;
	}
	case EV_PROBE:
		return (ev->smtp_code / 100 == 5 || ev->enhanced_code[0] == '5') ? EV_CLASS_PERMANENT
		       : (ev->smtp_code / 100 == 4 || ev->enhanced_code[0] == '4') ? EV_CLASS_TRANSIENT
		                                                                   : EV_CLASS_SUCCESS;
	default:
		return EV_CLASS_NONE;
	}
}

struct sl_span recog_address(struct sl_span s)
{
	if (!s.p)
		return s;
	const char *p = s.p, *e = s.p + s.len;
	while (p < e && *p == ' ')
		p++;
	while (e > p && e[-1] == ' ')
		e--;
	if (e > p && e[-1] == '>') {
		const char *lt = e - 1;
		while (lt > p && lt[-1] != '<' && lt[-1] != '>')
			lt--;
		if (lt > p && lt[-1] == '<')
			return (struct sl_span){ lt, (size_t)(e - 1 - lt) };
	}
	return (struct sl_span){ p, (size_t)(e - p) };
}

const char *recog_address_list_next(const char *p, const char *e)
{
	bool quoted = false;
	int angle = 0;
	for (; p < e; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (*p == '<')
			angle++;
		else if (*p == '>' && angle > 0)
			angle--;
		else if (*p == ',' && angle == 0)
			return p;
	}
	return e;
}

long recog_number(struct sl_span s, long dflt, long max)
{
	if (sl_span_empty(s))
		return dflt;
	long v = 0;
	for (size_t i = 0; i < s.len; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';
		if (d > 9)
			return dflt;
		/* past max: saturate, but read on, so "12x" stays rejected */
		v = v > (max - (long)d) / 10 ? max : v * 10 + (long)d;
	}
	return v;
}

/* decimal_value - s as a double if it is "digits[.digits]" with at most 15
 * digits in all, else -1. Exactly strtod's result: the digits make an
 * integer below 2^53 and the scale a power of ten below 10^16, both exact
 * doubles, and one IEEE division rounds correctly (Clinger's fast path). */
static double decimal_value(struct sl_span s)
{
	static const double pow10[] = { 1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
	                                1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	uint64_t mant = 0;
	size_t digits = 0, frac = 0;
	bool dot = false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c == '.' && !dot) {
			dot = true;
		} else if (c >= '0' && c <= '9') {
			mant = mant * 10 + (c - '0');
			digits++;
			frac += dot;
		} else {
			return -1;
		}
	}
	if (digits == 0 || digits > 15)
		return -1;
	return (double)mant / pow10[frac];
}

static double span_to_double(struct sl_span s, double dflt)
{
	if (sl_span_empty(s) || s.len > 30)
		return dflt;
	double fast = decimal_value(s);
	if (fast >= 0)
		return fast;
	/* Sendmail's delay=00:00:01: no number strtod reads whole */
	if (memchr(s.p, ':', s.len))
		return dflt;
	char tmp[32];
	memcpy(tmp, s.p, s.len);
	tmp[s.len] = '\0';
	char *e;
	double v = strtod(tmp, &e);
	return *e ? dflt : v;
}

/* Copies the captured groups into the event; kinds named in the pattern
 * are set here, "status"/"action" kinds are left to the MTA's refine(). */
static enum ev_kind pattern_ev_kind(struct recog *r, const struct pattern *p)
{
	size_t slot = ((uintptr_t)p >> 4) % RECOG_KIND_CACHE;
	if (r->kinds[slot].p != p) {
		r->kinds[slot].p = p;
		r->kinds[slot].kind = ev_kind_from_name(pattern_kind(p));
	}
	return r->kinds[slot].kind;
}

/* unlink_bbcode - the address inside the link a forum made of it: vBulletin
 * and phpBB turn an address of a pasted log into '[EMAIL="a@b"]a@b[/EMAIL]'
 * or '[email]a@b[/email]' (Ubuntu Forums' pasted maillogs keep these). */
static struct sl_span unlink_bbcode(struct sl_span s)
{
	/* and a page that dropped the <...> as markup leaves "to= , relay=":
	 * blanks are no address */
	if (s.len && (s.p[0] == ' ' || s.p[s.len - 1] == ' ')) {
		while (s.len && (s.p[0] == ' ' || s.p[s.len - 1] == ' ')) {
			if (s.p[0] == ' ')
				s.p++;
			s.len--;
		}
		if (!s.len)
			return SL_SPAN_NULL;
	}
	/* a page served through Cloudflare hides each address as "[email
	 * protected]" (a no-break space when the page's "&#160;" was decoded):
	 * the address is unknown */
	if (sl_span_eq(s, "[email protected]") || sl_span_eq(s, "[email\xc2\xa0protected]"))
		return SL_SPAN_NULL;
	static const char close_tag[] = "[/email]";
	const size_t nc = sizeof close_tag - 1;
	if (s.len < 7 + nc || s.p[0] != '[' ||
	    !sl_span_eq_nocase((struct sl_span){ s.p, 6 }, "[email") ||
	    !sl_span_eq_nocase((struct sl_span){ s.p + s.len - nc, nc }, close_tag))
		return s;
	const char *open_end = memchr(s.p, ']', s.len - nc);
	if (!open_end)
		return s;
	return (struct sl_span){ open_end + 1, (size_t)(s.p + s.len - nc - open_end - 1) };
}

static void fill_event(struct recog *r, const struct recog_mta *mta, const struct pattern_match *m,
                       struct event *ev)
{
	event_clear(ev);
	ev->mta = mta->mta;
	ev->pattern_id = pattern_id(m->pattern);
	ev->kind = pattern_ev_kind(r, m->pattern);
	const struct sl_span *f = m->field;
	ev->queue_id = f[PF_QUEUE_ID];
	ev->sender = unlink_bbcode(f[PF_SENDER]);
	ev->recipient = unlink_bbcode(f[PF_RECIPIENT]);
	ev->orig_recipient = unlink_bbcode(f[PF_ORIG_RECIPIENT]);
	ev->remote_host = f[PF_REMOTE_HOST];
	ev->remote_ip = f[PF_REMOTE_IP];
	/* Postfix names a UNIX-domain socket where the address goes
	 * (relay=host[private/dovecot-lmtp]): a path is no IP address */
	if (!sl_span_empty(ev->remote_ip) && memchr(ev->remote_ip.p, '/', ev->remote_ip.len))
		ev->remote_ip = SL_SPAN_NULL;
	ev->helo = f[PF_HELO];
	ev->relay = f[PF_RELAY];
	ev->reply = f[PF_REPLY];
	ev->status = f[PF_STATUS];
	ev->action = f[PF_ACTION];
	ev->header_msgid = f[PF_HEADER_MSGID];
	ev->new_queue_id = f[PF_NEW_QUEUE_ID];
	ev->forward_to = f[PF_FORWARD_TO];
	ev->protocol = f[PF_PROTOCOL];
	ev->smtp_code = (int)recog_number(f[PF_SMTP_CODE], 0, 999);
	if (!sl_span_empty(f[PF_ENHANCED_CODE]))
		copy_enhanced(ev, f[PF_ENHANCED_CODE].p, f[PF_ENHANCED_CODE].len);
	ev->size = recog_number(f[PF_SIZE], -1, LONG_MAX);
	ev->nrcpt = (int)recog_number(f[PF_NRCPT], -1, INT_MAX);
	ev->delay = span_to_double(f[PF_DELAY], -1);
}

/* program_base - the daemon's name after the last '/' ("smtpd" of
 * "postfix/submission/smtpd"); none for a systemd unit, which journalctl
 * -o with-unit shows in its place ("postfix@-.service"): every entry is
 * tried then */
static struct sl_span program_base(struct sl_span prog)
{
	if (prog.len > 8 && memcmp(prog.p + prog.len - 8, ".service", 8) == 0)
		return SL_SPAN_NULL;
	for (size_t i = prog.len; i > 0; i--)
		if (prog.p[i - 1] == '/')
			return (struct sl_span){ prog.p + i, prog.len - i };
	return prog;
}

static bool try_mta(struct recog *r, const struct recog_mta *mta, const struct logline *ll,
                    struct event *ev)
{
	struct pattern_match m;
	if (!patterns_match(r->set, mta->name, program_base(ll->program), ll->message.p,
	                    ll->message.len, &m))
		return false;
	fill_event(r, mta, &m, ev);
	if (ev->kind == EV_HEALTH) {
		/* a line of daemon health: no codes, no refinement */
		ev->health = health_of(m.pattern, ev->status);
		if (!ev->health)
			ev->kind = EV_NONE;
		return true;
	}
	recog_reply_codes(ev);
	if (mta->refine)
		mta->refine(ll, &m, ev);
	if (ev->kind != EV_NONE && ev->class == EV_CLASS_NONE)
		ev->class = recog_class_for(ev);
	return true;
}

/* journal_marker - journalctl's own lines between the entries of its text
 * output (systemd's journalctl.c and logs-show.c): "-- Logs begin at ...,
 * end at .... --", "-- Journal begins at ..., ends at .... --", "-- Boot
 * ID --", "-- Reboot --", "-- No entries --" */
static bool journal_marker(struct sl_span m)
{
	return m.len >= 8 && memcmp(m.p, "-- ", 3) == 0 && memcmp(m.p + m.len - 3, " --", 3) == 0;
}

/* blank_line - nothing but blanks */
static bool blank_line(struct sl_span m)
{
	for (size_t i = 0; i < m.len; i++)
		if (m.p[i] != ' ' && m.p[i] != '\t' && m.p[i] != '\r' && m.p[i] != '\f' && m.p[i] != '\v')
			return false;
	return true;
}

enum recog_result recog_line(struct recog *r, const struct logline *ll, struct event *ev,
                             struct sl_span *program_out)
{
	static const char no_header[] = "(no header)", journalctl[] = "journalctl",
	                  blank[] = "(blank line)";
	*program_out = ll->program;
	if (sl_span_empty(ll->program) && journal_marker(ll->message)) {
		/* no mail line: counted among the other programs' */
		*program_out = (struct sl_span){ journalctl, sizeof journalctl - 1 };
		return RECOG_FOREIGN;
	}
	if (sl_span_empty(ll->program) && blank_line(ll->message)) {
		/* the empty lines of a paste (a forum post's log with a blank
		 * line after each): no mail line either */
		*program_out = (struct sl_span){ blank, sizeof blank - 1 };
		return RECOG_FOREIGN;
	}
	if (sl_span_empty(ll->program)) {
		/* a bare message (no syslog header): any MTA may have written it */
		*program_out = (struct sl_span){ no_header, sizeof no_header - 1 };
		for (size_t i = 0; recog_mtas[i]; i++) {
			const struct recog_mta *mta = r->forced ? r->forced : recog_mtas[i];
			if (try_mta(r, mta, ll, ev))
				return RECOG_MATCHED;
			if (r->forced)
				break;
		}
		return RECOG_UNRECOGNIZED;
	}
	const struct recog_mta *claimer = NULL;
	for (size_t i = 0; !claimer && recog_mtas[i]; i++)
		if (recog_mtas[i]->claims(ll))
			claimer = recog_mtas[i];
	/* --mta forces the patterns tried, so an unusual syslog_name still
	 * parses; a line no MTA claims and the forced one cannot read stays foreign */
	const struct recog_mta *mta = r->forced ? r->forced : claimer;
	if (mta && try_mta(r, mta, ll, ev))
		return RECOG_MATCHED;
	return claimer ? RECOG_UNRECOGNIZED : RECOG_FOREIGN;
}
