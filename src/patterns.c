/* patterns: load pattern files (data), compile them with JIT, match lines.
 * See include/patterns.h for the file format. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "patterns.h"

#include <dirent.h>
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A hostile line must cost a bounded time: these limits make a
 * catastrophic backtrack give up in about a millisecond. */
#define PATTERNS_MATCH_LIMIT 100000
#define PATTERNS_DEPTH_LIMIT 10000
#define PATTERNS_MAX_ATTRS 8
#define PATTERNS_MAX_PROGRAMS 16
/* Per mta list, the entries that admit a program, for this many program
 * names of at most PATTERNS_PROGRAM_NAME - 1 bytes (a log has a handful) */
#define PATTERNS_PROGRAM_CACHE 16
#define PATTERNS_PROGRAM_NAME 32

static const char *const field_names[PF_COUNT] = {
	[PF_QUEUE_ID] = "queue_id",         [PF_SENDER] = "sender",
	[PF_RECIPIENT] = "recipient",       [PF_ORIG_RECIPIENT] = "orig_recipient",
	[PF_REMOTE_HOST] = "remote_host",   [PF_REMOTE_IP] = "remote_ip",
	[PF_HELO] = "helo",                 [PF_RELAY] = "relay",
	[PF_REPLY] = "reply",               [PF_STATUS] = "status",
	[PF_ACTION] = "action",             [PF_HEADER_MSGID] = "header_msgid",
	[PF_NEW_QUEUE_ID] = "new_queue_id", [PF_FORWARD_TO] = "forward_to",
	[PF_PROTOCOL] = "protocol",         [PF_SMTP_CODE] = "smtp_code",
	[PF_ENHANCED_CODE] = "enhanced_code", [PF_SIZE] = "size",
	[PF_NRCPT] = "nrcpt",               [PF_DELAY] = "delay",
};

struct pattern_attr {
	char *key, *value;
};

struct pattern {
	char *id, *mta, *kind, *prefilter, *regex, *origin;
	char *programs[PATTERNS_MAX_PROGRAMS];
	size_t program_len[PATTERNS_MAX_PROGRAMS];
	size_t nprograms;        /* 0 means any program */
	struct pattern_attr attrs[PATTERNS_MAX_ATTRS];
	size_t nattrs;
	size_t prefilter_len;
	size_t prefilter_rare;   /* index of the byte of the prefilter memchr looks for */
	pcre2_code *re;
	bool deferred;           /* a built-in entry: compiled on its first attempt */
	bool jit;                /* JIT-compiled: matched through pcre2_jit_match */
	bool jit_tried;          /* JIT compiled (or refused) on the first attempt */
	pcre2_match_data *md;
	/* capture group number -> field, -1 for groups that fill nothing */
	int *group_field;
	uint32_t ngroups;
};

/* The entries of an mta list whose programs: admit one program, in order. */
struct program_entries {
	char name[PATTERNS_PROGRAM_NAME];
	size_t len;
	size_t *idx;
	size_t n;
};

/* The entries of one mta, as indices into set->items, in order. */
struct mta_list {
	char *mta;
	size_t *idx;
	size_t n;
	/* filtered by program: testing every entry's programs: on every line
	 * cost a compare per entry and program name */
	struct program_entries progs[PATTERNS_PROGRAM_CACHE];
	size_t nprogs, next_evict;
	bool any_programs;   /* some entry names programs (else all admit any) */
};

struct pattern_set {
	struct pattern **items;
	size_t n, cap;
	struct mta_list *lists;
	size_t nlists;
	struct mta_list *last_list;   /* found by the last lookup, or NULL */
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
	bool compiled;
	struct pattern_stats stats;
};

const char *const *patterns_field_names(void)
{
	return field_names;
}

/* rarest_byte - the index of the byte of needle least likely in a log
 * message, by a rough order of byte frequency in mail logs (most common
 * first; bytes not listed count as rare) */
