/* logline_wrap: a log line that a mail client, a forum or a web page broke
 * into two or more, read as the one line it was. A line whose header parses
 * but whose message no pattern knows, or is understood with a parenthesis
 * left open, is held back (ingest.c); the lines after it that have no
 * header of their own are its rest while the join is still not understood
 * or still open, up to a few. */
#ifndef SMTPLOG_LOGLINE_WRAP_H
#define SMTPLOG_LOGLINE_WRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logline.h"
#include "util.h"

/* Most lines one log line is broken into, and the longest join. */
#define LOGLINE_WRAP_PARTS 8
#define LOGLINE_WRAP_MAX 8192

struct logline_wrap {
	unsigned n;               /* lines held: 0 when none */
	uint64_t lineno, offset;  /* the first one's */
	size_t len;               /* the first one's length */
	struct sl_buf lines;      /* the held lines as read, each ended by '\n' */
	struct sl_buf program;    /* the first one's program */
	struct sl_buf joined;     /* their text joined, and a candidate rest after it */
	size_t joined_len;        /* the held lines' join: joined.data[0..joined_len) */
	size_t matched;           /* the longest join understood, left open: 0 for none */
};

void logline_wrap_init(struct logline_wrap *w);
void logline_wrap_release(struct logline_wrap *w);

/* May a line parsed as `ll` start a wrapped line (its header parsed, its
 * message not understood)? */
bool logline_wrap_may_start(const struct logline *ll);

/* Hold `text` (line `lineno` at `offset`) as the first part, its program
 * `program`. */
void logline_wrap_hold(struct logline_wrap *w, const char *text, size_t len, uint64_t lineno,
                       uint64_t offset, struct sl_span program);

/* May a line parsed as `ll` be the rest of the held one: no header of its
 * own, not empty, and room left? */
bool logline_wrap_may_continue(const struct logline_wrap *w, const struct logline *ll,
                               size_t len);

/* The held lines joined with `text` as their rest: a mail client took a
 * blank for the break, so one blank joins them, none when the held text
 * ends in one; the rest's own leading blanks and quote marks go. Valid
 * until the next call. */
struct sl_span logline_wrap_join(struct logline_wrap *w, const char *text, size_t len);

/* Keep `text` as one more part after a join that was not understood
 * (logline_wrap_join made it); false when the parts or the length are at
 * their limit (nothing changes then). */
bool logline_wrap_add(struct logline_wrap *w, const char *text, size_t len);

/* Does the text leave a parenthesis open (a reply "(host ... said: 550
 * ..." whose rest was broken off to the next line)? A line understood
 * with one open is held too (and one ingest.c knows cut otherwise): its
 * rest may follow. */
bool logline_wrap_open(struct sl_span text);

/* Forget the held lines. */
void logline_wrap_clear(struct logline_wrap *w);

#endif
