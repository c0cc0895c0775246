/* logline: one raw line -> its syslog header fields and message span.
 * Understands RFC 3164 ("Nov 23 06:25:01 mx1 postfix/smtp[123]: ..."), with an
 * optional syslog-ng "<mail.info>" priority, RFC 3339 / ISO 8601 (rsyslog
 * high precision, journalctl -o short-iso), RFC 5424 ("<22>1 stamp host app
 * pid msgid sd msg"), either after a raw "<PRI>", journalctl -o short-full
 * and short-unix, Postfix maillog_file lines, Sophos UTM's syslog-ng stamp
 * ("2019:06:10-11:04:40 host prog[pid]: ", with Exim's own stamp that its
 * messages repeat passed over),
 * journalctl -o json objects, Exim's own mainlog stamp
 * ("2026-11-23 06:25:01[.mmm] [+hhmm] [[pid]] ..."), and bare messages with
 * no header at all (LOGLINE_BARE). */
#ifndef SMTPLOG_LOGLINE_H
#define SMTPLOG_LOGLINE_H

#include <stdbool.h>
#include <stdint.h>
#include "util.h"
#include "util_time.h"

enum logline_format {
	LOGLINE_BARE = 0,     /* no header recognized: message = whole line, no ts/host/prog */
	LOGLINE_RFC3164,
	LOGLINE_RFC3339,
	LOGLINE_JOURNAL_JSON, /* a JSON record (journald's, or Docker's json-file around a line):
	                       * its spans may lie in the context's scratch buffer */
	LOGLINE_EXIM,         /* Exim mainlog/rejectlog/paniclog native stamp */
};

struct logline {
	enum logline_format format;
	struct sl_time ts;      /* valid unless format == LOGLINE_BARE (then sec = 0) */
	bool has_ts;
	struct sl_span host;    /* empty when the line names none (Exim native, bare) */
	struct sl_span program; /* "postfix/smtp", "postfix-out/smtp", "exim", "sm-mta"; empty if none */
	long pid;               /* -1 when absent */
	struct sl_span message; /* the text after "prog[pid]: " */
	/* The syslog daemon folded identical lines into this one: rsyslog's
	 * "message repeated N times: [ msg]" (message is msg, repeat N), and
	 * sysklogd's and BSD syslogd's "last message repeated N times", which
	 * names the line before it (repeat_previous N, no program). 0 for none. */
	unsigned repeat, repeat_previous;
	/* Sendmail cut a long message into pieces "qid[1]: ... ...", "qid[2]:
	 * ..." (sm_syslog): piece is this line's number, 0 for a whole line.
	 * joined: this line is the last piece of a run whose earlier pieces
	 * came before it, and message is their text joined ("qid: ...", in
	 * ctx); its first piece was the last line with piece 1. */
	unsigned piece;
	bool joined;
};

/* Per-stream state: year inference for RFC 3164 stamps, which carry no year,
 * and the time zone they are read in. One per input file. */
struct logline_ctx {
	int year;               /* year given to the next RFC 3164 stamp */
	int last_month;         /* month of the previous RFC 3164 stamp, 0 before the first */
	bool year_fixed;        /* from --year: do not infer from mtime */
	int64_t ref_time;       /* mtime of the file (or now): stamps may not lie after it by more than a day */
	/* cached UTC offset of the local zone for one hour bucket */
	int64_t tz_bucket;
	int32_t tz_offset;
	/* the day number of the last civil date converted: lines come in runs of one day */
	int day_y, day_mon, day_d;
	int64_t day_num;
	/* journald JSON: the decoded MESSAGE and other fields live here */
	struct sl_buf scratch;
	/* Sendmail's pieces of one message waiting for the last one
	 * (logline_pieces.c): who wrote them (host, program, pid, queue ID),
	 * their text so far as "qid: ...", and the number expected next, 0
	 * when none is pending */
	struct sl_buf piece_key, piece_text;
	unsigned piece_next;
	/* a line copied from a web page's HTML, its entities decoded */
	struct sl_buf unescaped;
};

/* year: 0 to infer from ref_time (the file's mtime, or now for pipes). */
void logline_ctx_init(struct logline_ctx *ctx, int year, int64_t ref_time);
void logline_ctx_release(struct logline_ctx *ctx);

/* Parses line[0..len). Never fails: a line with no recognizable header comes
 * back as LOGLINE_BARE. Spans point into `line` or into ctx->scratch and are
 * valid until the next call with the same ctx. RFC 3164 stamps are read in
 * the process's local time zone (TZ, which cli sets from --tz). */
void logline_parse(struct logline_ctx *ctx, const char *line, size_t len, struct logline *out);

#endif
