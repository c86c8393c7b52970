/*
 * What the command line says about itself: the synopsis, the help of each
 * command (options, HOME=N, an example), and the command a mistyped word
 * most likely meant.
 */
#ifndef PS_CLI_HELP_H
#define PS_CLI_HELP_H

#include <stddef.h>

#include <portshift/portshift.h>

/* The commands, in the order help lists them. */
extern const char *const ps_cli_commands[];
extern const size_t ps_cli_ncommands;

/* The synopsis of every command and the exit statuses. */
void ps_cli_usage(ps_buf *out);
/* The whole help of `command`; -1 when there is no such command. */
int ps_cli_command_help(ps_buf *out, const char *command);
/* The one of `names` that `word` most likely meant: at most two edits away
 * and fewer than half the name's length (a swap of neighbours is one), or NULL. */
const char *ps_cli_nearest(const char *word, const char *const *names, size_t n);
/* The command `word` most likely meant, or NULL. */
const char *ps_cli_suggest(const char *word);

#endif
