/* render_json: the whole model as one JSON document, "schema":
 * "smtplog-report/1" (docs/report.schema.json): stable English keys,
 * numbers as numbers, every string escaped. Ignores --detail: machines get
 * every section. SPDX-License-Identifier: MIT */
#include "render.h"

#include <stdio.h>
#include <string.h>

static void js(struct sl_buf *b, const char *s)
{
	if (s)
		codes_json_string(b, s);
	else
		sl_buf_adds(b, "null");
}

static void key(struct sl_buf *b, bool *first, const char *k)
{
	sl_buf_adds(b, *first ? "" : ",");
	*first = false;
	codes_json_string(b, k);
	sl_buf_addc(b, ':');
}

static void num(struct sl_buf *b, bool *first, const char *k, int64_t n)
{
	key(b, first, k);
	sl_buf_addf(b, "%lld", (long long)n);
}

static void str(struct sl_buf *b, bool *first, const char *k, const char *s)
{
	key(b, first, k);
	js(b, s);
}

static void totals(struct sl_buf *b, const struct rm_totals *t)
{
	bool f = true;
	sl_buf_addc(b, '{');
	num(b, &f, "received", t->received);
	num(b, &f, "delivered", t->delivered);
	num(b, &f, "forwarded", t->forwarded);
	num(b, &f, "deferred", t->deferred);
	num(b, &f, "deferred_messages", t->deferred_msgs);
	num(b, &f, "bounced", t->bounced);
	num(b, &f, "bounced_messages", t->bounced_msgs);
	num(b, &f, "expired", t->expired);
	num(b, &f, "rejected", t->rejected_4xx + t->rejected_5xx);
	num(b, &f, "rejected_4xx", t->rejected_4xx);
	num(b, &f, "rejected_5xx", t->rejected_5xx);
	num(b, &f, "probes", t->probes);
	num(b, &f, "policy", t->policy);
	num(b, &f, "notifications", t->notifications);
	num(b, &f, "bytes_received", t->bytes_received);
	num(b, &f, "bytes_delivered", t->bytes_delivered);
	num(b, &f, "lines", t->lines);
	num(b, &f, "recognized", t->recognized);
	num(b, &f, "unrecognized", t->unrecognized);
	num(b, &f, "foreign", t->foreign);
	num(b, &f, "truncated", t->truncated);
	num(b, &f, "warnings", t->warnings);
	num(b, &f, "errors", t->errors);
	num(b, &f, "fatal", t->fatal);
	num(b, &f, "panic", t->panic);
	num(b, &f, "sasl_failures", t->sasl);
	num(b, &f, "tls_failures", t->tls);
	num(b, &f, "queued", t->queued);
	sl_buf_addc(b, '}');
}

static const char *type_name(enum rm_type t)
{
	static const char *const names[] = { [RM_STR] = "text", [RM_INT] = "count",
	                                     [RM_BYTES] = "bytes", [RM_SECS] = "seconds",
	                                     [RM_CHANGE] = "change" };
	return names[t];
}

static void table(struct sl_buf *b, const struct rm_table *t)
{
	bool f = true;
	sl_buf_addc(b, '{');
	str(b, &f, "title", t->title);
	key(b, &f, "columns");
	sl_buf_addc(b, '[');
	for (size_t c = 0; c < t->ncols; c++) {
		bool g = true;
		sl_buf_adds(b, c ? ",{" : "{");
		str(b, &g, "key", t->cols[c].key);
		str(b, &g, "label", t->cols[c].label);
		str(b, &g, "type", type_name(t->cols[c].type));
		sl_buf_addc(b, '}');
	}
	sl_buf_addc(b, ']');
	key(b, &f, "rows");
	sl_buf_addc(b, '[');
	for (size_t r = 0; r < t->nrows; r++) {
		bool g = true;
		sl_buf_adds(b, r ? ",{" : "{");
		for (size_t c = 0; c < t->ncols; c++) {
			const struct rm_cell *cell = rm_cell(t, r, c);
			key(b, &g, t->cols[c].key);
			if (cell->none)
				sl_buf_adds(b, "null");
			else if (t->cols[c].type == RM_STR)
				js(b, cell->s);
			else
				render_number(b, cell->v, t->cols[c].type);
		}
		sl_buf_addc(b, '}');
	}
	sl_buf_addc(b, ']');
	num(b, &f, "omitted", t->omitted);
	sl_buf_addc(b, '}');
}

static void tops(struct sl_buf *b, bool *f, const char *k, const struct rm_top *v, size_t n)
{
	key(b, f, k);
	sl_buf_addc(b, '[');
	for (size_t i = 0; i < n; i++) {
		bool g = true;
		sl_buf_adds(b, i ? ",{" : "{");
		str(b, &g, "name", v[i].key);
		num(b, &g, "count", v[i].n);
		sl_buf_addc(b, '}');
	}
	sl_buf_addc(b, ']');
}

