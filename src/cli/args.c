#include "cli/args.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/diag.h"
#include "cli/help.h"

#define OFFSET_MAX 65535L

/* -j takes at most this many: far past the cores of any host portshift serves. */
#define JOBS_MAX 256

/*
 * A number on the command line is digits and nothing else: strtol would
 * also take " 3", "+3", "-0" and "3 " (or what a shell left of a quoted
 * HOME= 3). 0 with *v set; -1 when `s` is not all digits (or empty); 1 when
 * it is, but larger than `max` (*v is then max + 1).
 */
static int digits(const char *s, size_t len, long max, long *v)
{
    if (len == 0)
        return -1;
    long n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (n <= max)
            n = n * 10 + (s[i] - '0');
    }
    *v = n <= max ? n : max + 1;
    return n <= max ? 0 : 1;
}

static int parse_jobs(cli_run *r, const char *s, ps_error *err)
{
    long n;
    if (digits(s, strlen(s), JOBS_MAX, &n) != 0 || n < 1)
        return ps_cli_error(err, "--jobs takes a number from 1 to %d, not '%s'", JOBS_MAX, s);
    r->jobs = (unsigned)n;
    return 0;
}

static int parse_offset(const char *s, long *v, ps_error *err)
{
    int rc = digits(s, strlen(s), OFFSET_MAX, v);
    if (rc == 1)
        return ps_cli_error(err, "offset %s is larger than %ld", s, OFFSET_MAX);
    if (rc == 0)
        return 0;
    long n;
    if (s[0] == '-' && digits(s + 1, strlen(s + 1), OFFSET_MAX, &n) >= 0 && n > 0)
        return ps_cli_error(err, "offset %s is negative", s);
    return ps_cli_error(err, "offset '%s' is not a number (digits 0-9 only)", s);
}

/* One PORT or PORT-PORT of --avoid. */
static int parse_range(const char *item, ps_port_range *out)
{
    const char *dash = strchr(item, '-');
    size_t n = dash ? (size_t)(dash - item) : strlen(item);
    long from, to;
    if (digits(item, n, OFFSET_MAX, &from) != 0)
        return -1;
    to = from;
    if (dash && digits(dash + 1, strlen(dash + 1), OFFSET_MAX, &to) != 0)
        return -1;
    if (from < 1 || from > to)
        return -1;
    *out = (ps_port_range){from, to};
    return 0;
}

static int out_of_memory(ps_error *err)
{
    return ps_cli_error(err, "out of memory");
}

