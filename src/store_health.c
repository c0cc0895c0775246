/* store_health: see include/store_health.h. SPDX-License-Identifier: MIT */
#include "store_health.h"

#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "shape.h"
#include "store.h"

/* A row's counts are added once per batch, not once per line: a postscreen
 * line of a 1M-line log cost an upsert through the six-column unique index
 * (about 10k instructions); the batch's lines of one key are counted here
 * and written by store_health_flush. The key's offsets are kept, so a batch
 * that re-reads lines a row already counted (after a kill) adds only those
 * past its last_offset, as the upsert of each line did. */
#define HEALTH_ACC_MAX_OFFSETS 65536   /* flushed early past this: bounded memory */

struct health_entry {
	struct health_entry *next;       /* bucket chain */
	struct health_entry *after;      /* insertion order, for a flush in first-seen order */
	uint64_t hash;
	int64_t source_id;
	char *hour;                      /* NULL: no stamp */
	const char *category;            /* static storage */
	char *program, *shape, *client;  /* client NULL: none */
	char *sample;                    /* the first line's message (NULL: none) */
	uint64_t *offsets;
	size_t noffsets, cap;
};

struct store_health_acc {
	struct health_entry **buckets;
	size_t nbuckets, nkeys, noffsets;
	struct health_entry *first, **last;
	sqlite3_stmt *get, *insert, *update;   /* prepared at the first flush */
};

static const char get_sql[] =
	"SELECT rowid, last_offset FROM health WHERE source_id = ?1 AND ifnull(hour, '') = ?2"
	" AND category = ?3 AND program = ?4 AND shape = ?5 AND ifnull(client, '') = ?6";
static const char insert_sql[] =
	"INSERT INTO health(source_id, hour, category, program, shape, client, count, sample,"
	" last_offset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char update_sql[] =
	"UPDATE health SET count = count + ?1, last_offset = ?2 WHERE rowid = ?3";

struct store_health_acc *store_health_acc_new(void)
{
	struct store_health_acc *a = xcalloc(1, sizeof *a);
	a->nbuckets = 256;
	a->buckets = xcalloc(a->nbuckets, sizeof *a->buckets);
	a->last = &a->first;
	return a;
}

void store_health_acc_clear(struct store_health_acc *a)
{
	if (!a)
		return;
	for (struct health_entry *e = a->first, *n; e; e = n) {
		n = e->after;
		free(e->hour);
		free(e->program);
		free(e->shape);
		free(e->client);
		free(e->sample);
		free(e->offsets);
		free(e);
	}
	memset(a->buckets, 0, a->nbuckets * sizeof *a->buckets);
	a->first = NULL;
	a->last = &a->first;
	a->nkeys = a->noffsets = 0;
}

void store_health_acc_free(struct store_health_acc *a)
{
	if (!a)
		return;
	store_health_acc_clear(a);
	sqlite3_finalize(a->get);
	sqlite3_finalize(a->insert);
	sqlite3_finalize(a->update);
	free(a->buckets);
	free(a);
}

static uint64_t key_hash(const struct store_health_row *r)
{
	uint64_t h = sl_hash64(&r->source_id, sizeof r->source_id, SL_HASH_SEED);
	h = sl_hash64(r->hour, strlen(r->hour), h);
	h = sl_hash64(r->category, strlen(r->category), h ^ 1);
	h = sl_hash64(r->program.p, r->program.len, h ^ 2);
	h = sl_hash64(r->shape.p, r->shape.len, h ^ 3);
	return sl_hash64(r->client.p, r->client.len, h ^ 4);
}

static bool span_is(const char *s, struct sl_span v)
{
	size_t n = s ? strlen(s) : 0;
	return n == v.len && (n == 0 || memcmp(s, v.p, n) == 0);
}

static bool same_key(const struct health_entry *e, const struct store_health_row *r)
{
	return e->source_id == r->source_id && strcmp(e->hour ? e->hour : "", r->hour) == 0 &&
	       strcmp(e->category, r->category) == 0 && span_is(e->program, r->program) &&
	       span_is(e->shape, r->shape) && span_is(e->client, r->client);
}

