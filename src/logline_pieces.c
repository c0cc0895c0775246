/* logline_pieces: a message an MTA cut into several log lines, read as one.
 * Exim (log.c write_syslog) writes "[1/3] ...", "[2/3] ...": the first
 * piece is read as the line, the others are left to patterns/exim.pat.
 * Sendmail (sm_syslog, conf.c) writes "qid[1]: ... ...", "qid[2]: ...":
 * its pieces are joined, because the fields that matter (stat=, dsn=,
 * reject=) come last. Part of logline: knows the cut, not the meaning. */
#include "logline_pieces.h"

#include <string.h>

/* Sendmail ends every piece but the last with this; the cut before it
 * falls just after a ',' or ' ' of the message (or mid-word when there
 * is none), so the pieces' texts without it, put end to end, are the
 * message. */
static const char sm_more[] = " ...";
/* ... and after 998 pieces gives up with "qid[999]: log terminated, too
 * many parts": the message read so far is all there is. */
static const char sm_terminated[] = "log terminated, too many parts";

/* Longest piece number and queue ID read in a piece's tag. */
#define PIECE_DIGITS 3
#define PIECE_ID_MAX 64

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* logline_exim_first_piece - Exim writes a log line longer than its syslog
 * limit (870 bytes), or one with a newline in it, as pieces "[1/3] ...",
 * "[2/3] ..." ('\\' instead of '/' where a newline cut it; log.c
 * write_syslog). The first piece is the line's start, read as the line; the
 * others are left as they are (patterns/exim.pat, exim.split-line). */
void logline_exim_first_piece(struct logline *out)
{
	struct sl_span pr = out->program;
	if (!pr.p || !out->message.p)
		return;   /* no program name, or no message: not Exim's */
	const char *base = pr.p;
	for (size_t i = 0; i < pr.len; i++)
		if (pr.p[i] == '/')
			base = pr.p + i + 1;
	if ((size_t)(pr.p + pr.len - base) < 4 || memcmp(base, "exim", 4) != 0)
		return;
	const char *p = out->message.p, *e = p + out->message.len;
	if (e - p < 6 || p[0] != '[' || p[1] != '1' || (p[2] != '/' && p[2] != '\\'))
		return;
	const char *q = p + 3;
	while (q < e && is_digit(*q) && q - p < 10)
		q++;
	if (q == p + 3 || e - q < 2 || q[0] != ']' || q[1] != ' ')
		return;
	out->message = (struct sl_span){ q + 2, (size_t)(e - q - 2) };
}

static bool ends_with(const char *p, const char *e, const char *lit, size_t n)
{
	return (size_t)(e - p) >= n && memcmp(e - n, lit, n) == 0;
}

/* key_add - one field of a piece's key: its length, then its bytes */
static void key_add(struct sl_buf *b, const char *p, size_t n)
{
	sl_buf_add(b, &n, sizeof n);
	sl_buf_add(b, p, n);
}

/* piece_key - who wrote a piece: host, program, pid and queue ID, so that
 * the pieces of other processes logged in between are not taken for the
 * next one */
static void piece_key(struct sl_buf *b, const struct logline *ll, struct sl_span id)
{
	sl_buf_reset(b);
	key_add(b, ll->host.p, ll->host.len);
	key_add(b, ll->program.p, ll->program.len);
	sl_buf_add(b, &ll->pid, sizeof ll->pid);
	key_add(b, id.p, id.len);
}

/* key_is - whether the key in b is that of this piece, built without a copy */
static bool key_is(const struct sl_buf *b, const struct logline *ll, struct sl_span id)
{
	const char *k = b->data, *e = b->data + b->len;
	const struct sl_span parts[] = { ll->host, ll->program };
	for (size_t i = 0; i < 2; i++) {
		size_t n;
		if ((size_t)(e - k) < sizeof n)
			return false;
		memcpy(&n, k, sizeof n);
		k += sizeof n;
		if (n != parts[i].len || (size_t)(e - k) < n || (n && memcmp(k, parts[i].p, n) != 0))
			return false;
		k += n;
	}
	long pid;
	if ((size_t)(e - k) < sizeof pid)
		return false;
	memcpy(&pid, k, sizeof pid);
	k += sizeof pid;
	size_t n;
	if (pid != ll->pid || (size_t)(e - k) < sizeof n)
		return false;
	memcpy(&n, k, sizeof n);
	k += sizeof n;
	return n == id.len && (size_t)(e - k) == n && (n == 0 || memcmp(k, id.p, n) == 0);
}

/* logline_sendmail_pieces - sm_syslog cuts a message longer than
 * SYSLOG_BUFSIZE into "ID[N]: text ..." pieces, the last without " ...";
 * ID is the queue ID, "NOQUEUE" without one, or empty for the daemon's own
 * notes (NOQID). The pieces of one message are consecutive syslog calls of
 * one process. One run is followed at a time: its piece 1 starts it (and
 * drops a run left unfinished), each next number of the same writer
 * continues it, and its last piece carries the joined message, "ID: text"
 * as an uncut line would have it. A piece out of its run stays as it is. */
void logline_sendmail_pieces(struct logline_ctx *ctx, struct logline *out)
{
	out->piece = 0;
	out->joined = false;
	if (!out->message.p || sl_span_empty(out->program))
		return;
	const char *p = out->message.p, *e = p + out->message.len;
	const char *q = p;
	while (q < e && q - p <= PIECE_ID_MAX && is_alnum(*q))
		q++;
	if (q == e || *q != '[' || q - p > PIECE_ID_MAX)
		return;
	struct sl_span id = { p, (size_t)(q - p) };
	const char *d = q + 1;
	unsigned n = 0;
	while (d < e && is_digit(*d) && d - q <= PIECE_DIGITS)
		n = n * 10 + (unsigned)(*d++ - '0');
	if (n == 0 || e - d < 3 || d[0] != ']' || d[1] != ':' || d[2] != ' ')
		return;
	out->piece = n;
	const char *text = d + 3;
	size_t more = sizeof sm_more - 1;
	bool cut = ends_with(text, e, sm_more, more);
	if (n == 1) {
		ctx->piece_next = 0;
		if (!cut)
			return;   /* sm_syslog never tags a message it did not cut */
		piece_key(&ctx->piece_key, out, id);
		sl_buf_reset(&ctx->piece_text);
		if (id.len) {
			sl_buf_add(&ctx->piece_text, id.p, id.len);
			sl_buf_add(&ctx->piece_text, ": ", 2);
		}
		sl_buf_add(&ctx->piece_text, text, (size_t)(e - more - text));
		ctx->piece_next = 2;
		return;
	}
	if (ctx->piece_next != n || !key_is(&ctx->piece_key, out, id))
		return;
	if (cut) {
		sl_buf_add(&ctx->piece_text, text, (size_t)(e - more - text));
		ctx->piece_next = n + 1;
		return;
	}
	if (!((size_t)(e - text) == sizeof sm_terminated - 1 &&
	      memcmp(text, sm_terminated, sizeof sm_terminated - 1) == 0))
		sl_buf_add(&ctx->piece_text, text, (size_t)(e - text));
	ctx->piece_next = 0;
	out->message = (struct sl_span){ ctx->piece_text.data, ctx->piece_text.len };
	out->joined = true;
}
