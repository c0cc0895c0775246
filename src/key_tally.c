/* key_tally: see include/key_tally.h. Rows live in arena chunks (a row and
 * its key together, never freed one by one); an open-addressing table of
 * row pointers finds them. Both count against the budget.
 * SPDX-License-Identifier: MIT */
#include "key_tally.h"

#include <stdlib.h>
#include <string.h>
#include "util.h"

/* Arena chunks of 256 KiB, smaller under a small budget (a sixteenth of
 * it, at least 4 KiB), so that partitions of a small budget hold keys */
enum { CHUNK_BYTES = 256 * 1024, MIN_CHUNK_BYTES = 4096, FIRST_SLOTS = 64 };

struct chunk {
	struct chunk *next;
	size_t used, size;
	int64_t data[];            /* int64_t: rows are 8-aligned */
};

struct key_tally {
	unsigned nvalues;
	struct key_budget *budget;
	struct key_row **slots;
	uint32_t *hashes;          /* of slots[i]'s key; 0 = an empty slot. Probes read
	                              these, not the rows: a row is touched on a match */
	size_t cap, count;         /* cap: a power of two */
	struct chunk *chunks;
};

struct key_tally *key_tally_new(unsigned nvalues, struct key_budget *budget)
{
	if (nvalues < 1 || nvalues > KEY_TALLY_MAX_VALUES)
		SL_BUG("key_tally of %u values", nvalues);
	struct key_tally *t = xcalloc(1, sizeof *t);
	t->nvalues = nvalues;
	t->budget = budget;
	return t;
}

static uint32_t hash_of(const char *key, size_t len)
{
	uint64_t h = sl_hash64(key, len, SL_HASH_SEED);
	uint32_t h32 = (uint32_t)(h ^ (h >> 32));
	return h32 ? h32 : 1;   /* 0 marks an empty slot */
}

/* part_of - the partition from the hash's high bits (the slots use its low ones) */
static unsigned part_of(uint32_t h, unsigned nparts)
{
	return (unsigned)(((uint64_t)h * nparts) >> 32);
}

unsigned key_tally_part_of(const char *key, size_t len, unsigned nparts)
{
	return part_of(hash_of(key, len), nparts);
}


void key_tally_free(struct key_tally *t)
{
	if (!t)
		return;
	for (struct chunk *c = t->chunks, *next; c; c = next) {
		next = c->next;
		t->budget->used -= sizeof *c + c->size;
		free(c);
	}
	t->budget->used -= t->cap * (sizeof *t->slots + sizeof *t->hashes);
	free(t->slots);
	free(t->hashes);
	free(t);
}

/* charge - n more bytes of the budget, or false (and the budget marked) */
static bool charge(struct key_tally *t, size_t n)
{
	struct key_budget *b = t->budget;
	if (b->used + n > b->max || b->used + n < b->used) {
		b->exceeded = true;
		return false;
	}
	b->used += n;
	return true;
}


/* grow - twice the slots (FIRST_SLOTS at first), every row placed again */
static bool grow(struct key_tally *t)
{
	size_t cap = t->cap ? t->cap * 2 : FIRST_SLOTS;
	if (!charge(t, cap * (sizeof *t->slots + sizeof *t->hashes)))
		return false;
	struct key_row **slots = xcalloc(cap, sizeof *slots);
	uint32_t *hashes = xcalloc(cap, sizeof *hashes);
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->hashes[i])
			continue;
		size_t j = t->hashes[i] & (cap - 1);
		while (hashes[j])
			j = (j + 1) & (cap - 1);
		slots[j] = t->slots[i];
		hashes[j] = t->hashes[i];
	}
	t->budget->used -= t->cap * (sizeof *t->slots + sizeof *t->hashes);
	free(t->slots);
	free(t->hashes);
	t->slots = slots;
	t->hashes = hashes;
	t->cap = cap;
	return true;
}

