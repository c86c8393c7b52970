/*
 * The command line as parsed: the command, its options, its homes (HOME or
 * HOME=N; `fleet check`: its facts files), checked against what each command takes, with a message
 * for every word that does not fit. cli.c runs what it says; the whole state of one invocation is a
 * cli_run, so the CLI can be called again and again in-process (tests do).
 */
#ifndef PS_CLI_ARGS_H
#define PS_CLI_ARGS_H

#include <stdio.h>

#include <portshift/portshift.h>

typedef enum cli_command {
    CMD_PLAN,
    CMD_DIFF,
    CMD_APPLY,
    CMD_PORTS,
    CMD_CHECK,
    CMD_BATCH,
    CMD_RECOVER,
    CMD_STATUS,
    CMD_FACTS,
    CMD_FLEET /* the last: help's order is the enum's */
} cli_command;

typedef struct home_arg {
    char *path;
    int has_target;
    long target;
} home_arg;

typedef struct cli_run {
    cli_command cmd;
    ps_format fmt; /* --format, --json */
    int backup, force, repair, listening;
    int discard;      /* recover --discard */
    int quiet, color; /* no summary line; colour the diff */
    int has_offset;
    long offset;
    unsigned jobs;        /* -j: homes loaded at once; 0: one per online CPU */
    long first;           /* batch --first */
    ps_port_range *avoid; /* batch --avoid */
    size_t navoid;
    int batch_diff, batch_apply; /* batch --diff, --apply */
    const char **start_files;    /* --start-file, each borrowed from argv */
    size_t nstart_files;
    const char **host_names; /* facts --host-name, each borrowed from argv */
    size_t nhost_names;
    const char **with_files; /* --with: other hosts' facts, each borrowed from argv */
    size_t nwith_files;
    home_arg *args;
    size_t nargs;
    ps_host *host; /* the homes, held from before they are read until the output is out */
    ps_plan *plan;
    ps_check *check;
    ps_batch *batch;
    FILE *out, *err;
    int out_errno; /* the first failed write to `out` */
} cli_run;

/*
 * argv[1] is the command, the rest its options and homes in any order
 * (getopt_long, GNU's permuting kind; "--" ends the options). Sets *help
 * when the command's help was asked for instead.
 */
int ps_cli_parse_args(cli_run *r, int argc, char **argv, int *help, ps_error *err);

/*
 * The long options `cmd` takes ("offset", "help", ...), in the parser's
 * order: the table that help, the man page, the completions and README are
 * checked against. Each option by its first name, or with `aliases` its
 * other names too ("colour"). Stores at most `cap`; returns how many there are.
 */
size_t ps_cli_long_options(cli_command cmd, int aliases, const char **names, size_t cap);
/* The letter of long option `name` ('o' for "offset"), or 0 when it has none. */
int ps_cli_short_option(const char *name);

#endif
