/* correlate: queue-ID state. Open messages live in a hash table keyed by
 * (host, queue id) and on a list ordered by last activity (oldest first), so
 * idle and over-cap eviction are O(1) per message. Each message is freed in
 * one place: message_close(). */
#include "correlate.h"

#include <stdlib.h>
#include <string.h>

/* Recently closed messages, kept so that a line naming one of them as a copy
 * ("queued as X" arriving after X was already delivered and removed) can
 * still be linked. */
#define CORR_RECENT 4096
/* Links announced before the copy's first line. */
#define CORR_PENDING 4096
/* Counting filters over the two rings: a zero slot proves a key absent, so
 * the common case (no copy announced) costs one load, not a ring scan. */
#define CORR_FILTER 16384
#define FILTER_SLOT(h) ((size_t)((h) >> 32) & (CORR_FILTER - 1))
/* Room for a message's strings inside its node: its eight strings take
 * about 170 bytes, and a malloc and free each cost more than the rest of
 * the message's bookkeeping. Longer ones go to the heap. */
#define CORR_INLINE 224
/* Room for the key (queue id and host) of a recently closed message. */
#define CORR_RECENT_INLINE 48
/* Deliveries to a loopback relay whose copy ("queued as X") was not seen
 * yet, held until X appears (a hand-off), or, as deliveries, until
 * CORR_HELD_WAIT seconds of log time pass, the file ends or the run ends.
 * A copy comes back within seconds, and is usually logged before the line
 * that names it; where none comes back (a relay to another host through a
 * loopback port), the ring is full at once and the rest are decided on
 * the spot: bounded memory. A copy that comes back within CORR_HELD_WAIT
 * after its file or run ended turns the delivery written then into the
 * hand-off it was (the sink's handoff_late), so that a log read in pieces
 * stores what one reading of it stores. */
#define CORR_HELD 256
#define CORR_HELD_WAIT 3600

/* Bump storage for short strings, with the heap behind it. */
struct inline_strings {
	size_t used;
	char buf[CORR_INLINE];
};

struct node {
	struct corr_message m;
	uint64_t hash;
	struct node *chain;          /* hash bucket chain */
	struct node *older, *newer;  /* activity list */
	bool failure_seen;           /* a bounce or expiry of the message was logged */
	int finals;                  /* final statuses logged (close_when_delivered MTAs) */
	uint64_t written;            /* message_digest of m as its row last got it, 0 unknown */
	struct inline_strings str;   /* where m's strings live while they fit */
};

/* What the recent and pending rings are searched by: first in both, so one
 * search (ring_find) serves them. */
struct ring_key {
	uint64_t hash;
	char *host, *queue_id;       /* NULL: an empty entry */
};

struct recent {
	struct ring_key k;           /* host, queue_id in key when they fit, else on the heap */
	int64_t id;
	struct sl_time first_ts, last_ts;
	bool failure_seen;
	char key[CORR_RECENT_INLINE];
};

struct pending {
	struct ring_key k;
	int64_t origin_id;
	enum corr_origin origin;
	int64_t at;                  /* log time it was announced */
	bool cut;                    /* a file or run ended since: a delivery held for
	                                this copy was written as a delivery */
};

/* A held delivery: a deep copy of its event, line and position. */
struct held {
	bool used;
	uint64_t copy_hash;          /* of (host, the copy's queue id) */
	struct event ev;
	struct logline ll;
	struct corr_pos pos;
	int64_t message_id;
	int64_t at;                  /* log time of the line */
	char *buf;                   /* every string of ev, ll and pos.file */
};

struct correlate {
	struct correlate_config cfg;
	struct sink sink;
	struct node **buckets;
	size_t nbuckets;
	struct node *oldest, *newest;
	struct recent recent[CORR_RECENT];
	size_t recent_next;
	struct pending pending[CORR_PENDING];
	size_t pending_next;
	uint16_t recent_filter[CORR_FILTER], pending_filter[CORR_FILTER];
	/* the ring index last added under each filter slot: where the slot
	 * counts one entry, that entry if it is still there */
	uint16_t recent_hint[CORR_FILTER], pending_hint[CORR_FILTER];
	struct held held[CORR_HELD]; /* a ring, oldest at held_head; free slots in between */
	size_t held_head, held_count;
	uint16_t held_filter[CORR_FILTER];
	struct correlate_stats stats;
};

const char *corr_origin_name(enum corr_origin o)
{
	switch (o) {
	case CORR_ORIGIN_FILTER: return "content-filter";
	case CORR_ORIGIN_FORWARD: return "forward";
	case CORR_ORIGIN_NOTIFY: return "notification";
	default: return NULL;
	}
}

struct correlate *correlate_new(const struct correlate_config *cfg, const struct sink *sink)
{
	struct correlate *c = xcalloc(1, sizeof *c);
	if (cfg)
		c->cfg = *cfg;
	if (!c->cfg.max_open)
		c->cfg.max_open = CORRELATE_DEFAULT_MAX_OPEN;
	if (!c->cfg.idle_seconds)
		c->cfg.idle_seconds = CORRELATE_DEFAULT_IDLE;
	c->sink = *sink;
	c->nbuckets = 1024;
	c->buckets = xcalloc(c->nbuckets, sizeof *c->buckets);
	return c;
}

/* mix_bytes - h mixed with p[0..n), eight bytes a step (the byte-wise
 * FNV of sl_hash64 cost more than the table lookups it serves) */
static uint64_t mix_bytes(const char *p, size_t n, uint64_t h)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	uint64_t w = 0;
	if (n)
		memcpy(&w, p, n);
	h = (h ^ w ^ ((uint64_t)n << 56)) * k;
	return h ^ (h >> 32);
}

static uint64_t key_hash(struct sl_span host, struct sl_span qid)
{
	uint64_t h = mix_bytes(host.p, host.len, SL_HASH_SEED);
	return mix_bytes(qid.p, qid.len, h * 0xff51afd7ed558ccdULL);
}

static bool key_eq(const char *s, struct sl_span sp)
{
	/* an empty span may have a NULL pointer (bare lines name no host) */
	return strlen(s) == sp.len && (sp.len == 0 || memcmp(s, sp.p, sp.len) == 0);
}

/* within - does p point into buf[0, n)? */
static bool within(const char *p, const char *buf, size_t n)
{
	return (uintptr_t)p >= (uintptr_t)buf && (uintptr_t)p < (uintptr_t)buf + n;
}

/* node_dup - a NUL-terminated copy of s, in the node while it has room */
static char *node_dup(struct node *n, struct sl_span s)
{
	size_t len = s.p ? s.len : 0;
	if (CORR_INLINE - n->str.used <= len)
		return sl_span_dup(s);
	char *d = n->str.buf + n->str.used;
	if (len)
		memcpy(d, s.p, len);
	d[len] = '\0';
	n->str.used += len + 1;
	return d;
}

