/* writer: the store on its own thread, fed by batches over a bounded queue.
 * The producer side (the sink, checkpoints) runs on the caller's thread and
 * only copies; the writer thread only applies batches to the store. See
 * include/writer.h.
 * SPDX-License-Identifier: MIT */
#define _GNU_SOURCE   /* pthread_setname_np: the thread shows as smtplog-writer in top, perf */
#include "writer.h"
#include "store_health.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A batch holds up to WRITER_BATCH_RECS records and their strings in an
 * arena of WRITER_ARENA bytes (larger only for a record that alone needs
 * more). WRITER_BATCHES bound the memory: one being filled, one being
 * written, the rest queued. */
#define WRITER_BATCH_RECS 2048
#define WRITER_ARENA (512 * 1024)
#define WRITER_BATCHES 6
/* The writer thread is behind when this many batches wait for it: the
 * producer then classifies the reasons of the batch it hands over itself. */
#define WRITER_BEHIND 2
/* Slots of the map from message id to its record in the batch being filled
 * (a power of two, at least twice WRITER_BATCH_RECS). */
#define WRITER_MAP (2 * WRITER_BATCH_RECS)

enum rec_op { R_EVENT, R_MSG_OPEN, R_MSG_UPDATE, R_CHECKPOINT, R_COMMIT, R_UNREC, R_END_LOAD,
              R_HEALTH, R_HANDOFF_LATE };

struct rec {
	enum rec_op op;
	bool reason_pending;             /* R_EVENT: its reason is still to classify;
	                                    R_HEALTH: its shape, by the writer thread */
	union {
		struct store_event ev;
		struct store_health_row health;
		struct {
			struct corr_message m;   /* strings in the arena; m.id is the key */
			bool arrived_at_open;    /* what message_open saw: decides adoption */
		} msg;
		struct {
			int64_t source_id;
			struct store_progress p;
		} ckpt;
		struct {
			int64_t origin_id;
			struct sl_span copy_qid;   /* in the arena */
		} late;
		struct {
			int64_t source_id;
			const char *program, *reason;
			uint64_t count;
			const char *samples[STORE_UNRECOGNIZED_SAMPLES];
			size_t nsamples;
		} unrec;
	} u;
};

struct batch {
	struct batch *next;
	struct rec *recs;
	size_t n;
	size_t npending;                 /* records whose reason_pending is set */
	char *arena;
	size_t used, cap;
};

struct map_slot {
	int64_t id;
	uint32_t gen;                    /* valid when equal to writer.gen */
	uint32_t idx;
};

/* ids the store gave instead of the key (open addressing, key 0 = empty);
 * grows: one entry per message that continues an unfinished row */
struct remap {
	int64_t *key, *val;
	size_t cap, n;
};

struct writer {
	struct store *st;
	struct sink sink;
	struct writer_classifier cls;    /* cls.classify NULL: none */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;             /* a batch was queued, or quit */
	pthread_cond_t done;             /* a batch was freed, or the thread went idle */
	/* under mu */
	struct batch *free_list, *head, *tail;
	size_t nbatches;                 /* allocated, at most WRITER_BATCHES */
	size_t queued;                   /* batches in the queue (head..tail) */
	bool busy, quit, failed;
	struct sl_error err;             /* the writer thread's first error */
	/* producer side */
	struct batch *cur;
	uint32_t gen;                    /* of cur: map slots of older batches are stale */
	struct map_slot map[WRITER_MAP];
	struct sl_buf scratch;           /* recipient domains for store_event_fill */
	const char *file_src;            /* the last event's file, and its copy in cur */
	const char *file_copy;
	uint32_t file_gen;
	bool writer_has_room;            /* at the last hand-off: see sink_health */
	/* writer side */
	struct remap remap;
	struct sl_buf shape_buf;         /* the shape of a health row (writer thread) */
	struct writer_stats stats;       /* each field written by one side only */
};

/* ---- the remap table (writer thread) */

static uint64_t mix64(int64_t v)
{
	uint64_t x = (uint64_t)v;
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return x;
}

