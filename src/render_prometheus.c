/* render_prometheus: the report's figures in the Prometheus text exposition
 * format, for node_exporter's textfile collector: counters by kind, class,
 * code, enhanced code and reason, the delivery delay histogram, lines not
 * understood, daemon messages, SASL and TLS failures, postscreen verdicts,
 * the queue, and the time of the run. Names
 * follow the Prometheus conventions (smtplog_ prefix, base units, _total
 * for counters); label values are escaped. The figures are those of the
 * report's period: without --since/--until, the whole database, so they
 * only grow, as counters must. SPDX-License-Identifier: MIT */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* label - name="value" with \ " and newline escaped, valid UTF-8 */
static void label(struct sl_buf *b, bool *first, const char *name, const char *value)
{
	struct sl_buf c;
	sl_buf_init(&c);
	render_clean(&c, value ? value : "");
	sl_buf_addf(b, "%s%s=\"", *first ? "{" : ",", name);
	*first = false;
	for (size_t i = 0; i < c.len; i++) {
		if (c.data[i] == '\\' || c.data[i] == '"')
			sl_buf_addc(b, '\\');
		sl_buf_addc(b, c.data[i]);
	}
	sl_buf_addc(b, '"');
	sl_buf_release(&c);
}

static void head(struct sl_buf *b, const char *name, const char *type, const char *help)
{
	sl_buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample(struct sl_buf *b, const char *name, int64_t v)
{
	sl_buf_addf(b, "%s %lld\n", name, (long long)v);
}

struct series {                 /* one label set of smtplog_failures_total */
	const char *kind, *class, *reason;
	int code;
	const char *enhanced;
	int64_t n;
};

static bool same(const char *a, const char *b)
{
	return a ? b && strcmp(a, b) == 0 : !b;
}

static int render(const struct rm_model *m, const struct report_options *opt,
                  struct sl_buf *b, struct sl_error *err)
{
	(void)opt;
	(void)err;
	const struct rm_totals *t = &m->t;
	head(b, "smtplog_messages_received_total", "counter",
	     "Messages received (content-filter copies and notifications excluded).");
	sample(b, "smtplog_messages_received_total", t->received);
	head(b, "smtplog_received_bytes_total", "counter", "Bytes of the messages received.");
	sample(b, "smtplog_received_bytes_total", t->bytes_received);
	head(b, "smtplog_delivered_bytes_total", "counter",
	     "Bytes delivered, counted once per recipient.");
	sample(b, "smtplog_delivered_bytes_total", t->bytes_delivered);

	head(b, "smtplog_events_total", "counter", "Delivery events by kind and class.");
	const struct {
		const char *kind, *class;
		int64_t n;
	} ev[] = {
		{ "delivered", "success", t->delivered - t->forwarded },
		{ "forwarded", "success", t->forwarded },
		{ "deferred", "transient", t->deferred },
		{ "bounced", "permanent", t->bounced },
		{ "expired", "permanent", t->expired },
		{ "rejected", "transient", t->rejected_4xx },
		{ "rejected", "permanent", t->rejected_5xx },
		{ "probe", "none", t->probes },
		{ "policy", "none", t->policy },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(ev); i++) {
		bool f = true;
		sl_buf_adds(b, "smtplog_events_total");
		label(b, &f, "kind", ev[i].kind);
		label(b, &f, "class", ev[i].class);
		sl_buf_addf(b, "} %lld\n", (long long)ev[i].n);
	}

	/* failure groups, summed over what the labels do not show (the status
	 * text of groups without a code): each label set once */
	struct series *v = NULL;
	size_t n = 0;
	static const struct {
		const char *section, *kind, *class;
	} secs[] = {
		{ "transient", "failure", "transient" },
		{ "permanent", "failure", "permanent" },
		{ "rejected", "rejected", NULL },
	};
	for (size_t k = 0; k < SL_ARRAY_LEN(secs); k++) {
		const struct rm_section *s = rm_section_find(m, secs[k].section);
		for (size_t i = 0; s && i < s->ngroups; i++) {
			const struct rm_group *g = &s->groups[i];
			const char *cls = secs[k].class ? secs[k].class
			                                : g->code / 100 == 4 ? "transient" : "permanent";
			struct series *hit = NULL;
			for (size_t j = 0; j < n && !hit; j++)
				if (!strcmp(v[j].kind, secs[k].kind) && !strcmp(v[j].class, cls) &&
				    v[j].code == g->code && same(v[j].enhanced, g->enhanced) &&
				    same(v[j].reason, g->reason))
					hit = &v[j];
			if (!hit) {
				v = xrealloc(v, (n + 1) * sizeof *v);
				hit = &v[n++];
				*hit = (struct series){ .kind = secs[k].kind, .class = cls, .code = g->code,
				                        .enhanced = g->enhanced, .reason = g->reason };
			}
			hit->n += g->count;
		}
	}
	head(b, "smtplog_failures_total", "counter",
	     "Failures and rejections by kind, class, reply code, enhanced code and reason.");
	for (size_t i = 0; i < n; i++) {
		bool f = true;
		char code[8];
		snprintf(code, sizeof code, "%d", v[i].code);
		sl_buf_adds(b, "smtplog_failures_total");
		label(b, &f, "kind", v[i].kind);
		label(b, &f, "class", v[i].class);
		label(b, &f, "code", v[i].code ? code : "");
		label(b, &f, "enhanced_code", v[i].enhanced);
		label(b, &f, "reason", v[i].reason);
		sl_buf_addf(b, "} %lld\n", (long long)v[i].n);
	}
	free(v);

	head(b, "smtplog_delivery_delay_seconds", "histogram",
	     "Time from arrival to delivery (delay=) of the deliveries.");
	for (int i = 0; i < RM_DELAY_BUCKETS; i++) {
		sl_buf_adds(b, "smtplog_delivery_delay_seconds_bucket{le=\"");
		render_number(b, rm_delay_bounds[i], RM_SECS);
		sl_buf_addf(b, "\"} %lld\n", (long long)m->delay_buckets[i]);
	}
	sl_buf_addf(b, "smtplog_delivery_delay_seconds_bucket{le=\"+Inf\"} %lld\n",
	            (long long)m->delay_count);
	sl_buf_adds(b, "smtplog_delivery_delay_seconds_sum ");
	render_number(b, m->delay_sum, RM_SECS);
	sl_buf_addf(b, "\nsmtplog_delivery_delay_seconds_count %lld\n", (long long)m->delay_count);

	head(b, "smtplog_lines_total", "counter", "Log lines read, by what became of them.");
	const struct {
		const char *result;
		int64_t n;
	} lines[] = {
		{ "recognized", t->recognized }, { "unrecognized", t->unrecognized },
		{ "foreign", t->foreign },       { "truncated", t->truncated },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(lines); i++) {
		bool f = true;
		sl_buf_adds(b, "smtplog_lines_total");
		label(b, &f, "result", lines[i].result);
		sl_buf_addf(b, "} %lld\n", (long long)lines[i].n);
	}
	const struct rm_table *u = rm_table_find(rm_section_find(m, "unrecognized"), "lines");
	head(b, "smtplog_unrecognized_lines_total", "counter",
	     "MTA lines no pattern understood, by program.");
	for (size_t r = 0; u && r < u->nrows; r++) {
		bool f = true;
		sl_buf_adds(b, "smtplog_unrecognized_lines_total");
		label(b, &f, "program", rm_cell(u, r, 0)->s);
		label(b, &f, "reason", rm_cell(u, r, 1)->s);
		sl_buf_addf(b, "} %.0f\n", rm_cell(u, r, 2)->v);
	}
	head(b, "smtplog_daemon_messages_total", "counter",
	     "MTA warning, error, fatal and panic lines.");
	const struct {
		const char *severity;
		int64_t n;
	} sev[] = { { "warning", t->warnings }, { "error", t->errors }, { "fatal", t->fatal },
	            { "panic", t->panic } };
	for (size_t i = 0; i < SL_ARRAY_LEN(sev); i++) {
		bool f = true;
		sl_buf_adds(b, "smtplog_daemon_messages_total");
		label(b, &f, "severity", sev[i].severity);
		sl_buf_addf(b, "} %lld\n", (long long)sev[i].n);
	}
	/* the rest of the health table: SASL and TLS failures, postscreen's verdicts */
	head(b, "smtplog_sasl_failures_total", "counter", "SMTP authentication (SASL) failures.");
	sample(b, "smtplog_sasl_failures_total", t->sasl);
	head(b, "smtplog_tls_failures_total", "counter", "TLS handshake and certificate failures.");
	sample(b, "smtplog_tls_failures_total", t->tls);
	const struct rm_section *hs = rm_section_find(m, "health");
	const struct rm_table *ps = rm_table_find(hs, "postscreen");
	head(b, "smtplog_postscreen_verdicts_total", "counter",
	     "Postfix postscreen verdicts (CONNECT, PASS NEW, PASS OLD, PREGREET, DNSBL rank, ...).");
	for (size_t r = 0; ps && r < ps->nrows; r++) {
		bool f = true;
		sl_buf_adds(b, "smtplog_postscreen_verdicts_total");
		label(b, &f, "verdict", rm_cell(ps, r, 0)->s);
		sl_buf_addf(b, "} %.0f\n", rm_cell(ps, r, 1)->v);
	}
	head(b, "smtplog_queue_deferred_messages", "gauge",
	     "Messages deferred and not finished at the end of the period.");
	sample(b, "smtplog_queue_deferred_messages", t->queued);
	head(b, "smtplog_last_run_timestamp_seconds", "gauge",
	     "When this report was made (Unix time).");
	sample(b, "smtplog_last_run_timestamp_seconds", m->generated);
	return 0;
}

const struct report_renderer render_prometheus = {
	.name = "prometheus",
	.format = REPORT_PROMETHEUS,
	.render = render,
};
