/* cmd_codes: the knowledge-base commands `smtplog explain`, `smtplog compare`
 * and `smtplog codes`. Options are parsed from one table that also prints
 * the help. Output goes to stdout; errors to stderr with the exit statuses of
 * cli.h. The pages themselves are built by the codes module.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "patterns.h"
#include "reasons.h"

enum opt_id { OPT_LANG, OPT_FORMAT, OPT_HELP };

/* One option: parsed by parse_options, listed by print_help. */
struct option_spec {
	const char *name;    /* long name, without "--" */
	char short_name;     /* 0: none */
	const char *arg;     /* value placeholder; NULL for a flag */
	const char *help;
	enum opt_id id;
};

static const struct option_spec options[] = {
	{ .name = "lang", .arg = "en|ja|ko|zh", .id = OPT_LANG,
	  .help = "language of the page (default: from LC_ALL, LC_MESSAGES or LANG, else en)" },
	{ .name = "format", .arg = "text|markdown|json", .id = OPT_FORMAT,
	  .help = "output format (default: text)" },
	{ .name = "help", .short_name = 'h', .id = OPT_HELP, .help = "show this help and exit" },
	{ .name = NULL },
};

/* What each command takes, for its help. */
struct command_spec {
	const char *name;
	const char *operands;
	const char *summary;
	const char *const examples[4];
};

static const struct command_spec explain_spec = {
	.name = "explain",
	.operands = "CODE... | REPLY-TEXT",
	.summary = "Explain SMTP reply codes (550) and enhanced status codes (5.1.1), or the codes\n"
	           "and the reason in a reply pasted from a log or a bounce message.",
	.examples = { "smtplog explain 451 4.7.1",
	              "smtplog explain '550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown'",
	              "smtplog explain 550 --lang ja --format markdown", NULL },
};

static const struct command_spec compare_spec = {
	.name = "compare",
	.operands = "CODE CODE",
	.summary = "Compare two codes: their classes, meaning, when you see them, how to fix them,\n"
	           "the key differences and when each applies.",
	.examples = { "smtplog compare 251 551 --lang ja", "smtplog compare 4.2.2 5.2.2 --format json",
	              NULL },
};

static const struct command_spec codes_spec = {
	.name = "codes",
	.operands = "[PREFIX...]",
	.summary = "List the code table, or the codes that start with a prefix (55, 5.7).",
	.examples = { "smtplog codes", "smtplog codes 5.7 --lang zh", NULL },
};

struct cmd_opts {
	enum codes_lang lang;
	enum codes_format fmt;
	bool help;
	char **operands;     /* points into argv */
	int noperands;
};

static void print_help(const struct command_spec *c)
{
	printf("usage: smtplog %s [OPTIONS] %s\n\n%s\n\noptions:\n", c->name, c->operands, c->summary);
	for (const struct option_spec *o = options; o->name; o++) {
		char left[64];
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
			         o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
			         o->arg ? o->arg : "");
		printf("  %-32s %s\n", left, o->help);
	}
	printf("\nexamples:\n");
	for (size_t i = 0; i < SL_ARRAY_LEN(c->examples) && c->examples[i]; i++)
		printf("  %s\n", c->examples[i]);
}

static int usage_error(const char *cmd, const char *fmt, ...) SL_PRINTF(2, 3);
static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "smtplog %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'smtplog %s --help'.\n", cmd);
	return CLI_EXIT_USAGE;
}

/* set_option - applies one option's value; 0 or an exit status */
static int set_option(const char *cmd, const struct option_spec *o, const char *value,
                      struct cmd_opts *opts)
{
	switch (o->id) {
	case OPT_LANG: {
		int l = codes_lang_parse(value);
		if (l < 0)
			return usage_error(cmd, "unknown language '%s' (expected en, ja, ko or zh)", value);
		opts->lang = (enum codes_lang)l;
		return 0;
	}
	case OPT_FORMAT:
		if (strcmp(value, "text") == 0)
			opts->fmt = CODES_FMT_TEXT;
		else if (strcmp(value, "markdown") == 0 || strcmp(value, "md") == 0)
			opts->fmt = CODES_FMT_MARKDOWN;
		else if (strcmp(value, "json") == 0)
			opts->fmt = CODES_FMT_JSON;
		else
			return usage_error(cmd, "unknown format '%s' (expected text, markdown or json)", value);
		return 0;
	case OPT_HELP:
		opts->help = true;
		return 0;
	}
	SL_BUG("option id %d", (int)o->id);
}

/* parse_options - options anywhere among the operands ("compare 251 551 --lang ja");
 * "--" ends them. Returns 0 or an exit status; operands are collected in argv order. */
