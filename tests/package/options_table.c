/*
 * Prints the parser's option table (src/cli/args.c), one line per option a
 * command takes: "COMMAND --LONG" and its letter when it has one
 * ("diff --offset -o"). options.sh checks help, the man page, the
 * completions and README against it, so the table stays the one source.
 */
#include <stdio.h>

#include "cli/args.h"
#include "cli/help.h"

int main(void)
{
    for (int c = CMD_PLAN; c <= CMD_FLEET; c++) {
        const char *names[64];
        size_t n = ps_cli_long_options((cli_command)c, 0, names, 64);
        if (n > 64)
            return 1;
        for (size_t i = 0; i < n; i++) {
            int letter = ps_cli_short_option(names[i]);
            printf("%s --%s", ps_cli_commands[c], names[i]);
            if (letter)
                printf(" -%c", letter);
            printf("\n");
        }
    }
    return fflush(stdout) != 0;
}
