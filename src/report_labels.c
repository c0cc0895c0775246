/* report_labels: the report's words and its advice for this server's
 * administrator, per language, from data/report/LANG.txt (embedded at build
 * time by tools/embed.c). Flat "key: text" lines; English is the reference,
 * another language falls back to it key by key (test_report checks every
 * language has every key). SPDX-License-Identifier: MIT */
#include "report.h"

#include <stdlib.h>
#include <string.h>

struct embedded_file { const char *name; const char *text; size_t len; };
extern const struct embedded_file report_labels_builtin[];

struct label {
	char *key;
	char *text[CODES_LANG_COUNT];
};

static struct label *labels;
static size_t nlabels;
static bool loaded;

static struct label *find(const char *key)
{
	for (size_t i = 0; i < nlabels; i++)
		if (strcmp(labels[i].key, key) == 0)
			return &labels[i];
	return NULL;
}

/* lang_of - "data/report/ja.txt" -> CODES_JA; -1 if not a language file */
static int lang_of(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	for (int l = 0; l < CODES_LANG_COUNT; l++) {
		const char *n = codes_lang_name((enum codes_lang)l);
		if (strncmp(base, n, strlen(n)) == 0 && strcmp(base + strlen(n), ".txt") == 0)
			return l;
	}
	return -1;
}

/* parse - one file's lines into the table (English first, so it defines the keys) */
static void parse(const struct embedded_file *f, int lang)
{
	const char *p = f->text, *end = f->text + f->len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		if (*p != '#' && colon && colon > p) {
			char *key = xstrndup(p, (size_t)(colon - p));
			const char *v = colon + 1;
			while (v < eol && *v == ' ')
				v++;
			struct label *l = find(key);
			if (!l && lang == CODES_EN) {
				labels = xrealloc(labels, (nlabels + 1) * sizeof *labels);
				l = &labels[nlabels++];
				memset(l, 0, sizeof *l);
				l->key = xstrdup(key);
			}
			if (l && !l->text[lang])
				l->text[lang] = xstrndup(v, (size_t)(eol - v));
			free(key);
		}
		p = eol + 1;
	}
}

static void load(void)
{
	if (loaded)
		return;
	loaded = true;
	for (int pass = 0; pass < 2; pass++)
		for (const struct embedded_file *f = report_labels_builtin; f->name; f++) {
			int l = lang_of(f->name);
			if (l >= 0 && (pass == 0) == (l == CODES_EN))
				parse(f, l);
		}
}

/* report_label - a localized label; English where lang lacks it */
const char *report_label(const char *key, enum codes_lang lang)
{
	load();
	struct label *l = find(key);
	if (!l)
		SL_BUG("report label '%s' missing from data/report/en.txt", key);
	if ((unsigned)lang < CODES_LANG_COUNT && l->text[lang])
		return l->text[lang];
	return l->text[CODES_EN];
}

bool report_label_translated(const char *key, enum codes_lang lang)
{
	load();
	struct label *l = find(key);
	return l && (unsigned)lang < CODES_LANG_COUNT && l->text[lang];
}

size_t report_label_count(void)
{
	load();
	return nlabels;
}

const char *report_label_key_at(size_t i)
{
	load();
	return i < nlabels ? labels[i].key : NULL;
}

/* report_label_opt - like report_label, NULL for a key English lacks */
const char *report_label_opt(const char *key, enum codes_lang lang)
{
	load();
	return find(key) ? report_label(key, lang) : NULL;
}
