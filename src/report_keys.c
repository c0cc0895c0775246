/* report_keys: the per-key sections' numbers (include/report.h) from one
 * pass over the received messages and one over the delivery events, each
 * key counted in a key_tally; when a pass's keys outgrow the budget, the
 * counts so far and the rest of the pass go to partition files by the
 * key's hash, and each file is counted alone. The
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
 * (or none) and the same figures; counted in memory while the budget
 * lasts. When it runs out, the counts so far are written to PARTS
 * temporary files by a hash of their key, and so is every later row's
 * part; each file is then counted alone: every key's records are in one
 * file. A file that still outgrows the budget is split SPLIT ways the same
 * way (its keys' finer hash), at most MAX_DEPTH times. */

enum pass_kind { PASS_MESSAGES, PASS_EVENTS };
enum { PARTS = 32, SPLIT = 8, MAX_DEPTH = 2 };

/* One row's part for one tally */
struct key_fig {
	uint8_t kind;          /* events: 1 delivered, 2 deferred, 3 bounced; messages: 1 */
	uint8_t has_size, has_delay;
	int64_t size;
};

/* fig_values - what a row's figures add to tally j of pass kind pk: v[i]
 * for each bit i of the result. Messages and recipients count rows and
 * bytes (v0, v1); domains and relays (events' tallies 1 and 2) v0 events,
 * v1 delivered, v2 deferred, v3 bounced, v4 bytes delivered, v5 deliveries
 * with a delay. */
static uint32_t fig_values(enum pass_kind pk, int j, const struct key_fig *f,
                           int64_t v[KEY_TALLY_MAX_VALUES])
{
	uint32_t set = 1u;
	v[0] = 1;
	if (pk == PASS_MESSAGES || j == 0) {
		if (f->has_size) {
			v[1] = f->size;
			set |= 1u << 1;
		}
		return set;
	}
	v[f->kind] = 1;
	set |= 1u << f->kind;
	if (f->kind == 1 && f->has_size) {
		v[4] = f->size;
		set |= 1u << 4;
	}
	if (f->kind == 1 && f->has_delay) {
		v[5] = 1;
		set |= 1u << 5;
	}
	return set;
}

/* add_values - v (the values of set's bits) to key's row of t. false when
 * the budget refused the key; a key too long for a tally is left out. */
