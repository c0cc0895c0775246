/* logline_wrap: a log line broken into several, joined again. See
 * logline_wrap.h. Mail clients break a long line at a blank near column
 * 72 (a mailing list's archive, "Jan 12 14:29:38 F055 postfix/qmgr[26852]:
 * 78F628C4596: from=, size=366, " then "nrcpt=1 (queue active)" in a
 * French guide's quoted mail.log), forums and blogs put each field of a
 * long line on its own ("... to=<sysadmin@example.com>, " then
 * "relay=spool.mail.gandi.net[217.70.178.1]:25, " then "delay=0.35, "
 * ...): the rest has no header, and only the join is a line Postfix writes. */
#include "logline_wrap.h"

#include <string.h>

void logline_wrap_init(struct logline_wrap *w)
{
	memset(w, 0, sizeof *w);
	sl_buf_init(&w->lines);
	sl_buf_init(&w->program);
	sl_buf_init(&w->joined);
}

void logline_wrap_release(struct logline_wrap *w)
{
	sl_buf_release(&w->lines);
	sl_buf_release(&w->program);
	sl_buf_release(&w->joined);
}

void logline_wrap_clear(struct logline_wrap *w)
{
	w->n = 0;
	w->joined_len = 0;
	w->matched = 0;
	sl_buf_reset(&w->lines);
	sl_buf_reset(&w->program);
	sl_buf_reset(&w->joined);
}

bool logline_wrap_may_start(const struct logline *ll)
{
	/* a syslog line; Exim's own log and journald's records are not broken */
	return (ll->format == LOGLINE_RFC3164 || ll->format == LOGLINE_RFC3339) &&
	       !sl_span_empty(ll->program) && !ll->joined && ll->repeat == 0 && ll->piece == 0;
}

void logline_wrap_hold(struct logline_wrap *w, const char *text, size_t len, uint64_t lineno,
                       uint64_t offset, struct sl_span program)
{
	logline_wrap_clear(w);
	w->n = 1;
	w->lineno = lineno;
	w->offset = offset;
	w->len = len;
	sl_buf_add(&w->lines, text, len);
	sl_buf_addc(&w->lines, '\n');
	sl_buf_add(&w->program, program.p, program.len);
	sl_buf_add(&w->joined, text, len);
	w->joined_len = w->joined.len;
}

/* rest - the rest's text without its leading blanks and a quote's '>' marks */
static struct sl_span rest(const char *text, size_t len)
{
	const char *p = text, *e = text + len;
	while (p < e && (*p == ' ' || *p == '\t' || *p == '>'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return (struct sl_span){ p, (size_t)(e - p) };
}

bool logline_wrap_may_continue(const struct logline_wrap *w, const struct logline *ll,
                               size_t len)
{
	if (w->n == 0 || w->n >= LOGLINE_WRAP_PARTS || ll->format != LOGLINE_BARE ||
	    ll->repeat_previous || w->joined_len + 1 + len > LOGLINE_WRAP_MAX)
		return false;
	return rest(ll->message.p, ll->message.len).len > 0;
}

struct sl_span logline_wrap_join(struct logline_wrap *w, const char *text, size_t len)
{
	struct sl_span r = rest(text, len);
	w->joined.len = w->joined_len;
	if (w->joined_len && w->joined.data[w->joined_len - 1] != ' ' &&
	    w->joined.data[w->joined_len - 1] != '\t')
		sl_buf_addc(&w->joined, ' ');
	sl_buf_add(&w->joined, r.p, r.len);
	return (struct sl_span){ w->joined.data, w->joined.len };
}

bool logline_wrap_add(struct logline_wrap *w, const char *text, size_t len)
{
	if (w->n == 0 || w->n >= LOGLINE_WRAP_PARTS || w->joined.len > LOGLINE_WRAP_MAX)
		return false;
	w->n++;
	w->joined_len = w->joined.len;   /* the last join is the held text now */
	sl_buf_add(&w->lines, text, len);
	sl_buf_addc(&w->lines, '\n');
	return true;
}

bool logline_wrap_open(struct sl_span text)
{
	/* asked of every line understood: memchr skips to the first '(' (most
	 * lines have none, or one near their end) */
	const char *p = text.len ? memchr(text.p, '(', text.len) : NULL;
	if (!p)
		return false;
	const char *e = text.p + text.len;
	long depth = 0;
	for (; p < e; p++)
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
	return depth > 0;
}