static char *dup_or_null(struct sl_span v, bool empty_is_null)
{
	if (!v.p || (empty_is_null && v.len == 0))
		return NULL;
	return xstrndup(v.p, v.len);
}

static void grow_buckets(struct store_health_acc *a)
{
	size_t nb = a->nbuckets * 2;
	struct health_entry **b = xcalloc(nb, sizeof *b);
	for (struct health_entry *e = a->first; e; e = e->after) {
		e->next = b[e->hash & (nb - 1)];
		b[e->hash & (nb - 1)] = e;
	}
	free(a->buckets);
	a->buckets = b;
	a->nbuckets = nb;
}

/* acc_add - the line counted in its key's entry */
static void acc_add(struct store_health_acc *a, const struct store_health_row *r)
{
	uint64_t h = key_hash(r);
	struct health_entry *e = a->buckets[h & (a->nbuckets - 1)];
	while (e && !(e->hash == h && same_key(e, r)))
		e = e->next;
	if (!e) {
		e = xcalloc(1, sizeof *e);
		e->hash = h;
		e->source_id = r->source_id;
		e->hour = r->hour[0] ? xstrndup(r->hour, strlen(r->hour)) : NULL;
		e->category = r->category;
		e->program = dup_or_null(r->program, false);
		e->shape = xstrndup(r->shape.p ? r->shape.p : "", r->shape.len);
		e->client = dup_or_null(r->client, true);
		e->sample = dup_or_null(r->sample, false);
		e->next = a->buckets[h & (a->nbuckets - 1)];
		a->buckets[h & (a->nbuckets - 1)] = e;
		*a->last = e;
		a->last = &e->after;
		if (++a->nkeys > a->nbuckets * 3 / 4)
			grow_buckets(a);
	}
	if (e->noffsets == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 4;
		e->offsets = xrealloc(e->offsets, e->cap * sizeof *e->offsets);
	}
	e->offsets[e->noffsets++] = r->offset;
	a->noffsets++;
}

static int db_error(sqlite3 *db, struct sl_error *err)
{
	return sl_error_set(err, SL_EDB, "cannot count health lines: %s", sqlite3_errmsg(db));
}

static int prepare(sqlite3 *db, sqlite3_stmt **s, const char *sql, struct sl_error *err)
{
	if (!*s && sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL) != SQLITE_OK)
		return db_error(db, err);
	return 0;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static int step_done(sqlite3 *db, sqlite3_stmt *s, struct sl_error *err)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : db_error(db, err);
}

/* flush_entry - the entry's lines past its row's last_offset, added */
static int flush_entry(struct store_health_acc *a, sqlite3 *db, const struct health_entry *e,
                       struct sl_error *err)
{
	sqlite3_stmt *g = a->get;
	sqlite3_bind_int64(g, 1, e->source_id);
	sqlite3_bind_text(g, 2, e->hour ? e->hour : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(g, 3, e->category, -1, SQLITE_STATIC);
	bind_text_or_null(g, 4, e->program);
	sqlite3_bind_text(g, 5, e->shape, -1, SQLITE_STATIC);
	sqlite3_bind_text(g, 6, e->client ? e->client : "", -1, SQLITE_STATIC);
	int rc = sqlite3_step(g);
	bool exists = rc == SQLITE_ROW;
	int64_t rowid = exists ? sqlite3_column_int64(g, 0) : 0;
	int64_t last = exists ? sqlite3_column_int64(g, 1) : -1;
	sqlite3_reset(g);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db, err);
	int64_t count = 0, max = last;
	for (size_t i = 0; i < e->noffsets; i++) {
		int64_t o = (int64_t)e->offsets[i];
		if (o > last) {
			count++;
			if (o > max)
				max = o;
		}
	}
	if (!count)
		return 0;   /* every line was counted before */
	if (exists) {
		sqlite3_stmt *u = a->update;
		sqlite3_bind_int64(u, 1, count);
		sqlite3_bind_int64(u, 2, max);
		sqlite3_bind_int64(u, 3, rowid);
		return step_done(db, u, err);
	}
	sqlite3_stmt *s = a->insert;
	sqlite3_bind_int64(s, 1, e->source_id);
	bind_text_or_null(s, 2, e->hour);
	sqlite3_bind_text(s, 3, e->category, -1, SQLITE_STATIC);
	bind_text_or_null(s, 4, e->program);
	sqlite3_bind_text(s, 5, e->shape, -1, SQLITE_STATIC);
	bind_text_or_null(s, 6, e->client);
	sqlite3_bind_int64(s, 7, count);
	bind_text_or_null(s, 8, e->sample);
	sqlite3_bind_int64(s, 9, max);
	return step_done(db, s, err);
}

