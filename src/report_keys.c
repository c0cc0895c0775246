/* report_keys: the per-key sections' numbers (include/report.h) from one
 * pass over the received messages and one over the delivery events, each
 * key counted in a key_tally; when a pass's keys outgrow the budget, it is
 * made again in 2, 4, ... 64 partitions of the keys, one pass each. The
 * lists keep the SQL lists' order and ties (count, or bytes, descending;
 * then the key as SQLite's BINARY collation sorts it), so either path gives
 * the same report.
 * SPDX-License-Identifier: MIT */
#include "report.h"

#include <math.h>
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

/* count_row - one more row of key column i (when not NULL) into t: v0 += 1,
 * v1 += size when there is one. false when the budget refused the key. */
static bool count_row(struct key_tally *t, const struct key_budget *b, sqlite3_stmt *s, int i,
                      bool has_size, int64_t size)
{
	const char *k;
	size_t len;
	if (!key_of(s, i, &k, &len))
		return true;
	struct key_row *r = key_tally_add(t, k, len);
	if (!r)
		return !b->exceeded;   /* else another partition's key */
	key_row_add(r, 0, 1);
	if (has_size)
		key_row_add(r, 1, size);
	return true;
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

/* Partitions of a pass, up to MAX_PARTS (then the lists come from SQL) */
enum { MAX_PARTS = 64 };

/* more_parts - the partitions to try after nparts ran out of budget when
 * `seen` of the scan's rows were counted: the scan is finished to learn its
 * rows, and the keys taken to grow with them (an overestimate: keys
 * repeat), with a quarter to spare; at least twice nparts. Stepping s to
 * its end: SQLITE_DONE, or the failing step code. */
static int more_parts(sqlite3_stmt *s, uint64_t seen, unsigned nparts, unsigned *next)
{
	uint64_t rows = seen;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		rows++;
	double need = (double)nparts * (double)rows / (double)(seen ? seen : 1) * 1.25;
	unsigned n = nparts * 2;
	while (n <= MAX_PARTS && (double)n < need)
		n *= 2;
	*next = n;
	return rc;
}

/* messages_pass - the message lists in nparts passes over s: SQLITE_DONE,
 * SQLITE_FULL when a partition outgrew the budget, or the failing step code */
static int messages_pass(sqlite3_stmt *s, size_t top, size_t budget, unsigned nparts,
                         unsigned *next, struct report_keys *k)
{
	int rc = SQLITE_DONE;
	for (unsigned p = 0; p < nparts && rc == SQLITE_DONE; p++) {
		struct key_budget b = { .max = budget };
		struct key_tally *t[3];
		for (int i = 0; i < 3; i++) {
			t[i] = key_tally_new(2, &b);
			key_tally_partition(t[i], p, nparts);
		}
		sqlite3_reset(s);
		uint64_t seen = 0;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			seen++;
			bool has_size = sqlite3_column_type(s, 3) != SQLITE_NULL;
			int64_t size = has_size ? sqlite3_column_int64(s, 3) : 0;
			if (p == 0)
				k->bytes_received += size;
			if (!count_row(t[0], &b, s, 0, has_size, size) ||
			    !count_row(t[1], &b, s, 1, has_size, size) ||
			    !count_row(t[2], &b, s, 2, has_size, size)) {
				rc = more_parts(s, seen, nparts, next);
				rc = rc == SQLITE_DONE ? SQLITE_FULL : rc;
				break;
			}
		}
		if (rc == SQLITE_DONE) {
			k->senders += (int64_t)key_tally_count(t[0]);
			k->sender_domains += (int64_t)key_tally_count(t[1]);
			keep(t[0], 0, top, &k->list[RK_SENDERS], 2);
			keep(t[0], 1, top, &k->list[RK_SENDERS_BY_SIZE], 2);
			keep(t[1], 0, top, &k->list[RK_SENDING_DOMAINS], 2);
			keep(t[2], 0, top, &k->list[RK_SENDING_HOSTS], 2);
		}
		for (int i = 0; i < 3; i++)
			key_tally_free(t[i]);
	}
	return rc;
}

