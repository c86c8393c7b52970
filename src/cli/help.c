#include "cli/help.h"

#include <string.h>

const char *const ps_cli_commands[] = {"plan",    "diff",   "apply", "ports", "check", "batch",
                                       "recover", "status", "facts", "fleet", "help"};
const size_t ps_cli_ncommands = sizeof ps_cli_commands / sizeof ps_cli_commands[0];

static const char homes_text[] =
    "HOME is a product folder (it holds repository/conf, or conf/ with carbon.xml or\n"
    "deployment.toml); an EI profile may be named by its path (HOME/wso2/broker).\n"
    "HOME=N sets that home's target offset, -o/--offset N the target of every home\n"
    "without one; a home with neither keeps its offset. The homes of one call are one\n"
    "host: references between them follow their owners. -j/--jobs N loads N homes at\n"
    "once (default: one per online CPU); the output is the same whatever N.\n";

static const char exit_text[] =
    "Exit status: 0 nothing to change, done, no findings, or every home read (status);\n"
    "1 changes pending (diff, batch --diff) or findings (check, fleet check); 2 usage\n"
    "or input error (nothing written).\n";

typedef struct help {
    const char *name;
    const char *synopsis;
    const char *what;
    const char *options;
    const char *example;
} help;

static const help helps[] = {
    {"plan",
     "portshift plan [-o N] [--repair] [--json|--format F] [--start-file FILE]...\n"
     "               [--with FACTS.json]... [--jobs N] HOME[=N]...",
     "Lists every port site of the homes and what would happen to it at the target.",
     "  -o, --offset N    target offset of the homes named without =N\n"
     "      --repair      also set each stale self reference (see check)\n"
     "      --json        the same as --format json\n"
     "      --format F    text (default), json (schemas/plan.schema.json) or markdown\n"
     "      --start-file F  a file outside the homes that starts one (a systemd unit, an\n"
     "                    environment file): its -DportOffset beats bin/'s\n"
     "      --with F      another host's facts (portshift facts): references to its names\n"
     "                    follow its listeners; --repair sets the stale ones\n",
     "portshift plan --format markdown -o 2 wso2am-2.6.0 >> \"$GITHUB_STEP_SUMMARY\""},
    {"diff",
     "portshift diff [-o N] [--repair] [--color=WHEN] [-q] [--start-file FILE]...\n"
     "               [--with FACTS.json]... [--jobs N] HOME[=N]...",
     "Prints the change as a unified diff (paths relative to the current folder, for\n"
     "patch -p1 and git apply); nothing is written. Exit 1 when changes are pending.",
     "  -o, --offset N    target offset of the homes named without =N\n"
     "      --repair      also set each stale self reference (see check)\n"
     "      --color=WHEN  auto (default: on a terminal, unless NO_COLOR is set), always, never\n"
     "  -q, --quiet       no summary line on stderr\n"
     "      --start-file F  a file outside the homes that starts one (a systemd unit, an\n"
     "                    environment file): its -DportOffset beats bin/'s\n"
     "      --with F      another host's facts (portshift facts): references to its names\n"
     "                    follow its listeners; --repair sets the stale ones\n",
     "portshift diff -o 3 wso2am-2.6.0 wso2is-5.10.0=4"},
    {"apply",
     "portshift apply [-o N] [--repair] [--backup] [--force] [-q] [--start-file FILE]...\n"
     "                [--with FACTS.json]... [--jobs N] HOME[=N]...",
     "Writes the change in place, every file or none (a crash is finished by the next\n"
     "apply). Refuses a running server unless --force.",
     "  -o, --offset N    target offset of the homes named without =N\n"
     "      --repair      also set each stale self reference (see check)\n"
     "      --backup      keep each original as FILE.bak (an existing one is kept)\n"
     "      --force       patch even when wso2carbon.pid names a live process\n"
     "  -q, --quiet       print nothing on success\n"
     "      --start-file F  a file outside the homes that starts one (a systemd unit, an\n"
     "                    environment file): written too, recorded by identity,\n"
     "                    with no .bak even with --backup\n"
     "      --with F      another host's facts (portshift facts): references to its names\n"
     "                    follow its listeners; --repair sets the stale ones\n",
     "portshift apply --backup -o 1 /opt/wso2am-2.6.0"},
    {"ports",
     "portshift ports [-o N] [--json|--format F] [--start-file FILE]...\n"
     "                [--jobs N] HOME[=N]...",
     "Lists the listening ports of each runtime at the target (active or not, auto,\n"
     "manual or fixed, and where each is configured). A -DportOffset in a start script\n"
     "under bin/ is the offset the runtime runs at.",
     "  -o, --offset N    show the ports at this offset instead of the current one\n"
     "      --json        the same as --format json\n"
     "      --format F    text (default), json (schemas/plan.schema.json) or markdown\n"
     "      --start-file F  a file outside the homes that starts one (a systemd unit, an\n"
     "                    environment file): its -DportOffset beats bin/'s\n",
     "portshift ports --json wso2ei-6.6.0"},
    {"check",
     "portshift check [--listening] [--json|--format F] [--start-file FILE]...\n"
     "                [--with FACTS.json]... [--jobs N] HOME...",
     "Judges the homes as they are: clashing listeners, ports already listening on this\n"
     "host, stale self references and ambiguous ones, start scripts whose -DportOffset\n"
     "values disagree, a running server started at another offset than its files say.\n"
     "The clashes of two homes are one block. Exit 1 with findings; the output names\n"
     "the commands that repair the stale references and resolve the clashes.",
     "      --listening   also the ports bound on this host (/proc/net/tcp, tcp6)\n"
     "      --json        the same as --format json\n"
     "      --format F    text (default), json (schemas/check.schema.json) or markdown\n"
     "      --start-file F  a file outside the homes that starts one (a systemd unit, an\n"
     "                    environment file): its -DportOffset beats bin/'s\n"
     "      --with F      another host's facts (portshift facts): a reference to its names\n"
     "                    at a port nobody there listens on is stale\n",
     "portshift check --listening wso2am-2.6.0 wso2is-5.3.0"},
    {"batch",
     "portshift batch [--first N] [--avoid PORT[-PORT],...] [--listening]\n"
     "                [--diff|--apply [--force]] [--color=WHEN] [--json|--format F]\n"
     "                [--start-file FILE]...\n"
     "                [--jobs N] HOME...",
     "Chooses offsets so that the active ports of all homes are pairwise disjoint: in the\n"
     "order named, a home keeps its offset when it fits among those before it; the others\n"
     "get the smallest that fits from --first. A fixed port that still collides gets the\n"
     "next free one (a rewrite). Prints the assignment, or its diff, or applies it.",
     "      --first N     the smallest offset to give a home that must move (default 0)\n"
     "      --avoid LIST  ports or ranges no listener may take (8080,9000-9100)\n"
     "      --listening   also avoid the ports bound on this host\n"
     "      --diff        print the diff of the assignment (exit 1 when pending)\n"
     "      --apply       apply it, repairing stale self references too\n"
     "      --force       with --apply: patch even when wso2carbon.pid names a live process\n"
     "      --color=WHEN  colour the diff: auto (default), always, never\n"
     "      --json        the same as --format json\n"
     "      --format F    text (default), json (schemas/batch.schema.json) or markdown\n"
     "      --start-file F  a file outside the homes that starts one (a systemd unit, an\n"
     "                    environment file): its -DportOffset beats bin/'s\n",
     "portshift batch --apply am1 am2 is"},
    {"recover", "portshift recover [--discard] [--force] [-q] [--start-file FILE]... HOME...",
     "Deals with the record an interrupted apply left in each home named, and nothing\n"
     "else: finishes that home's part of the apply (a copy of a home is finished in\n"
     "place), or with --discard removes the record and its staged files and keeps every\n"
     "file as it is. A record is trusted only when the caller or root wrote it and every\n"
     "path in it stays in its home; the message says which command works when not.",
     "      --discard     drop the interrupted apply: the files stay as they are\n"
     "      --force       finish it even when wso2carbon.pid names a live process\n"
     "  -q, --quiet       print nothing on success\n"
     "      --start-file F  the start file the interrupted apply was writing, named again\n",
     "portshift recover /opt/wso2am-4.2.0"},
    {"status", "portshift status [--json|--format F] [--start-file FILE]... [--jobs N] HOME...",
     "One line per home, no header: product and version, the offset its files say and\n"
     "the one it starts at, its HTTPS port there (\"-\" when it has none), running or\n"
     "stopped (wso2carbon.pid), clash-free or the homes it clashes with. An EI home's\n"
     "line is its main runtime's (the integrator). It only reports: exit 0 whenever\n"
     "every home was read, clashes or not (check judges them).",
     "      --json        the same as --format json\n"
     "      --format F    text (default), json (schemas/status.schema.json) or markdown\n"
     "      --start-file F  a file outside the homes that starts one (a systemd unit, an\n"
     "                    environment file): its -DportOffset beats bin/'s\n",
     "portshift status /opt/wso2am-4.2.0 /opt/wso2is-7.1.0"},
    {"facts", "portshift facts [--host-name NAME]... [--start-file FILE]... [--jobs N] HOME...",
     "Prints what other hosts of a fleet need to know of this one, as one JSON document\n"
     "(schemas/facts.schema.json): the host's names (hostname, FQDN, the HostName and\n"
     "MgtHostName of carbon.xml, [server] hostname of deployment.toml, the aliases given),\n"
     "each home and runtime with product, version and offset, every active listener, and\n"
     "every reference in the homes' files to any host, local or remote, with its role\n"
     "and path:line:col. It only reads: exit 0 whenever every home was read.",
     "      --host-name N  another name this host is reached by (repeatable): listed,\n"
     "                    and references to it are local\n"
     "      --start-file F  a file outside the homes that starts one (a systemd unit, an\n"
     "                    environment file): its -DportOffset beats bin/'s\n",
     "portshift facts --host-name km1.example /opt/wso2is-7.1.0 > km1.json"},
    {"fleet", "portshift fleet check [--json|--format F] FACTS.json...",
     "Judges the references between the hosts of a fleet from their facts documents\n"
     "alone (portshift facts on each host; no home is read): each host's reference to\n"
     "another host's name is resolved among the other hosts. One to a port nobody there\n"
     "listens on, whose listener had that port at offset 0 or at its product's default,\n"
     "is stale: a finding, named HOST:PATH:LINE:COL, with the port it listens on now. A\n"
     "name no other host has, a name two hosts have, or a port nothing explains is a\n"
     "note. HOST is the facts' first --host-name, else its FQDN, else its hostname.\n"
     "Exit 1 with findings.",
     "      --json        the same as --format json\n"
     "      --format F    text (default), json (schemas/fleet.schema.json) or markdown\n",
     "portshift fleet check gw1.json gw2.json km1.json"},
    {"help", "portshift help [COMMAND]", "Prints the help of a command, or the synopsis of all.",
     "", "portshift help diff"},
};