/* alloc - n bytes (8-aligned) from the arena */
static void *alloc(struct key_tally *t, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	struct chunk *c = t->chunks;
	if (!c || c->size - c->used < n) {
		size_t chunk = t->budget->max / 16;
		chunk = chunk > CHUNK_BYTES ? CHUNK_BYTES : chunk < MIN_CHUNK_BYTES ? MIN_CHUNK_BYTES : chunk;
		size_t size = n > chunk ? n : chunk;
		if (!charge(t, sizeof *c + size))
			return NULL;
		c = xmalloc(sizeof *c + size);
		c->next = t->chunks;
		c->used = 0;
		c->size = size;
		t->chunks = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

/* lookup - the row of key (whose hash is h), or NULL */
static struct key_row *lookup(const struct key_tally *t, const char *key, size_t len, uint32_t h)
{
	if (!t->cap)
		return NULL;
	for (size_t j = h & (t->cap - 1);; j = (j + 1) & (t->cap - 1)) {
		if (!t->hashes[j])
			return NULL;
		struct key_row *r = t->slots[j];
		if (t->hashes[j] == h && r->len == len && memcmp(key_row_key(t, r), key, len) == 0)
			return r;
	}
}

struct key_row *key_tally_find(const struct key_tally *t, const char *key, size_t len)
{
	return len > UINT32_MAX ? NULL : lookup(t, key, len, hash_of(key, len));
}

struct key_row *key_tally_add(struct key_tally *t, const char *key, size_t len)
{
	if (len > UINT32_MAX)
		return NULL;
	uint32_t h = hash_of(key, len);
	struct key_row *found = lookup(t, key, len, h);
	if (found)
		return found;
	if ((t->count + 1) * 4 > t->cap * 3 && !grow(t))   /* at most 3/4 full */
		return NULL;
	size_t head = sizeof(struct key_row) + t->nvalues * sizeof(int64_t);
	struct key_row *r = alloc(t, head + len);
	if (!r)
		return NULL;
	memset(r, 0, head);
	if (len)
		memcpy((char *)r + head, key, len);
	r->len = (uint32_t)len;
	size_t j = h & (t->cap - 1);
	while (t->hashes[j])
		j = (j + 1) & (t->cap - 1);
	t->slots[j] = r;
	t->hashes[j] = h;
	t->count++;
	return r;
}

const char *key_row_key(const struct key_tally *t, const struct key_row *r)
{
	return (const char *)r + sizeof *r + t->nvalues * sizeof(int64_t);
}

size_t key_tally_count(const struct key_tally *t)
{
	return t->count;
}

size_t key_tally_count_nonzero(const struct key_tally *t, unsigned i)
{
	if (i >= t->nvalues)
		SL_BUG("key_tally value %u of %u", i, t->nvalues);
	size_t n = 0;
	for (size_t j = 0; j < t->cap; j++)
		n += t->slots[j] && t->slots[j]->v[i] != 0;
	return n;
}

size_t key_tally_rows(const struct key_tally *t, const struct key_row **out)
{
	size_t n = 0;
	for (size_t j = 0; j < t->cap; j++)
		if (t->slots[j])
			out[n++] = t->slots[j];
	return n;
}

int key_compare(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* before - whether a comes before b in ORDER BY v[i] DESC (unset last), key */
static bool before(const struct key_tally *t, const struct key_row *a, const struct key_row *b,
                   unsigned i)
{
	bool as = a->set >> i & 1, bs = b->set >> i & 1;
	if (as != bs)
		return as;
	if (as && a->v[i] != b->v[i])
		return a->v[i] > b->v[i];
	return key_compare(key_row_key(t, a), a->len, key_row_key(t, b), b->len) < 0;
}

size_t key_tally_top(const struct key_tally *t, unsigned i, size_t k,
                     const struct key_row **out)
{
	if (i >= t->nvalues)
		SL_BUG("key_tally value %u of %u", i, t->nvalues);
	size_t n = 0;
	if (k == 0)
		return 0;
	/* out stays sorted; a row enters only if it beats the last: for the
	 * handful of rows a report lists, cheaper than sorting every key */
	for (size_t j = 0; j < t->cap; j++) {
		const struct key_row *r = t->slots[j];
		if (!r || (n == k && !before(t, r, out[n - 1], i)))
			continue;
		size_t at = n < k ? n++ : k - 1;
		while (at > 0 && before(t, r, out[at - 1], i)) {
			out[at] = out[at - 1];
			at--;
		}
		out[at] = r;
	}
	return n;
}
