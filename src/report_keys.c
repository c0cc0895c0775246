/* report_keys: the per-key sections' numbers (include/report.h) from one
 * pass over the received messages and one over the delivery events, each
 * key counted in a key_tally; when a pass's keys outgrow the budget, it is
 * made again writing the keys to partition files by their hash, and each
 * file is counted alone. The
 * lists keep the SQL lists' order and ties (count, or bytes, descending;
 * then the key as SQLite's BINARY collation sorts it), so either path gives
 * the same report.
 * SPDX-License-Identifier: MIT */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "key_tally.h"

/* key_of - column i as a key; false for NULL (SQL's lists leave NULL keys out) */
static bool key_of(sqlite3_stmt *s, int i, const char **key, size_t *len)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return false;
	*key = (const char *)sqlite3_column_text(s, i);
	*len = (size_t)sqlite3_column_bytes(s, i);
	return *key != NULL;
}

/* row_before - whether a ranks before b by value i (key_tally_top's order) */
static bool row_before(const struct report_key_row *a, const struct report_key_row *b, unsigned i)
{
	bool as = a->set >> i & 1, bs = b->set >> i & 1;
	if (as != bs)
		return as;
	if (as && a->v[i] != b->v[i])
		return a->v[i] > b->v[i];
	return key_compare(a->key, a->len, b->key, b->len) < 0;
}

/* keep - the top rows of t by value i added to list: list keeps the first
 * top of its rows and these (partitions hold other keys, so the first top
 * of all is among them), and counts t's keys */
static void keep(const struct key_tally *t, unsigned i, size_t top, struct report_key_list *list,
                 unsigned nvalues)
{
	const struct key_row **best = xcalloc(top ? top : 1, sizeof *best);
	size_t n = key_tally_top(t, i, top, best);
	list->rows = xrealloc(list->rows, (list->nrows + n + 1) * sizeof *list->rows);
	list->keys += (int64_t)key_tally_count(t);
	for (size_t j = 0; j < n; j++) {
		struct report_key_row r = { 0 };
		r.len = best[j]->len;
		r.key = xmalloc(r.len + 1);
		memcpy(r.key, key_row_key(t, best[j]), r.len);
		r.key[r.len] = '\0';
		for (unsigned v = 0; v < nvalues; v++)
			r.v[v] = best[j]->v[v];
		r.set = best[j]->set;
		r.delay_avg = r.delay_p95 = r.delay_max = NAN;
		/* insert in order; past the first top, drop the last */
		size_t at = list->nrows++;
		while (at > 0 && row_before(&r, &list->rows[at - 1], i)) {
			list->rows[at] = list->rows[at - 1];
			at--;
		}
		list->rows[at] = r;
		if (list->nrows > top)
			free(list->rows[--list->nrows].key);
	}
	free(best);
}

static void list_free(struct report_key_list *l)
{
	for (size_t j = 0; j < l->nrows; j++)
		free(l->rows[j].key);
	free(l->rows);
	memset(l, 0, sizeof *l);
}

/* ---- the two passes. A row gives each of a pass's three tallies a key
 * (or none) and the same figures; counted in memory at first. When the
 * budget runs out, the pass is made once more, writing each key with its
 * figures to one of nparts temporary files by a hash of the key, and each
 * file is then counted alone: every key's rows are in one file. */

enum pass_kind { PASS_MESSAGES, PASS_EVENTS };
enum { MAX_PARTS = 1024 };

/* One row's part for one tally */
struct key_fig {
	uint8_t kind;          /* events: 1 delivered, 2 deferred, 3 bounced; messages: 1 */
	uint8_t has_size, has_delay;
	int64_t size;
};

/* add_fig - a key's figures into tally j of pass kind: messages and
 * recipients count rows and bytes (v0, v1); domains and relays (events'
 * tallies 1 and 2) v0 events, v1 delivered, v2 deferred, v3 bounced, v4
 * bytes delivered, v5 deliveries with a delay. false when refused. */
static bool add_fig(struct key_tally *t, const struct key_budget *b, enum pass_kind pk, int j,
                    const char *key, size_t len, const struct key_fig *f)
{
	struct key_row *r = key_tally_add(t, key, len);
	if (!r)
		return !b->exceeded;   /* else another partition's key */
	key_row_add(r, 0, 1);
	if (pk == PASS_MESSAGES || j == 0) {
		if (f->has_size)
			key_row_add(r, 1, f->size);
		return true;
	}
	key_row_add(r, f->kind, 1);
	if (f->kind == 1 && f->has_size)
		key_row_add(r, 4, f->size);
	if (f->kind == 1 && f->has_delay)
		key_row_add(r, 5, 1);
	return true;
}

