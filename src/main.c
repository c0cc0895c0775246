/* main: the command table. Each command parses its own options. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "store.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ .name = "analyze", .run = cmd_analyze, .summary = "read logs, store them, print the report of those logs" },
	{ .name = "report", .run = cmd_report, .summary = "print the report of the database (or a time range)" },
	{ .name = "explain", .run = cmd_explain, .summary = "explain reply codes and enhanced status codes" },
	{ .name = "compare", .run = cmd_compare, .summary = "compare two codes side by side" },
	{ .name = "codes", .run = cmd_codes, .summary = "list the reply-code knowledge base" },
	{ .name = NULL },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: smtplog COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-9s %s\n", c->name, c->summary);
	fprintf(out, "\n'smtplog COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	store_library_init();
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("smtplog %s\n", SMTPLOG_VERSION);
		return CLI_EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "smtplog: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
