#include "parse/props.h"

#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

/* A line ends in a continuation when it ends in an odd number of backslashes. */
static int continues(const char *data, size_t line_end)
{
    size_t n = 0;
    while (n < line_end && data[line_end - 1 - n] == '\\')
        n++;
    return n % 2 == 1;
}

static size_t line_end_of(const char *data, size_t len, size_t pos)
{
    const char *nl = memchr(data + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - data) : len;
    const char *cr = memchr(data + pos, '\r', end - pos);
    return cr ? (size_t)(cr - data) : end;
}

static size_t next_line(const char *data, size_t len, size_t end)
{
    if (end < len && data[end] == '\r')
        end++;
    if (end < len && data[end] == '\n')
        end++;
    return end;
}

void ps_props_parse(ps_props *props, const char *data, size_t len)
{
    size_t cap = 0;
    props->entries = NULL;
    props->count = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t end = line_end_of(data, len, pos);
        size_t p = pos;
        while (p < end && blank(data[p]))
            p++;
        if (p == end || data[p] == '#' || data[p] == '!') {
            pos = next_line(data, len, end);
            continue;
        }
        size_t k0 = p;
        while (p < end && data[p] != '=' && data[p] != ':' && !blank(data[p])) {
            if (data[p] == '\\' && p + 1 == end && end < len) {
                /* A key continued on the next line, after its leading blanks. */
                p = next_line(data, len, end);
                end = line_end_of(data, len, p);
                while (p < end && blank(data[p]))
                    p++;
                continue;
            }
            if (data[p] == '\\' && p + 1 < end)
                p++;
            p++;
        }
        size_t k1 = p;
        while (p < end && blank(data[p]))
            p++;
        if (p < end && (data[p] == '=' || data[p] == ':'))
            p++;
        while (p < end && blank(data[p]))
            p++;
        size_t v0 = p;
        while (continues(data, end) && end < len) {
            size_t nl = next_line(data, len, end);
            if (nl >= len)
                break;
            end = line_end_of(data, len, nl);
        }
        ps_prop *e = PS_PUSH(props->entries, props->count, cap);
        e->key.start = k0;
        e->key.end = k1;
        e->value.start = v0;
        e->value.end = end;
        pos = next_line(data, len, end);
    }
}

void ps_props_parse_yaml(ps_props *props, const char *data, size_t len)
{
    size_t cap = 0;
    props->entries = NULL;
    props->count = 0;
    for (size_t pos = 0; pos < len;) {
        size_t end = line_end_of(data, len, pos);
        size_t p = pos;
        pos = next_line(data, len, end);
        while (p < end && blank(data[p]))
            p++;
        if (p + 1 < end && data[p] == '-' && data[p + 1] == ' ')
            p += 2;
        while (p < end && blank(data[p]))
            p++;
        if (p == end || data[p] == '#')
            continue;
        size_t k0 = p;
        while (p < end && data[p] != ':' && !blank(data[p]) && data[p] != '#')
            p++;
        if (p == k0 || p >= end || data[p] != ':' || (p + 1 < end && !blank(data[p + 1])))
            continue;
        size_t k1 = p++;
        while (p < end && blank(data[p]))
            p++;
        size_t v0 = p, v1 = end;
        if (v0 < end && (data[v0] == '\'' || data[v0] == '"')) {
            const char *close = memchr(data + v0 + 1, data[v0], end - v0 - 1);
            if (!close)
                continue;
            v0++;
            v1 = (size_t)(close - data);
        } else {
            for (size_t i = v0; i < end; i++)
                if (data[i] == '#' && i > v0 && blank(data[i - 1])) {
                    v1 = i;
                    break;
                }
            while (v1 > v0 && blank(data[v1 - 1]))
                v1--;
        }
        if (v1 == v0)
            continue;
        ps_prop *e = PS_PUSH(props->entries, props->count, cap);
        e->key.start = k0;
        e->key.end = k1;
        e->value.start = v0;
        e->value.end = v1;
    }
}

void ps_props_free(ps_props *props)
{
    free(props->entries);
    props->entries = NULL;
    props->count = 0;
}