/* kind_col - 1 delivered or forwarded, 2 deferred, 3 bounced or expired, 0 other */
static int kind_col(const char *kind)
{
	if (!kind)
		return 0;
	if (!strcmp(kind, "delivered") || !strcmp(kind, "forwarded"))
		return 1;
	if (!strcmp(kind, "deferred"))
		return 2;
	if (!strcmp(kind, "bounced") || !strcmp(kind, "expired"))
		return 3;
	return 0;
}

/* row_figs - the current row's figures, the sums of the whole pass added
 * to k, and the column of each tally's key (-1: none for this row).
 * Messages: sender, sender_domain, sending host, size. Events: kind,
 * recipient, recipient_domain, relay, size, delay. false: not counted. */
static bool row_figs(sqlite3_stmt *s, enum pass_kind pk, struct report_keys *k,
                     struct key_fig *f, int col[3])
{
	if (pk == PASS_MESSAGES) {
		f->kind = 1;
		f->has_size = sqlite3_column_type(s, 3) != SQLITE_NULL;
		f->size = f->has_size ? sqlite3_column_int64(s, 3) : 0;
		f->has_delay = 0;
		k->bytes_received += f->size;
		col[0] = 0, col[1] = 1, col[2] = 2;
		return true;
	}
	int kind = kind_col((const char *)sqlite3_column_text(s, 0));
	if (!kind)
		return false;
	f->kind = (uint8_t)kind;
	f->has_size = sqlite3_column_type(s, 4) != SQLITE_NULL;
	f->size = f->has_size ? sqlite3_column_int64(s, 4) : 0;
	f->has_delay = sqlite3_column_type(s, 5) != SQLITE_NULL;
	if (kind == 1)
		k->bytes_delivered += f->size;
	col[0] = kind == 1 ? 1 : -1, col[1] = 2, col[2] = 3;   /* recipients: deliveries only */
	return true;
}

/* The tallies of a pass: values per tally, and the lists they fill */
static const unsigned pass_values[2][3] = { { 2, 2, 2 }, { 2, 6, 6 } };

static void new_tallies(enum pass_kind pk, struct key_budget *b, struct key_tally *t[3])
{
	for (int j = 0; j < 3; j++)
		t[j] = key_tally_new(pass_values[pk][j], b);
}

/* finish_tallies - a counted set of keys (all, or one partition's) into k */
static void finish_tallies(enum pass_kind pk, struct key_tally *t[3], size_t top,
                           struct report_keys *k)
{
	if (pk == PASS_MESSAGES) {
		k->senders += (int64_t)key_tally_count(t[0]);
		k->sender_domains += (int64_t)key_tally_count(t[1]);
		keep(t[0], 0, top, &k->list[RK_SENDERS], 2);
		keep(t[0], 1, top, &k->list[RK_SENDERS_BY_SIZE], 2);
		keep(t[1], 0, top, &k->list[RK_SENDING_DOMAINS], 2);
		keep(t[2], 0, top, &k->list[RK_SENDING_HOSTS], 2);
	} else {
		k->recipients += (int64_t)key_tally_count(t[0]);
		k->recipient_domains += (int64_t)key_tally_count_nonzero(t[1], 1);
		keep(t[0], 0, top, &k->list[RK_RECIPIENTS], 2);
		keep(t[0], 1, top, &k->list[RK_RECIPIENTS_BY_SIZE], 2);
		keep(t[1], 0, top, &k->list[RK_DOMAINS], 6);
		keep(t[2], 0, top, &k->list[RK_RELAYS], 6);
	}
	for (int j = 0; j < 3; j++)
		key_tally_free(t[j]);
}

/* reset_pass - k as before the pass */
static void reset_pass(enum pass_kind pk, struct report_keys *k)
{
	int first = pk == PASS_MESSAGES ? RK_SENDERS : RK_RECIPIENTS;
	int last = pk == PASS_MESSAGES ? RK_SENDING_HOSTS : RK_RELAYS;
	for (int i = first; i <= last; i++)
		list_free(&k->list[i]);
	if (pk == PASS_MESSAGES)
		k->bytes_received = k->senders = k->sender_domains = 0;
	else
		k->bytes_delivered = k->recipients = k->recipient_domains = 0;
}

/* in_memory - the pass counted in memory: SQLITE_DONE; SQLITE_FULL when
 * the budget ran out (with *rows and *seen: the scan's rows, and those
 * counted before it ran out); or the failing step code */
