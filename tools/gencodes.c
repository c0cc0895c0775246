/* gencodes: compiles the reply-code knowledge base (data/codes/LANG.txt) and
 * the reason texts (data/reasons/LANG.txt) into C tables for src/codes.c and
 * src/reasons.c. It checks the data and fails the build, naming file:line,
 * when a record lacks a field, a key appears twice, a language lacks a
 * heading, a template uses an unknown placeholder, or English lacks a code
 * of RFC 5321 / the IANA enhanced status code registry.
 * Usage: gencodes [--strict] FILE... > codes_data.c
 * (--strict, or GENCODES_STRICT=1: a record missing from a translation is an
 * error; otherwise it is counted, reported on stderr, and falls back to English.)
 * The data format is described at the top of data/codes/en.txt.
 * SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LANG_EN, LANG_JA, LANG_KO, LANG_ZH, NLANG };
/* input_hash - FNV-1a over the lines of every file read, with the kind and
 * language of each: the knowledge base's version, computed once at build
 * time rather than over the texts by every run that opens a database */
static uint64_t input_hash = 14695981039346656037ULL;

static void input_hash_add(int kind, int lang, const char *line, size_t n)
{
	unsigned char tag[3] = { (unsigned char)kind, (unsigned char)lang, '\n' };
	for (size_t i = 0; i < 2; i++)
		input_hash = (input_hash ^ tag[i]) * 1099511628211ULL;
	for (size_t i = 0; i < n; i++)
		input_hash = (input_hash ^ (unsigned char)line[i]) * 1099511628211ULL;
	input_hash = (input_hash ^ tag[2]) * 1099511628211ULL;
}

static const char *const lang_names[NLANG] = { "en", "ja", "ko", "zh" };

enum { KIND_CODES, KIND_REASONS, NKIND };
static const char *const kind_dirs[NKIND] = { "codes", "reasons" };

static const char *const code_fields[] = { "title", "description", "when", "fix_sender",
	                                    "fix_admin" };
#define NCODE_FIELDS 5
static const char *const reason_fields[] = { "title", "diagnosis", "remedy" };
#define NREASON_FIELDS 3

/* Headings and sentence templates every language file must define. Keep in
 * step with heading_keys[] in src/codes.c (test_codes checks the lookup). */
static const char *const heading_keys[] = {
	"description", "when", "fix", "fix_sender", "fix_admin", "key_differences", "when_each",
	"summary", "class", "not_in_table", "reason", "advice",
	"report_title", "totals", "transient", "permanent", "forwarding", "rejected", "unrecognized",
	"class_1", "class_2", "class_3", "class_4", "class_5", "eclass_2", "eclass_4", "eclass_5",
	"code_title", "compare_title", "summary_same", "summary_diff", "diff_class", "diff_desc",
	"diff_when", "when_each_item", "diagnosis", "remedy", "not_a_code", "code", "title",
	/* labels of the text and Markdown reports */
	"report_files", "report_file_lines", "report_more_files", "report_period",
	"report_period_range", "report_whole_files", "report_count", "report_received",
	"report_delivered", "report_of_them_forwarded", "report_deferred", "report_bounced",
	"report_expired", "report_rejected", "report_probes", "report_policy", "report_notifications",
	"report_lines_read", "report_not_understood", "report_other_programs", "report_truncated",
	"report_total_events_messages", "report_events_messages", "report_events_clients",
	"report_domains", "report_hosts", "report_clients", "report_reply", "report_meaning",
	"report_none", "report_no_code", "report_fwd_251", "report_fwd_551", "report_fwd_local",
	"report_fwd_copies", "report_fwd_copy_outcomes", "report_fwd_targets", "report_kind_delivered",
	"report_kind_deferred", "report_kind_bounced", "report_kind_expired", "report_kind_rejected",
	"report_kind_forwarded", "report_kind_probe", "report_kind_policy", "report_nothing_dropped",
	"report_sample", "report_program", "report_no_pattern", "report_program_other",
};
#define NHEADINGS (sizeof heading_keys / sizeof heading_keys[0])