static int parse_options(int argc, char **argv, struct cmd_opts *opts)
{
	const char *cmd = argv[0];
	bool only_operands = false;
	opts->lang = codes_lang_from_env();
	opts->fmt = CODES_FMT_TEXT;
	opts->help = false;
	opts->operands = xcalloc((size_t)argc + 1, sizeof *opts->operands);
	opts->noperands = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_operands || a[0] != '-' || a[1] == '\0') {
			opts->operands[opts->noperands++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_operands = true;
			continue;
		}
		const struct option_spec *o = NULL;
		const char *value = NULL;
		if (a[1] == '-') {
			const char *name = a + 2;
			size_t n = strcspn(name, "=");
			for (const struct option_spec *p = options; p->name; p++)
				if (strlen(p->name) == n && strncmp(p->name, name, n) == 0)
					o = p;
			if (o && name[n] == '=')
				value = name + n + 1;
		} else if (a[2] == '\0') {
			for (const struct option_spec *p = options; p->name; p++)
				if (p->short_name && p->short_name == a[1])
					o = p;
		}
		if (!o)
			return usage_error(cmd, "unknown option '%s'", a);
		if (o->arg && !value) {
			if (i + 1 >= argc)
				return usage_error(cmd, "option '--%s' needs a value (%s)", o->name, o->arg);
			value = argv[++i];
		} else if (!o->arg && value) {
			return usage_error(cmd, "option '--%s' takes no value", o->name);
		}
		int rc = set_option(cmd, o, value, opts);
		if (rc)
			return rc;
	}
	return 0;
}

/* write_out - the page to stdout; 0 or CLI_EXIT_IOERR */
static int write_out(const char *cmd, const struct sl_buf *b)
{
	if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
		fprintf(stderr, "smtplog %s: cannot write output: %s\n", cmd, strerror(errno));
		return CLI_EXIT_IOERR;
	}
	return CLI_EXIT_OK;
}

/* is_bare_code - the whole argument is one reply code or enhanced code */
static bool is_bare_code(const char *s)
{
	int reply;
	char enh[CODES_ENHANCED_MAX], num[8];
	if (!codes_extract(s, &reply, enh) || (reply && enh[0]))
		return false;
	if (reply) {
		snprintf(num, sizeof num, "%d", reply);
		return strcmp(num, s) == 0;
	}
	return strcmp(enh, s) == 0;
}

/* add_reason - the reason section for a pasted reply, if a rule fits */
static void add_reason(struct sl_buf *out, const char *text, enum codes_lang lang,
                       enum codes_format fmt)
{
	struct sl_error err;
	struct reason_info ri;
	struct pattern_set *set = patterns_new();
	struct reasons *r = NULL;
	sl_error_clear(&err);
	if (patterns_add_builtin(set, &err) || patterns_compile(set, &err))
		goto out;   /* the built-in patterns are tested; without them there is no reason */
	r = reasons_new(set, &err);
	if (!r)
		goto out;
	int reply;
	char enh[CODES_ENHANCED_MAX];
	codes_extract(text, &reply, enh);
	const char *id = reasons_classify(r, text, strlen(text), reply, enh);
	if (!id || !reasons_text(id, lang, &ri))
		goto out;
	if (fmt == CODES_FMT_JSON) {
		/* codes_explain's JSON object ends in "}\n": add a member before it */
		if (out->len < 2 || out->data[out->len - 2] != '}')
			SL_BUG("unexpected end of the explain JSON");
		out->len -= 2;
		sl_buf_adds(out, ",\"reason\":{\"id\":");
		codes_json_string(out, ri.id);
		sl_buf_adds(out, ",\"title\":");
		codes_json_string(out, ri.title);
		sl_buf_adds(out, ",\"diagnosis\":");
		codes_json_string(out, ri.diagnosis);
		sl_buf_adds(out, ",\"remedy\":");
		codes_json_string(out, ri.remedy);
		sl_buf_adds(out, "}}\n");
	} else if (fmt == CODES_FMT_MARKDOWN) {
		sl_buf_addf(out, "\n## %s: %s\n\n### %s\n\n%s\n\n### %s\n\n%s\n",
		            codes_heading(CODES_H_REASON, lang), ri.title,
		            codes_heading(CODES_H_DIAGNOSIS, lang), ri.diagnosis,
		            codes_heading(CODES_H_REMEDY, lang), ri.remedy);
	} else {
		sl_buf_addf(out, "\n%s: %s\n\n%s\n%s\n\n%s\n%s\n", codes_heading(CODES_H_REASON, lang),
		            ri.title, codes_heading(CODES_H_DIAGNOSIS, lang), ri.diagnosis,
		            codes_heading(CODES_H_REMEDY, lang), ri.remedy);
	}
out:
	reasons_free(r);
	patterns_free(set);
}