void ps_cli_usage(ps_buf *out)
{
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
        ps_buf_printf(out, "%s %s\n", i ? "      " : "usage:", helps[i].synopsis);
    ps_buf_puts(out, "       portshift COMMAND --help       portshift --version\n\n");
    ps_buf_puts(out, homes_text);
    ps_buf_puts(out, "\n");
    ps_buf_puts(out, exit_text);
}

int ps_cli_command_help(ps_buf *out, const char *command)
{
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++) {
        const help *h = &helps[i];
        if (strcmp(h->name, command) != 0)
            continue;
        ps_buf_printf(out, "usage: %s\n\n%s\n", h->synopsis, h->what);
        if (*h->options)
            ps_buf_printf(out, "\nOptions:\n%s", h->options);
        if (strcmp(h->name, "help") != 0 && strcmp(h->name, "fleet") != 0) /* no HOME */
            ps_buf_printf(out, "\n%s", homes_text);
        ps_buf_printf(out, "\nExample:\n  %s\n\n%s", h->example, exit_text);
        return 0;
    }
    return -1;
}

/*
 * Edits between two words (Damerau-Levenshtein, optimal string alignment: a
 * swap of two neighbours is one edit, as in "ofset"/"offest"), capped: only
 * "close enough" matters.
 */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return 99;
    size_t d[33][33];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *ps_cli_nearest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3; /* more than two edits away is another word */
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, names[i]);
        /* two edits turn "json" into "jobs": a short name needs a closer match */
        if (d < best_d && 2 * d < strlen(names[i])) {
            best_d = d;
            best = names[i];
        }
    }
    return best;
}

const char *ps_cli_suggest(const char *word)
{
    return ps_cli_nearest(word, ps_cli_commands, ps_cli_ncommands);
}
