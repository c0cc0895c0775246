/* main: hands argv to the command table (src/cli.c, src/cli_commands.c).
 * SPDX-License-Identifier: MIT */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
