/* correlate: ties the events of one message together by (logging host,
 * queue ID), links content-filter re-injections, bounces and .forward
 * copies to the message they came from, and hands everything to a sink.
 * Memory is bounded: a message is freed at its "removed" line, after an idle
 * window, or when the cap of open messages is reached (oldest first). It
 * knows nothing of SQLite. */
#ifndef SMTPLOG_CORRELATE_H
#define SMTPLOG_CORRELATE_H

#include "event.h"
#include "logline.h"

/* Origins of a message that is a copy of another. */
enum corr_origin { CORR_ORIGIN_NONE = 0, CORR_ORIGIN_FILTER, CORR_ORIGIN_FORWARD, CORR_ORIGIN_NOTIFY };
const char *corr_origin_name(enum corr_origin o);   /* "content-filter", "forward", "notification" */

/* A message as the correlator knows it. Strings are owned by the correlator. */
struct corr_message {
	int64_t id;                 /* set by sink->message_open */
	enum ev_mta mta;
	char *host;
	char *queue_id;
	char *sender;               /* NULL until known; "" is the null sender <> */
	char *header_msgid;
	char *client_host, *client_ip, *helo, *protocol;
	int64_t size;               /* -1 unknown */
	int nrcpt;                  /* -1 unknown */
	struct sl_time first_ts, last_ts;
	bool arrived;               /* its arrival line was seen (else it began before the log,
	                               or it is a Sendmail transaction that queued no recipient) */
	bool removed;               /* its removal line was seen: complete */
	int64_t origin_id;          /* 0 or the message it is a copy of */
	enum corr_origin origin;
	int64_t source_id;          /* the source of its first line */
	uint64_t first_offset;
};

/* Where a line came from. */
struct corr_pos {
	int64_t source_id;
	const char *file;           /* the path as given, "-" for standard input */
	uint64_t line;              /* 1-based */
	uint64_t offset;            /* byte offset in the decompressed stream */
	int seq;                    /* index of the event among those of the same line */
};

/* An event to store: the recognizer's event plus what correlation added. */
struct corr_event {
	const struct event *ev;
	const struct logline *ll;
	const struct corr_pos *pos;
	int seq;                    /* index of this event among those of the same line */
	int64_t message_id;         /* 0 for events outside a message (NOQUEUE rejects) */
	bool handoff;               /* a hand-off to a content filter or the local MTA, whose copy
	                               was seen: not a final delivery */
};

/* The sink receives messages and events; every callback returns 0 or -1
 * (with err filled), and a -1 stops the ingest. */
struct sink {
	void *ctx;
	/* A new message: assign m->id (e.g. an INSERT) and store what is known. */
	int (*message_open)(void *ctx, struct corr_message *m, struct sl_error *err);
	/* A message's fields changed, or it is finished (m->removed) or evicted. */
	int (*message_update)(void *ctx, const struct corr_message *m, struct sl_error *err);
	int (*event)(void *ctx, const struct corr_event *e, struct sl_error *err);
	/* A line of daemon health (EV_HEALTH): belongs to no message. NULL:
	 * dropped. */
	int (*health)(void *ctx, const struct corr_event *e, struct sl_error *err);
	/* The copy copy_qid of message origin_id came back after the file or
	 * run that handed it to a content filter ended, where the hand-off was
	 * written as a delivery: its deliveries that name copy_qid are
	 * hand-offs after all, as one run over the whole log would have them.
	 * NULL: ignored. */
	int (*handoff_late)(void *ctx, int64_t origin_id, struct sl_span copy_qid,
	                    struct sl_error *err);
};

struct correlate_config {
	size_t max_open;            /* cap of open messages; 0 = CORRELATE_DEFAULT_MAX_OPEN */
	int64_t idle_seconds;       /* evict after this long without a line; 0 = default */
	/* MTAs (bit 1 << enum ev_mta) that log no removal line: a message of
	 * theirs is complete, written and freed once its final statuses
	 * (delivered, forwarded, bounced, expired) reach the recipients it
	 * announced (nrcpt), or it is refused after arriving. A failure notice
	 * that follows soon after is counted only if no failure was logged. */
	unsigned close_when_delivered;
};
/* About 0.9 KiB each with their strings: 25,000 open messages are about
 * 22 MiB, which keeps a run with its report under 64 MiB. Postfix and
 * Exim free a message at its removal line, so few are open at once;
 * Sendmail logs none, so its messages wait for the cap. One evicted and
 * seen again continues its row (adoption), so the cap costs time, not
 * correctness. */
