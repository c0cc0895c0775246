/* report_groups: the failure groups of one report section counted in one
 * pass over its events (see include/report.h), with the numbers and the
 * order of the SQL they replace (report.c's read_groups, read_group_tops and
 * the rejections' client and sender lists): GROUP BY code, enhanced code,
 * reason and status shape; count(*), count(DISTINCT), the sample reply SQL
 * picks (add_row), the kind when all share it; each group's top domains and
 * hosts ranked by count, then key (BINARY); NULL sorts first, as in SQL.
 * SPDX-License-Identifier: MIT */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "key_tally.h"
#include "shape.h"

/* A group while counting: what SQL's GROUP BY row holds */
struct grp {
	bool has_code;
	int code;
	char *enhanced, *reason, *shape;
	int64_t count, distinct;
	size_t index;               /* before sorting */
	char *sample;
	char *min_kind, *max_kind;  /* NULL until a row has one */
};

struct pass {
	struct key_budget budget;
	struct key_tally *groups;   /* key: the group's key; v0: index + 1 */
	struct key_tally *distinct; /* key: group index, the value; v0: rows */
	struct key_tally *tops[2];  /* key: group index, domain / host; v0: rows */
	struct key_tally *clients;  /* rejections: v0 rows, v1 index + 1 of its largest HELO */
	struct key_tally *senders;  /* rejections: v0 rows */
	struct grp *g;
	size_t ng, capg;
	char **helos;
	size_t nhelos, caphelos;
	struct sl_buf key;          /* scratch */
};

/* charge - n bytes of strings held beside the tallies; false past the budget */
static bool charge(struct pass *p, size_t n)
{
	if (p->budget.used + n > p->budget.max) {
		p->budget.exceeded = true;
		return false;
	}
	p->budget.used += n;
	return true;
}

static char *dup_charged(struct pass *p, const char *s, size_t n)
{
	return charge(p, n + 1) ? xstrndup(s, n) : NULL;
}

/* key_field - a nullable text into the group key: presence, length, bytes */
static void key_field(struct sl_buf *b, const char *s, size_t n)
{
	sl_buf_addc(b, s ? 1 : 0);
	if (!s)
		return;
	uint32_t len = (uint32_t)n;
	sl_buf_add(b, (const char *)&len, sizeof len);
	sl_buf_add(b, s, n);
}

/* key_group - the group index as a key prefix */
static void key_group(struct sl_buf *b, uint32_t gi)
{
	sl_buf_reset(b);
	sl_buf_add(b, (const char *)&gi, sizeof gi);
}

/* key_value - an SQL value as count(DISTINCT) tells values apart: by type
 * (an integral real equals its integer), then bytes; false for NULL */
static bool key_value(struct sl_buf *b, sqlite3_stmt *s, int i)
{
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		return false;
	case SQLITE_FLOAT: {
		double d = sqlite3_column_double(s, i);
		if (d >= -9.2e18 && d <= 9.2e18 && (double)(int64_t)d == d) {
			int64_t v = (int64_t)d;
			sl_buf_addc(b, 'i');
			sl_buf_add(b, (const char *)&v, sizeof v);
		} else {
			sl_buf_addc(b, 'r');
			sl_buf_add(b, (const char *)&d, sizeof d);
		}
		return true;
	}
	case SQLITE_INTEGER: {
		int64_t v = sqlite3_column_int64(s, i);
		sl_buf_addc(b, 'i');
		sl_buf_add(b, (const char *)&v, sizeof v);
		return true;
	}
	case SQLITE_BLOB: {
		const void *v = sqlite3_column_blob(s, i);   /* NULL for an empty one */
		sl_buf_addc(b, 'b');
		if (v)
			sl_buf_add(b, v, (size_t)sqlite3_column_bytes(s, i));
		return true;
	}
	default: {
		const char *v = (const char *)sqlite3_column_text(s, i);
		sl_buf_addc(b, 't');
		sl_buf_add(b, v, (size_t)sqlite3_column_bytes(s, i));
		return true;
	}
	}
}

/* text - column i's text and length; NULL for NULL */
static const char *text(sqlite3_stmt *s, int i, size_t *n)
{
	const char *v = (const char *)sqlite3_column_text(s, i);
	*n = v ? (size_t)sqlite3_column_bytes(s, i) : 0;
	return v;
}