static void node_free_str(struct node *n, char *p)
{
	if (!within(p, n->str.buf, sizeof n->str.buf))
		free(p);
}

static void free_message_fields(struct node *n)
{
	struct corr_message *m = &n->m;
	node_free_str(n, m->host);
	node_free_str(n, m->queue_id);
	node_free_str(n, m->sender);
	node_free_str(n, m->header_msgid);
	node_free_str(n, m->client_host);
	node_free_str(n, m->client_ip);
	node_free_str(n, m->helo);
	node_free_str(n, m->protocol);
}

static void recent_free_key(struct recent *r)
{
	if (!within(r->k.host, r->key, sizeof r->key))
		free(r->k.host);
	if (!within(r->k.queue_id, r->key, sizeof r->key))
		free(r->k.queue_id);
	r->k.host = r->k.queue_id = NULL;
}

static void list_unlink(struct correlate *c, struct node *n)
{
	if (n->older)
		n->older->newer = n->newer;
	else
		c->oldest = n->newer;
	if (n->newer)
		n->newer->older = n->older;
	else
		c->newest = n->older;
	n->older = n->newer = NULL;
}

static void list_append(struct correlate *c, struct node *n)
{
	n->older = c->newest;
	n->newer = NULL;
	if (c->newest)
		c->newest->newer = n;
	else
		c->oldest = n;
	c->newest = n;
}

static struct node *lookup(struct correlate *c, uint64_t h, struct sl_span host, struct sl_span qid)
{
	for (struct node *n = c->buckets[h & (c->nbuckets - 1)]; n; n = n->chain)
		if (n->hash == h && key_eq(n->m.queue_id, qid) && key_eq(n->m.host, host))
			return n;
	return NULL;
}