#define CORRELATE_DEFAULT_MAX_OPEN 25000
#define CORRELATE_DEFAULT_IDLE (7 * 24 * 3600)

struct correlate_stats {
	uint64_t messages;          /* opened */
	uint64_t events;
	uint64_t completed;         /* freed at their removal line */
	uint64_t delivered_all;     /* freed when all their recipients had a final status */
	uint64_t evicted_idle, evicted_cap;
	uint64_t linked;            /* copies linked to their origin */
	uint64_t loopback_delivered;/* deliveries to a loopback relay whose copy never came back */
	size_t open, peak_open;
};

struct correlate;
struct correlate *correlate_new(const struct correlate_config *cfg, const struct sink *sink);
void correlate_free(struct correlate *c);

/* Feeds one recognized line (ev->kind may be EV_NONE: then nothing happens). */
int correlate_feed(struct correlate *c, const struct logline *ll, const struct event *ev,
                   const struct corr_pos *pos, struct sl_error *err);
/* End of one input file: decides what waited on a later line of it (a
 * delivery to a loopback relay whose copy did not come back is a
 * delivery, not a hand-off) and writes it, so the file's rows are complete
 * when it is. Open messages stay. */
int correlate_settle(struct correlate *c, struct sl_error *err);
/* End of all input: settles, writes the state of every open message (still
 * open: removed = false) and frees them. */
int correlate_finish(struct correlate *c, struct sl_error *err);
const struct correlate_stats *correlate_stats(const struct correlate *c);

/* A run stops at the end of its input with messages still open; the next
 * run continues them. correlate_flush writes every open message's state
 * (message_update, still open) so its row is current. correlate_save
 * appends to out everything the next run needs to go on as if it had read
 * this run's input too: open messages (with what their later lines need:
 * sender, size, Message-ID...), recently closed ones and announced copies.
 * map_id gives each message id as stored (the writer knows which ids it
 * replaced). Call correlate_settle first: held deliveries are not saved. correlate_load, on a new correlator before its first line,
 * takes that state back: -1 (SL_EDB) if data is not such a state. */
int correlate_flush(struct correlate *c, struct sl_error *err);
void correlate_save(const struct correlate *c, struct sl_buf *out,
                    int64_t (*map_id)(void *ctx, int64_t id), void *ctx);
int correlate_load(struct correlate *c, const void *data, size_t len, struct sl_error *err);
/* Retention (prune): a saved state without what is older than before
 * (seconds since the epoch): open messages whose last line is older, are
 * closed as if their idle window had passed (a later line of one starts a
 * new message), and recently closed ones and announced copies that old are
 * forgotten. Into out, with the number of open messages left in *open;
 * *ids (xmalloc'd, *nids long) gets the stored message ids the new state
 * refers to, rows a later run updates or links to, which must stay. -1
 * (SL_EDB) as correlate_load. */
int correlate_state_prune(const void *data, size_t len, int64_t before, struct sl_buf *out,
                          uint64_t *open, int64_t **ids, size_t *nids, struct sl_error *err);
/* Two saved states as one (merge: another database's open messages go on
 * in this one): a's, then b's open messages whose (host, queue ID) a does
 * not hold, their message and source ids given through map; in the rings
 * of recently closed messages and announced copies, a's entries and b's
 * in the slots a left empty. a may be empty (alen 0). Into out, with the
 * number of open messages in *open; -1 (SL_EDB) if a or b is not a saved
 * state. */
struct corr_id_map {
	int64_t (*message)(void *ctx, int64_t id);
	int64_t (*source)(void *ctx, int64_t id);
	void *ctx;
};
int correlate_state_merge(const void *a, size_t alen, const void *b, size_t blen,
                          const struct corr_id_map *map, struct sl_buf *out, uint64_t *open,
                          struct sl_error *err);

#endif
