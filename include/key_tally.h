/* key_tally: counts per text key, in memory and bounded. The report counts
 * senders, recipients, domains, hosts and relays in one pass over the rows
 * with these instead of one SQL GROUP BY (a sort) per list. Every tally of
 * one pass draws on a shared byte budget; when a new key would exceed it,
 * key_tally_add refuses (NULL) and the caller answers from SQL instead, so a
 * month of keys never grows the process past the budget.
 * SPDX-License-Identifier: MIT */
#ifndef SMTPLOG_KEY_TALLY_H
#define SMTPLOG_KEY_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEY_TALLY_MAX_VALUES 6

struct key_tally;

struct key_budget {
	size_t used, max;      /* bytes of every tally drawing on it */
	bool exceeded;         /* a key was refused */
};

struct key_row {
	uint32_t len;          /* of the key, whose bytes follow the counters */
	uint32_t set;          /* bit i: v[i] has had a value added (an SQL sum is NULL until then) */
	int64_t v[];           /* the tally's nvalues counters */
};

/* The key of a row of t: len bytes, not NUL-terminated. */
const char *key_row_key(const struct key_tally *t, const struct key_row *r);

/* A tally whose rows carry nvalues (1..KEY_TALLY_MAX_VALUES) counters. */
struct key_tally *key_tally_new(unsigned nvalues, struct key_budget *budget);
/* The partition (0..nparts-1) of a key, by its hash: a count past its
 * budget writes each key to its partition and counts them one by one. */
unsigned key_tally_part_of(const char *key, size_t len, unsigned nparts);
void key_tally_free(struct key_tally *t);

/* The row of key[0..len), added with zero counters if new; NULL when the
 * budget cannot hold it (budget->exceeded is then set). */
struct key_row *key_tally_add(struct key_tally *t, const char *key, size_t len);

/* The row of key[0..len), or NULL when it has none. */
struct key_row *key_tally_find(const struct key_tally *t, const char *key, size_t len);

/* v[i] += n, marking v[i] as having a value */
static inline void key_row_add(struct key_row *r, unsigned i, int64_t n)
{
	r->v[i] += n;
	r->set |= 1u << i;
}

size_t key_tally_count(const struct key_tally *t);
/* Rows whose v[i] is non-zero. */
size_t key_tally_count_nonzero(const struct key_tally *t, unsigned i);

/* The k first rows (fewer when there are fewer) in SQL's "ORDER BY v[i]
 * DESC, key" order: a value never set sorts last (SQL's NULL), keys compare
 * as SQLite's BINARY collation does. Writes them to out; returns how many. */
size_t key_tally_top(const struct key_tally *t, unsigned i, size_t k,
                     const struct key_row **out);

/* Every row of t, in no order, into out (key_tally_count(t) of them). */
size_t key_tally_rows(const struct key_tally *t, const struct key_row **out);

/* SQLite's BINARY order of two texts: memcmp, then the shorter first. */
int key_compare(const char *a, size_t alen, const char *b, size_t blen);

#endif