static size_t rarest_byte(const char *needle, size_t n)
{
	static const char common[] = " e:t.a=o0i1n2s3r4h5l6d7c8u9m-f<p>g@w[y]b,v(k)x/j_q+z";
	size_t best = 0, best_rank = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		const char *hit = needle[i] ? strchr(common, needle[i]) : NULL;
		size_t rank = hit ? sizeof common - (size_t)(hit - common) : 0;
		if (rank < best_rank) {
			best = i;
			best_rank = rank;
		}
	}
	return best;
}

struct pattern_set *patterns_new(void)
{
	struct pattern_set *set = xcalloc(1, sizeof *set);
	set->mctx = pcre2_match_context_create(NULL);
	if (!set->mctx)
		SL_BUG("pcre2_match_context_create failed");
	pcre2_set_match_limit(set->mctx, PATTERNS_MATCH_LIMIT);
	pcre2_set_depth_limit(set->mctx, PATTERNS_DEPTH_LIMIT);
	set->jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	if (set->jit_stack)
		pcre2_jit_stack_assign(set->mctx, NULL, set->jit_stack);
	return set;
}

static void pattern_free_compiled(struct pattern *p)
{
	pcre2_match_data_free(p->md);
	pcre2_code_free(p->re);
	free(p->group_field);
	p->md = NULL;
	p->re = NULL;
	p->group_field = NULL;
}

static void pattern_free(struct pattern *p)
{
	if (!p)
		return;
	pattern_free_compiled(p);
	free(p->id);
	free(p->mta);
	free(p->kind);
	free(p->prefilter);
	free(p->regex);
	free(p->origin);
	for (size_t i = 0; i < p->nprograms; i++)
		free(p->programs[i]);
	for (size_t i = 0; i < p->nattrs; i++) {
		free(p->attrs[i].key);
		free(p->attrs[i].value);
	}
	free(p);
}

static void free_lists(struct pattern_set *set)
{
	for (size_t i = 0; i < set->nlists; i++) {
		free(set->lists[i].mta);
		free(set->lists[i].idx);
		for (size_t k = 0; k < set->lists[i].nprogs; k++)
			free(set->lists[i].progs[k].idx);
	}
	free(set->lists);
	set->lists = NULL;
	set->nlists = 0;
}

void patterns_free(struct pattern_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		pattern_free(set->items[i]);
	free(set->items);
	free_lists(set);
	pcre2_jit_stack_free(set->jit_stack);
	pcre2_match_context_free(set->mctx);
	free(set);
}

/* ---- parsing pattern files */