/* Placeholders a template may use: {code} {key} {title} {class} {desc} {desc_lc}
 * {when} {when_lc} {fix}, and the same with a_ / b_ for the two codes of a
 * comparison ({a}, {a_title}, ..., {b_fix}). */
static const char *const placeholder_names[] = { "code", "key", "title", "class", "desc",
	                                          "desc_lc", "when", "when_lc", "fix" };

/* The report's labels (keys report_*) take other placeholders: the templates
 * below, in every language, use each of theirs exactly once, so that no
 * translation drops a number; the other report_* keys use none. */
static const struct {
	const char *key;
	const char *const names[3];   /* NULL-terminated */
} report_templates[] = {
	{ "report_file_lines", { "n", NULL } },
	{ "report_more_files", { "n", NULL } },
	{ "report_period_range", { "from", "to", NULL } },
	{ "report_total_events_messages", { "n", NULL } },
	{ "report_events_messages", { "n", "m", NULL } },
	{ "report_events_clients", { "n", "m", NULL } },
};

/* Codes English must cover: RFC 5321 and its extensions... */
static const char *const required_reply[] = {
	"211", "214", "220", "221", "235", "250", "251", "252", "334", "354", "421", "432", "450",
	"451", "452", "454", "455", "500", "501", "502", "503", "504", "521", "523", "530", "534",
	"535", "538", "550", "551", "552", "553", "554", "555", "556",
	"1xx", "2xx", "3xx", "4xx", "5xx",
};
/* ...and every detail of the IANA SMTP Enhanced Status Codes registry
 * (RFC 3463, 3886, 4468, 4954, 5248, 6531, 6710, 7293, 7372, 7505, 8617, 8689). */
static const int required_details[8] = { 0, 10, 4, 6, 7, 6, 10, 30 }; /* highest detail per subject */

struct field {
	char *name, *value;
	int line;
};

struct record {
	char *key;
	int line;
	struct field *fields;
	size_t nfields;
};

struct langfile {
	char *path;
	bool present;
	struct record *recs;
	size_t nrecs;
};

static struct langfile files[NKIND][NLANG];
static int errors;

