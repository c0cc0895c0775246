/* report_model: building and freeing the plain-data report (see
 * include/report_model.h), and the passes over it that need no database:
 * advice given once. SPDX-License-Identifier: MIT */
#include "report_model.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

const double rm_delay_bounds[RM_DELAY_BUCKETS] = { 1, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400 };

/* rm_section_add - a new, empty section at the end */
struct rm_section *rm_section_add(struct rm_model *m, const char *id, const char *title,
                                  int detail)
{
	m->sections = xrealloc(m->sections, (m->nsections + 1) * sizeof *m->sections);
	struct rm_section *s = &m->sections[m->nsections++];
	memset(s, 0, sizeof *s);
	s->id = id;
	s->title = title;
	s->detail = detail;
	return s;
}

/* rm_table_add - a new table without columns at the end of s */
struct rm_table *rm_table_add(struct rm_section *s, const char *key, const char *title)
{
	s->tables = xrealloc(s->tables, (s->ntables + 1) * sizeof *s->tables);
	struct rm_table *t = &s->tables[s->ntables++];
	memset(t, 0, sizeof *t);
	t->key = key;
	t->title = title;
	t->detail = s->detail;
	return t;
}

/* rm_col_add - a column; only before the first row */
void rm_col_add(struct rm_table *t, const char *key, const char *label, enum rm_type type)
{
	if (t->ncols == RM_MAX_COLS || t->nrows)
		SL_BUG("column '%s' added to table '%s' too late or too many", key, t->key);
	t->cols[t->ncols++] = (struct rm_col){ .key = key, .label = label, .type = type };
}

/* rm_row_add - an empty row of "none" cells */
struct rm_cell *rm_row_add(struct rm_table *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
	}
	struct rm_cell *row = &t->cells[t->nrows++ * t->ncols];
	for (size_t i = 0; i < t->ncols; i++)
		row[i] = (struct rm_cell){ .s = NULL, .v = 0, .none = true };
	return row;
}

void rm_cell_str(struct rm_cell *c, const char *s)
{
	free(c->s);
	c->s = s ? xstrdup(s) : NULL;
	c->none = s == NULL;
}

void rm_cell_num(struct rm_cell *c, double v)
{
	c->v = v;
	c->none = false;
}

struct rm_section *rm_section_find(const struct rm_model *m, const char *id)
{
	for (size_t i = 0; i < m->nsections; i++)
		if (strcmp(m->sections[i].id, id) == 0)
			return &m->sections[i];
	return NULL;
}

struct rm_table *rm_table_find(const struct rm_section *s, const char *key)
{
	for (size_t i = 0; s && i < s->ntables; i++)
		if (strcmp(s->tables[i].key, key) == 0)
			return &s->tables[i];
	return NULL;
}

/* same_advice - the texts a reader would see twice */
static bool same_advice(const struct rm_advice *a, const struct rm_advice *b)
{
	return a->diagnosis == b->diagnosis && a->remedy == b->remedy &&
	       a->fix_sender == b->fix_sender && a->fix_admin == b->fix_admin && a->admin == b->admin;
}

static bool no_advice(const struct rm_advice *a)
{
	return !a->diagnosis && !a->remedy && !a->fix_sender && !a->fix_admin && !a->admin;
}

/* rm_number_advice - in report order, the first group with an advice gives
 * it; a later group with the same texts (pointers into the knowledge base)
 * refers to that group instead of repeating a paragraph */
void rm_number_advice(struct rm_model *m)
{
	const struct rm_group **given = NULL;
	size_t ngiven = 0;
	for (size_t s = 0; s < m->nsections; s++) {
		for (size_t i = 0; i < m->sections[s].ngroups; i++) {
			struct rm_group *g = &m->sections[s].groups[i];
			g->advice_ref = -1;
			g->advice_no = -1;
			if (no_advice(&g->advice))
				continue;
			for (size_t k = 0; k < ngiven && g->advice_ref < 0; k++)
				if (same_advice(&given[k]->advice, &g->advice))
					g->advice_ref = (int)k;
			if (g->advice_ref >= 0)
				continue;
			given = xrealloc(given, (ngiven + 1) * sizeof *given);
			g->advice_no = (int)ngiven;
			given[ngiven++] = g;
		}
	}
	free(given);
}

/* rm_group_release - see report_model.h */
void rm_group_release(struct rm_group *g)
{
	free(g->enhanced);
	free(g->reason);
	free(g->status);
	free(g->title);
	free(g->sample);
	for (size_t i = 0; i < g->ndomains; i++)
		free(g->domains[i].key);
	for (size_t i = 0; i < g->nhosts; i++)
		free(g->hosts[i].key);
	free(g->domains);
	free(g->hosts);
}

/* rm_model_free - everything the model owns; m is left empty */
void rm_model_free(struct rm_model *m)
{
	for (size_t s = 0; s < m->nsections; s++) {
		struct rm_section *sec = &m->sections[s];
		for (size_t t = 0; t < sec->ntables; t++) {
			struct rm_table *tb = &sec->tables[t];
			for (size_t i = 0; i < tb->nrows * tb->ncols; i++)
				free(tb->cells[i].s);
			free(tb->cells);
		}
		for (size_t i = 0; i < sec->ngroups; i++)
			rm_group_release(&sec->groups[i]);
		free(sec->tables);
		free(sec->groups);
		free(sec->note);
	}
	free(m->sections);
	free(m->files);
	free(m->period);
	free(m->since);
	free(m->until);
	free(m->prev_since);
	free(m->prev_until);
	memset(m, 0, sizeof *m);
}
