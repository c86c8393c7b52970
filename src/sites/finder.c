/*
 * The bookkeeping of one ps_sites_find run that both of its halves use:
 * spans already claimed by a rule, and new sites placed by line and column.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "base/strbuf.h"
#include "sites/finder.h"

int ps__claim(finder *f, const ps_cfile *file, size_t start)
{
    return ps_keyset_add(&f->claims, (uintptr_t)file, start) < 0 ? ps_error_oom(f->err) : 0;
}

ps_site *ps__add_site(finder *f, ps_site_kind kind, const ps_cfile *file, ps_span span, long value)
{
    ps_site *s = PS_TRY_PUSH(f->out->items, f->out->count, f->cap);
    if (!s) {
        ps_error_oom(f->err);
        return NULL;
    }
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->file = file;
    s->span = span;
    s->value = value;
    s->active = 1;
    if (file)
        ps_lines_pos(&file->lines, span.start, &s->line, &s->col);
    return s;
}

int ps_span_number(const char *data, ps_span *span, long *value)
{
    while (span->start < span->end && isspace((unsigned char)data[span->start]))
        span->start++;
    while (span->end > span->start && isspace((unsigned char)data[span->end - 1]))
        span->end--;
    size_t n = span->end - span->start;
    if (n == 0)
        return 0;
    long v = 0;
    for (size_t i = span->start; i < span->end; i++) {
        if (!isdigit((unsigned char)data[i]))
            return 0;
        if (n <= PS_PORT_DIGITS)
            v = v * 10 + (data[i] - '0');
    }
    if (n > PS_PORT_DIGITS)
        return -1;
    *value = v;
    return 1;
}