/* count_key - tally t's row of key prefix + column i's text, v0 += 1 */
static bool count_key(struct pass *p, struct key_tally *t, sqlite3_stmt *s, int i, bool prefixed,
                      uint32_t gi, struct key_row **row)
{
	size_t n;
	const char *v = text(s, i, &n);
	*row = NULL;
	if (!v)
		return true;
	if (prefixed)
		key_group(&p->key, gi);
	else
		sl_buf_reset(&p->key);
	sl_buf_add(&p->key, v, n);
	struct key_row *r = key_tally_add(t, p->key.data, p->key.len);
	if (!r)
		return false;
	key_row_add(r, 0, 1);
	*row = r;
	return true;
}

/* group_of - the group of row s (added if new); NULL past the budget */
static struct grp *group_of(struct pass *p, sqlite3_stmt *s, uint32_t *gi)
{
	bool has_code = sqlite3_column_type(s, 0) != SQLITE_NULL;
	size_t nenh, nreason, nreply;
	const char *enh = text(s, 1, &nenh), *reason = text(s, 2, &nreason);
	const char *reply = text(s, 3, &nreply);
	/* the status shape only for events without either code (GROUP_SHAPE);
	 * the SQL function reads the text to its first NUL */
	struct sl_buf shape;
	sl_buf_init(&shape);
	bool shaped = !has_code && !enh && reply;
	if (shaped) {
		shape_text(reply, strlen(reply), REPORT_SHAPE_MAX, &shape);
		sl_buf_addc(&shape, '\0');
		shape.len--;
	}
	struct sl_buf *k = &p->key;
	sl_buf_reset(k);
	int code = has_code ? sqlite3_column_int(s, 0) : 0;
	sl_buf_addc(k, has_code ? 1 : 0);
	sl_buf_add(k, (const char *)&code, sizeof code);
	key_field(k, enh, nenh);
	key_field(k, reason, nreason);
	key_field(k, shaped ? shape.data : NULL, shape.len);
	struct key_row *r = key_tally_add(p->groups, k->data, k->len);
	struct grp *g = NULL;
	if (r && r->set) {
		*gi = (uint32_t)(r->v[0] - 1);
		g = &p->g[*gi];
	} else if (r && charge(p, sizeof *g + nenh + nreason + shape.len + 3)) {
		if (p->ng == p->capg) {
			p->capg = p->capg ? p->capg * 2 : 16;
			p->g = xrealloc(p->g, p->capg * sizeof *p->g);
		}
		*gi = (uint32_t)p->ng;
		g = &p->g[p->ng++];
		memset(g, 0, sizeof *g);
		g->has_code = has_code;
		g->code = code;
		g->enhanced = enh ? xstrndup(enh, nenh) : NULL;
		g->reason = reason ? xstrndup(reason, nreason) : NULL;
		g->shape = shaped ? xstrndup(shape.data, shape.len) : NULL;
		g->index = p->ng - 1;
		key_row_add(r, 0, (int64_t)p->ng);
	}
	sl_buf_release(&shape);
	return g;
}

/* replace - *at becomes a copy of s[0..n); false past the budget */
static bool replace(struct pass *p, char **at, const char *s, size_t n)
{
	char *c = dup_charged(p, s, n);
	if (!c)
		return false;
	if (*at)
		p->budget.used -= strlen(*at) + 1;
	free(*at);
	*at = c;
	return true;
}