static void fail(const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(const char *path, int line, const char *fmt, ...)
{
	va_list ap;
	if (line > 0)
		fprintf(stderr, "%s:%d: ", path, line);
	else
		fprintf(stderr, "%s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	errors++;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "gencodes: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* ---- key syntax */

static bool is_num(const char *s, size_t n)
{
	if (n == 0 || n > 3)
		return false;
	if (n > 1 && s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

enum keytype { KEY_BAD, KEY_HEADINGS, KEY_REPLY, KEY_REPLY_CLASS, KEY_ENH };

/* Parses "X.7.1", "4.7.1", "X.7.X", "4.7.X", "4.X.X": cls/subj/det are -1 for X. */
static bool parse_enh(const char *k, int *cls, int *subj, int *det)
{
	const char *d1 = strchr(k, '.');
	if (!d1)
		return false;
	const char *d2 = strchr(d1 + 1, '.');
	if (!d2 || strchr(d2 + 1, '.'))
		return false;
	if (d1 - k != 1)
		return false;
	if (k[0] == 'X')
		*cls = -1;
	else if (k[0] == '2' || k[0] == '4' || k[0] == '5')
		*cls = k[0] - '0';
	else
		return false;
	const char *s = d1 + 1;
	size_t sn = (size_t)(d2 - s);
	const char *d = d2 + 1;
	size_t dn = strlen(d);
	if (sn == 1 && s[0] == 'X')
		*subj = -1;
	else if (is_num(s, sn))
		*subj = atoi(s);
	else
		return false;
	if (dn == 1 && d[0] == 'X')
		*det = -1;
	else if (is_num(d, dn))
		*det = atoi(d);
	else
		return false;
	if (*subj < 0 && *det >= 0)
		return false;          /* "4.X.1" means nothing */
	if (*cls < 0 && *subj < 0)
		return false;          /* "X.X.X" */
	return true;
}

static enum keytype key_type(const char *k)
{
	int c, s, d;
	if (strcmp(k, "headings") == 0)
		return KEY_HEADINGS;
	if (strlen(k) == 3 && k[0] >= '1' && k[0] <= '5' && isdigit((unsigned char)k[1]) &&
	    isdigit((unsigned char)k[2]))
		return KEY_REPLY;
	if (strlen(k) == 3 && k[0] >= '1' && k[0] <= '5' && k[1] == 'x' && k[2] == 'x')
		return KEY_REPLY_CLASS;
	if (parse_enh(k, &c, &s, &d))
		return KEY_ENH;
	return KEY_BAD;
}

static bool valid_reason_id(const char *k)
{
	if (!*k)
		return false;
	for (const char *p = k; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
			return false;
	return true;
}

/* ---- reading */

static const struct field *rec_field(const struct record *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return &r->fields[i];
	return NULL;
}

static struct record *file_find(struct langfile *f, const char *key)
{
	for (size_t i = 0; i < f->nrecs; i++)
		if (strcmp(f->recs[i].key, key) == 0)
			return &f->recs[i];
	return NULL;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* check_report_placeholders - a report label uses exactly its template's
 * placeholders, each once */
static void check_report_placeholders(const char *path, int line, const char *key, const char *v)
{
	static const char *const none[] = { NULL };
	const char *const *want = none;
	for (size_t i = 0; i < sizeof report_templates / sizeof report_templates[0]; i++)
		if (strcmp(report_templates[i].key, key) == 0)
			want = report_templates[i].names;
	for (const char *p = strchr(v, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (!e) {
			fail(path, line, "unclosed '{' in template");
			return;
		}
		size_t n = (size_t)(e - p - 1);
		bool known = false;
		for (const char *const *w = want; *w; w++)
			known = known || (strlen(*w) == n && strncmp(*w, p + 1, n) == 0);
		if (!known)
			fail(path, line, "%s: unknown placeholder '{%.*s}'", key, (int)n, p + 1);
	}
	for (const char *const *w = want; *w; w++) {
		char ph[16];
		snprintf(ph, sizeof ph, "{%s}", *w);
		const char *at = strstr(v, ph);
		if (!at)
			fail(path, line, "%s: lacks the placeholder '%s'", key, ph);
		else if (strstr(at + 1, ph))
			fail(path, line, "%s: uses '%s' twice", key, ph);
	}
}

static void check_placeholders(const char *path, int line, const char *key, const char *v)
{
	if (strncmp(key, "report_", 7) == 0) {
		check_report_placeholders(path, line, key, v);
		return;
	}
	for (const char *p = strchr(v, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (!e) {
			fail(path, line, "unclosed '{' in template");
			return;
		}
		char name[64];
		size_t n = (size_t)(e - p - 1);
		if (n == 0 || n >= sizeof name) {
			fail(path, line, "bad placeholder");
			continue;
		}
		memcpy(name, p + 1, n);
		name[n] = '\0';
		const char *base = name;
		if (strcmp(name, "a") == 0 || strcmp(name, "b") == 0)
			continue;
		if ((name[0] == 'a' || name[0] == 'b') && name[1] == '_')
			base = name + 2;
		if (!in_list(base, placeholder_names,
		             sizeof placeholder_names / sizeof placeholder_names[0]))
			fail(path, line, "unknown placeholder '{%s}'", name);
	}
}

static void finish_record(struct langfile *f, int kind, int lang, struct record *r)
{
	if (!r)
		return;
	enum keytype t = kind == KIND_CODES ? key_type(r->key) : KEY_BAD;
	if (kind == KIND_CODES && t == KEY_HEADINGS) {
		for (size_t i = 0; i < NHEADINGS; i++)
			if (!rec_field(r, heading_keys[i]))
				fail(f->path, r->line, "[headings] lacks '%s'", heading_keys[i]);
		return;
	}
	const char *const *need = kind == KIND_CODES ? code_fields : reason_fields;
	size_t nneed = kind == KIND_CODES ? NCODE_FIELDS : NREASON_FIELDS;
	for (size_t i = 0; i < nneed; i++)
		if (!rec_field(r, need[i]))
			fail(f->path, r->line, "[%s] lacks '%s'", r->key, need[i]);
	(void)lang;
}

static void read_file(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t bl = strlen(base);
	if (bl < 5 || strcmp(base + bl - 4, ".txt") != 0)
		return;   /* editor backups, READMEs: not data */
	int kind = -1, lang = -1;
	for (int k = 0; k < NKIND; k++) {
		char want[32];
		snprintf(want, sizeof want, "%s/", kind_dirs[k]);
		size_t wl = strlen(want);
		if ((size_t)(base - path) >= wl && strncmp(base - wl, want, wl) == 0)
			kind = k;
	}
	for (int l = 0; l < NLANG; l++)
		if (bl == 6 && strncmp(base, lang_names[l], 2) == 0)
			lang = l;
	if (kind < 0) {
		fail(path, 0, "not under data/codes/ or data/reasons/");
		return;
	}
	if (lang < 0) {
		fail(path, 0, "unknown language file (expected en.txt, ja.txt, ko.txt or zh.txt)");
		return;
	}
	struct langfile *f = &files[kind][lang];
	if (f->present) {
		fail(path, 0, "language given twice (also '%s')", f->path);
		return;
	}
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fail(path, 0, "cannot open: %s", strerror(errno));
		return;
	}
	f->present = true;
	f->path = xstrndup(path, strlen(path));

	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	struct record *cur = NULL;
	bool skipping = false;   /* inside a bad or duplicate record: its fields are ignored */
	for (;;) {
		size_t n = 0;
		int c;
		while ((c = fgetc(fp)) != EOF && c != '\n') {
			if (n + 2 > cap) {
				cap = cap ? cap * 2 : 256;
				line = xrealloc(line, cap);
			}
			line[n++] = (char)c;
		}
		if (c == EOF && n == 0)
			break;
		lineno++;
		if (!line) {
			cap = 256;
			line = xrealloc(line, cap);
		}
		line[n] = '\0';
		input_hash_add(kind, lang, line, n);
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			fail(path, lineno, "indented line: each field is one line ('name: text')");
			continue;
		}
		if (line[0] == '[') {
			if (cur)
				finish_record(f, kind, lang, cur);
			cur = NULL;
			skipping = true;
			if (line[n - 1] != ']') {
				fail(path, lineno, "expected '[KEY]'");
				continue;
			}
			char *key = xstrndup(line + 1, n - 2);
			bool ok = kind == KIND_CODES ? key_type(key) != KEY_BAD : valid_reason_id(key);
			if (!ok) {
				fail(path, lineno, "bad key '[%s]'", key);
				free(key);
				continue;
			}
			struct record *prev = file_find(f, key);
			if (prev) {
				fail(path, lineno, "duplicate key [%s] (first at line %d)", key, prev->line);
				free(key);
				continue;
			}
			f->recs = xrealloc(f->recs, (f->nrecs + 1) * sizeof *f->recs);
			cur = &f->recs[f->nrecs++];
			cur->key = key;
			cur->line = lineno;
			cur->fields = NULL;
			cur->nfields = 0;
			skipping = false;
			continue;
		}
		char *colon = strchr(line, ':');
		if (!colon) {
			fail(path, lineno, "expected 'name: text' or '[KEY]'");
			continue;
		}
		if (!cur) {
			if (!skipping)
				fail(path, lineno, "field before the first '[KEY]'");
			continue;
		}
		char *name = xstrndup(line, (size_t)(colon - line));
		const char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		bool known;
		enum keytype t = kind == KIND_CODES ? key_type(cur->key) : KEY_BAD;
		if (t == KEY_HEADINGS)
			known = in_list(name, heading_keys, NHEADINGS);
		else if (kind == KIND_CODES)
			known = in_list(name, code_fields, NCODE_FIELDS) ||
			        (strcmp(name, "classes") == 0 && cur->key[0] == 'X');
		else
			known = in_list(name, reason_fields, NREASON_FIELDS);
		if (!known) {
			fail(path, lineno, "[%s]: unknown field '%s'", cur->key, name);
			free(name);
			continue;
		}
		if (strcmp(name, "classes") == 0 && lang != LANG_EN) {
			fail(path, lineno, "[%s]: 'classes:' belongs in en.txt only", cur->key);
			free(name);
			continue;
		}
		if (rec_field(cur, name)) {
			fail(path, lineno, "[%s]: '%s' given twice", cur->key, name);
			free(name);
			continue;
		}
		if (!*v) {
			fail(path, lineno, "[%s]: '%s' is empty", cur->key, name);
			free(name);
			continue;
		}
		if (t == KEY_HEADINGS)
			check_placeholders(path, lineno, name, v);
		else if (strchr(v, '{') || strchr(v, '}'))
			fail(path, lineno, "[%s]: braces are for heading templates only", cur->key);
		cur->fields = xrealloc(cur->fields, (cur->nfields + 1) * sizeof *cur->fields);
		cur->fields[cur->nfields].name = name;
		cur->fields[cur->nfields].value = xstrndup(v, strlen(v));
		cur->fields[cur->nfields].line = lineno;
		cur->nfields++;
	}
	if (cur)
		finish_record(f, kind, lang, cur);
	free(line);
	fclose(fp);
	if (kind == KIND_CODES && !file_find(f, "headings"))
		fail(path, 0, "lacks the [headings] record");
}

/* ---- rows of the generated table */

struct row {
	char key[16];        /* "451", "4xx", "4.7.1", "4.7.X", "4.X.X" */
	int klass;
	const char *src;     /* key of the record whose texts it carries */
	int order[4];        /* sort key */
};

static struct row *rows;
static size_t nrows;

static void add_row(const char *key, int klass, const char *src)
{
	rows = xrealloc(rows, (nrows + 1) * sizeof *rows);
	struct row *r = &rows[nrows++];
	snprintf(r->key, sizeof r->key, "%s", key);
	r->klass = klass;
	r->src = src;
	int c, s, d;
	if (key_type(key) == KEY_ENH && parse_enh(key, &c, &s, &d)) {
		r->order[0] = 1;
		r->order[1] = c;
		r->order[2] = s;
		r->order[3] = d;
	} else {
		r->order[0] = 0;
		r->order[1] = key[0] - '0';
		r->order[2] = key[1] == 'x' ? -1 : atoi(key);
		r->order[3] = 0;
	}
}

static int cmp_row(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	for (int i = 0; i < 4; i++)
		if (a->order[i] != b->order[i])
			return a->order[i] < b->order[i] ? -1 : 1;
	return 0;
}

static void build_rows(void)
{
	struct langfile *en = &files[KIND_CODES][LANG_EN];
	for (size_t i = 0; i < en->nrecs; i++) {
		struct record *r = &en->recs[i];
		enum keytype t = key_type(r->key);
		if (t == KEY_HEADINGS)
			continue;
		if (t == KEY_REPLY || t == KEY_REPLY_CLASS) {
			add_row(r->key, r->key[0] - '0', r->key);
			continue;
		}
		int c, s, d;
		parse_enh(r->key, &c, &s, &d);
		if (c >= 0) {
			add_row(r->key, c, r->key);
			continue;
		}
		/* "X.s.d": one row per class it is used with, unless a record for
		 * that class gives its own wording */
		const struct field *cl = rec_field(r, "classes");
		const char *classes = cl ? cl->value : "2 4 5";
		for (const char *p = classes; *p; p++) {
			if (*p == ' ')
				continue;
			if (*p != '2' && *p != '4' && *p != '5') {
				fail(en->path, cl ? cl->line : r->line, "[%s]: classes: takes 2, 4 and 5",
				     r->key);
				break;
			}
			char k[16];
			snprintf(k, sizeof k, "%c%s", *p, r->key + 1);
			if (!file_find(en, k))
				add_row(k, *p - '0', r->key);
		}
	}
	qsort(rows, nrows, sizeof *rows, cmp_row);
}

/* ---- checks across files */

static void check_coverage(void)
{
	struct langfile *en = &files[KIND_CODES][LANG_EN];
	for (size_t i = 0; i < sizeof required_reply / sizeof required_reply[0]; i++)
		if (!file_find(en, required_reply[i]))
			fail(en->path, 0, "lacks reply code [%s]", required_reply[i]);
	for (int c = 2; c <= 5; c++) {
		char k[16];
		if (c == 3)
			continue;
		snprintf(k, sizeof k, "%d.X.X", c);
		if (!file_find(en, k))
			fail(en->path, 0, "lacks enhanced class [%s]", k);
	}
	for (int s = 0; s < 8; s++) {
		char k[16];
		snprintf(k, sizeof k, "X.%d.X", s);
		if (!file_find(en, k))
			fail(en->path, 0, "lacks enhanced subject [%s]", k);
		for (int d = 0; d <= required_details[s]; d++) {
			snprintf(k, sizeof k, "X.%d.%d", s, d);
			if (!file_find(en, k))
				fail(en->path, 0, "lacks enhanced status code [%s]", k);
		}
	}
}

/* Every record of a translation must exist in English (catches typos);
 * returns how many English records the translation lacks. */
static size_t check_translation(int kind, int lang, bool strict)
{
	struct langfile *en = &files[kind][LANG_EN], *f = &files[kind][lang];
	size_t missing = 0;
	for (size_t i = 0; i < f->nrecs; i++)
		if (!file_find(en, f->recs[i].key))
			fail(f->path, f->recs[i].line, "[%s] is not in %s", f->recs[i].key, en->path);
	for (size_t i = 0; i < en->nrecs; i++) {
		if (file_find(f, en->recs[i].key))
			continue;
		missing++;
		if (strict)
			fail(f->path, 0, "lacks [%s] (present in %s)", en->recs[i].key, en->path);
	}
	return missing;
}

/* ---- output */

static void emit_str(const char *s)
{
	if (!s) {
		fputs("NULL", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '?')
			fputs("\\?", stdout);   /* no trigraphs */
		else if (*p < 0x20)
			printf("\\%03o", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static const char *text_of(int kind, int lang, const char *key, const char *field)
{
	struct langfile *f = &files[kind][lang];
	if (!f->present)
		return NULL;
	struct record *r = file_find(f, key);
	if (!r)
		return NULL;
	const struct field *fl = rec_field(r, field);
	return fl ? fl->value : NULL;
}

static void emit(void)
{
	printf("/* FNV-1a of every line read: a database whose tables were filled from the\n");
	printf(" * same texts has nothing to reload */\n");
	printf("const char codes_gen_hash[] = \"%016llx\";\n", (unsigned long long)input_hash);
	printf("/* generated by tools/gencodes.c from data/codes/ and data/reasons/: do not edit */\n");
	printf("#include <stddef.h>\n\n");
	printf("/* rows: [i]; texts: [(lang * count + i) * fields + field], NULL when the\n");
	printf(" * language lacks the record (the reader falls back to English) */\n");
	printf("const size_t codes_gen_count = %zu;\n", nrows);
	printf("const size_t codes_gen_nfields = %d;\n", NCODE_FIELDS);
	printf("const char *const codes_gen_key[] = {\n");
	for (size_t i = 0; i < nrows; i++) {
		printf("\t");
		emit_str(rows[i].key);
		printf(",\n");
	}
	printf("};\nconst char *const codes_gen_src[] = {\n");
	for (size_t i = 0; i < nrows; i++) {
		printf("\t");
		emit_str(rows[i].src);
		printf(",\n");
	}
	printf("};\nconst unsigned char codes_gen_class[] = {");
	for (size_t i = 0; i < nrows; i++)
		printf("%s%d,", i % 32 ? "" : "\n\t", rows[i].klass);
	printf("\n};\nconst char *const codes_gen_text[] = {\n");
	for (int l = 0; l < NLANG; l++)
		for (size_t i = 0; i < nrows; i++) {
			printf("\t/* %s %s */\n", lang_names[l], rows[i].key);
			for (int f = 0; f < NCODE_FIELDS; f++) {
				printf("\t");
				emit_str(text_of(KIND_CODES, l, rows[i].src, code_fields[f]));
				printf(",\n");
			}
		}
	printf("};\n\nconst size_t codes_gen_nheadings = %zu;\n", NHEADINGS);
	printf("const char *const codes_gen_heading_key[] = {\n");
	for (size_t h = 0; h < NHEADINGS; h++) {
		printf("\t");
		emit_str(heading_keys[h]);
		printf(",\n");
	}
	printf("};\n/* [lang * nheadings + h] */\nconst char *const codes_gen_heading[] = {\n");
	for (int l = 0; l < NLANG; l++)
		for (size_t h = 0; h < NHEADINGS; h++) {
			printf("\t");
			emit_str(text_of(KIND_CODES, l, "headings", heading_keys[h]));
			printf(",\n");
		}
	printf("};\n\n");

	struct langfile *ren = &files[KIND_REASONS][LANG_EN];
	printf("const size_t codes_gen_nreasons = %zu;\n", ren->nrecs);
	printf("const size_t codes_gen_nreason_fields = %d;\n", NREASON_FIELDS);
	printf("const char *const codes_gen_reason_id[] = {\n");
	for (size_t i = 0; i < ren->nrecs; i++) {
		printf("\t");
		emit_str(ren->recs[i].key);
		printf(",\n");
	}
	printf("\tNULL\n};\n/* [(lang * nreasons + i) * nreason_fields + field] */\n");
	printf("const char *const codes_gen_reason_text[] = {\n");
	for (int l = 0; l < NLANG; l++)
		for (size_t i = 0; i < ren->nrecs; i++)
			for (int f = 0; f < NREASON_FIELDS; f++) {
				printf("\t");
				emit_str(text_of(KIND_REASONS, l, ren->recs[i].key, reason_fields[f]));
				printf(",\n");
			}
	printf("\tNULL\n};\n");
}

int main(int argc, char **argv)
{
	bool strict = getenv("GENCODES_STRICT") && strcmp(getenv("GENCODES_STRICT"), "1") == 0;
	int nfiles = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--strict") == 0) {
			strict = true;
			continue;
		}
		read_file(argv[i]);
		nfiles++;
	}
	for (size_t i = 0; i < sizeof report_templates / sizeof report_templates[0]; i++)
		if (!in_list(report_templates[i].key, heading_keys, NHEADINGS))
			fail("tools/gencodes.c", 0, "report_templates[] names '%s', not a heading key",
			     report_templates[i].key);
	if (nfiles == 0) {
		fprintf(stderr, "usage: gencodes [--strict] data/codes/LANG.txt data/reasons/LANG.txt ...\n");
		return 2;
	}
	if (!files[KIND_CODES][LANG_EN].present)
		fail("data/codes/en.txt", 0, "missing: English is the reference language");
	if (!files[KIND_REASONS][LANG_EN].present)
		fail("data/reasons/en.txt", 0, "missing: English is the reference language");
	if (!files[KIND_CODES][LANG_EN].present || !files[KIND_REASONS][LANG_EN].present)
		goto out;
	check_coverage();
	for (int k = 0; k < NKIND; k++)
		for (int l = 1; l < NLANG; l++) {
			if (!files[k][l].present)
				continue;
			size_t missing = check_translation(k, l, strict);
			if (missing)
				fprintf(stderr,
				        "gencodes: note: %s lacks %zu of %zu records (English is used for them)\n",
				        files[k][l].path, missing, files[k][LANG_EN].nrecs);
		}
	build_rows();
	if (errors)
		goto out;
	emit();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "gencodes: write error\n");
		return 1;
	}
out:
	if (errors) {
		fprintf(stderr, "gencodes: %d error%s in the code knowledge base\n", errors,
		        errors == 1 ? "" : "s");
		return 1;
	}
	return 0;
}