/* PORT or PORT-PORT, comma-separated; --avoid may be given again. */
static int parse_avoid(cli_run *r, const char *list, ps_error *err)
{
    size_t items = 1;
    for (const char *p = list; *p; p++)
        items += *p == ',';
    ps_port_range *more = realloc(r->avoid, (r->navoid + items) * sizeof *more);
    if (!more)
        return out_of_memory(err);
    r->avoid = more;
    for (const char *p = list;; p++) {
        size_t len = strcspn(p, ",");
        char *item = strndup(p, len);
        if (!item)
            return out_of_memory(err);
        ps_port_range range;
        int rc = parse_range(item, &range);
        if (rc < 0)
            ps_cli_error(err, "--avoid '%s' is not a port (1-%ld) or a range of them (PORT-PORT)",
                         item, OFFSET_MAX);
        free(item);
        if (rc < 0)
            return -1;
        r->avoid[r->navoid++] = range;
        p += len;
        if (!*p)
            return 0;
    }
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* HOME=N: the last '=' starts the offset, unless the whole word names a folder. */
static int parse_home(const char *word, home_arg *h, ps_error *err)
{
    const char *eq = strrchr(word, '=');
    memset(h, 0, sizeof *h);
    if (!eq || is_dir(word)) {
        h->path = strdup(word);
        return h->path ? 0 : out_of_memory(err);
    }
    h->path = strndup(word, (size_t)(eq - word));
    if (!h->path)
        return out_of_memory(err);
    h->has_target = 1;
    return parse_offset(eq + 1, &h->target, err);
}

/* What each option is, and which commands take it. */
enum {
    OPT_JSON = 256,
    OPT_FORMAT,
    OPT_REPAIR,
    OPT_LISTENING,
    OPT_BACKUP,
    OPT_FORCE,
    OPT_FIRST,
    OPT_AVOID,
    OPT_DIFF,
    OPT_APPLY,
    OPT_COLOR,
    OPT_DISCARD,
    OPT_START_FILE,
    OPT_HOST_NAME,
    OPT_WITH,
};

#define ON(c) (1u << (c))
static const struct {
    int id;
    unsigned commands;
} takes[] = {
    {'o', ON(CMD_PLAN) | ON(CMD_DIFF) | ON(CMD_APPLY) | ON(CMD_PORTS)},
    {OPT_JSON,
     ON(CMD_PLAN) | ON(CMD_PORTS) | ON(CMD_CHECK) | ON(CMD_BATCH) | ON(CMD_STATUS) | ON(CMD_FLEET)},
    {OPT_FORMAT,
     ON(CMD_PLAN) | ON(CMD_PORTS) | ON(CMD_CHECK) | ON(CMD_BATCH) | ON(CMD_STATUS) | ON(CMD_FLEET)},
    {OPT_REPAIR, ON(CMD_PLAN) | ON(CMD_DIFF) | ON(CMD_APPLY)},
    {OPT_LISTENING, ON(CMD_CHECK) | ON(CMD_BATCH)},
    {OPT_BACKUP, ON(CMD_APPLY)},
    {OPT_FORCE, ON(CMD_APPLY) | ON(CMD_BATCH) | ON(CMD_RECOVER)},
    {OPT_DISCARD, ON(CMD_RECOVER)},
    {OPT_FIRST, ON(CMD_BATCH)},
    {OPT_AVOID, ON(CMD_BATCH)},
    {OPT_DIFF, ON(CMD_BATCH)},
    {OPT_APPLY, ON(CMD_BATCH)},
    {'q', ON(CMD_DIFF) | ON(CMD_APPLY) | ON(CMD_RECOVER)},
    {OPT_COLOR, ON(CMD_DIFF) | ON(CMD_BATCH)},
    {OPT_START_FILE, ON(CMD_PLAN) | ON(CMD_DIFF) | ON(CMD_APPLY) | ON(CMD_PORTS) | ON(CMD_CHECK) |
                         ON(CMD_BATCH) | ON(CMD_RECOVER) | ON(CMD_STATUS) | ON(CMD_FACTS)},
    {'j', ON(CMD_PLAN) | ON(CMD_DIFF) | ON(CMD_APPLY) | ON(CMD_PORTS) | ON(CMD_CHECK) |
              ON(CMD_BATCH) | ON(CMD_STATUS) | ON(CMD_FACTS)},
    {OPT_HOST_NAME, ON(CMD_FACTS)},
    {OPT_WITH, ON(CMD_PLAN) | ON(CMD_DIFF) | ON(CMD_APPLY) | ON(CMD_CHECK)},
};

static const struct option long_options[] = {
    {"offset", required_argument, NULL, 'o'},
    {"json", no_argument, NULL, OPT_JSON},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"repair", no_argument, NULL, OPT_REPAIR},
    {"listening", no_argument, NULL, OPT_LISTENING},
    {"backup", no_argument, NULL, OPT_BACKUP},
    {"force", no_argument, NULL, OPT_FORCE},
    {"first", required_argument, NULL, OPT_FIRST},
    {"avoid", required_argument, NULL, OPT_AVOID},
    {"diff", no_argument, NULL, OPT_DIFF},
    {"apply", no_argument, NULL, OPT_APPLY},
    {"discard", no_argument, NULL, OPT_DISCARD},
    {"start-file", required_argument, NULL, OPT_START_FILE},
    {"host-name", required_argument, NULL, OPT_HOST_NAME},
    {"with", required_argument, NULL, OPT_WITH},
    {"quiet", no_argument, NULL, 'q'},
    {"jobs", required_argument, NULL, 'j'},
    {"color", optional_argument, NULL, OPT_COLOR},
    {"colour", optional_argument, NULL, OPT_COLOR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* "--offset" for 'o': how an option is named in a message. */
static const char *option_name(int id)
{
    static char name[40];
    for (const struct option *o = long_options; o->name; o++)
        if (o->val == id) {
            snprintf(name, sizeof name, "--%s", o->name);
            return name;
        }
    snprintf(name, sizeof name, "-%c", id);
    return name;
}

static int takes_option(cli_command cmd, int id)
{
    for (size_t i = 0; i < sizeof takes / sizeof takes[0]; i++)
        if (takes[i].id == id)
            return (takes[i].commands & ON(cmd)) != 0;
    return 1;
}

size_t ps_cli_long_options(cli_command cmd, int aliases, const char **names, size_t cap)
{
    size_t n = 0;
    for (const struct option *o = long_options; o->name; o++) {
        int alias = 0;
        for (const struct option *p = long_options; p < o; p++)
            alias |= p->val == o->val;
        if (takes_option(cmd, o->val) && (aliases || !alias) && n++ < cap)
            names[n - 1] = o->name;
    }
    return n;
}

int ps_cli_short_option(const char *name)
{
    for (const struct option *o = long_options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o->val < 128 ? o->val : 0;
    return 0;
}

/* "unknown option '--ofset' for diff; did you mean '--offset'?": `word` as
 * typed, the suggestion from the options the command takes. */
static int unknown_option(cli_command cmd, const char *word, ps_error *err)
{
    const char *names[32];
    size_t n = ps_cli_long_options(cmd, 1, names, 32);
    const char *near = NULL;
    if (strncmp(word, "--", 2) == 0) {
        char *name = strndup(word + 2, strcspn(word + 2, "="));
        if (!name)
            return out_of_memory(err);
        near = ps_cli_nearest(name, names, n < 32 ? n : 32);
        free(name);
    }
    const char *command = ps_cli_commands[cmd];
    if (near)
        return ps_cli_error(err, "unknown option '%s' for %s; did you mean '--%s'?", word, command,
                            near);
    return ps_cli_error(err, "unknown option '%s' for %s", word, command);
}

/* auto: a terminal that NO_COLOR (no-color.org) and TERM=dumb leave alone. */
static int parse_color(cli_run *r, const char *when, ps_error *err)
{
    if (!when || strcmp(when, "auto") == 0) {
        const char *term = getenv("TERM");
        const char *no = getenv("NO_COLOR");
        r->color = isatty(fileno(r->out)) && !(no && *no) && !(term && strcmp(term, "dumb") == 0);
    } else if (strcmp(when, "always") == 0) {
        r->color = 1;
    } else if (strcmp(when, "never") == 0) {
        r->color = 0;
    } else {
        return ps_cli_error(err, "--color takes auto, always or never, not '%s'", when);
    }
    return 0;
}

static int parse_format(cli_run *r, const char *f, ps_error *err)
{
    static const char *const names[] = {"text", "json", "markdown"};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(f, names[i]) == 0) {
            r->fmt = (ps_format)i; /* names[] in ps_format's order */
            return 0;
        }
    return ps_cli_error(err, "--format takes text, json or markdown, not '%s'", f);
}

/* The command word: one of ours, or an error that suggests the closest. */
static int parse_command(cli_run *r, const char *word, ps_error *err)
{
    for (size_t c = 0; c <= CMD_FLEET; c++) /* help's order is the enum's */
        if (strcmp(word, ps_cli_commands[c]) == 0) {
            r->cmd = (cli_command)c;
            return 0;
        }
    const char *near = ps_cli_suggest(word);
    if (near)
        return ps_cli_error(err, "unknown command '%s'; did you mean '%s'?", word, near);
    return ps_cli_error(err, "unknown command '%s'", word);
}

/* One option of the command; `arg` is its value. */
static int take_option(cli_run *r, int id, const char *arg, ps_error *err)
{
    switch (id) {
    case 'o':
        r->has_offset = 1;
        return parse_offset(arg, &r->offset, err);
    case OPT_JSON:
        r->fmt = PS_FORMAT_JSON;
        return 0;
    case OPT_FORMAT:
        return parse_format(r, arg, err);
    case OPT_REPAIR:
        r->repair = 1;
        return 0;
    case OPT_LISTENING:
        r->listening = 1;
        return 0;
    case OPT_BACKUP:
        r->backup = 1;
        return 0;
    case OPT_FORCE:
        r->force = 1;
        return 0;
    case OPT_FIRST:
        return parse_offset(arg, &r->first, err);
    case OPT_AVOID:
        return parse_avoid(r, arg, err);
    case OPT_DIFF:
        r->batch_diff = 1;
        return 0;
    case OPT_APPLY:
        r->batch_apply = 1;
        return 0;
    case OPT_DISCARD:
        r->discard = 1;
        return 0;
    case 'q':
        r->quiet = 1;
        return 0;
    case OPT_COLOR:
        return parse_color(r, arg, err);
    case 'j':
        return parse_jobs(r, arg, err);
    case OPT_START_FILE:
        r->start_files[r->nstart_files++] = arg; /* sized for every word of argv */
        return 0;
    case OPT_HOST_NAME:
        if (!*arg)
            return ps_cli_error(err, "--host-name needs a name");
        r->host_names[r->nhost_names++] = arg; /* sized for every word of argv */
        return 0;
    case OPT_WITH:
        r->with_files[r->nwith_files++] = arg; /* sized for every word of argv */
        return 0;
    }
    return 0;
}

/* fleet SUBCOMMAND FACTS...: check is the one there is. */
static int fleet_words(const cli_run *r, ps_error *err)
{
    if (!r->nargs)
        return ps_cli_error(err, "fleet needs a subcommand: check");
    if (strcmp(r->args[0].path, "check") != 0) {
        const char *sub[] = {"check"};
        if (ps_cli_nearest(r->args[0].path, sub, 1))
            return ps_cli_error(err, "unknown fleet subcommand '%s'; did you mean 'check'?",
                                r->args[0].path);
        return ps_cli_error(err, "unknown fleet subcommand '%s' (fleet check FACTS.json...)",
                            r->args[0].path);
    }
    if (r->nargs < 2)
        return ps_cli_error(err, "no FACTS.json given");
    return 0;
}

int ps_cli_parse_args(cli_run *r, int argc, char **argv, int *help, ps_error *err)
{
    *help = 0;
    if (argc < 2)
        return ps_cli_error(err, "no command given");
    if (parse_command(r, argv[1], err) < 0)
        return -1;
    if (parse_color(r, "auto", err) < 0)
        return -1;
    /* No more homes or start files than words: sized once. */
    r->args = calloc((size_t)argc, sizeof *r->args);
    r->start_files = calloc((size_t)argc, sizeof *r->start_files);
    r->host_names = calloc((size_t)argc, sizeof *r->host_names);
    r->with_files = calloc((size_t)argc, sizeof *r->with_files);
    if (!r->args || !r->start_files || !r->host_names || !r->with_files)
        return out_of_memory(err);
    /* check judges the homes as they are; batch chooses their offsets. */
    const char *no_offset =
        r->cmd == CMD_CHECK     ? "check takes no offset: it judges the homes as they are"
        : r->cmd == CMD_BATCH   ? "batch takes no offset: it chooses them"
        : r->cmd == CMD_RECOVER ? "recover takes no offset: it finishes what was interrupted"
        : r->cmd == CMD_STATUS  ? "status takes no offset: it shows the homes as they are"
        : r->cmd == CMD_FACTS   ? "facts takes no offset: they are of the homes as they are"
        : r->cmd == CMD_FLEET   ? "fleet takes no offset: it reads facts files, not homes"
                                : NULL;
    optind = 0; /* a fresh scan: the CLI runs again and again in-process */
    opterr = 0; /* our own messages, on our own stream */
    int id;
    char **words = argv + 1; /* getopt's argv: the command stands in for the program */
    while ((id = getopt_long(argc - 1, words, ":o:qj:h", long_options, NULL)) != -1) {
        if (id == 'h') {
            *help = 1;
            return 0;
        }
        if (id == '?' && optopt)
            return ps_cli_error(err, "unknown option '-%c' for %s", optopt, argv[1]);
        if (id == '?') /* an unknown long option: the word just read */
            return unknown_option(r->cmd, words[optind - 1], err);
        if (id == ':')
            return ps_cli_error(err, "%s needs a value", option_name(optopt));
        if (id == 'o' && no_offset)
            return ps_cli_error(err, "%s", no_offset);
        if (!takes_option(r->cmd, id))
            return unknown_option(r->cmd, option_name(id), err);
        if (take_option(r, id, optarg, err) < 0)
            return -1;
    }
    for (int i = 1 + optind; i < argc; i++) {
        home_arg *h = &r->args[r->nargs++];
        if (r->cmd == CMD_FLEET) { /* its words are files, whatever they hold */
            if (!(h->path = strdup(argv[i])))
                return out_of_memory(err);
            continue;
        }
        if (parse_home(argv[i], h, err) < 0)
            return -1;
        if (h->has_target && no_offset)
            return ps_cli_error(err, "%s", no_offset);
    }
    if (r->cmd == CMD_FLEET)
        return fleet_words(r, err);
    if (r->batch_diff && r->batch_apply)
        return ps_cli_error(err, "batch takes --diff or --apply, not both");
    if (r->cmd == CMD_BATCH && r->force && !r->batch_apply)
        return ps_cli_error(err, "--force goes with batch --apply");
    if (!r->nargs)
        return ps_cli_error(err, "no HOME given");
    return 0;
}
