/*
 * Start-time offsets: -DportOffset=N in a runtime's start scripts. Carbon
 * reads the system property before carbon.xml's <Offset> or deployment.toml's
 * [server] offset (CarbonBaseActivator), so where a script sets it, it is
 * the offset the runtime starts at. Each hard-coded value is a site whose
 * digits apply rewrites like the config's offset; a value passed in
 * (-DportOffset=$OFFSET) is not one, but ${OFFSET:-N} starts at N unless
 * told otherwise, so its N is. A file the operator names with --start-file
 * (a systemd unit, an environment file, a wrapper) is read the same way,
 * at the ranks above the scripts'.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "sites/finder.h"

static const char flag[] = "-DportOffset=";

int ps_start_comment_line(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '@'))
        p++;
    /* ';' starts a comment in a systemd unit; no shell line begins with it */
    if (p < end && (*p == '#' || *p == ';'))
        return 1;
    if (end - p >= 2 && p[0] == ':' && p[1] == ':')
        return 1;
    return end - p >= 3 && strncasecmp(p, "rem", 3) == 0 &&
           (end - p == 3 || isspace((unsigned char)p[3]));
}

static const char *skip_word(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - p) > n && strncasecmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\t')) {
        p += n;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
    }
    return p;
}

/*
 * PS_START_ENV when the line assigns a variable before `at` (JAVA_OPTS=...,
 * export JAVA_OPTS=..., batch set JAVA_OPTS=... or set "JAVA_OPTS=...", a
 * systemd Environment=): the value reaches the server only through a command
 * line that uses it, which an argument written there overrides. Else
 * PS_START_ARG, a systemd unit's ExecStart= included: its value is the
 * command line.
 */
static int rank_of(const char *line, const char *at)
{
    const char *p = line;
    while (p < at && (*p == ' ' || *p == '\t' || *p == '@'))
        p++;
    p = skip_word(p, at, "export");
    p = skip_word(p, at, "set");
    if (p < at && *p == '"')
        p++;
    if (p >= at || !(isalpha((unsigned char)*p) || *p == '_'))
        return PS_START_ARG;
    const char *name = p;
    while (p < at && (isalnum((unsigned char)*p) || *p == '_'))
        p++;
    if (p - name == 9 && strncmp(name, "ExecStart", 9) == 0)
        return PS_START_ARG;
    return p < at && *p == '=' ? PS_START_ENV : PS_START_ARG;
}

/* The digits of the value at v (up to end): N, or N of ${VAR:-N} / ${VAR-N}. */
static int value_span(const char *data, size_t v, size_t end, ps_span *out)
{
    size_t d = v;
    if (end - v > 2 && data[v] == '$' && data[v + 1] == '{') {
        d = v + 2;
        while (d < end && (isalnum((unsigned char)data[d]) || data[d] == '_'))
            d++;
        if (d < end && data[d] == ':')
            d++;
        if (d >= end || data[d] != '-')
            return 0;
        d++;
    }
    size_t e = d;
    while (e < end && isdigit((unsigned char)data[e]))
        e++;
    if (e == d || (d != v && (e >= end || data[e] != '}')))
        return 0;
    *out = (ps_span){d, e};
    return 1;
}

static int scan_script(finder *f, const ps_cfile *file)
{
    const char *data = file->data;
    for (size_t pos = 0; pos < file->len;) {
        const char *nl = memchr(data + pos, '\n', file->len - pos);
        size_t end = nl ? (size_t)(nl - data) : file->len;
        if (!ps_start_comment_line(data + pos, data + end)) {
            for (size_t i = pos; i + sizeof flag - 1 < end; i++) {
                ps_span span;
                if (memcmp(data + i, flag, sizeof flag - 1) != 0 ||
                    !value_span(data, i + sizeof flag - 1, end, &span))
                    continue; /* -DportOffset=$OFFSET: passed in, not hard-coded */
                long value;
                if (ps_span_number(data, &span, &value) != 1 || value > PS_OFFSET_MAX)
                    return ps_lines_error(&file->lines, f->err, file->path, span.start,
                                          "-DportOffset=%.*s: not an offset from 0 to %ld",
                                          (int)(span.end - span.start), data + span.start,
                                          PS_OFFSET_MAX);
                ps_site *s = ps__add_site(f, PS_SITE_START, file, span, value);
                if (!s)
                    return -1;
                s->what = "start-time offset (-DportOffset)";
                s->rank = rank_of(data + pos, data + i);
                if (file->outside) /* --start-file: above the home's own scripts */
                    s->rank += PS_START_FILE_ENV - PS_START_ENV;
            }
        }
        pos = end + 1;
    }
    return 0;
}

int ps__start_sites(finder *f, const ps_runtime *rt)
{
    if (rt->carbon5)
        return 0; /* a Carbon 5 runtime has no offset: its ports are fixed */
    for (size_t i = 0; i < f->cfg->nfiles; i++)
        if (f->cfg->files[i].is_script && scan_script(f, &f->cfg->files[i]) < 0)
            return -1;
    return 0;
}

void ps__start_choose(ps_sites *out)
{
    out->start_site = out->start_rival = NULL;
    for (size_t i = 0; i < out->count; i++) {
        const ps_site *s = &out->items[i], *won = out->start_site;
        if (s->kind != PS_SITE_START)
            continue;
        if (!won || s->rank > won->rank) {
            out->start_site = s;
            out->start_rival = NULL;
        } else if (!out->start_rival && s->rank == won->rank && s->value != won->value) {
            out->start_rival = s;
        }
    }
    if (out->start_site) {
        out->config_offset = out->offset;
        out->offset = out->start_site->value;
    }
}