static void remap_put(struct remap *r, int64_t key, int64_t val);

static void remap_grow(struct remap *r)
{
	struct remap old = *r;
	r->cap = old.cap ? old.cap * 2 : 256;
	r->key = xcalloc(r->cap, sizeof *r->key);
	r->val = xcalloc(r->cap, sizeof *r->val);
	r->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.key[i])
			remap_put(r, old.key[i], old.val[i]);
	free(old.key);
	free(old.val);
}

static void remap_put(struct remap *r, int64_t key, int64_t val)
{
	if ((r->n + 1) * 2 > r->cap)
		remap_grow(r);
	for (size_t i = mix64(key) & (r->cap - 1);; i = (i + 1) & (r->cap - 1)) {
		if (r->key[i] == key || !r->key[i]) {
			if (!r->key[i])
				r->n++;
			r->key[i] = key;
			r->val[i] = val;
			return;
		}
	}
}

/* remap_get - the row id of key: what the store gave, or key itself */
static int64_t remap_get(const struct remap *r, int64_t key)
{
	if (!r->n || key <= 0)
		return key;
	for (size_t i = mix64(key) & (r->cap - 1); r->key[i]; i = (i + 1) & (r->cap - 1))
		if (r->key[i] == key)
			return r->val[i];
	return key;
}

/* ---- the writer thread */

/* apply - write one batch, in order */
static int apply(struct writer *w, struct batch *b, struct sl_error *err)
{
	const struct sink *k = store_sink(w->st);
	for (size_t i = 0; i < b->n; i++) {
		struct rec *r = &b->recs[i];
		switch (r->op) {
		case R_EVENT:
			if (r->reason_pending) {
				r->u.ev.reason = w->cls.classify(w->cls.writer_ctx, &r->u.ev);
				w->stats.reasons_writer++;
			}
			r->u.ev.message_id = remap_get(&w->remap, r->u.ev.message_id);
			if (store_event_write(w->st, &r->u.ev, err))
				return -1;
			w->stats.events++;
			break;
		case R_MSG_OPEN: {
			struct corr_message m = r->u.msg.m;
			int64_t key = m.id;
			m.origin_id = remap_get(&w->remap, m.origin_id);
			struct corr_message opened = m;
			opened.arrived = r->u.msg.arrived_at_open;
			if (k->message_open(k->ctx, &opened, err))
				return -1;
			if (opened.id != key) {
				remap_put(&w->remap, key, opened.id);
				w->stats.remapped++;
			}
			/* It arrived after it was opened (merged in this batch). */
			if (m.arrived != opened.arrived) {
				m.id = opened.id;
				if (k->message_update(k->ctx, &m, err))
					return -1;
			}
			w->stats.messages++;
			break;
		}
		case R_MSG_UPDATE: {
			struct corr_message m = r->u.msg.m;
			m.id = remap_get(&w->remap, m.id);
			m.origin_id = remap_get(&w->remap, m.origin_id);
			if (k->message_update(k->ctx, &m, err))
				return -1;
			w->stats.messages++;
			break;
		}
		case R_CHECKPOINT:
			if (store_checkpoint(w->st, r->u.ckpt.source_id, &r->u.ckpt.p, err))
				return -1;
			break;
		case R_COMMIT:
			if (store_commit(w->st, err))
				return -1;
			break;
		case R_UNREC:
			if (store_set_unrecognized(w->st, r->u.unrec.source_id, r->u.unrec.program,
			                           r->u.unrec.reason, r->u.unrec.count,
			                           r->u.unrec.samples, r->u.unrec.nsamples, err))
				return -1;
			break;
		case R_END_LOAD:
			if (store_end_load(w->st, err))
				return -1;
			break;
		case R_HANDOFF_LATE:
			if (store_event_handoff_late(w->st, remap_get(&w->remap, r->u.late.origin_id),
			                             r->u.late.copy_qid, err))
				return -1;
			break;
		case R_HEALTH:
			if (r->reason_pending)
				store_health_shape(&r->u.health, &w->shape_buf);
			if (store_health_write(w->st, &r->u.health, err))
				return -1;
			break;
		}
	}
	return 0;
}

