/* cli_config: settings from the environment and config files, beneath the
 * command line. Precedence, highest first: the option, $SMTPLOG_NAME, the
 * user file ($XDG_CONFIG_HOME/smtplog/config), the system file
 * ($SMTPLOG_SYSCONFDIR/smtplog.conf, /etc/smtplog by default); --config FILE
 * is read instead of both files. A key is the long name of an option whose
 * row says .config; its value is checked by that row's type, even when the
 * running command does not take it, so a mistake shows at once.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The values read, owned here until cli_config_release. */
static char **kept;
static size_t nkept;

static const char *keep(char *s)
{
	kept = xrealloc(kept, (nkept + 1) * sizeof *kept);
	return kept[nkept++] = s;
}

/* cli_config_release - see cli.h */
void cli_config_release(void)
{
	for (size_t i = 0; i < nkept; i++)
		free(kept[i]);
	free(kept);
	kept = NULL;
	nkept = 0;
}

/* config_row - the row of a config key: the command's own, else any
 * command's (then *own is false) */
static const struct cli_option *config_row(const struct cli_command *c, const char *key, bool *own)
{
	for (const struct cli_option *o = c->options; o->name; o++)
		if (o->config && strcmp(o->name, key) == 0) {
			*own = true;
			return o;
		}
	*own = false;
	for (const struct cli_command *k = cli_commands; k->name; k++)
		for (const struct cli_option *o = k->options; o->name; o++)
			if (o->config && strcmp(o->name, key) == 0)
				return o;
	return NULL;
}

/* known_keys - "db, lang, ..." for the message of an unknown key */
static void known_keys(char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (const struct cli_command *k = cli_commands; k->name; k++)
		for (const struct cli_option *o = k->options; o->name; o++) {
			if (!o->config)
				continue;
			char pat[64];
			snprintf(pat, sizeof pat, " %s,", o->name);
			char have[1024];
			snprintf(have, sizeof have, " %s,", out);
			if (strstr(have, pat) || n + strlen(o->name) + 3 >= size)
				continue;
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "", o->name);
		}
}

/* set_from - one key = value into conf (or, for another command's key,
 * checked only); -1 or an exit status */
static int set_from(const struct cli_command *c, struct cli_args *conf, const char *where,
                    const char *key, const char *value)
{
	bool own;
	const struct cli_option *o = config_row(c, key, &own);
	cli_where = where;
	int rc = -1;
	if (!o) {
		char known[512];
		known_keys(known, sizeof known);
		rc = cli_usage_error(conf, "unknown key '%s' (known: %s)", key, known);
	} else if (own) {
		rc = cli_set_option(conf, o, keep(xstrdup(value)));
	} else {
		struct cli_args scratch = { .cmd = conf->cmd, .lang = -1 };
		rc = cli_set_option(&scratch, o, value);
	}
	cli_where = NULL;
	return rc;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* read_file - "key = value" lines ('#' comments, blank lines; a value may
 * be in double quotes). -1 (read, or absent and optional), or an exit status */
static int read_file(const struct cli_command *c, struct cli_args *conf, const char *path,
                     bool required)
{
	struct stat st;
	/* an optional file that cannot even be seen (absent, or in a directory
	 * this user may not search, such as root's home under setpriv) is no
	 * file; one that is there but cannot be read is an error */
	if (!required && stat(path, &st) != 0)
		return -1;
	FILE *f = fopen(path, "r");
	if (!f) {
		return cli_fail(conf, CLI_EXIT_NOINPUT, "cannot read config file '%s': %s", path,
		                strerror(errno));
	}
	char line[4096], where[PATH_MAX + 32];
	int rc = -1;
	for (unsigned long lineno = 1; rc < 0 && fgets(line, sizeof line, f); lineno++) {
		snprintf(where, sizeof where, "%s:%lu", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			cli_where = where;
			rc = cli_usage_error(conf, "line longer than %zu bytes", sizeof line - 2);
			cli_where = NULL;
			break;
		}
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			cli_where = where;
			rc = cli_usage_error(conf, "expected 'key = value', got '%s'", s);
			cli_where = NULL;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		size_t n = strlen(value);
		if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
			value[n - 1] = '\0';
			value++;
		}
		rc = set_from(c, conf, where, key, value);
	}
	if (rc < 0 && ferror(f))
		rc = cli_fail(conf, CLI_EXIT_NOINPUT, "cannot read config file '%s': %s", path,
		              strerror(errno));
	fclose(f);
	return rc;
}

/* from_env - $SMTPLOG_NAME of each config key of the command */
static int from_env(const struct cli_command *c, struct cli_args *conf)
{
	for (const struct cli_option *o = c->options; o->name; o++) {
		if (!o->config)
			continue;
		char var[64] = "SMTPLOG_";
		size_t n = strlen(var);
		for (const char *p = o->name; *p && n + 1 < sizeof var; p++)
			var[n++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		var[n] = '\0';
		const char *v = getenv(var);
		if (!v || !*v)
			continue;
		char where[80];
		snprintf(where, sizeof where, "$%s", var);
		int rc = set_from(c, conf, where, o->name, v);
		if (rc >= 0)
			return rc;
	}
	return -1;
}

/* is_unset - the field of a config row still has its initial value */
static bool is_unset(const struct cli_args *a, const struct cli_option *o)
{
	const char *field = (const char *)a + o->off;
	switch (o->type) {
	case CLI_LONG: return *(const long *)field == 0;
	case CLI_LANG: return *(const int *)field < 0;
	case CLI_FLAG: return !*(const bool *)field;
	default: return *(const char *const *)field == NULL;
	}
}

static void copy_field(struct cli_args *to, const struct cli_args *from, const struct cli_option *o)
{
	size_t size = o->type == CLI_LONG ? sizeof(long) : o->type == CLI_LANG ? sizeof(int)
	              : o->type == CLI_FLAG ? sizeof(bool) : sizeof(const char *);
	memcpy((char *)to + o->off, (const char *)from + o->off, size);
}

/* cli_config_apply - see cli.h */
int cli_config_apply(const struct cli_command *c, struct cli_args *a)
{
	struct cli_args conf = { .cmd = a->cmd, .lang = -1 };
	int rc;
	if (a->config) {
		rc = read_file(c, &conf, a->config, true);
	} else {
		char sys[PATH_MAX], user[PATH_MAX];
		const char *dir = getenv("SMTPLOG_SYSCONFDIR");
		snprintf(sys, sizeof sys, "%s/smtplog.conf", dir && *dir ? dir : "/etc/smtplog");
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
		if (xdg && *xdg)
			snprintf(user, sizeof user, "%s/smtplog/config", xdg);
		else if (home && *home)
			snprintf(user, sizeof user, "%s/.config/smtplog/config", home);
		else
			user[0] = '\0';
		rc = read_file(c, &conf, sys, false);   /* lowest first: later ones override */
		if (rc < 0 && user[0])
			rc = read_file(c, &conf, user, false);
	}
	if (rc < 0)
		rc = from_env(c, &conf);
	if (rc >= 0)
		return rc;
	for (const struct cli_option *o = c->options; o->name; o++)
		if (o->config && is_unset(a, o) && !is_unset(&conf, o)) {
			copy_field(a, &conf, o);
			if (a->nfrom_config < SL_ARRAY_LEN(a->from_config))
				a->from_config[a->nfrom_config++] = o->off;
		}
	return -1;
}

/* cli_from_config - see cli.h */
bool cli_from_config(const struct cli_args *a, size_t off)
{
	for (size_t i = 0; i < a->nfrom_config; i++)
		if (a->from_config[i] == off)
			return true;
	return false;
}
