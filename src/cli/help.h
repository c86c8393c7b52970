/*
 * What the command line says about itself: the synopsis, the help of each
 * command (options, HOME=N, an example), and the command a mistyped word
 * most likely meant.
 */
#ifndef PS_CLI_HELP_H
#define PS_CLI_HELP_H

#include <stddef.h>

#include "base/strbuf.h"

/* The commands, in the order help lists them. */
extern const char *const ps_cli_commands[];
extern const size_t ps_cli_ncommands;

/* The synopsis of every command and the exit statuses. */
void ps_cli_usage(ps_strbuf *out);
/* The whole help of `command`; -1 when there is no such command. */
int ps_cli_command_help(ps_strbuf *out, const char *command);
/* The command `word` is at most two edits away from, or NULL. */
const char *ps_cli_suggest(const char *word);

#endif