/* writer_main - take queued batches, write them, give them back */
static void *writer_main(void *arg)
{
	struct writer *w = arg;
	(void)pthread_setname_np(pthread_self(), "smtplog-writer");
	pthread_mutex_lock(&w->mu);
	for (;;) {
		if (!w->head && !w->quit)
			w->stats.writer_waits++;
		while (!w->head && !w->quit)
			pthread_cond_wait(&w->work, &w->mu);
		struct batch *b = w->head;
		if (!b)
			break;   /* quit, and nothing left */
		w->head = b->next;
		w->queued--;
		if (!w->head)
			w->tail = NULL;
		w->busy = true;
		bool skip = w->failed;
		pthread_mutex_unlock(&w->mu);

		struct sl_error err;
		sl_error_clear(&err);
		int rc = skip ? 0 : apply(w, b, &err);

		pthread_mutex_lock(&w->mu);
		if (rc && !w->failed) {
			w->failed = true;
			w->err = err;
		}
		struct timespec cpu;
		if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0)
			w->stats.writer_cpu = (double)cpu.tv_sec + (double)cpu.tv_nsec / 1e9;
		b->n = 0;
		b->npending = 0;
		b->used = 0;
		b->next = w->free_list;
		w->free_list = b;
		w->busy = false;
		pthread_cond_broadcast(&w->done);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* ---- producer side */

/* failed_err - the writer thread's error into err; -1 */
static int failed_err(struct writer *w, struct sl_error *err)
{
	pthread_mutex_lock(&w->mu);
	if (err)
		*err = w->err;
	pthread_mutex_unlock(&w->mu);
	return -1;
}

/* classify_pending - the reasons of b's rows, here on the producer's thread */
static void classify_pending(struct writer *w, struct batch *b)
{
	for (size_t i = 0; i < b->n && b->npending; i++) {
		struct rec *r = &b->recs[i];
		if (r->op == R_EVENT && r->reason_pending) {
			r->u.ev.reason = w->cls.classify(w->cls.producer_ctx, &r->u.ev);
			r->reason_pending = false;
			b->npending--;
			w->stats.reasons_producer++;
		}
	}
}

/* hand_off - queue cur (if it holds anything); -1 if the writer has failed.
 * The reasons of its rows are classified here first when the writer thread
 * is the slower side: a batch handed over before is still waiting for it
 * (the producer then idles in take_batch anyway, sooner or later). */
static int hand_off(struct writer *w, struct sl_error *err)
{
	struct batch *b = w->cur;
	pthread_mutex_lock(&w->mu);
	w->writer_has_room = w->cls.side == WRITER_SIDE_WRITER ||
	                     (w->cls.side == WRITER_SIDE_BALANCED && w->queued < WRITER_BEHIND);
	if (b && b->npending && !w->writer_has_room) {
		pthread_mutex_unlock(&w->mu);
		classify_pending(w, b);
		pthread_mutex_lock(&w->mu);
	}
	bool failed = w->failed;
	if (b && b->n) {
		b->next = NULL;
		if (w->tail)
			w->tail->next = b;
		else
			w->head = b;
		w->tail = b;
		w->cur = NULL;
		w->stats.batches++;
		w->queued++;
		pthread_cond_signal(&w->work);
	}
	pthread_mutex_unlock(&w->mu);
	w->gen++;   /* the map now names no record */
	return failed ? failed_err(w, err) : 0;
}

/* take_batch - an empty batch for cur: a free one, a new one while the pool
 * allows, else wait for the writer thread to free one */
static void take_batch(struct writer *w)
{
	pthread_mutex_lock(&w->mu);
	while (!w->free_list && w->nbatches >= WRITER_BATCHES) {
		w->stats.producer_waits++;
		pthread_cond_wait(&w->done, &w->mu);
	}
	struct batch *b = w->free_list;
	if (b)
		w->free_list = b->next;
	else
		w->nbatches++;
	pthread_mutex_unlock(&w->mu);
	if (!b) {
		b = xcalloc(1, sizeof *b);
		/* untouched pages cost no memory until a batch fills them */
		b->recs = xmalloc(WRITER_BATCH_RECS * sizeof *b->recs);
		b->cap = WRITER_ARENA;
		b->arena = xmalloc(b->cap);
	}
	b->n = 0;
	b->npending = 0;
	b->used = 0;
	w->cur = b;
}

/* reserve - room in cur for one record and `bytes` of strings */
static int reserve(struct writer *w, size_t bytes, struct sl_error *err)
{
	struct batch *b = w->cur;
	if (b && b->n < WRITER_BATCH_RECS && b->cap - b->used >= bytes)
		return 0;
	if (b && hand_off(w, err))
		return -1;
	if (!w->cur)
		take_batch(w);
	b = w->cur;
	if (b->cap < bytes) {
		/* a record larger than an arena (a very long line): this batch
		 * grows, while it is empty and nothing points into it */
		free(b->arena);
		b->cap = bytes;
		b->arena = xmalloc(b->cap);
	}
	return 0;
}

/* put_bytes - a NUL-terminated copy of p[0..n) in cur's arena (reserved) */
static char *put_bytes(struct batch *b, const char *p, size_t n)
{
	char *d = b->arena + b->used;
	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	b->used += n + 1;
	return d;
}

static struct sl_span put_span(struct batch *b, struct sl_span s)
{
	if (!s.p)
		return SL_SPAN_NULL;
	return (struct sl_span){ put_bytes(b, s.p, s.len), s.len };
}

static char *put_str(struct batch *b, const char *s)
{
	return s ? put_bytes(b, s, strlen(s)) : NULL;
}

static size_t str_need(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/* The spans of an event row that point into the producer's memory. */
#define EVENT_SPANS(row) \
	&(row)->host, &(row)->program, &(row)->instance, &(row)->queue_id, &(row)->sender, \
	&(row)->recipient, &(row)->recipient_domain, &(row)->orig_recipient, \
	&(row)->remote_host, &(row)->remote_ip, &(row)->helo, &(row)->relay, &(row)->reply, \
	&(row)->forward_to, &(row)->status, &(row)->action

/* sink_event - copy the row of an event into the batch */
static int sink_event(void *ctx, const struct corr_event *e, struct sl_error *err)
{
	struct writer *w = ctx;
	struct store_event row;
	if (!store_event_fill(w->st, e, &row, &w->scratch))
		return 0;
	struct sl_span *spans[] = { EVENT_SPANS(&row) };
	size_t need = 0;
	for (size_t i = 0; i < SL_ARRAY_LEN(spans); i++)
		need += spans[i]->p ? spans[i]->len + 1 : 0;
	need += str_need(row.file);   /* at most once per batch, but reserve it anyway */
	if (reserve(w, need, err))
		return -1;
	struct batch *b = w->cur;
	if (row.file && (row.file != w->file_src || w->file_gen != w->gen)) {
		/* one copy of the path per batch, not one per event */
		w->file_src = row.file;
		w->file_copy = put_str(b, row.file);
		w->file_gen = w->gen;
	}
	struct rec *r = &b->recs[b->n++];
	r->op = R_EVENT;
	r->u.ev = row;
	/* what store_event_fill would ask its classifier (the writer's replaces it) */
	r->reason_pending = w->cls.classify &&
	                    (row.class == EV_CLASS_TRANSIENT || row.class == EV_CLASS_PERMANENT) &&
	                    !sl_span_empty(row.reply);
	b->npending += r->reason_pending;
	struct sl_span *copy[] = { EVENT_SPANS(&r->u.ev) };
	for (size_t i = 0; i < SL_ARRAY_LEN(copy); i++)
		*copy[i] = put_span(b, *copy[i]);
	if (row.file)
		r->u.ev.file = w->file_copy;
	return 0;
}

/* sink_health - copy a line of daemon health into the batch. Its shape
 * (shape_text: 1.6k instructions a line, 130k lines of postscreen's in 1M
 * of Postfix's) is left to the writer thread when it had room at the last
 * hand-off (the shape's length is not known before it is made, so the
 * producer decides here, not at the hand-off as for reasons). */
static int sink_health(void *ctx, const struct corr_event *e, struct sl_error *err)
{
	struct writer *w = ctx;
	struct store_health_row row;
	bool defer = w->writer_has_room;
	if (!store_health_fill(e, &row, defer ? NULL : &w->scratch))
		return 0;
	struct sl_span *spans[] = { &row.program, &row.shape, &row.sample, &row.client };
	size_t need = 0;
	for (size_t i = 0; i < SL_ARRAY_LEN(spans); i++)
		need += spans[i]->p ? spans[i]->len + 1 : 0;
	if (reserve(w, need, err))
		return -1;
	struct batch *b = w->cur;
	struct rec *r = &b->recs[b->n++];
	r->op = R_HEALTH;
	r->reason_pending = defer;
	r->u.health = row;
	struct sl_span *copy[] = { &r->u.health.program, &r->u.health.shape, &r->u.health.sample,
	                           &r->u.health.client };
	for (size_t i = 0; i < SL_ARRAY_LEN(copy); i++)
		*copy[i] = put_span(b, *copy[i]);
	return 0;
}

static size_t message_need(const struct corr_message *m)
{
	return str_need(m->host) + str_need(m->queue_id) + str_need(m->sender) +
	       str_need(m->header_msgid) + str_need(m->client_host) + str_need(m->client_ip) +
	       str_need(m->helo) + str_need(m->protocol);
}

/* map_slot - the slot of id: its entry, or the empty one where it goes */
static struct map_slot *map_slot(struct writer *w, int64_t id)
{
	for (size_t i = mix64(id) & (WRITER_MAP - 1);; i = (i + 1) & (WRITER_MAP - 1)) {
		struct map_slot *s = &w->map[i];
		if (s->gen != w->gen || s->id == id)
			return s;
	}
}

/* put_message - append a message record (room reserved) */
static void put_message(struct writer *w, enum rec_op op, const struct corr_message *m)
{
	struct batch *b = w->cur;
	uint32_t idx = (uint32_t)b->n;
	struct rec *r = &b->recs[b->n++];
	r->op = op;
	r->u.msg.m = *m;
	r->u.msg.arrived_at_open = m->arrived;
	struct corr_message *c = &r->u.msg.m;
	c->host = put_str(b, m->host);
	c->queue_id = put_str(b, m->queue_id);
	c->sender = put_str(b, m->sender);
	c->header_msgid = put_str(b, m->header_msgid);
	c->client_host = put_str(b, m->client_host);
	c->client_ip = put_str(b, m->client_ip);
	c->helo = put_str(b, m->helo);
	c->protocol = put_str(b, m->protocol);
	struct map_slot *s = map_slot(w, m->id);
	s->id = m->id;
	s->gen = w->gen;
	s->idx = idx;
}

static bool time_set(struct sl_time t)
{
	return !(t.sec == 0 && t.usec == 0);
}

static bool time_before(struct sl_time a, struct sl_time b)
{
	return a.sec < b.sec || (a.sec == b.sec && a.usec < b.usec);
}

/* merge_message - what the store's update does to a row, done to a record:
 * known values replace, times widen, flags only turn on */
static void merge_message(struct batch *b, struct corr_message *old, const struct corr_message *m)
{
	if (m->sender)
		old->sender = put_str(b, m->sender);
	if (m->header_msgid)
		old->header_msgid = put_str(b, m->header_msgid);
	if (m->client_host)
		old->client_host = put_str(b, m->client_host);
	if (m->client_ip)
		old->client_ip = put_str(b, m->client_ip);
	if (m->helo)
		old->helo = put_str(b, m->helo);
	if (m->protocol)
		old->protocol = put_str(b, m->protocol);
	if (m->size >= 0)
		old->size = m->size;
	if (m->nrcpt >= 0)
		old->nrcpt = m->nrcpt;
	if (time_set(m->first_ts) && (!time_set(old->first_ts) || time_before(m->first_ts, old->first_ts)))
		old->first_ts = m->first_ts;
	if (time_set(m->last_ts) && (!time_set(old->last_ts) || time_before(old->last_ts, m->last_ts)))
		old->last_ts = m->last_ts;
	old->arrived = old->arrived || m->arrived;
	old->removed = old->removed || m->removed;
	if (m->origin_id > 0)
		old->origin_id = m->origin_id;
	if (m->origin != CORR_ORIGIN_NONE)
		old->origin = m->origin;
}

/* sink_message_open - the key is the id; the row is written with the batch */
static int sink_message_open(void *ctx, struct corr_message *m, struct sl_error *err)
{
	struct writer *w = ctx;
	int64_t key = store_key(m->source_id, m->first_offset);
	if (key < 0)
		return sl_error_set(err, SL_EDB, "cannot store source %lld, offset %llu: beyond what"
		                    " a row id holds", (long long)m->source_id,
		                    (unsigned long long)m->first_offset);
	if (reserve(w, message_need(m), err))
		return -1;
	m->id = key;
	put_message(w, R_MSG_OPEN, m);
	return 0;
}

/* sink_message_update - merged into the record of the same message in this
 * batch if there is one (one write instead of two), else a record */
static int sink_message_update(void *ctx, const struct corr_message *m, struct sl_error *err)
{
	struct writer *w = ctx;
	if (m->id <= 0)
		SL_BUG("message_update before message_open (queue id '%s')",
		       m->queue_id ? m->queue_id : "");
	if (reserve(w, message_need(m), err))
		return -1;
	struct map_slot *s = map_slot(w, m->id);
	if (s->gen == w->gen && s->id == m->id) {
		merge_message(w->cur, &w->cur->recs[s->idx].u.msg.m, m);
		w->stats.coalesced++;
		return 0;
	}
	put_message(w, R_MSG_UPDATE, m);
	return 0;
}

/* sink_handoff_late - a queued store_event_handoff_late */
static int sink_handoff_late(void *ctx, int64_t origin_id, struct sl_span copy_qid,
                             struct sl_error *err)
{
	struct writer *w = ctx;
	if (reserve(w, copy_qid.len + 1, err))
		return -1;
	struct batch *b = w->cur;
	struct rec *r = &b->recs[b->n++];
	r->op = R_HANDOFF_LATE;
	r->reason_pending = false;
	r->u.late.origin_id = origin_id;
	r->u.late.copy_qid = put_span(b, copy_qid);
	return 0;
}

/* writer_checkpoint - a queued store_checkpoint */
int writer_checkpoint(struct writer *w, int64_t source_id, const struct store_progress *p,
                      struct sl_error *err)
{
	if (reserve(w, str_need(p->first_ts) + str_need(p->last_ts), err))
		return -1;
	struct batch *b = w->cur;
	struct rec *r = &b->recs[b->n++];
	r->op = R_CHECKPOINT;
	r->u.ckpt.source_id = source_id;
	r->u.ckpt.p = *p;
	r->u.ckpt.p.first_ts = put_str(b, p->first_ts);
	r->u.ckpt.p.last_ts = put_str(b, p->last_ts);
	return 0;
}

/* writer_commit - a queued store_commit */
int writer_commit(struct writer *w, struct sl_error *err)
{
	if (reserve(w, 0, err))
		return -1;
	w->cur->recs[w->cur->n++].op = R_COMMIT;
	return 0;
}

/* writer_stored_id - the row id the store gave the message opened as id */
int64_t writer_stored_id(void *ctx, int64_t id)
{
	struct writer *w = ctx;
	pthread_mutex_lock(&w->mu);
	if (w->head || w->busy || (w->cur && w->cur->n))
		SL_BUG("writer_stored_id while the writer thread has work");
	pthread_mutex_unlock(&w->mu);
	return remap_get(&w->remap, id);
}

/* writer_set_unrecognized - a queued store_set_unrecognized */
int writer_set_unrecognized(struct writer *w, int64_t source_id, const char *program,
                            const char *reason, uint64_t count, const char *const *samples,
                            size_t nsamples, struct sl_error *err)
{
	if (nsamples > STORE_UNRECOGNIZED_SAMPLES)
		nsamples = STORE_UNRECOGNIZED_SAMPLES;
	size_t need = str_need(program) + str_need(reason);
	for (size_t i = 0; i < nsamples && samples; i++)
		need += str_need(samples[i]);
	if (reserve(w, need, err))
		return -1;
	struct batch *b = w->cur;
	struct rec *r = &b->recs[b->n++];
	r->op = R_UNREC;
	r->u.unrec.source_id = source_id;
	r->u.unrec.program = put_str(b, program);
	r->u.unrec.reason = put_str(b, reason);
	r->u.unrec.count = count;
	r->u.unrec.nsamples = samples ? nsamples : 0;
	for (size_t i = 0; i < r->u.unrec.nsamples; i++)
		r->u.unrec.samples[i] = put_str(b, samples[i]);
	return 0;
}

/* writer_end_load - queue store_end_load() and hand it over at once */
int writer_end_load(struct writer *w, struct sl_error *err)
{
	if (reserve(w, 0, err))
		return -1;
	w->cur->recs[w->cur->n++].op = R_END_LOAD;
	return hand_off(w, err);
}

/* writer_sync - hand over cur and wait until the thread is idle */
int writer_sync(struct writer *w, struct sl_error *err)
{
	if (w->cur && hand_off(w, err))
		return -1;
	pthread_mutex_lock(&w->mu);
	while (w->head || w->busy)
		pthread_cond_wait(&w->done, &w->mu);
	bool failed = w->failed;
	if (failed && err)
		*err = w->err;
	pthread_mutex_unlock(&w->mu);
	return failed ? -1 : 0;
}

const struct writer_stats *writer_stats(const struct writer *w)
{
	return &w->stats;
}

void writer_set_classifier(struct writer *w, const struct writer_classifier *c)
{
	if (w->cur && w->cur->n)
		SL_BUG("writer_set_classifier after the first record");
	w->cls = *c;
	w->writer_has_room = c->side != WRITER_SIDE_PRODUCER;
}

const struct sink *writer_sink(struct writer *w)
{
	return &w->sink;
}

/* writer_new - start the thread */
struct writer *writer_new(struct store *st, struct sl_error *err)
{
	struct writer *w = xcalloc(1, sizeof *w);
	w->st = st;
	w->sink = (struct sink){
		.ctx = w,
		.message_open = sink_message_open,
		.message_update = sink_message_update,
		.event = sink_event,
		.health = sink_health,
		.handoff_late = sink_handoff_late,
	};
	w->gen = 1;   /* zeroed slots are stale */
	w->writer_has_room = true;   /* nothing is queued yet */
	sl_buf_init(&w->scratch);
	sl_buf_init(&w->shape_buf);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	int rc = pthread_create(&w->thread, NULL, writer_main, w);
	if (rc) {
		sl_error_set(err, SL_EIO, "cannot start the writer thread: %s", strerror(rc));
		pthread_cond_destroy(&w->done);
		pthread_cond_destroy(&w->work);
		pthread_mutex_destroy(&w->mu);
		sl_buf_release(&w->scratch);
		sl_buf_release(&w->shape_buf);
		free(w);
		return NULL;
	}
	return w;
}

static void batch_free(struct batch *b)
{
	free(b->recs);
	free(b->arena);
	free(b);
}

/* writer_free - write what is queued, stop the thread, free everything */
void writer_free(struct writer *w)
{
	if (!w)
		return;
	(void)writer_sync(w, NULL);
	pthread_mutex_lock(&w->mu);
	w->quit = true;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	if (w->cur)
		batch_free(w->cur);
	while (w->free_list) {
		struct batch *b = w->free_list;
		w->free_list = b->next;
		batch_free(b);
	}
	free(w->remap.key);
	free(w->remap.val);
	sl_buf_release(&w->scratch);
	sl_buf_release(&w->shape_buf);
	pthread_cond_destroy(&w->done);
	pthread_cond_destroy(&w->work);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