/* add_row - one event into its group and the lists; false past the budget */
static bool add_row(struct pass *p, sqlite3_stmt *s, bool rejected)
{
	uint32_t gi;
	struct grp *g = group_of(p, s, &gi);
	if (!g)
		return false;
	g->count++;
	/* The sample is the SQL's bare column e.reply. With several min() and
	 * max() in its query, SQLite loads a bare column from a row when the
	 * last of them, max(e.kind), changes (or is still NULL): the first row,
	 * in the scan's order (this statement's FROM and WHERE are the SQL's),
	 * of the group's greatest kind. The kind: min(kind) = max(kind). */
	size_t nkind, nreply;
	const char *kind = text(s, 4, &nkind), *reply = text(s, 3, &nreply);
	bool load = kind ? !g->max_kind || key_compare(kind, nkind, g->max_kind,
	                                                 strlen(g->max_kind)) > 0
	                 : !g->max_kind;
	if (load) {
		if (g->sample) {
			p->budget.used -= strlen(g->sample) + 1;
			free(g->sample);
			g->sample = NULL;
		}
		if (reply && !(g->sample = dup_charged(p, reply, nreply)))
			return false;
	}
	if (kind && load && !replace(p, &g->max_kind, kind, nkind))
		return false;
	if (kind && (!g->min_kind || key_compare(kind, nkind, g->min_kind, strlen(g->min_kind)) < 0) &&
	    !replace(p, &g->min_kind, kind, nkind))
		return false;
	key_group(&p->key, gi);
	if (key_value(&p->key, s, 6)) {
		struct key_row *r = key_tally_add(p->distinct, p->key.data, p->key.len);
		if (!r)
			return false;
		if (!r->set)
			g->distinct++;
		key_row_add(r, 0, 1);
	}
	struct key_row *r;
	if (!count_key(p, p->tops[0], s, 7, true, gi, &r) ||
	    !count_key(p, p->tops[1], s, 8, true, gi, &r))
		return false;
	if (!rejected)
		return true;
	/* the clients refused (the host key) with their largest HELO, the senders */
	if (!count_key(p, p->clients, s, 8, false, 0, &r))
		return false;
	size_t nhelo;
	const char *helo = text(s, 9, &nhelo);
	if (r && helo) {
		char **have = r->v[1] ? &p->helos[r->v[1] - 1] : NULL;
		if (!have) {
			if (p->nhelos == p->caphelos) {
				p->caphelos = p->caphelos ? p->caphelos * 2 : 64;
				p->helos = xrealloc(p->helos, p->caphelos * sizeof *p->helos);
			}
			if (!(p->helos[p->nhelos] = dup_charged(p, helo, nhelo)))
				return false;
			key_row_add(r, 1, (int64_t)++p->nhelos);
		} else if (key_compare(helo, nhelo, *have, strlen(*have)) > 0 &&
		           !replace(p, have, helo, nhelo)) {
			return false;
		}
	}
	return count_key(p, p->senders, s, 10, false, 0, &r);
}

/* text_cmp - SQL's ascending order of two nullable texts: NULL first, BINARY */
static int text_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return key_compare(a, strlen(a), b, strlen(b));
}

/* grp_cmp - ORDER BY n DESC, smtp_code, enhanced_code, reason, shape */
static int grp_cmp(const void *pa, const void *pb)
{
	const struct grp *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->has_code != b->has_code)
		return a->has_code ? 1 : -1;
	if (a->code != b->code)
		return a->code < b->code ? -1 : 1;
	int c = text_cmp(a->enhanced, b->enhanced);
	if (!c)
		c = text_cmp(a->reason, b->reason);
	if (!c)
		c = text_cmp(a->shape, b->shape);
	return c;
}

struct top_row {
	uint32_t gi;
	const char *key;
	size_t len;
	int64_t n;
};

/* ORDER BY group, count DESC, key */
static int top_cmp(const void *pa, const void *pb)
{
	const struct top_row *a = pa, *b = pb;
	if (a->gi != b->gi)
		return a->gi < b->gi ? -1 : 1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return key_compare(a->key, a->len, b->key, b->len);
}

/* group_tops - each group's first `top` rows of tally t into its list
 * (which 0: domains, 1: hosts); groups by their index before sorting */
static void group_tops(const struct key_tally *t, struct rm_group *out, const uint32_t *order,
                       int which, size_t top)
{
	size_t n = key_tally_count(t);
	if (!n || !top)
		return;
	const struct key_row **rows = xcalloc(n, sizeof *rows);
	struct top_row *v = xcalloc(n, sizeof *v);
	n = key_tally_rows(t, rows);
	for (size_t i = 0; i < n; i++) {
		const char *k = key_row_key(t, rows[i]);
		uint32_t gi;
		memcpy(&gi, k, sizeof gi);
		v[i] = (struct top_row){ order[gi], k + sizeof gi, rows[i]->len - sizeof gi,
		                         rows[i]->v[0] };
	}
	qsort(v, n, sizeof *v, top_cmp);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		run = i > 0 && v[i].gi == v[i - 1].gi ? run + 1 : 0;
		if (run >= top)
			continue;
		struct rm_group *g = &out[v[i].gi];
		struct rm_top **list = which ? &g->hosts : &g->domains;
		size_t *count = which ? &g->nhosts : &g->ndomains;
		*list = xrealloc(*list, (*count + 1) * sizeof **list);
		(*list)[*count] = (struct rm_top){ xstrndup(v[i].key, v[i].len), v[i].n };
		(*count)++;
	}
	free(v);
	free(rows);
}

/* key_list - the first `top` rows of t (ORDER BY v0 DESC, key) */
static void key_list(const struct key_tally *t, size_t top, struct pass *p,
                     struct report_group_key **out, size_t *nout)
{
	const struct key_row **rows = xcalloc(top ? top : 1, sizeof *rows);
	size_t n = key_tally_top(t, 0, top, rows);
	*out = xcalloc(n ? n : 1, sizeof **out);
	for (size_t i = 0; i < n; i++) {
		(*out)[i].key = xstrndup(key_row_key(t, rows[i]), rows[i]->len);
		(*out)[i].n = rows[i]->v[0];
		if (p && rows[i]->v[1])
			(*out)[i].helo = xstrdup(p->helos[rows[i]->v[1] - 1]);
	}
	*nout = n;
	free(rows);
}