static void group(struct sl_buf *b, const struct rm_section *s, const struct rm_group *g)
{
	bool f = true;
	const struct rm_advice *a = &g->advice;
	sl_buf_addc(b, '{');
	key(b, &f, "smtp_code");
	if (g->code)
		sl_buf_addf(b, "%d", g->code);
	else
		sl_buf_adds(b, "null");
	str(b, &f, "enhanced_code", g->enhanced);
	str(b, &f, "reason", g->reason);
	str(b, &f, "status", g->status);
	str(b, &f, "title", g->title);
	num(b, &f, "count", g->count);
	num(b, &f, s->distinct_key, g->distinct);
	tops(b, &f, "domains", g->domains, g->ndomains);
	tops(b, &f, s->hosts_key, g->hosts, g->nhosts);
	str(b, &f, "sample_reply", g->sample);
	key(b, &f, "advice");
	bool h = true;
	sl_buf_addc(b, '{');
	str(b, &h, "meaning_reply", a->meaning_reply);
	str(b, &h, "meaning_enhanced", a->meaning_enhanced);
	str(b, &h, "reason_title", a->reason_title);
	str(b, &h, "diagnosis", a->diagnosis);
	str(b, &h, "remedy", a->remedy);
	str(b, &h, "fix_sender", a->fix_sender);
	str(b, &h, "fix_admin", a->fix_admin);
	str(b, &h, "admin", a->admin);
	sl_buf_addc(b, '}');
	key(b, &f, "advice_ref");
	if (g->advice_ref >= 0)
		sl_buf_addf(b, "%d", g->advice_ref + 1);
	else
		sl_buf_adds(b, "null");
	key(b, &f, "advice_no");
	if (g->advice_no >= 0)
		sl_buf_addf(b, "%d", g->advice_no + 1);
	else
		sl_buf_adds(b, "null");
	sl_buf_addc(b, '}');
}

static int render(const struct rm_model *m, const struct report_options *opt,
                  struct sl_buf *b, struct sl_error *err)
{
	(void)opt;
	(void)err;
	bool f = true;
	sl_buf_addc(b, '{');
	str(b, &f, "schema", "smtplog-report/1");
	str(b, &f, "generator", "smtplog " SMTPLOG_VERSION);
	num(b, &f, "generated", m->generated);
	str(b, &f, "title", m->title);
	str(b, &f, "lang", codes_lang_name(m->lang));
	key(b, &f, "scope");
	{
		bool g = true;
		sl_buf_addc(b, '{');
		str(b, &g, "files", m->files);
		str(b, &g, "period", m->period);
		str(b, &g, "since", m->since);
		str(b, &g, "until", m->until);
		str(b, &g, "previous_since", m->prev_since);
		str(b, &g, "previous_until", m->prev_until);
		sl_buf_addc(b, '}');
	}
	key(b, &f, "totals");
	totals(b, &m->t);
	key(b, &f, "previous");
	if (m->has_prev)
		totals(b, &m->prev);
	else
		sl_buf_adds(b, "null");
	key(b, &f, "delivery_delay");
	{
		bool g = true;
		sl_buf_addc(b, '{');
		key(b, &g, "buckets");
		sl_buf_addc(b, '[');
		for (int i = 0; i < RM_DELAY_BUCKETS; i++) {
			bool h = true;
			sl_buf_adds(b, i ? ",{" : "{");
			key(b, &h, "le");
			render_number(b, rm_delay_bounds[i], RM_SECS);
			num(b, &h, "count", m->delay_buckets[i]);
			sl_buf_addc(b, '}');
		}
		sl_buf_addc(b, ']');
		key(b, &g, "sum");
		render_number(b, m->delay_sum, RM_SECS);
		num(b, &g, "count", m->delay_count);
		sl_buf_addc(b, '}');
	}
	key(b, &f, "sections");
	sl_buf_addc(b, '{');
	for (size_t i = 0; i < m->nsections; i++) {
		const struct rm_section *s = &m->sections[i];
		bool g = true;
		sl_buf_adds(b, i ? "," : "");
		codes_json_string(b, s->id);
		sl_buf_adds(b, ":{");
		str(b, &g, "title", s->title);
		str(b, &g, "note", s->note);
		num(b, &g, "detail", s->detail);
		key(b, &g, "tables");
		sl_buf_addc(b, '{');
		for (size_t k = 0; k < s->ntables; k++) {
			sl_buf_adds(b, k ? "," : "");
			codes_json_string(b, s->tables[k].key);
			sl_buf_addc(b, ':');
			table(b, &s->tables[k]);
		}
		sl_buf_addc(b, '}');
		if (s->distinct_key) {
			key(b, &g, "groups");
			sl_buf_addc(b, '[');
			for (size_t k = 0; k < s->ngroups; k++) {
				sl_buf_adds(b, k ? "," : "");
				group(b, s, &s->groups[k]);
			}
			sl_buf_addc(b, ']');
		}
		sl_buf_addc(b, '}');
	}
	sl_buf_adds(b, "}}\n");
	return 0;
}

const struct report_renderer render_json = {
	.name = "json",
	.format = REPORT_JSON,
	.render = render,
};