int store_health_flush(struct store_health_acc *a, sqlite3 *db, struct sl_error *err)
{
	if (!a || !a->first)
		return 0;
	if (prepare(db, &a->get, get_sql, err) || prepare(db, &a->insert, insert_sql, err) ||
	    prepare(db, &a->update, update_sql, err))
		return -1;
	for (const struct health_entry *e = a->first; e; e = e->after)
		if (flush_entry(a, db, e, err))
			return -1;
	store_health_acc_clear(a);
	return 0;
}

bool store_health_fill(const struct corr_event *e, struct store_health_row *row,
                       struct sl_buf *scratch)
{
	const struct event *ev = e->ev;
	const struct logline *ll = e->ll;
	memset(row, 0, sizeof *row);
	if (!e->pos || ev->kind != EV_HEALTH || !ev->health)
		return false;
	row->source_id = e->pos->source_id;
	row->offset = e->pos->offset;
	if (ll->has_ts) {
		/* the hour: "YYYY-MM-DDTHH" of the stamp, on the hour */
		char iso[SL_TIME_ISO_MAX];
		if (sl_time_format_iso(ll->ts, iso) >= 13) {
			memcpy(row->hour, iso, 13);
			memcpy(row->hour + 13, ":00:00Z", sizeof ":00:00Z");
		}
	}
	row->category = ev->health;
	row->program = ll->program;
	if (sl_span_empty(row->program)) {
		/* Exim's own log names no program */
		const char *mta = ev->mta == EV_MTA_POSTFIX ? "postfix"
		                : ev->mta == EV_MTA_SENDMAIL ? "sendmail" : "exim";
		row->program = (struct sl_span){ mta, strlen(mta) };
	}
	row->sample = ll->message;
	/* the text, shaped now or by the caller (store_health_shape) */
	row->shape = sl_span_empty(ev->reply) ? ll->message : ev->reply;
	if (scratch)
		store_health_shape(row, scratch);
	/* an authentication failure is counted by client: its address, else its name */
	if (strcmp(ev->health, "sasl") == 0)
		row->client = !sl_span_empty(ev->remote_ip) ? ev->remote_ip : ev->remote_host;
	return true;
}

void store_health_shape(struct store_health_row *row, struct sl_buf *scratch)
{
	struct sl_span text = row->shape;
	sl_buf_reset(scratch);
	shape_text(text.p ? text.p : "", text.len, STORE_HEALTH_SHAPE_MAX, scratch);
	row->shape = (struct sl_span){ scratch->data, scratch->len };
}

int store_health_write(struct store *st, const struct store_health_row *row, struct sl_error *err)
{
	struct store_health_acc *a = store_health_batch(st, err);
	if (!a)
		return -1;
	acc_add(a, row);
	if (a->noffsets >= HEALTH_ACC_MAX_OFFSETS &&
	    store_health_flush(a, store_db(st), err) < 0)
		return -1;
	return store_row_added(st, err);
}

int store_health_sink(void *ctx, const struct corr_event *e, struct sl_error *err)
{
	struct store_health_row row;
	struct sl_buf scratch;
	sl_buf_init(&scratch);
	int rc = store_health_fill(e, &row, &scratch) ? store_health_write(ctx, &row, err) : 0;
	sl_buf_release(&scratch);
	return rc;
}