static void grow_table(struct correlate *c)
{
	size_t nb = c->nbuckets * 2;
	struct node **b = xcalloc(nb, sizeof *b);
	for (size_t i = 0; i < c->nbuckets; i++) {
		struct node *n = c->buckets[i];
		while (n) {
			struct node *next = n->chain;
			n->chain = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
			n = next;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = nb;
}

static void remember_closed(struct correlate *c, struct node *n)
{
	struct recent *r = &c->recent[c->recent_next];
	c->recent_next = (c->recent_next + 1) % CORR_RECENT;
	if (r->k.host)
		c->recent_filter[FILTER_SLOT(r->k.hash)]--;
	recent_free_key(r);
	r->k.hash = n->hash;
	c->recent_filter[FILTER_SLOT(r->k.hash)]++;
	c->recent_hint[FILTER_SLOT(r->k.hash)] = (uint16_t)(r - c->recent);
	size_t hl = strlen(n->m.host), ql = strlen(n->m.queue_id);
	if (hl + ql + 2 <= sizeof r->key) {
		r->k.host = memcpy(r->key, n->m.host, hl + 1);
		r->k.queue_id = memcpy(r->key + hl + 1, n->m.queue_id, ql + 1);
	} else {
		/* the ring takes over heap strings, copies the node's own */
		r->k.host = within(n->m.host, n->str.buf, sizeof n->str.buf) ? xstrdup(n->m.host)
		                                                           : n->m.host;
		r->k.queue_id = within(n->m.queue_id, n->str.buf, sizeof n->str.buf)
		                      ? xstrdup(n->m.queue_id) : n->m.queue_id;
		if (r->k.host == n->m.host)
			n->m.host = NULL;
		if (r->k.queue_id == n->m.queue_id)
			n->m.queue_id = NULL;
	}
	r->id = n->m.id;
	r->first_ts = n->m.first_ts;
	r->last_ts = n->m.last_ts;
	r->failure_seen = n->failure_seen;
}

/* The one place a message is written for the last time and freed. */
static int message_close(struct correlate *c, struct node *n, struct sl_error *err)
{
	int rc = c->sink.message_update(c->sink.ctx, &n->m, err);
	struct node **pp = &c->buckets[n->hash & (c->nbuckets - 1)];
	while (*pp != n)
		pp = &(*pp)->chain;
	*pp = n->chain;
	list_unlink(c, n);
	c->stats.open--;
	if (n->m.id)
		remember_closed(c, n);
	free_message_fields(n);
	free(n);
	return rc;
}

static int evict(struct correlate *c, int64_t now, struct sl_error *err)
{
	while (c->oldest) {
		struct node *n = c->oldest;
		if (c->stats.open > c->cfg.max_open)
			c->stats.evicted_cap++;
		else if (n->m.last_ts.sec < now - c->cfg.idle_seconds)
			c->stats.evicted_idle++;
		else
			break;
		if (message_close(c, n, err))
			return -1;
	}
	return 0;
}

/* ring_find - the entry (host, qid) of a ring of n entries, stride bytes
 * apart, each beginning with its ring_key, or NULL. filter counts the
 * entries of each slot of the hash; where it counts one, hint names it. */
static void *ring_find(void *ring, size_t n, size_t stride, const uint16_t *filter,
                       const uint16_t *hint, uint64_t h, struct sl_span host, struct sl_span qid)
{
	size_t slot = FILTER_SLOT(h);
	if (!filter[slot])
		return NULL;
	if (filter[slot] == 1) {
		/* one entry in the slot: the hint names it, unless it was replaced */
		struct ring_key *k = (struct ring_key *)((char *)ring + hint[slot] * stride);
		if (k->host && FILTER_SLOT(k->hash) == slot)
			return k->hash == h && key_eq(k->queue_id, qid) && key_eq(k->host, host) ? k : NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct ring_key *k = (struct ring_key *)((char *)ring + i * stride);
		if (k->host && k->hash == h && key_eq(k->queue_id, qid) && key_eq(k->host, host))
			return k;
	}
	return NULL;
}

static struct pending *find_pending(struct correlate *c, uint64_t h, struct sl_span host,
                                    struct sl_span qid)
{
	return ring_find(c->pending, CORR_PENDING, sizeof *c->pending, c->pending_filter,
	                 c->pending_hint, h, host, qid);
}

static void drop_pending(struct correlate *c, struct pending *p)
{
	if (p->k.host)
		c->pending_filter[FILTER_SLOT(p->k.hash)]--;
	free(p->k.host);
	free(p->k.queue_id);
	memset(p, 0, sizeof *p);
}

/* count_final - an MTA that logs no removal line: the message is finished
 * when each recipient it announced has a final status, or when it is
 * refused after its envelope was logged (Sendmail "Milter: data, reject=":
 * the whole message). A notification it made itself (Sendmail's "DSN:")
 * logs no envelope line announcing recipients: it goes to the sender of
 * the message it is about, the addresses of one to= line, so it is
 * finished by a final status at the end of such a line. (Without this,
 * every notification stayed open for the idle window: memory grew with
 * the log.) n may be freed. */
static int count_final(struct correlate *c, struct node *n, const struct event *ev,
                       struct sl_error *err)
{
	struct corr_message *m = &n->m;
	if (!(c->cfg.close_when_delivered & (1u << m->mta)))
		return 0;
	bool final = ev->kind == EV_DELIVERED || ev->kind == EV_FORWARDED ||
	             ev->kind == EV_BOUNCED || ev->kind == EV_EXPIRED;
	bool refused = ev->kind == EV_REJECTED && m->arrived;
	if (final)
		n->finals++;
	bool all_final = m->nrcpt > 0 ? n->finals >= m->nrcpt
	                              : m->origin == CORR_ORIGIN_NOTIFY && !m->arrived &&
	                                !ev->more_recipients;
	if ((final && all_final) || refused) {
		/* as complete as a removal line would make it: no later run
		 * looks for it among the unfinished */
		m->removed = true;
		c->stats.delivered_all++;
		return message_close(c, n, err);
	}
	return 0;
}

/* ---- deliveries held until their copy shows whether they were hand-offs */

static struct sl_span span_put(char **dst, struct sl_span s)
{
	if (!s.p)
		return s;
	char *d = *dst;
	if (s.len)
		memcpy(d, s.p, s.len);
	d[s.len] = '\0';
	*dst += s.len + 1;
	return (struct sl_span){ d, s.len };
}

static bool span_same(struct sl_span a, struct sl_span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* hold - keeps a copy of the delivery ce until the message (host, its
 * new_queue_id) appears; false when there is no room: decide now */
static bool hold(struct correlate *c, const struct corr_event *ce, uint64_t copy_hash, int64_t now)
{
	if (c->held_count == CORR_HELD || !ce->pos)
		return false;
	while (c->held_count && !c->held[c->held_head].used)
		c->held_head = (c->held_head + 1) % CORR_HELD;   /* holes at the head */
	size_t slot = c->held_head;
	while (c->held[slot].used)
		slot = (slot + 1) % CORR_HELD;
	struct held *h = &c->held[slot];
	h->ev = *ce->ev;
	h->ll = *ce->ll;
	h->pos = *ce->pos;
	h->pos.seq = ce->seq;
	struct sl_span *ev_spans[] = {
		&h->ev.queue_id, &h->ev.sender, &h->ev.recipient, &h->ev.orig_recipient,
		&h->ev.remote_host, &h->ev.remote_ip, &h->ev.helo, &h->ev.relay, &h->ev.reply,
		&h->ev.status, &h->ev.action, &h->ev.header_msgid, &h->ev.new_queue_id,
		&h->ev.forward_to, &h->ev.protocol, &h->ev.origin_queue_id,
		&h->ll.host, &h->ll.program, &h->ll.message,
	};
	struct sl_span file = { ce->pos->file, ce->pos->file ? strlen(ce->pos->file) : 0 };
	size_t need = file.len + 1;
	for (size_t i = 0; i < SL_ARRAY_LEN(ev_spans); i++)
		need += ev_spans[i]->len + 1;
	char *d = h->buf = xmalloc(need);
	for (size_t i = 0; i < SL_ARRAY_LEN(ev_spans); i++)
		*ev_spans[i] = span_put(&d, *ev_spans[i]);
	h->pos.file = span_put(&d, file).p;
	h->used = true;
	h->copy_hash = copy_hash;
	h->message_id = ce->message_id;
	h->at = now;
	c->held_count++;
	c->held_filter[FILTER_SLOT(copy_hash)]++;
	return true;
}

/* held_release - writes the held delivery h, as a hand-off (its copy came
 * back) or a delivery; a delivery counts as its message's final status */
static int held_release(struct correlate *c, struct held *h, bool handoff, struct sl_error *err)
{
	struct corr_event ce = { .ev = &h->ev, .ll = &h->ll, .pos = &h->pos, .seq = h->pos.seq,
	                         .message_id = h->message_id, .handoff = handoff };
	h->used = false;
	c->held_count--;
	c->held_filter[FILTER_SLOT(h->copy_hash)]--;
	c->stats.events++;
	if (!handoff)
		c->stats.loopback_delivered++;
	int rc = c->sink.event(c->sink.ctx, &ce, err);
	if (rc == 0 && !handoff) {
		uint64_t k = key_hash(h->ll.host, h->ev.queue_id);
		struct node *n = lookup(c, k, h->ll.host, h->ev.queue_id);
		if (n && n->m.id == h->message_id)
			rc = count_final(c, n, &h->ev, err);
	}
	free(h->buf);
	h->buf = NULL;
	return rc;
}

/* held_copy_appears - the message (host, qid) opens: a delivery held for
 * it was a hand-off */
static int held_copy_appears(struct correlate *c, uint64_t h, struct sl_span host,
                             struct sl_span qid, struct sl_error *err)
{
	if (!c->held_count || !c->held_filter[FILTER_SLOT(h)])
		return 0;
	for (size_t i = 0; i < CORR_HELD; i++) {
		struct held *x = &c->held[i];
		if (x->used && x->copy_hash == h && span_same(x->ev.new_queue_id, qid) &&
		    span_same(x->ll.host, host) && held_release(c, x, true, err))
			return -1;
	}
	return 0;
}

/* held_expire - the held deliveries older than CORR_HELD_WAIT at log time
 * now (all when now < 0): no copy came back, they were deliveries */
static int held_expire(struct correlate *c, int64_t now, struct sl_error *err)
{
	while (c->held_count) {
		struct held *h = &c->held[c->held_head];
		if (h->used) {
			if (now >= 0 && h->at >= now - CORR_HELD_WAIT)
				break;
			if (held_release(c, h, false, err))
				return -1;
		}
		c->held_head = (c->held_head + 1) % CORR_HELD;
	}
	return 0;
}

static struct node *open_message(struct correlate *c, const struct logline *ll, const struct event *ev,
                                 const struct corr_pos *pos, uint64_t h, struct sl_error *err)
{
	struct node *n = xcalloc(1, sizeof *n);
	n->hash = h;
	n->m.mta = ev->mta;
	n->m.host = node_dup(n, ll->host);
	n->m.queue_id = node_dup(n, ev->queue_id);
	n->m.size = -1;
	n->m.nrcpt = -1;
	n->m.first_ts = ll->ts;
	n->m.last_ts = ll->ts;
	n->m.source_id = pos->source_id;
	n->m.first_offset = pos->offset;
	n->m.arrived = ev->kind == EV_MSG_ARRIVAL && ev->nrcpt != 0;
	struct pending *p = find_pending(c, h, ll->host, ev->queue_id);
	bool late = false;
	if (p) {
		n->m.origin_id = p->origin_id;
		n->m.origin = p->origin;
		c->stats.linked++;
		/* within the hold, as one run over the whole log would see it */
		late = p->cut && p->origin == CORR_ORIGIN_FILTER && c->sink.handoff_late &&
		       (!ll->has_ts || p->at >= ll->ts.sec - CORR_HELD_WAIT);
		drop_pending(c, p);
	}
	if ((late && c->sink.handoff_late(c->sink.ctx, n->m.origin_id, ev->queue_id, err)) ||
	    c->sink.message_open(c->sink.ctx, &n->m, err) ||
	    held_copy_appears(c, h, ll->host, ev->queue_id, err)) {
		free_message_fields(n);
		free(n);
		return NULL;
	}
	n->chain = c->buckets[h & (c->nbuckets - 1)];
	c->buckets[h & (c->nbuckets - 1)] = n;
	list_append(c, n);
	c->stats.messages++;
	c->stats.open++;
	if (c->stats.open > c->stats.peak_open)
		c->stats.peak_open = c->stats.open;
	if (c->stats.open > c->nbuckets)
		grow_table(c);
	return n;
}

static void set_str(struct node *n, char **slot, struct sl_span s)
{
	if (!s.p)
		return;
	node_free_str(n, *slot);
	*slot = node_dup(n, s);
}

/* find_recent - the recently closed message (host, qid), or NULL */
static struct recent *find_recent(struct correlate *c, uint64_t h, struct sl_span host,
                                  struct sl_span qid)
{
	return ring_find(c->recent, CORR_RECENT, sizeof *c->recent, c->recent_filter,
	                 c->recent_hint, h, host, qid);
}

/* Marks the message named (host, new_qid) as a copy of `from`. */
static int link_copy(struct correlate *c, struct sl_span host, struct sl_span new_qid,
                     const struct corr_message *from, enum corr_origin origin, int64_t now,
                     struct sl_error *err)
{
	/* "queued as X" naming the message's own id (a remote host that happens
	 * to use the same id, or a test log) is no copy */
	if (from->queue_id && key_eq(from->queue_id, new_qid))
		return 0;
	uint64_t h = key_hash(host, new_qid);
	struct node *n = lookup(c, h, host, new_qid);
	if (n) {
		if (!n->m.origin_id && n->m.id != from->id) {
			n->m.origin_id = from->id;
			n->m.origin = origin;
			c->stats.linked++;
		}
		return 0;
	}
	struct recent *r = find_recent(c, h, host, new_qid);
	if (r) {
		/* already finished: a minimal update carries the link */
		struct corr_message m = { .id = r->id, .size = -1, .nrcpt = -1,
		                          .first_ts = r->first_ts, .last_ts = r->last_ts,
		                          .origin_id = from->id, .origin = origin };
		c->stats.linked++;
		return c->sink.message_update(c->sink.ctx, &m, err);
	}
	struct pending *p = &c->pending[c->pending_next];
	c->pending_next = (c->pending_next + 1) % CORR_PENDING;
	drop_pending(c, p);
	p->k.hash = h;
	c->pending_filter[FILTER_SLOT(h)]++;
	c->pending_hint[FILTER_SLOT(h)] = (uint16_t)(p - c->pending);
	p->k.host = sl_span_dup(host);
	p->k.queue_id = sl_span_dup(new_qid);
	p->origin_id = from->id;
	p->origin = origin;
	p->at = now;
	return 0;
}

/* message_id_of - the id of the message (host, qid), open or recently
 * closed; 0 when the log never named it */
static int64_t message_id_of(struct correlate *c, struct sl_span host, struct sl_span qid)
{
	uint64_t h = key_hash(host, qid);
	struct node *n = lookup(c, h, host, qid);
	if (n)
		return n->m.id;
	struct recent *r = find_recent(c, h, host, qid);
	return r ? r->id : 0;
}

static bool is_loopback_relay(const struct event *ev)
{
	struct sl_span ip = ev->remote_ip;
	return (ip.len >= 4 && memcmp(ip.p, "127.", 4) == 0) || sl_span_eq(ip, "::1") ||
	       sl_span_eq(ip, "ipv6:::1") || sl_span_eq(ev->remote_host, "localhost");
}

/* notice_after_close - a failure notice (Sendmail "DSN:") for a message
 * already closed because all its recipients had a final status: it links
 * the notification, and is the message's failure only if none was logged */
static int notice_after_close(struct correlate *c, const struct logline *ll, const struct event *ev,
                              const struct corr_pos *pos, struct recent *r, int64_t now,
                              struct sl_error *err)
{
	struct corr_message from = { .id = r->id, .host = r->k.host, .queue_id = r->k.queue_id,
	                             .size = -1, .nrcpt = -1 };
	if (!sl_span_empty(ev->new_queue_id) &&
	    link_copy(c, ll->host, ev->new_queue_id, &from, CORR_ORIGIN_NOTIFY, now, err))
		return -1;
	if (ll->has_ts && ll->ts.sec > r->last_ts.sec) {
		/* the notice is the message's last line: a minimal update says so */
		r->last_ts = ll->ts;
		struct corr_message m = { .id = r->id, .size = -1, .nrcpt = -1,
		                          .first_ts = r->first_ts, .last_ts = r->last_ts };
		if (c->sink.message_update(c->sink.ctx, &m, err))
			return -1;
	}
	if (r->failure_seen)
		return 0;
	r->failure_seen = true;
	struct corr_event ce = { .ev = ev, .ll = ll, .pos = pos, .seq = pos->seq, .message_id = r->id };
	c->stats.events++;
	return c->sink.event(c->sink.ctx, &ce, err);
}

int correlate_feed(struct correlate *c, const struct logline *ll, const struct event *ev,
                   const struct corr_pos *pos, struct sl_error *err)
{
	if (ev->kind == EV_NONE)
		return 0;
	if (ev->kind == EV_HEALTH) {
		/* no message's line: straight to the sink */
		struct corr_event ce = { .ev = ev, .ll = ll, .pos = pos, .seq = pos->seq };
		return c->sink.health ? c->sink.health(c->sink.ctx, &ce, err) : 0;
	}
	int64_t now = ll->ts.sec;
	if (evict(c, now, err) || (ll->has_ts && held_expire(c, now, err)))
		return -1;

	struct node *n = NULL;
	if (!sl_span_empty(ev->queue_id)) {
		uint64_t h = key_hash(ll->host, ev->queue_id);
		n = lookup(c, h, ll->host, ev->queue_id);
		/* a short queue id is reused: a new arrival under an id whose
		 * message already arrived starts a new message */
		if (n && ev->kind == EV_MSG_ARRIVAL && n->m.arrived) {
			if (message_close(c, n, err))
				return -1;
			n = NULL;
		}
		if (!n) {
			if (ev->kind == EV_MSG_REMOVED)
				return 0;   /* the end of a message whose other lines we never saw */
			struct recent *r;
			if (ev->failure_notice && (r = find_recent(c, h, ll->host, ev->queue_id)) != NULL)
				return notice_after_close(c, ll, ev, pos, r, now, err);
			n = open_message(c, ll, ev, pos, h, err);
			if (!n)
				return -1;
		}
		if (ll->has_ts) {
			if (ll->ts.sec > n->m.last_ts.sec || n->m.last_ts.sec == 0)
				n->m.last_ts = ll->ts;
			if (n->m.first_ts.sec == 0)
				n->m.first_ts = ll->ts;
		}
		list_unlink(c, n);
		list_append(c, n);
	}

	struct corr_message *m = n ? &n->m : NULL;
	if (!m && ev->kind >= EV_MSG_ARRIVAL)
		return 0;   /* a lifecycle line without a queue id names no message */
	switch (ev->kind) {
	case EV_MSG_ARRIVAL:
		m->arrived = ev->nrcpt != 0;
		set_str(n, &m->client_host, ev->remote_host);
		set_str(n, &m->client_ip, ev->remote_ip);
		set_str(n, &m->helo, ev->helo);
		set_str(n, &m->protocol, ev->protocol);
		set_str(n, &m->sender, ev->sender);
		set_str(n, &m->header_msgid, ev->header_msgid);
		if (ev->size >= 0)
			m->size = ev->size;
		if (ev->nrcpt >= 0)
			m->nrcpt = ev->nrcpt;
		/* Exim "<= <> R=ID": this message is the bounce of ID */
		if (!sl_span_empty(ev->origin_queue_id) && !m->origin_id) {
			int64_t from = message_id_of(c, ll->host, ev->origin_queue_id);
			if (from && from != m->id) {
				m->origin_id = from;
				m->origin = CORR_ORIGIN_NOTIFY;
				c->stats.linked++;
			}
		}
		if (ev->nrcpt == 0) {
			/* Sendmail "from=..., nrcpts=0": the SMTP transaction ended
			 * with every recipient refused. Its rejects and client are
			 * kept under its queue ID, but no mail arrived: finished, and
			 * not counted as received. */
			m->removed = true;
			c->stats.completed++;
			return message_close(c, n, err);
		}
		return 0;
	case EV_MSG_HEADER_ID:
		set_str(n, &m->header_msgid, ev->header_msgid);
		return 0;
	case EV_MSG_QUEUED:
		set_str(n, &m->sender, ev->sender);
		if (ev->size >= 0)
			m->size = ev->size;
		if (ev->nrcpt >= 0)
			m->nrcpt = ev->nrcpt;
		return 0;
	case EV_MSG_REMOVED:
		m->removed = true;
		c->stats.completed++;
		return message_close(c, n, err);
	case EV_MSG_NOTIFY:
		if (sl_span_empty(ev->new_queue_id))
			return 0;
		if (!ev->envelope_split)
			return link_copy(c, ll->host, ev->new_queue_id, m, CORR_ORIGIN_NOTIFY, now, err);
		if (link_copy(c, ll->host, ev->new_queue_id, m, CORR_ORIGIN_FORWARD, now, err))
			return -1;
		/* the split-off copy's envelope: no from= line of its own follows */
		struct event split;
		event_clear(&split);
		split.mta = ev->mta;
		split.kind = EV_MSG_QUEUED;
		split.pattern_id = ev->pattern_id;
		split.queue_id = ev->new_queue_id;
		split.sender = ev->sender;
		return correlate_feed(c, ll, &split, pos, err);
	case EV_NONE:
	case EV_KIND_COUNT:
		SL_BUG("event kind %d cannot reach here", (int)ev->kind);
	default:
		break;
	}

	/* A notice that announces the message's failure (Sendmail "DSN:") is
	 * that failure only when none was logged for the message: the log is an
	 * excerpt, or starts mid-stream. It never counts twice. */
	if (n && (ev->kind == EV_BOUNCED || ev->kind == EV_EXPIRED)) {
		if (ev->failure_notice) {
			if (!sl_span_empty(ev->new_queue_id) &&
			    link_copy(c, ll->host, ev->new_queue_id, m, CORR_ORIGIN_NOTIFY, now, err))
				return -1;
			if (n->failure_seen)
				return 0;
		}
		n->failure_seen = true;
	}

	/* a delivery-level event: a row of `events` */
	struct event copy = *ev;
	if (m && sl_span_empty(copy.sender) && m->sender)
		copy.sender = (struct sl_span){ m->sender, strlen(m->sender) };
	if (m && ev->kind == EV_EXPIRED && !sl_span_empty(ev->sender))
		set_str(n, &m->sender, ev->sender);
	struct corr_event ce = {
		.ev = &copy, .ll = ll, .pos = pos, .seq = pos->seq,
		.message_id = m ? m->id : 0, .handoff = false,
	};
	if (m && !sl_span_empty(ev->new_queue_id)) {
		if (ev->kind == EV_FORWARDED) {
			if (link_copy(c, ll->host, ev->new_queue_id, m, CORR_ORIGIN_FORWARD, now, err))
				return -1;
		} else if (ev->kind == EV_DELIVERED && is_loopback_relay(ev) &&
		           !key_eq(m->queue_id, ev->new_queue_id)) {
			/* A content filter (amavis, rspamd proxy...) or Sendmail's MSP
			 * handing to the local MTA: the message comes back as
			 * new_queue_id, one message, not two. Only a copy that is seen
			 * makes it a hand-off; a loopback relay whose copy never comes
			 * back (a tunnel to another host) delivered it. */
			uint64_t h = key_hash(ll->host, ev->new_queue_id);
			bool seen = lookup(c, h, ll->host, ev->new_queue_id) ||
			            find_recent(c, h, ll->host, ev->new_queue_id);
			if (link_copy(c, ll->host, ev->new_queue_id, m, CORR_ORIGIN_FILTER, now, err))
				return -1;
			if (seen)
				ce.handoff = true;
			else if (hold(c, &ce, h, now))
				return 0;
		}
	}
	c->stats.events++;
	if (c->sink.event(c->sink.ctx, &ce, err))
		return -1;
	if (n && !ce.handoff)
		return count_final(c, n, ev, err);
	return 0;
}

/* pending_cut - a file ends: the deliveries held for copies not seen yet
 * are written as deliveries, which a copy that still comes back corrects */
static void pending_cut(struct correlate *c)
{
	for (size_t i = 0; i < CORR_PENDING; i++)
		c->pending[i].cut = true;
}

int correlate_settle(struct correlate *c, struct sl_error *err)
{
	pending_cut(c);
	return held_expire(c, -1, err);
}

int correlate_finish(struct correlate *c, struct sl_error *err)
{
	if (held_expire(c, -1, err))
		return -1;
	while (c->oldest)
		if (message_close(c, c->oldest, err))
			return -1;
	return 0;
}

const struct correlate_stats *correlate_stats(const struct correlate *c)
{
	return &c->stats;
}

void correlate_free(struct correlate *c)
{
	if (!c)
		return;
	while (c->oldest) {
		struct node *n = c->oldest;
		list_unlink(c, n);
		free_message_fields(n);
		free(n);
	}
	for (size_t i = 0; i < CORR_RECENT; i++)
		recent_free_key(&c->recent[i]);
	for (size_t i = 0; i < CORR_PENDING; i++)
		drop_pending(c, &c->pending[i]);
	for (size_t i = 0; i < CORR_HELD; i++)
		free(c->held[i].buf);
	free(c->buckets);
	free(c);
}

/* ---- the state of a run, saved with the offset that marks input read
 *
 * A run that stops at the end of a file leaves messages open (their later
 * lines are in the next file, or not logged yet) and copies announced but
 * not seen. What the next run needs to give every later line the fields
 * one run over everything gives is exactly this struct's content: the open
 * messages in activity order, the ring of recently closed ones and the ring
 * of pending links. Saved as one versioned byte string; ids go through the
 * caller's map (the writer knows which rows were adopted). */

#define STATE_MAGIC "SLC2"         /* numbers as varints */
#define STATE_MAGIC_FIXED "SLC1"   /* numbers as 8 bytes: read, never written */

static void put_u64(struct sl_buf *b, uint64_t v)
{
	/* seven bits a byte, least first, the high bit saying more follow:
	 * the counts, lengths and small ids of a state take one or two bytes
	 * where eight were written before (SLC1), and an hourly run rewrites
	 * the whole state */
	unsigned char o[10];
	size_t n = 0;
	do {
		o[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			o[n] |= 0x80;
		n++;
	} while (v);
	sl_buf_add(b, o, n);
}

/* put_str - a string as its length + 1 (0: NULL) and its bytes */
static void put_str(struct sl_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	put_u64(b, s ? n + 1 : 0);
	if (n)
		sl_buf_add(b, s, n);
}

static void put_time(struct sl_buf *b, struct sl_time t)
{
	put_u64(b, (uint64_t)t.sec);
	put_u64(b, (uint64_t)(uint32_t)t.usec | (uint64_t)(t.has_frac ? 1 : 0) << 32);
}

struct state_in {
	const unsigned char *p, *end;
	bool bad;
	bool fixed;   /* an SLC1 state: numbers in 8 bytes */
};

static uint64_t get_u64(struct state_in *in)
{
	if (!in->fixed) {
		uint64_t v = 0;
		for (unsigned shift = 0; !in->bad; shift += 7) {
			if (in->p == in->end || shift > 63) {
				in->bad = true;
				break;
			}
			unsigned char b = *in->p++;
			v |= (uint64_t)(b & 0x7f) << shift;
			if (!(b & 0x80))
				return v;
		}
		return 0;
	}
	if (in->bad || in->end - in->p < 8) {
		in->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)in->p[i] << (8 * i);
	in->p += 8;
	return v;
}

/* get_span - a string written by put_str; s.p NULL for NULL */
static struct sl_span get_span(struct state_in *in)
{
	uint64_t n = get_u64(in);
	if (in->bad || n == 0)
		return SL_SPAN_NULL;
	n--;
	if ((uint64_t)(in->end - in->p) < n) {
		in->bad = true;
		return SL_SPAN_NULL;
	}
	struct sl_span s = { (const char *)in->p, (size_t)n };
	in->p += n;
	return s;
}

static struct sl_time get_time(struct state_in *in)
{
	struct sl_time t = { .sec = (int64_t)get_u64(in) };
	uint64_t u = get_u64(in);
	t.usec = (int32_t)(u & 0xffffffffu);
	t.has_frac = (int8_t)((u >> 32) & 1);
	if (t.usec < 0 || t.usec > 999999)
		in->bad = true;
	return t;
}

/* message_digest - the fields of m a message update writes: equal digests,
 * equal updates (never 0, which means "not known") */
static uint64_t message_digest(const struct corr_message *m)
{
	const char *strs[] = { m->host, m->queue_id, m->sender, m->header_msgid, m->client_host,
	                       m->client_ip, m->helo, m->protocol };
	uint64_t h = SL_HASH_SEED;
	for (size_t i = 0; i < SL_ARRAY_LEN(strs); i++)
		h = strs[i] ? sl_hash64(strs[i], strlen(strs[i]) + 1, h) : sl_hash64("", 0, h + i);
	const int64_t nums[] = { m->id, m->mta, m->size, m->nrcpt, m->first_ts.sec, m->first_ts.has_frac, m->last_ts.has_frac,
	                         m->first_ts.usec, m->last_ts.sec, m->last_ts.usec,
	                         m->arrived, m->removed, m->origin_id, m->origin,
	                         m->source_id, (int64_t)m->first_offset };
	h = sl_hash64(nums, sizeof nums, h);
	return h ? h : 1;
}

/* correlate_flush - every open message's row brought up to date. A message
 * whose fields have not changed since its row got them (one carried over
 * from an earlier run and not seen since, in an hourly job) is skipped: the
 * update would rewrite its row, and its page, with the same values. */
int correlate_flush(struct correlate *c, struct sl_error *err)
{
	for (struct node *n = c->oldest; n; n = n->newer) {
		uint64_t d = message_digest(&n->m);
		if (d == n->written)
			continue;
		if (c->sink.message_update(c->sink.ctx, &n->m, err))
			return -1;
		n->written = d;
	}
	return 0;
}

/* put_node - one open message of a saved state */
static void put_node(struct sl_buf *out, const struct node *n,
                     int64_t (*map_id)(void *ctx, int64_t id), void *ctx,
                     int64_t (*map_source)(void *ctx, int64_t id))
{
	const struct corr_message *m = &n->m;
	put_u64(out, (uint64_t)map_id(ctx, m->id));
	put_u64(out, (uint64_t)m->mta);
	put_str(out, m->host);
	put_str(out, m->queue_id);
	put_str(out, m->sender);
	put_str(out, m->header_msgid);
	put_str(out, m->client_host);
	put_str(out, m->client_ip);
	put_str(out, m->helo);
	put_str(out, m->protocol);
	put_u64(out, (uint64_t)m->size);
	put_u64(out, (uint64_t)(int64_t)m->nrcpt);
	put_time(out, m->first_ts);
	put_time(out, m->last_ts);
	put_u64(out, (uint64_t)(m->arrived ? 1 : 0) | (uint64_t)(n->failure_seen ? 2 : 0));
	put_u64(out, (uint64_t)(m->origin_id ? map_id(ctx, m->origin_id) : 0));
	put_u64(out, (uint64_t)m->origin);
	put_u64(out, (uint64_t)(map_source ? map_source(ctx, m->source_id) : m->source_id));
	put_u64(out, m->first_offset);
	put_u64(out, (uint64_t)(int64_t)n->finals);
}

/* put_recent, put_pending - one slot of a ring (host NULL: an empty one) */
static void put_recent(struct sl_buf *out, const struct recent *r,
                       int64_t (*map_id)(void *ctx, int64_t id), void *ctx)
{
	put_str(out, r->k.host);
	if (!r->k.host)
		return;
	put_str(out, r->k.queue_id);
	put_u64(out, (uint64_t)map_id(ctx, r->id));
	put_time(out, r->first_ts);
	put_time(out, r->last_ts);
	put_u64(out, r->failure_seen ? 1 : 0);
}

static void put_pending(struct sl_buf *out, const struct pending *p,
                        int64_t (*map_id)(void *ctx, int64_t id), void *ctx)
{
	put_str(out, p->k.host);
	if (!p->k.host)
		return;
	put_str(out, p->k.queue_id);
	put_u64(out, (uint64_t)map_id(ctx, p->origin_id));
	put_u64(out, (uint64_t)p->origin);
	put_u64(out, (uint64_t)p->at);
}

void correlate_save(const struct correlate *c, struct sl_buf *out,
                    int64_t (*map_id)(void *ctx, int64_t id), void *ctx)
{
	if (c->held_count)
		SL_BUG("correlate_save with deliveries held: settle first");
	sl_buf_add(out, STATE_MAGIC, 4);
	put_u64(out, c->stats.open);
	for (const struct node *n = c->oldest; n; n = n->newer)
		put_node(out, n, map_id, ctx, NULL);
	/* the rings slot by slot, empty ones too: which entry a new one
	 * replaces stays as it would have been */
	put_u64(out, CORR_RECENT);
	put_u64(out, c->recent_next);
	for (size_t k = 0; k < CORR_RECENT; k++)
		put_recent(out, &c->recent[k], map_id, ctx);
	put_u64(out, CORR_PENDING);
	put_u64(out, c->pending_next);
	for (size_t k = 0; k < CORR_PENDING; k++)
		put_pending(out, &c->pending[k], map_id, ctx);
}

/* add_loaded - a message of a saved state, opened without the sink (its
 * row exists) */
static bool add_loaded(struct correlate *c, struct state_in *in)
{
	struct node *n = xcalloc(1, sizeof *n);
	struct corr_message *m = &n->m;
	m->id = (int64_t)get_u64(in);
	m->mta = (enum ev_mta)get_u64(in);
	char **strs[] = { &m->host, &m->queue_id, &m->sender, &m->header_msgid, &m->client_host,
	                  &m->client_ip, &m->helo, &m->protocol };
	for (size_t i = 0; i < SL_ARRAY_LEN(strs); i++) {
		struct sl_span s = get_span(in);
		*strs[i] = s.p ? node_dup(n, s) : NULL;
	}
	m->size = (int64_t)get_u64(in);
	m->nrcpt = (int)(int64_t)get_u64(in);
	m->first_ts = get_time(in);
	m->last_ts = get_time(in);
	uint64_t flags = get_u64(in);
	m->arrived = flags & 1;
	n->failure_seen = (flags & 2) != 0;
	m->origin_id = (int64_t)get_u64(in);
	m->origin = (enum corr_origin)get_u64(in);
	m->source_id = (int64_t)get_u64(in);
	m->first_offset = get_u64(in);
	n->finals = (int)(int64_t)get_u64(in);
	if (in->bad || !m->host || !m->queue_id || m->id <= 0 || m->origin > CORR_ORIGIN_NOTIFY) {
		in->bad = true;
		free_message_fields(n);
		free(n);
		return false;
	}
	struct sl_span host = { m->host, strlen(m->host) }, qid = { m->queue_id, strlen(m->queue_id) };
	n->hash = key_hash(host, qid);
	/* A state is saved just after correlate_flush, in the same commit:
	 * the row holds these fields. */
	n->written = message_digest(m);
	if (lookup(c, n->hash, host, qid)) {
		in->bad = true;   /* a key twice: not a state this code saved */
		free_message_fields(n);
		free(n);
		return false;
	}
	n->chain = c->buckets[n->hash & (c->nbuckets - 1)];
	c->buckets[n->hash & (c->nbuckets - 1)] = n;
	list_append(c, n);
	c->stats.open++;
	if (c->stats.open > c->stats.peak_open)
		c->stats.peak_open = c->stats.open;
	if (c->stats.open > c->nbuckets)
		grow_table(c);
	return true;
}

int correlate_load(struct correlate *c, const void *data, size_t len, struct sl_error *err)
{
	if (c->oldest || c->stats.messages)
		SL_BUG("correlate_load on a correlator in use");
	struct state_in in = { data, (const unsigned char *)data + len, false, false };
	if (len >= 4 && memcmp(data, STATE_MAGIC_FIXED, 4) == 0)
		in.fixed = true;   /* saved by an earlier version: read, saved again as SLC2 */
	else if (len < 4 || memcmp(data, STATE_MAGIC, 4) != 0)
		return sl_error_set(err, SL_EDB, "the saved state of open messages is not in a "
		                    "format this binary knows");
	in.p += 4;
	uint64_t nopen = get_u64(&in);
	for (uint64_t i = 0; i < nopen && !in.bad; i++)
		add_loaded(c, &in);
	if (get_u64(&in) != CORR_RECENT)
		in.bad = true;
	c->recent_next = (size_t)(get_u64(&in) % CORR_RECENT);
	for (size_t i = 0; i < CORR_RECENT && !in.bad; i++) {
		struct sl_span host = get_span(&in);
		if (!host.p)
			continue;
		struct sl_span qid = get_span(&in);
		struct recent *r = &c->recent[i];
		if (host.len + qid.len + 2 <= sizeof r->key) {
			/* in the slot, as remember_closed puts them: no malloc (and
			 * no free) for each of the ring's 4,096 entries */
			r->k.host = memcpy(r->key, host.p, host.len);
			r->key[host.len] = '\0';
			r->k.queue_id = memcpy(r->key + host.len + 1, qid.p, qid.len);
			r->key[host.len + 1 + qid.len] = '\0';
		} else {
			r->k.host = sl_span_dup(host);
			r->k.queue_id = sl_span_dup(qid);
		}
		r->k.hash = key_hash(host, qid);
		c->recent_filter[FILTER_SLOT(r->k.hash)]++;
		c->recent_hint[FILTER_SLOT(r->k.hash)] = (uint16_t)(r - c->recent);
		r->id = (int64_t)get_u64(&in);
		r->first_ts = get_time(&in);
		r->last_ts = get_time(&in);
		r->failure_seen = get_u64(&in) != 0;
	}
	if (get_u64(&in) != CORR_PENDING)
		in.bad = true;
	c->pending_next = (size_t)(get_u64(&in) % CORR_PENDING);
	for (size_t i = 0; i < CORR_PENDING && !in.bad; i++) {
		struct sl_span host = get_span(&in);
		if (!host.p)
			continue;
		struct sl_span qid = get_span(&in);
		struct pending *p = &c->pending[i];
		p->k.host = sl_span_dup(host);
		p->k.queue_id = sl_span_dup(qid);
		p->k.hash = key_hash(host, qid);
		c->pending_filter[FILTER_SLOT(p->k.hash)]++;
		c->pending_hint[FILTER_SLOT(p->k.hash)] = (uint16_t)(p - c->pending);
		p->origin_id = (int64_t)get_u64(&in);
		p->origin = (enum corr_origin)get_u64(&in);
		p->at = (int64_t)get_u64(&in);
		p->cut = true;   /* the run that saved it ended */
	}
	if (in.bad || in.p != in.end)
		return sl_error_set(err, SL_EDB, "the saved state of open messages is damaged");
	return 0;
}

static int64_t same_id(void *ctx, int64_t id)
{
	(void)ctx;
	return id;
}

/* correlate_state_merge - see correlate.h */
int correlate_state_merge(const void *a, size_t alen, const void *b, size_t blen,
                          const struct corr_id_map *map, struct sl_buf *out, uint64_t *open,
                          struct sl_error *err)
{
	static const struct sink none = { 0 };
	struct correlate *ca = correlate_new(NULL, &none), *cb = correlate_new(NULL, &none);
	int rc = -1;
	if ((alen && correlate_load(ca, a, alen, err)) || correlate_load(cb, b, blen, err))
		goto out;
	/* b's open messages that a does not have (a key is open once) */
	bool *dup = xcalloc(cb->stats.open + 1, sizeof *dup);
	uint64_t nopen = ca->stats.open;
	size_t i = 0;
	for (struct node *n = cb->oldest; n; n = n->newer, i++) {
		struct sl_span host = { n->m.host, strlen(n->m.host) };
		struct sl_span qid = { n->m.queue_id, strlen(n->m.queue_id) };
		dup[i] = lookup(ca, n->hash, host, qid) != NULL;
		nopen += !dup[i];
	}
	*open = nopen;
	sl_buf_add(out, STATE_MAGIC, 4);
	put_u64(out, nopen);
	for (const struct node *n = ca->oldest; n; n = n->newer)
		put_node(out, n, same_id, NULL, NULL);
	i = 0;
	for (const struct node *n = cb->oldest; n; n = n->newer, i++)
		if (!dup[i])
			put_node(out, n, map->message, map->ctx, map->source);
	free(dup);
	/* the rings: a's entries, and b's in the slots a left empty */
	put_u64(out, CORR_RECENT);
	put_u64(out, ca->recent_next);
	for (size_t k = 0; k < CORR_RECENT; k++) {
		if (ca->recent[k].k.host || !cb->recent[k].k.host)
			put_recent(out, &ca->recent[k], same_id, NULL);
		else
			put_recent(out, &cb->recent[k], map->message, map->ctx);
	}
	put_u64(out, CORR_PENDING);
	put_u64(out, ca->pending_next);
	for (size_t k = 0; k < CORR_PENDING; k++) {
		if (ca->pending[k].k.host || !cb->pending[k].k.host)
			put_pending(out, &ca->pending[k], same_id, NULL);
		else
			put_pending(out, &cb->pending[k], map->message, map->ctx);
	}
	rc = 0;
out:
	correlate_free(ca);
	correlate_free(cb);
	return rc;
}

/* correlate_state_prune - see correlate.h */
int correlate_state_prune(const void *data, size_t len, int64_t before, struct sl_buf *out,
                          uint64_t *open, int64_t **ids, size_t *nids, struct sl_error *err)
{
	static const struct sink none = { 0 };   /* loading writes nothing */
	static const struct recent no_recent;
	static const struct pending no_pending;
	struct correlate *c = correlate_new(NULL, &none);
	*ids = NULL;
	*nids = 0;
	if (correlate_load(c, data, len, err)) {
		correlate_free(c);
		return -1;
	}
	size_t cap = 2 * c->stats.open + CORR_RECENT + CORR_PENDING, k = 0;
	int64_t *v = xmalloc((cap ? cap : 1) * sizeof *v);
	uint64_t kept = 0;
	for (const struct node *n = c->oldest; n; n = n->newer)
		kept += n->m.last_ts.sec >= before;
	*open = kept;
	sl_buf_add(out, STATE_MAGIC, 4);
	put_u64(out, kept);
	for (const struct node *n = c->oldest; n; n = n->newer) {
		if (n->m.last_ts.sec < before)
			continue;
		put_node(out, n, same_id, NULL, NULL);
		v[k++] = n->m.id;
		if (n->m.origin_id)
			v[k++] = n->m.origin_id;
	}
	put_u64(out, CORR_RECENT);
	put_u64(out, c->recent_next);
	for (size_t i = 0; i < CORR_RECENT; i++) {
		const struct recent *r = &c->recent[i];
		bool keep = r->k.host && r->last_ts.sec >= before;
		put_recent(out, keep ? r : &no_recent, same_id, NULL);
		if (keep)
			v[k++] = r->id;
	}
	put_u64(out, CORR_PENDING);
	put_u64(out, c->pending_next);
	for (size_t i = 0; i < CORR_PENDING; i++) {
		const struct pending *p = &c->pending[i];
		bool keep = p->k.host && p->at >= before;
		put_pending(out, keep ? p : &no_pending, same_id, NULL);
		if (keep && p->origin_id)
			v[k++] = p->origin_id;
	}
	correlate_free(c);
	*ids = v;
	*nids = k;
	return 0;
}