static int in_memory(sqlite3_stmt *s, enum pass_kind pk, size_t top, size_t budget,
                     struct report_keys *k, uint64_t *rows, uint64_t *seen)
{
	struct key_budget b = { .max = budget };
	struct key_tally *t[3];
	new_tallies(pk, &b, t);
	int rc;
	bool full = false;
	*rows = *seen = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		++*rows;
		struct key_fig f;
		int col[3];
		if (full || !row_figs(s, pk, k, &f, col))
			continue;
		++*seen;
		for (int j = 0; j < 3 && !full; j++) {
			const char *key;
			size_t len;
			if (col[j] >= 0 && key_of(s, col[j], &key, &len) &&
			    !add_fig(t[j], &b, pk, j, key, len, &f))
				full = true;   /* go on to the end: the rows are counted */
		}
	}
	if (rc == SQLITE_DONE && !full) {
		finish_tallies(pk, t, top, k);
		return SQLITE_DONE;
	}
	for (int j = 0; j < 3; j++)
		key_tally_free(t[j]);
	return rc == SQLITE_DONE ? SQLITE_FULL : rc;
}

/* A key's record in a partition file: the header, then len bytes */
struct spill_rec {
	uint8_t tally;
	struct key_fig f;
	uint32_t len;
};

/* spilled - the pass once more, each key written to its partition's file,
 * then each file counted alone: SQLITE_DONE; SQLITE_FULL when a file cannot
 * be made or one partition outgrows the budget; or the failing step code */
static int spilled(sqlite3_stmt *s, enum pass_kind pk, size_t top, size_t budget,
                   unsigned nparts, struct report_keys *k)
{
	FILE **part = xcalloc(nparts, sizeof *part);
	int rc = SQLITE_FULL;
	unsigned made = 0;
	for (; made < nparts; made++)
		if (!(part[made] = tmpfile()))
			goto out;
	reset_pass(pk, k);
	sqlite3_reset(s);
	bool ok = true;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && ok) {
		struct key_fig f;
		int col[3];
		if (!row_figs(s, pk, k, &f, col))
			continue;
		for (int j = 0; j < 3; j++) {
			const char *key;
			size_t len;
			if (col[j] < 0 || !key_of(s, col[j], &key, &len) || len > UINT32_MAX)
				continue;
			struct spill_rec r = { .tally = (uint8_t)j, .f = f, .len = (uint32_t)len };
			FILE *fp = part[key_tally_part_of(key, len, nparts)];
			ok = fwrite(&r, sizeof r, 1, fp) == 1 && fwrite(key, 1, len, fp) == len;
		}
	}
	if (rc != SQLITE_DONE)
		goto out;
	rc = SQLITE_FULL;
	if (!ok)
		goto out;
	char *key = NULL;
	size_t cap = 0;
	for (unsigned p = 0; p < nparts && ok; p++) {
		struct key_budget b = { .max = budget };
		struct key_tally *t[3];
		new_tallies(pk, &b, t);
		struct spill_rec r;
		ok = fflush(part[p]) == 0 && fseek(part[p], 0, SEEK_SET) == 0;
		while (ok && fread(&r, sizeof r, 1, part[p]) == 1) {
			if (r.len + (size_t)1 > cap) {
				cap = r.len + (size_t)1;
				key = xrealloc(key, cap);
			}
			ok = fread(key, 1, r.len, part[p]) == r.len && r.tally < 3 &&
			     add_fig(t[r.tally], &b, pk, r.tally, key, r.len, &r.f);
		}
		ok = ok && !ferror(part[p]);
		if (ok) {
			finish_tallies(pk, t, top, k);
		} else {
			for (int j = 0; j < 3; j++)
				key_tally_free(t[j]);
		}
		fclose(part[p]);
		part[p] = NULL;
	}
	free(key);
	rc = ok ? SQLITE_DONE : SQLITE_FULL;
out:
	for (unsigned p = 0; p < made; p++)
		if (part[p])
			fclose(part[p]);
	free(part);
	return rc;
}

/* count_pass - one pass's lists into k (ok set), or left for SQL (ok
 * false) when even its partitions do not fit; 0 or the failing step code */
static int count_pass(sqlite3_stmt *s, enum pass_kind pk, size_t top, size_t budget,
                      struct report_keys *k, bool *ok)
{
	uint64_t rows, seen;
	int rc = in_memory(s, pk, top, budget, k, &rows, &seen);
	if (rc == SQLITE_FULL) {
		/* as many partitions as the rows counted before the budget ran out
		 * say (keys repeat, so this overestimates), with a quarter to spare */
		double need = (double)rows / (double)(seen ? seen : 1) * 1.25;
		unsigned nparts = 2;
		while (nparts < MAX_PARTS && (double)nparts < need)
			nparts *= 2;
		rc = spilled(s, pk, top, budget, nparts, k);
	}
	*ok = rc == SQLITE_DONE;
	if (!*ok)
		reset_pass(pk, k);
	return rc == SQLITE_DONE || rc == SQLITE_FULL ? 0 : rc;
}

/* The delays of one listed key: the sum and maximum as they come, and the
 * `keep` largest in a min-heap, whose least is then the 95th percentile. */