/* count_messages - columns: sender, sender_domain, sending host, size */
static int count_messages(sqlite3_stmt *s, size_t top, size_t budget, struct report_keys *k)
{
	for (unsigned nparts = 1, next = 2; nparts <= MAX_PARTS; nparts = next) {
		int rc = messages_pass(s, top, budget, nparts, &next, k);
		if (rc == SQLITE_DONE) {
			k->messages_ok = true;
			return 0;
		}
		k->bytes_received = k->senders = k->sender_domains = 0;
		for (int i = RK_SENDERS; i <= RK_SENDING_HOSTS; i++)
			list_free(&k->list[i]);
		if (rc != SQLITE_FULL)
			return rc;
	}
	return 0;   /* messages_ok false: SQL answers */
}

/* delivery - one event into a domain or relay tally: v0 events, v1
 * delivered, v2 deferred, v3 bounced or expired, v4 bytes delivered, v5
 * deliveries with a delay. false when the budget refused the key. */
static bool delivery(struct key_tally *t, const struct key_budget *b, sqlite3_stmt *s, int i,
                     int kind, bool has_size, int64_t size, bool has_delay)
{
	const char *key;
	size_t len;
	if (!key_of(s, i, &key, &len))
		return true;
	struct key_row *r = key_tally_add(t, key, len);
	if (!r)
		return !b->exceeded;
	key_row_add(r, 0, 1);
	key_row_add(r, (unsigned)kind, 1);
	if (kind == 1 && has_size)
		key_row_add(r, 4, size);
	if (kind == 1 && has_delay)
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

/* events_pass - the delivery lists in nparts passes over s (messages_pass) */
static int events_pass(sqlite3_stmt *s, size_t top, size_t budget, unsigned nparts,
                       unsigned *next, struct report_keys *k)
{
	int rc = SQLITE_DONE;
	for (unsigned p = 0; p < nparts && rc == SQLITE_DONE; p++) {
		struct key_budget b = { .max = budget };
		struct key_tally *rcpts = key_tally_new(2, &b), *domains = key_tally_new(6, &b),
		                 *relays = key_tally_new(6, &b);
		key_tally_partition(rcpts, p, nparts);
		key_tally_partition(domains, p, nparts);
		key_tally_partition(relays, p, nparts);
		sqlite3_reset(s);
		uint64_t seen = 0;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			seen++;
			int kind = kind_col((const char *)sqlite3_column_text(s, 0));
			if (!kind)
				continue;
			bool has_size = sqlite3_column_type(s, 4) != SQLITE_NULL;
			int64_t size = has_size ? sqlite3_column_int64(s, 4) : 0;
			bool has_delay = sqlite3_column_type(s, 5) != SQLITE_NULL;
			if (kind == 1 && p == 0)
				k->bytes_delivered += size;
			if ((kind == 1 && !count_row(rcpts, &b, s, 1, has_size, size)) ||
			    !delivery(domains, &b, s, 2, kind, has_size, size, has_delay) ||
			    !delivery(relays, &b, s, 3, kind, has_size, size, has_delay)) {
				rc = more_parts(s, seen, nparts, next);
				rc = rc == SQLITE_DONE ? SQLITE_FULL : rc;
				break;
			}
		}
		if (rc == SQLITE_DONE) {
			k->recipients += (int64_t)key_tally_count(rcpts);
			k->recipient_domains += (int64_t)key_tally_count_nonzero(domains, 1);
			keep(rcpts, 0, top, &k->list[RK_RECIPIENTS], 2);
			keep(rcpts, 1, top, &k->list[RK_RECIPIENTS_BY_SIZE], 2);
			keep(domains, 0, top, &k->list[RK_DOMAINS], 6);
			keep(relays, 0, top, &k->list[RK_RELAYS], 6);
		}
		key_tally_free(rcpts);
		key_tally_free(domains);
		key_tally_free(relays);
	}
	return rc;
}

/* count_events - columns: kind, recipient, recipient_domain, relay, size, delay */
static int count_events(sqlite3_stmt *s, size_t top, size_t budget, struct report_keys *k)
{
	for (unsigned nparts = 1, next = 2; nparts <= MAX_PARTS; nparts = next) {
		int rc = events_pass(s, top, budget, nparts, &next, k);
		if (rc == SQLITE_DONE) {
			k->events_ok = true;
			return 0;
		}
		k->bytes_delivered = k->recipients = k->recipient_domains = 0;
		for (int i = RK_RECIPIENTS; i <= RK_RELAYS; i++)
			list_free(&k->list[i]);
		if (rc != SQLITE_FULL)
			return rc;
	}
	return 0;   /* events_ok false: SQL answers */
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
	int rc = count_messages(msgs, n, budget, k);
	if (!rc)
		rc = count_events(events, n, budget, k);
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