static bool add_values(struct key_tally *t, const struct key_budget *b, const char *key,
                       size_t len, uint32_t set, const int64_t *v)
{
	struct key_row *r = key_tally_add(t, key, len);
	if (!r)
		return !b->exceeded;
	for (unsigned i = 0; set >> i; i++)
		if (set >> i & 1)
			key_row_add(r, i, v[i]);
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

static void free_tallies(struct key_tally *t[3])
{
	for (int j = 0; j < 3; j++) {
		key_tally_free(t[j]);
		t[j] = NULL;
	}
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
	free_tallies(t);
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

/* A key's record in a partition file: this header, the values of set's
 * bits in order, then len bytes of key */
struct spill_hdr {
	uint32_t len;
	uint8_t tally, set, pad[2];
};

/* spill_put - a record of tally j into fp */
static bool spill_put(FILE *fp, unsigned j, uint32_t set, const int64_t *v, const char *key,
                      uint32_t len)
{
	struct spill_hdr h = { .len = len, .tally = (uint8_t)j, .set = (uint8_t)set };
	if (fwrite(&h, sizeof h, 1, fp) != 1)
		return false;
	for (unsigned i = 0; set >> i; i++)
		if (set >> i & 1 && fwrite(&v[i], sizeof v[i], 1, fp) != 1)
			return false;
	return fwrite(key, 1, len, fp) == len;
}

/* spill_get - the next record of fp (key into *key, grown as needed):
 * 1, 0 at the end, -1 on a read error or a bad record */
static int spill_get(FILE *fp, unsigned *j, uint32_t *set, int64_t v[KEY_TALLY_MAX_VALUES],
                     char **key, size_t *cap, uint32_t *len)
{
	struct spill_hdr h;
	if (fread(&h, sizeof h, 1, fp) != 1)
		return ferror(fp) ? -1 : 0;
	if (h.tally >= 3 || h.set >> KEY_TALLY_MAX_VALUES)
		return -1;
	for (unsigned i = 0; h.set >> i; i++)
		if (h.set >> i & 1 && fread(&v[i], sizeof v[i], 1, fp) != 1)
			return -1;
	if ((size_t)h.len + 1 > *cap) {
		*cap = (size_t)h.len + 1;
		*key = xrealloc(*key, *cap);
	}
	if (fread(*key, 1, h.len, fp) != h.len)
		return -1;
	*j = h.tally, *set = h.set, *len = h.len;
	return 1;
}

/* The partition files of a pass, or of a partition being split */
struct spill {
	FILE **fp;
	unsigned n;        /* files */
	unsigned nparts;   /* the partitions of the whole pass at this depth */
	unsigned first;    /* the first of them these files hold */
};

static void spill_close(struct spill *sp)
{
	for (unsigned p = 0; sp->fp && p < sp->n; p++)
		if (sp->fp[p])
			fclose(sp->fp[p]);
	free(sp->fp);
	sp->fp = NULL;
}

/* spill_open - n files for partitions first..first+n-1 of nparts; false
 * when a file cannot be made */
static bool spill_open(struct spill *sp, unsigned n, unsigned nparts, unsigned first)
{
	sp->fp = xcalloc(n, sizeof *sp->fp);
	sp->n = n, sp->nparts = nparts, sp->first = first;
	for (unsigned p = 0; p < n; p++)
		if (!(sp->fp[p] = tmpfile())) {
			spill_close(sp);
			return false;
		}
	return true;
}

static bool spill_key(struct spill *sp, unsigned j, uint32_t set, const int64_t *v,
                      const char *key, uint32_t len)
{
	unsigned p = key_tally_part_of(key, len, sp->nparts) - sp->first;
	return spill_put(sp->fp[p], j, set, v, key, len);
}

/* spill_tallies - every row counted so far into the partition files */
static bool spill_tallies(struct spill *sp, struct key_tally *t[3])
{
	bool ok = true;
	for (unsigned j = 0; j < 3 && ok; j++) {
		size_t n = key_tally_count(t[j]);
		const struct key_row **rows = xcalloc(n ? n : 1, sizeof *rows);
		key_tally_rows(t[j], rows);
		for (size_t i = 0; i < n && ok; i++)
			ok = spill_key(sp, j, rows[i]->set, rows[i]->v, key_row_key(t[j], rows[i]),
			               rows[i]->len);
		free(rows);
	}
	return ok;
}

/* count_part - partition `part` of nparts, whose records fp holds, into k:
 * counted alone, or split SPLIT ways when it outgrows the budget. false
 * when a file fails or a partition at MAX_DEPTH still outgrows it. */
static bool count_part(FILE *fp, unsigned part, unsigned nparts, unsigned depth,
                       enum pass_kind pk, size_t top, size_t budget, struct report_keys *k)
{
	struct key_budget b = { .max = budget };
	struct key_tally *t[3];
	new_tallies(pk, &b, t);
	char *key = NULL;
	size_t cap = 0;
	unsigned j;
	uint32_t set, len;
	int64_t v[KEY_TALLY_MAX_VALUES];
	int got = 0;
	bool ok = fflush(fp) == 0 && fseek(fp, 0, SEEK_SET) == 0, full = false;
	while (ok && (got = spill_get(fp, &j, &set, v, &key, &cap, &len)) > 0)
		if (!add_values(t[j], &b, key, len, set, v)) {
			full = true;
			break;
		}
	ok = ok && got >= 0;
	if (ok && !full) {
		finish_tallies(pk, t, top, k);
		k->parts++;
		free(key);
		return true;
	}
	free_tallies(t);
	if (!ok || depth >= MAX_DEPTH) {
		free(key);
		return false;
	}
	/* the records once more, into SPLIT finer partitions of this one */
	struct spill sub;
	ok = fseek(fp, 0, SEEK_SET) == 0 &&
	     spill_open(&sub, SPLIT, nparts * SPLIT, part * SPLIT);
	if (!ok) {
		free(key);
		return false;
	}
	while (ok && (got = spill_get(fp, &j, &set, v, &key, &cap, &len)) > 0)
		ok = spill_key(&sub, j, set, v, key, len);
	free(key);
	ok = ok && got == 0;
	for (unsigned p = 0; p < SPLIT && ok; p++)
		ok = count_part(sub.fp[p], part * SPLIT + p, nparts * SPLIT, depth + 1, pk, top,
		                budget, k);
	spill_close(&sub);
	return ok;
}

/* count_pass - one pass's lists into k (ok set), or left for SQL (ok
 * false) when a partition file cannot be made or even a partition of the
 * deepest split outgrows the budget; 0 or the failing step code */
static int count_pass(sqlite3_stmt *s, enum pass_kind pk, size_t top, size_t budget,
                      struct report_keys *k, bool *ok)
{
	struct key_budget b = { .max = budget };
	struct key_tally *t[3];
	new_tallies(pk, &b, t);
	struct spill sp = { 0 };
	bool spilling = false, failed = false;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && !failed) {
		struct key_fig f;
		int col[3];
		if (!row_figs(s, pk, k, &f, col))
			continue;
		for (int j = 0; j < 3 && !failed; j++) {
			const char *key;
			size_t len;
			if (col[j] < 0 || !key_of(s, col[j], &key, &len) || len > UINT32_MAX)
				continue;
			int64_t v[KEY_TALLY_MAX_VALUES];
			uint32_t set = fig_values(pk, j, &f, v);
			if (!spilling) {
				if (add_values(t[j], &b, key, len, set, v))
					continue;
				/* the budget ran out: what is counted goes to the files */
				spilling = true;
				failed = !spill_open(&sp, PARTS, PARTS, 0) || !spill_tallies(&sp, t);
				free_tallies(t);
			}
			failed = failed || !spill_key(&sp, (unsigned)j, set, v, key, (uint32_t)len);
		}
	}
	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE;   /* stopped by a failed file: SQL answers */
	if (rc != SQLITE_DONE || failed) {
		free_tallies(t);
	} else if (!spilling) {
		finish_tallies(pk, t, top, k);
	} else {
		for (unsigned p = 0; p < PARTS && !failed; p++)
			failed = !count_part(sp.fp[p], p, PARTS, 0, pk, top, budget, k);
	}
	spill_close(&sp);
	*ok = rc == SQLITE_DONE && !failed;
	if (!*ok)
		reset_pass(pk, k);
	return rc == SQLITE_DONE ? 0 : rc;
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
