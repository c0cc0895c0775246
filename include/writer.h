/* writer: runs the store on a thread of its own, so that reading and
 * parsing (the producer) and SQLite (the writer thread) each use a core.
 * The producer writes into a sink that copies each record into a batch, an
 * arena reused from batch to batch (no allocation per record); full batches
 * go over a bounded queue to the writer thread, which applies them to the
 * store in order. Memory is bounded by the queue whatever the input. A
 * message opened and updated within one batch is written once. It does not
 * parse, correlate or know SQL. */
#ifndef SMTPLOG_WRITER_H
#define SMTPLOG_WRITER_H

#include "correlate.h"
#include "store.h"

struct writer;

/* Starts the writer thread on st, which it uses until writer_sync() returns
 * or writer_free(); st must outlive w. NULL (err filled) if the thread
 * cannot start. */
struct writer *writer_new(struct store *st, struct sl_error *err);

/* The sink to hand to correlate_new(). Its message_open gives a message the
 * id store_key(source_id, first_offset) at once; if the store decides on
 * another row (the message continues an unfinished one), the writer thread
 * rewrites that id in what follows. A callback returns -1 once the writer
 * thread has failed (err then holds its error). */
const struct sink *writer_sink(struct writer *w);

/* The reason of a failure row (events.reason) is classified on whichever
 * thread has room: at the hand-off of a batch, the producer classifies its
 * rows itself when the writer thread is behind (a batch already waits for
 * it), else leaves them to the writer thread. classify is called with
 * producer_ctx on the producer's thread and with writer_ctx on the writer
 * thread, never with one ctx from both, and must give the same answer for
 * the same row on either (the stored rows must not depend on timing). It is
 * asked for every row of class transient or permanent with a reply text,
 * and returns a reason id (static storage) or NULL. The shape of a health
 * line (store_health_shape) goes the same way, decided when it is copied,
 * by the state of the last hand-off. side forces one thread for both
 * (tests compare the two). Set before the first record; without it the
 * rows keep what store_event_fill gave. */
enum writer_side { WRITER_SIDE_BALANCED, WRITER_SIDE_PRODUCER, WRITER_SIDE_WRITER };
struct writer_classifier {
	const char *(*classify)(void *ctx, const struct store_event *row);
	void *producer_ctx, *writer_ctx;
	enum writer_side side;
};
void writer_set_classifier(struct writer *w, const struct writer_classifier *c);

/* Queued forms of store_checkpoint() and store_set_unrecognized(): they
 * take effect in order with the rows before them. Strings are copied. */
int writer_checkpoint(struct writer *w, int64_t source_id, const struct store_progress *p,
                      struct sl_error *err);
int writer_set_unrecognized(struct writer *w, int64_t source_id, const char *program,
                            const char *reason, uint64_t count, const char *const *samples,
                            size_t nsamples, struct sl_error *err);

/* A queued store_commit(): the rows so far, without progress. */
int writer_commit(struct writer *w, struct sl_error *err);

/* After writer_sync (the thread idle): the row id the store gave the
 * message the sink opened with id (the same id, unless it continues an
 * earlier row). ctx is the writer; the form suits correlate_save. */
int64_t writer_stored_id(void *ctx, int64_t id);

/* Queues store_end_load() (the indexes a first load left out) and starts
 * it now; writer_sync() waits for it. */
int writer_end_load(struct writer *w, struct sl_error *err);

/* Hands over what is queued and waits until the writer thread has written
 * it. 0, or -1 with the writer thread's first error. Until the next call
 * on w, the caller may use the store directly. */
int writer_sync(struct writer *w, struct sl_error *err);

/* Counters, for -v and the benchmark notes. */
struct writer_stats {
	uint64_t batches;           /* handed to the writer thread */
	uint64_t events, messages;  /* records written */
	uint64_t coalesced;         /* message updates merged into a record not yet written */
	uint64_t remapped;          /* messages that continue an unfinished row (other id) */
	uint64_t producer_waits;    /* times the producer found no free batch */
	uint64_t writer_waits;      /* times the writer thread found no batch */
	uint64_t reasons_producer;  /* rows whose reason the producer classified */
	uint64_t reasons_writer;    /* ... and the writer thread */
	double writer_cpu;          /* CPU seconds of the writer thread */
};
const struct writer_stats *writer_stats(const struct writer *w);   /* after writer_sync */

/* Waits for the thread (what is queued is written; errors are dropped: call
 * writer_sync first to see them) and frees w. */
void writer_free(struct writer *w);

#endif