/* cmd_explain - smtplog explain CODE... | REPLY-TEXT */
int cmd_explain(int argc, char **argv)
{
	struct cmd_opts o;
	struct sl_buf out, line;
	int rc = parse_options(argc, argv, &o);
	sl_buf_init(&out);
	sl_buf_init(&line);
	if (rc)
		goto done;
	if (o.help) {
		print_help(&explain_spec);
		goto done;
	}
	if (o.noperands == 0) {
		rc = usage_error(argv[0], "expected a code or a reply text");
		goto done;
	}
	bool all_codes = true;
	for (int i = 0; i < o.noperands; i++)
		all_codes &= is_bare_code(o.operands[i]);
	if (all_codes) {
		codes_explain(&out, (const char *const *)o.operands, (size_t)o.noperands, o.lang, o.fmt);
	} else {
		/* a reply, quoted or not: "550 5.1.1 <bob@...>: Recipient address rejected" */
		for (int i = 0; i < o.noperands; i++) {
			if (i)
				sl_buf_addc(&line, ' ');
			sl_buf_adds(&line, o.operands[i]);
		}
		int reply;
		char enh[CODES_ENHANCED_MAX];
		if (!codes_extract(line.data, &reply, enh)) {
			rc = usage_error(argv[0], "'%s' holds no reply code or enhanced status code",
			                 line.data);
			goto done;
		}
		const char *one[1] = { line.data };
		codes_explain(&out, one, 1, o.lang, o.fmt);
		add_reason(&out, line.data, o.lang, o.fmt);
	}
	rc = write_out(argv[0], &out);
done:
	free(o.operands);
	sl_buf_release(&out);
	sl_buf_release(&line);
	return rc;
}

/* cmd_compare - smtplog compare CODE CODE */
int cmd_compare(int argc, char **argv)
{
	struct cmd_opts o;
	struct sl_buf out;
	int rc = parse_options(argc, argv, &o);
	sl_buf_init(&out);
	if (rc)
		goto done;
	if (o.help) {
		print_help(&compare_spec);
		goto done;
	}
	if (o.noperands != 2) {
		rc = usage_error(argv[0], "expected two codes, got %d", o.noperands);
		goto done;
	}
	for (int i = 0; i < 2; i++) {
		int reply;
		char enh[CODES_ENHANCED_MAX];
		if (!codes_extract(o.operands[i], &reply, enh)) {
			rc = usage_error(argv[0], "'%s' is not a reply code or an enhanced status code",
			                 o.operands[i]);
			goto done;
		}
	}
	codes_compare(&out, o.operands[0], o.operands[1], o.lang, o.fmt);
	rc = write_out(argv[0], &out);
done:
	free(o.operands);
	sl_buf_release(&out);
	return rc;
}

/* row_matches - no prefixes, or the code starts with one of them */
static bool row_matches(const char *code, char **prefixes, int n)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (sl_str_has_prefix(code, prefixes[i]))
			return true;
	return false;
}

/* cmd_codes - smtplog codes [PREFIX...] */
int cmd_codes(int argc, char **argv)
{
	struct cmd_opts o;
	struct sl_buf out;
	int rc = parse_options(argc, argv, &o);
	size_t shown = 0;
	sl_buf_init(&out);
	if (rc)
		goto done;
	if (o.help) {
		print_help(&codes_spec);
		goto done;
	}
	if (o.fmt == CODES_FMT_JSON) {
		sl_buf_adds(&out, "{\"lang\":");
		codes_json_string(&out, codes_lang_name(o.lang));
		sl_buf_adds(&out, ",\"codes\":[");
	} else if (o.fmt == CODES_FMT_MARKDOWN) {
		sl_buf_addf(&out, "| %s | %s | %s |\n|---|---|---|\n", codes_heading(CODES_H_CODE, o.lang),
		            codes_heading(CODES_H_CLASS, o.lang), codes_heading(CODES_H_TITLE, o.lang));
	}
	for (size_t i = 0; i < codes_count(); i++) {
		struct codes_info ci;
		char cl[128];
		codes_at(i, o.lang, &ci);
		if (!row_matches(ci.code, o.operands, o.noperands))
			continue;
		snprintf(cl, sizeof cl, strchr(ci.code, '.') ? "%d.X.X %s" : "%dxx %s", ci.klass,
		         ci.class_name);
		if (o.fmt == CODES_FMT_JSON) {
			if (shown)
				sl_buf_addc(&out, ',');
			sl_buf_adds(&out, "{\"code\":");
			codes_json_string(&out, ci.code);
			sl_buf_addf(&out, ",\"class\":%d,\"class_name\":", ci.klass);
			codes_json_string(&out, ci.class_name);
			sl_buf_adds(&out, ",\"title\":");
			codes_json_string(&out, ci.title);
			sl_buf_adds(&out, ",\"description\":");
			codes_json_string(&out, ci.description);
			sl_buf_adds(&out, ",\"when\":");
			codes_json_string(&out, ci.when);
			sl_buf_adds(&out, ",\"fix_sender\":");
			codes_json_string(&out, ci.fix_sender);
			sl_buf_adds(&out, ",\"fix_admin\":");
			codes_json_string(&out, ci.fix_admin);
			sl_buf_addc(&out, '}');
		} else if (o.fmt == CODES_FMT_MARKDOWN) {
			sl_buf_addf(&out, "| %s | %s | %s |\n", ci.code, cl, ci.title);
		} else {
			sl_buf_addf(&out, "%-8s %-36s %s\n", ci.code, cl, ci.title);
		}
		shown++;
	}
	if (o.fmt == CODES_FMT_JSON)
		sl_buf_adds(&out, "]}\n");
	if (shown == 0 && o.noperands > 0) {
		rc = usage_error(argv[0], "no code in the table starts with '%s'", o.operands[0]);
		goto done;
	}
	rc = write_out(argv[0], &out);
done:
	free(o.operands);
	sl_buf_release(&out);
	return rc;
}
