#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ps_strndup(const char *s, size_t n)
{
    char *d = ps_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ps_strdup(const char *s)
{
    return ps_strndup(s, strlen(s));
}

static void append_vprintf(ps_strbuf *b, const char *fmt, va_list ap);

char *ps_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ps_strbuf b = PS_STRBUF_INIT;
    append_vprintf(&b, fmt, ap);
    va_end(ap);
    return ps_strbuf_detach(&b, NULL);
}

int ps_reserve(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    void *p = ps_realloc(*arr, ncap * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

void ps_sort(void *arr, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(arr, n, size, cmp);
}

/* Room for `extra` more bytes and the NUL; 0, or -1 when the buffer has
 * failed (then or before: a failure is sticky). */
static int reserve(ps_strbuf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->len + extra + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        while (ncap < b->len + extra + 1)
            ncap *= 2;
        char *p = ps_realloc(b->data, ncap);
        if (!p) {
            b->oom = 1;
            return -1;
        }
        b->data = p;
        b->cap = ncap;
    }
    return 0;
}

static void append_vprintf(ps_strbuf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    /* vsnprintf fails only for a length past INT_MAX (or a bad format): no
     * room for the text either way. */
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) {
        b->oom = 1;
    } else if (reserve(b, (size_t)n) == 0) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void ps_strbuf_add(ps_strbuf *b, const void *data, size_t len)
{
    if (reserve(b, len) < 0)
        return;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void ps_strbuf_puts(ps_strbuf *b, const char *s)
{
    ps_strbuf_add(b, s, strlen(s));
}

void ps_strbuf_printf(ps_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    append_vprintf(b, fmt, ap);
    va_end(ap);
}

int ps_strbuf_oom(const ps_strbuf *b)
{
    return b->oom;
}

char *ps_strbuf_detach(ps_strbuf *b, size_t *len)
{
    if (!b->data)
        ps_strbuf_add(b, "", 0);
    char *d = b->oom ? NULL : b->data;
    if (!d)
        free(b->data);
    if (len)
        *len = d ? b->len : 0;
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return d;
}

void ps_strbuf_free(ps_strbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

void ps_free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