struct key_delays {
	double sum, max;
	int64_t seen;
	double *heap;
	size_t n, keep;
};

/* p95_rank - the rank (1-based, ascending) of SQL's 95th percentile among n
 * values: the first j whose cume_dist() j/n, in doubles, is at least 0.95 */
static int64_t p95_rank(int64_t n)
{
	int64_t j = (int64_t)ceil(0.95 * (double)n);
	while (j > 1 && (double)(j - 1) / (double)n >= 0.95)
		j--;
	while (j < n && (double)j / (double)n < 0.95)
		j++;
	return j;
}

static void heap_push(struct key_delays *d, double v)
{
	double *h = d->heap;
	if (d->n < d->keep) {
		size_t i = d->n++;
		for (; i > 0 && h[(i - 1) / 2] > v; i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = v;
		return;
	}
	if (!(v > h[0]))
		return;
	/* the least of the largest gives way: v sifts down from the top */
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		double least = v;
		if (l < d->n && h[l] < least) {
			m = l;
			least = h[l];
		}
		if (r < d->n && h[r] < least)
			m = r;
		if (m == i)
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = v;
}

/* count_delays - the delays of the listed domains and relays. Left without
 * (has_delays false, and the caller asks SQL) past the budget, or when a
 * key's deliveries with a delay are not the ones counted before. */
static int count_delays(sqlite3_stmt *s, size_t budget, struct report_keys *k)
{
	const enum report_key_lists lists[2] = { RK_DOMAINS, RK_RELAYS };
	struct key_budget b = { .max = budget };
	struct key_tally *index[2] = { NULL, NULL };
	struct key_delays *dl[2] = { NULL, NULL };
	bool ok = true;
	for (int l = 0; l < 2; l++) {
		struct report_key_list *list = &k->list[lists[l]];
		index[l] = key_tally_new(1, &b);
		dl[l] = xcalloc(list->nrows ? list->nrows : 1, sizeof *dl[l]);
		for (size_t i = 0; ok && i < list->nrows; i++) {
			struct key_row *r = key_tally_add(index[l], list->rows[i].key,
			                                  strlen(list->rows[i].key));
			int64_t n = list->rows[i].v[5];
			size_t keep = n > 0 ? (size_t)(n - p95_rank(n) + 1) : 0;
			if (!r || b.used + keep * sizeof(double) > b.max) {
				ok = false;
				break;
			}
			b.used += keep * sizeof(double);
			r->v[0] = (int64_t)i;
			dl[l][i].keep = keep;
			dl[l][i].heap = keep ? xmalloc(keep * sizeof(double)) : NULL;
			dl[l][i].max = -INFINITY;
		}
	}
	int rc = SQLITE_DONE;
	while (ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		double v = sqlite3_column_double(s, 2);
		for (int l = 0; l < 2; l++) {
			const char *key;
			size_t len;
			if (!key_of(s, l, &key, &len))
				continue;
			const struct key_row *r = key_tally_find(index[l], key, len);
			if (!r)
				continue;
			struct key_delays *d = &dl[l][r->v[0]];
			d->sum += v;
			d->seen++;
			if (v > d->max)
				d->max = v;
			if (d->keep)
				heap_push(d, v);
		}
	}
	for (int l = 0; l < 2; l++) {
		struct report_key_list *list = &k->list[lists[l]];
		for (size_t i = 0; ok && rc == SQLITE_DONE && i < list->nrows; i++) {
			struct report_key_row *row = &list->rows[i];
			const struct key_delays *d = &dl[l][i];
			if (d->seen != row->v[5])
				continue;    /* not the rows counted: SQL answers this key */
			row->has_delays = true;
			if (d->seen > 0) {
				row->delay_avg = d->sum / (double)d->seen;
				row->delay_max = d->max;
				row->delay_p95 = d->heap[0];
			}
		}
		for (size_t i = 0; dl[l] && i < list->nrows; i++)
			free(dl[l][i].heap);
		free(dl[l]);
		key_tally_free(index[l]);
	}
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc;
}

int report_keys_count(sqlite3_stmt *msgs, sqlite3_stmt *events, sqlite3_stmt *delays, int top,
                      size_t budget, struct report_keys *k)
{
	memset(k, 0, sizeof *k);
	size_t n = top > 0 ? (size_t)top : 0;
	int rc = count_pass(msgs, PASS_MESSAGES, n, budget, k, &k->messages_ok);
	if (!rc)
		rc = count_pass(events, PASS_EVENTS, n, budget, k, &k->events_ok);
	if (!rc && k->events_ok)
		rc = count_delays(delays, budget, k);
	return rc;
}

void report_keys_free(struct report_keys *k)
{
	for (size_t i = 0; i < RK_LIST_COUNT; i++)
		list_free(&k->list[i]);
	memset(k, 0, sizeof *k);
}