static void pass_free(struct pass *p)
{
	key_tally_free(p->groups);
	key_tally_free(p->distinct);
	key_tally_free(p->tops[0]);
	key_tally_free(p->tops[1]);
	key_tally_free(p->clients);
	key_tally_free(p->senders);
	for (size_t i = 0; i < p->ng; i++) {
		free(p->g[i].enhanced);
		free(p->g[i].reason);
		free(p->g[i].shape);
		free(p->g[i].sample);
		free(p->g[i].min_kind);
		free(p->g[i].max_kind);
	}
	free(p->g);
	for (size_t i = 0; i < p->nhelos; i++)
		free(p->helos[i]);
	free(p->helos);
	sl_buf_release(&p->key);
}

/* report_groups_count - see report.h */
int report_groups_count(struct sqlite3_stmt *rows, bool rejected, int top, size_t budget,
                        struct report_group_counts *out)
{
	memset(out, 0, sizeof *out);
	struct pass p = { .budget = { .max = budget } };
	sl_buf_init(&p.key);
	p.groups = key_tally_new(1, &p.budget);
	p.distinct = key_tally_new(1, &p.budget);
	p.tops[0] = key_tally_new(1, &p.budget);
	p.tops[1] = key_tally_new(1, &p.budget);
	p.clients = key_tally_new(2, &p.budget);
	p.senders = key_tally_new(1, &p.budget);
	int rc;
	bool ok = true;
	while (ok && (rc = sqlite3_step(rows)) == SQLITE_ROW)
		ok = add_row(&p, rows, rejected);
	if (!ok) {
		pass_free(&p);
		return 0;   /* past the budget: not counted (out->ok false) */
	}
	if (rc != SQLITE_DONE) {
		pass_free(&p);
		return rc;
	}
	/* the groups in SQL's order; order[i]: where the i-th group went */
	struct grp *sorted = xcalloc(p.ng ? p.ng : 1, sizeof *sorted);
	uint32_t *order = xcalloc(p.ng ? p.ng : 1, sizeof *order);
	if (p.ng)
		memcpy(sorted, p.g, p.ng * sizeof *sorted);
	qsort(sorted, p.ng, sizeof *sorted, grp_cmp);
	out->groups = xcalloc(p.ng ? p.ng : 1, sizeof *out->groups);
	out->kinds = xcalloc(p.ng ? p.ng : 1, sizeof *out->kinds);
	out->ngroups = p.ng;
	for (size_t i = 0; i < p.ng; i++) {
		struct grp *g = &sorted[i];
		order[g->index] = (uint32_t)i;
		struct rm_group *r = &out->groups[i];
		r->code = g->code;
		r->enhanced = g->enhanced;
		r->reason = g->reason;
		r->status = g->shape;
		r->count = g->count;
		r->distinct = g->distinct;
		r->sample = g->sample;
		bool one = g->min_kind && strcmp(g->min_kind, g->max_kind) == 0;
		out->kinds[i] = one ? g->min_kind : NULL;
		if (!one)
			free(g->min_kind);
		free(g->max_kind);
	}
	p.ng = 0;   /* their strings are out's now */
	size_t n = top > 0 ? (size_t)top : 0;
	group_tops(p.tops[0], out->groups, order, 0, n);
	group_tops(p.tops[1], out->groups, order, 1, n);
	if (rejected) {
		key_list(p.clients, n, &p, &out->clients, &out->nclients);
		key_list(p.senders, n, NULL, &out->senders, &out->nsenders);
	}
	free(order);
	free(sorted);
	pass_free(&p);
	out->ok = true;
	return 0;
}

void report_group_counts_free(struct report_group_counts *gc)
{
	for (size_t i = 0; i < gc->ngroups; i++) {
		rm_group_release(&gc->groups[i]);
		free(gc->kinds[i]);
	}
	free(gc->groups);
	free(gc->kinds);
	for (size_t i = 0; i < gc->nclients; i++) {
		free(gc->clients[i].key);
		free(gc->clients[i].helo);
	}
	free(gc->clients);
	for (size_t i = 0; i < gc->nsenders; i++)
		free(gc->senders[i].key);
	free(gc->senders);
	memset(gc, 0, sizeof *gc);
}