static char *trim_dup(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

static int entry_finish(struct pattern_set *set, struct pattern *p, const char *origin,
                        struct sl_error *err)
{
	if (!p->id)
		return sl_error_set(err, SL_EFORMAT, "%s: entry without 'id:'", p->origin);
	if (!p->mta || !p->regex || !p->kind)
		return sl_error_set(err, SL_EFORMAT, "%s: entry '%s' needs 'mta:', 'kind:' and 'regex:'",
		                    p->origin, p->id);
	(void)origin;
	for (size_t i = 0; i < set->n; i++) {
		if (strcmp(set->items[i]->id, p->id) == 0) {
			/* twice in one file is a mistake; a later file overrides */
			const char *a = set->items[i]->origin, *b = p->origin;
			size_t la = strcspn(a, ":"), lb = strcspn(b, ":");
			if (la == lb && strncmp(a, b, la) == 0)
				return sl_error_set(err, SL_EFORMAT, "%s: id '%s' already used at %s", p->origin,
				                    p->id, a);
			/* a later file (--patterns DIR) overrides the entry in place */
			pattern_free(set->items[i]);
			set->items[i] = p;
			set->compiled = false;
			return 0;
		}
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->items = xrealloc(set->items, set->cap * sizeof *set->items);
	}
	set->items[set->n++] = p;
	set->compiled = false;
	return 0;
}

static int entry_set(struct pattern *p, const char *key, char *value, struct sl_error *err)
{
	char **slot = NULL;
	if (strcmp(key, "id") == 0)
		slot = &p->id;
	else if (strcmp(key, "mta") == 0)
		slot = &p->mta;
	else if (strcmp(key, "kind") == 0)
		slot = &p->kind;
	else if (strcmp(key, "prefilter") == 0)
		slot = &p->prefilter;
	else if (strcmp(key, "regex") == 0)
		slot = &p->regex;
	if (slot) {
		if (*slot) {
			free(value);
			return sl_error_set(err, SL_EFORMAT, "%s: '%s:' given twice", p->origin, key);
		}
		*slot = value;
		if (slot == &p->prefilter) {
			p->prefilter_len = strlen(value);
			p->prefilter_rare = rarest_byte(value, p->prefilter_len);
		}
		return 0;
	}
	if (strcmp(key, "programs") == 0) {
		char *save = NULL;
		for (char *tok = strtok_r(value, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
			if (strcmp(tok, "*") == 0)
				continue;
			if (p->nprograms == PATTERNS_MAX_PROGRAMS) {
				free(value);
				return sl_error_set(err, SL_EFORMAT, "%s: more than %d programs", p->origin,
				                    PATTERNS_MAX_PROGRAMS);
			}
			p->program_len[p->nprograms] = strlen(tok);
			p->programs[p->nprograms++] = xstrdup(tok);
		}
		free(value);
		return 0;
	}
	if (p->nattrs == PATTERNS_MAX_ATTRS) {
		free(value);
		return sl_error_set(err, SL_EFORMAT, "%s: too many attributes", p->origin);
	}
	p->attrs[p->nattrs].key = xstrdup(key);
	p->attrs[p->nattrs].value = value;
	p->nattrs++;
	return 0;
}

int patterns_add_text(struct pattern_set *set, const char *origin, const char *text, size_t len,
                      struct sl_error *err)
{
	struct pattern *cur = NULL;
	char *last_key = NULL;
	const char *p = text, *end = text + len;
	int lineno = 0;
	int rc = 0;

	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);
		lineno++;
		if (n && p[n - 1] == '\r')
			n--;
		bool blank = true;
		for (size_t i = 0; i < n; i++)
			if (p[i] != ' ' && p[i] != '\t')
				blank = false;
		if (blank) {
			if (cur) {
				rc = entry_finish(set, cur, origin, err);
				if (rc)
					pattern_free(cur);
				cur = NULL;
			}
		} else if (p[0] == '#') {
			/* comment */
		} else if ((p[0] == ' ' || p[0] == '\t') && cur && last_key &&
		           strcmp(last_key, "regex") == 0) {
			/* continuation of a long regex: joined without the indentation */
			char *more = trim_dup(p, n);
			size_t a = strlen(cur->regex), b = strlen(more);
			cur->regex = xrealloc(cur->regex, a + b + 1);
			memcpy(cur->regex + a, more, b + 1);
			free(more);
		} else {
			const char *colon = memchr(p, ':', n);
			if (!colon) {
				rc = sl_error_set(err, SL_EFORMAT, "%s:%d: expected 'key: value'", origin, lineno);
				break;
			}
			if (!cur) {
				cur = xcalloc(1, sizeof *cur);
				char where[512];
				snprintf(where, sizeof where, "%s:%d", origin, lineno);
				cur->origin = xstrdup(where);
			}
			char *key = trim_dup(p, (size_t)(colon - p));
			char *value = trim_dup(colon + 1, n - (size_t)(colon + 1 - p));
			free(last_key);
			last_key = key;
			rc = entry_set(cur, key, value, err);
			if (rc) {
				char msg[sizeof err->msg];
				snprintf(msg, sizeof msg, "%s", err->msg);
				sl_error_set(err, SL_EFORMAT, "%s:%d: %s", origin, lineno, msg);
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (rc == 0 && cur) {
		rc = entry_finish(set, cur, origin, err);
		if (rc == 0)
			cur = NULL;
	}
	pattern_free(cur);
	free(last_key);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int patterns_add_dir(struct pattern_set *set, const char *dir, struct sl_error *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return sl_error_set(err, SL_EIO, "cannot open pattern directory '%s': %s", dir,
		                    strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".pat") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct sl_buf path, text;
		sl_buf_init(&path);
		sl_buf_init(&text);
		sl_buf_addf(&path, "%s/%s", dir, names[i]);
		FILE *f = rc ? NULL : fopen(path.data, "rb");
		if (!rc && !f)
			rc = sl_error_set(err, SL_EIO, "cannot open '%s': %s", path.data, strerror(errno));
		if (f) {
			char chunk[8192];
			size_t got;
			while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
				sl_buf_add(&text, chunk, got);
			if (ferror(f))
				rc = sl_error_set(err, SL_EIO, "cannot read '%s': %s", path.data, strerror(errno));
			fclose(f);
			if (!rc)
				rc = patterns_add_text(set, path.data, text.data, text.len, err);
		}
		sl_buf_release(&path);
		sl_buf_release(&text);
		free(names[i]);
	}
	free(names);
	return rc;
}

struct embedded_file {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct embedded_file patterns_builtin[];

/* patterns_add_builtin - the entries built into the binary. Each is
 * compiled on the first line that reaches it, as its JIT code is: a run
 * that finds nothing new, or a log of one MTA, compiles none or one MTA's
 * entries (the compile of all of them was a third of an empty run's
 * work). The test suite compiles every one (test_pattern_files); entries
 * of a patterns directory are compiled at once, so a bad file is refused
 * before any line is read. */
int patterns_add_builtin(struct pattern_set *set, struct sl_error *err)
{
	size_t first = set->n;
	for (const struct embedded_file *f = patterns_builtin; f->name; f++)
		if (patterns_add_text(set, f->name, f->text, f->len, err))
			return -1;
	for (size_t i = first; i < set->n; i++)
		set->items[i]->deferred = true;
	return 0;
}

/* ---- compiling */

static int field_by_name(const char *name)
{
	for (int i = 0; i < PF_COUNT; i++)
		if (strcmp(field_names[i], name) == 0)
			return i;
	return -1;
}

/* compile_groups - p->re compiled: its match data and its groups' fields */
static int compile_groups(struct pattern *p, struct sl_error *err)
{
	/* JIT waits for the first line that reaches the entry (try_one): an
	 * hourly run that finds nothing new, or a log of one MTA, compiles
	 * none or one MTA's entries; the load still checks every regex. */
	p->jit = p->jit_tried = false;
	p->md = pcre2_match_data_create_from_pattern(p->re, NULL);
	if (!p->md)
		SL_BUG("pcre2_match_data_create_from_pattern failed");

	uint32_t ncap = 0, namecount = 0, entrysize = 0;
	PCRE2_SPTR table;
	pcre2_pattern_info(p->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	pcre2_pattern_info(p->re, PCRE2_INFO_NAMECOUNT, &namecount);
	pcre2_pattern_info(p->re, PCRE2_INFO_NAMEENTRYSIZE, &entrysize);
	pcre2_pattern_info(p->re, PCRE2_INFO_NAMETABLE, &table);
	p->ngroups = ncap + 1;
	p->group_field = xmalloc(p->ngroups * sizeof *p->group_field);
	for (uint32_t i = 0; i < p->ngroups; i++)
		p->group_field[i] = -1;
	for (uint32_t i = 0; i < namecount; i++) {
		const unsigned char *e = table + (size_t)i * entrysize;
		uint32_t num = ((uint32_t)e[0] << 8) | e[1];
		const char *name = (const char *)e + 2;
		if (strncmp(name, "x_", 2) == 0)
			continue;   /* helper group, fills nothing */
		int f = field_by_name(name);
		if (f < 0)
			return sl_error_set(err, SL_EFORMAT,
			                    "%s: pattern '%s': unknown group name '%s' (see patterns.h)",
			                    p->origin, p->id, name);
		p->group_field[num] = f;
	}
	return 0;
}

static int compile_one(struct pattern *p, struct sl_error *err)
{
	int ec;
	PCRE2_SIZE eoff;
	pattern_free_compiled(p);
	/* Byte mode, no UTF: log syntax is ASCII and invalid UTF-8 must not
	 * make a line unmatchable. DUPNAMES lets alternatives share a field. */
	p->re = pcre2_compile((PCRE2_SPTR)p->regex, PCRE2_ZERO_TERMINATED, PCRE2_DUPNAMES, &ec, &eoff,
	                      NULL);
	if (!p->re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof msg);
		return sl_error_set(err, SL_EFORMAT, "%s: pattern '%s': %s at offset %zu", p->origin, p->id,
		                    (char *)msg, (size_t)eoff);
	}
	return compile_groups(p, err);
}

static struct mta_list *list_for(struct pattern_set *set, const char *mta)
{
	for (size_t i = 0; i < set->nlists; i++)
		if (strcmp(set->lists[i].mta, mta) == 0)
			return &set->lists[i];
	return NULL;
}

/* compile_entry - one entry of set, counted */
static int compile_entry(struct pattern_set *set, struct pattern *p, struct sl_error *err)
{
	if (compile_one(p, err))
		return -1;
	set->stats.compiled++;
	return 0;
}

int patterns_compile_all(struct pattern_set *set, struct sl_error *err)
{
	for (size_t i = 0; i < set->n; i++)
		if (!set->items[i]->re && compile_entry(set, set->items[i], err))
			return -1;
	return patterns_compile(set, err);
}

int patterns_compile(struct pattern_set *set, struct sl_error *err)
{
	for (size_t i = 0; i < set->n; i++)
		if (!set->items[i]->re && !set->items[i]->deferred &&
		    compile_entry(set, set->items[i], err))
			return -1;
	free_lists(set);
	set->last_list = NULL;   /* the lists are rebuilt: forget the cached lookup */
	for (size_t i = 0; i < set->n; i++) {
		struct mta_list *l = list_for(set, set->items[i]->mta);
		if (!l) {
			set->lists = xrealloc(set->lists, (set->nlists + 1) * sizeof *set->lists);
			l = &set->lists[set->nlists++];
			memset(l, 0, sizeof *l);
			l->mta = xstrdup(set->items[i]->mta);
		}
		l->idx = xrealloc(l->idx, (l->n + 1) * sizeof *l->idx);
		l->idx[l->n++] = i;
		if (set->items[i]->nprograms)
			l->any_programs = true;
	}
	set->compiled = true;
	return 0;
}

/* patterns_copy - see patterns.h */
struct pattern_set *patterns_copy(const struct pattern_set *set, const char *mta)
{
	if (!set->compiled)
		SL_BUG("patterns_copy before patterns_compile");
	struct pattern_set *copy = patterns_new();
	for (size_t i = 0; i < set->n; i++) {
		const struct pattern *s = set->items[i];
		if (mta && strcmp(s->mta, mta) != 0)
			continue;
		struct pattern *p = xcalloc(1, sizeof *p);
		p->id = xstrdup(s->id);
		p->mta = xstrdup(s->mta);
		p->kind = xstrdup(s->kind);
		p->prefilter = s->prefilter ? xstrdup(s->prefilter) : NULL;
		p->regex = xstrdup(s->regex);
		p->origin = xstrdup(s->origin);
		for (size_t k = 0; k < s->nprograms; k++) {
			p->programs[k] = xstrdup(s->programs[k]);
			p->program_len[k] = s->program_len[k];
		}
		p->nprograms = s->nprograms;
		for (size_t k = 0; k < s->nattrs; k++) {
			p->attrs[k].key = xstrdup(s->attrs[k].key);
			p->attrs[k].value = xstrdup(s->attrs[k].value);
		}
		p->nattrs = s->nattrs;
		p->prefilter_len = s->prefilter_len;
		p->prefilter_rare = s->prefilter_rare;
		/* the compiled code without its JIT code, which the copy compiles
		 * on its own first match; a deferred entry is compiled there too */
		p->deferred = s->deferred && !s->re;
		struct sl_error err;
		if (!p->deferred && (!(p->re = pcre2_code_copy(s->re)) || compile_groups(p, &err)))
			SL_BUG("copy of pattern '%s' failed", s->id);
		if (copy->n == copy->cap) {
			copy->cap = copy->cap ? copy->cap * 2 : 64;
			copy->items = xrealloc(copy->items, copy->cap * sizeof *copy->items);
		}
		copy->items[copy->n++] = p;
	}
	struct sl_error err;
	if (patterns_compile(copy, &err))   /* only the lists: every entry is compiled */
		SL_BUG("patterns_copy: %s", err.msg);
	return copy;
}

/* ---- matching */

static bool program_allowed(const struct pattern *p, struct sl_span prog)
{
	if (p->nprograms == 0 || sl_span_empty(prog))
		return true;
	for (size_t i = 0; i < p->nprograms; i++)
		if (prog.len == p->program_len[i] && memcmp(prog.p, p->programs[i], prog.len) == 0)
			return true;
	return false;
}

/* prefilter_found - does msg contain p's prefilter? memchr finds the
 * candidates for its rarest byte, a compare around each decides: several
 * times faster than memmem on lines of a hundred bytes */
static bool prefilter_found(const struct pattern *p, const char *msg, size_t len)
{
	size_t n = p->prefilter_len, k = p->prefilter_rare;
	if (len < n)
		return false;
	const char *s = msg + k, *end = msg + len - (n - 1 - k);
	const char c = p->prefilter[k];
	while (s < end && (s = memchr(s, c, (size_t)(end - s))) != NULL) {
		if (memcmp(s - k, p->prefilter, n) == 0)
			return true;
		s++;
	}
	return false;
}

static bool try_one(struct pattern_set *set, struct pattern *p, const char *msg, size_t len,
                    struct pattern_match *m)
{
	if (p->prefilter_len && !prefilter_found(p, msg, len)) {
		set->stats.prefiltered_out++;
		return false;
	}
	set->stats.attempts++;
	if (!p->re) {
		struct sl_error err;
		if (compile_entry(set, p, &err))   /* built in, and compiled by the tests */
			SL_BUG("%s", err.msg);
	}
	if (!p->jit_tried) {
		/* JIT is an accelerator: where the platform lacks it, interpretation still works */
		p->jit = pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE) == 0;
		p->jit_tried = true;
	}
	/* pcre2_jit_match skips pcre2_match's checks of arguments we never vary */
	int rc = p->jit ? pcre2_jit_match(p->re, (PCRE2_SPTR)msg, len, 0, 0, p->md, set->mctx)
	                : pcre2_match(p->re, (PCRE2_SPTR)msg, len, 0, 0, p->md, set->mctx);
	if (rc < 0) {
		if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
			set->stats.limit_hits++;
		return false;
	}
	set->stats.matches++;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
	uint32_t pairs = pcre2_get_ovector_count(p->md);
	memset(m->field, 0, sizeof m->field);   /* every field SL_SPAN_NULL, in a few stores */
	for (uint32_t g = 1; g < p->ngroups && g < pairs; g++) {
		int f = p->group_field[g];
		if (f < 0 || ov[2 * g] == PCRE2_UNSET || m->field[f].p)
			continue;
		m->field[f].p = msg + ov[2 * g];
		m->field[f].len = ov[2 * g + 1] - ov[2 * g];
	}
	m->pattern = p;
	return true;
}

/* entries_for_program - the entries of l that admit prog (not empty,
 * shorter than PATTERNS_PROGRAM_NAME), from the cache or filtered now */
static const struct program_entries *entries_for_program(struct pattern_set *set,
                                                         struct mta_list *l, struct sl_span prog)
{
	for (size_t k = 0; k < l->nprogs; k++)
		if (l->progs[k].len == prog.len && memcmp(l->progs[k].name, prog.p, prog.len) == 0)
			return &l->progs[k];
	struct program_entries *e;
	if (l->nprogs < PATTERNS_PROGRAM_CACHE) {
		e = &l->progs[l->nprogs++];
	} else {
		e = &l->progs[l->next_evict];
		l->next_evict = (l->next_evict + 1) % PATTERNS_PROGRAM_CACHE;
		free(e->idx);
	}
	memcpy(e->name, prog.p, prog.len);
	e->len = prog.len;
	e->idx = xmalloc((l->n ? l->n : 1) * sizeof *e->idx);
	e->n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (program_allowed(set->items[l->idx[i]], prog))
			e->idx[e->n++] = l->idx[i];
	return e;
}

bool patterns_match(struct pattern_set *set, const char *mta, struct sl_span program_base,
                    const char *msg, size_t len, struct pattern_match *m)
{
	if (!set->compiled)
		SL_BUG("patterns_match before patterns_compile");
	/* callers pass the same name line after line: check it against the
	 * cached list's own copy, the cheapest of the lookups */
	struct mta_list *l = set->last_list;
	if (!l || strcmp(l->mta, mta) != 0) {
		l = list_for(set, mta);
		set->last_list = l;
	}
	if (!l)
		return false;
	const size_t *idx = l->idx;
	size_t n = l->n;
	bool check_program = false;   /* a name too long to cache: test entry by entry */
	if (l->any_programs && !sl_span_empty(program_base)) {
		if (program_base.len >= PATTERNS_PROGRAM_NAME) {
			check_program = true;
		} else {
			const struct program_entries *e = entries_for_program(set, l, program_base);
			idx = e->idx;
			n = e->n;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct pattern *p = set->items[idx[i]];
		if ((!check_program || program_allowed(p, program_base)) && try_one(set, p, msg, len, m))
			return true;
	}
	return false;
}

bool patterns_match_id(struct pattern_set *set, const char *id, const char *msg, size_t len,
                       struct pattern_match *m)
{
	if (!set->compiled)
		SL_BUG("patterns_match_id before patterns_compile");
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->items[i]->id, id) == 0)
			return try_one(set, set->items[i], msg, len, m);
	return false;
}

const char *pattern_id(const struct pattern *p) { return p->id; }
const char *pattern_mta(const struct pattern *p) { return p->mta; }
const char *pattern_kind(const struct pattern *p) { return p->kind; }
const char *pattern_regex(const struct pattern *p) { return p->regex; }

const char *pattern_attr(const struct pattern *p, const char *key)
{
	for (size_t i = 0; i < p->nattrs; i++)
		if (strcmp(p->attrs[i].key, key) == 0)
			return p->attrs[i].value;
	return NULL;
}

size_t patterns_count(const struct pattern_set *set, const char *mta)
{
	if (!mta)
		return set->n;
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->items[i]->mta, mta) == 0)
			n++;
	return n;
}

const struct pattern *patterns_at(const struct pattern_set *set, const char *mta, size_t i)
{
	for (size_t k = 0; k < set->n; k++) {
		if (mta && strcmp(set->items[k]->mta, mta) != 0)
			continue;
		if (i-- == 0)
			return set->items[k];
	}
	return NULL;
}

const struct pattern_stats *patterns_stats(const struct pattern_set *set)
{
	return &set->stats;
}
