#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void append_vprintf(ps_strbuf *b, const char *fmt, va_list ap);

static void out_of_memory(void)
{
    fputs("portshift: error: out of memory\n", stderr);
    abort();
}

void *ps_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *ps_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *ps_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory();
    return q;
}

char *ps_xstrndup(const char *s, size_t n)
{
    char *d = ps_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ps_xstrdup(const char *s)
{
    return ps_xstrndup(s, strlen(s));
}

char *ps_xasprintf(const char *fmt, ...)
{
    ps_strbuf b = PS_STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    append_vprintf(&b, fmt, ap);
    va_end(ap);
    return ps_strbuf_detach(&b, NULL);
}

void ps_grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    *arr = ps_xrealloc(*arr, ncap * size);
    *cap = ncap;
}

void ps_sort(void *arr, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(arr, n, size, cmp);
}

static void reserve(ps_strbuf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        while (ncap < b->len + extra + 1)
            ncap *= 2;
        b->data = ps_xrealloc(b->data, ncap);
        b->cap = ncap;
    }
}

static void append_vprintf(ps_strbuf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0)
        out_of_memory();
    reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    va_end(again);
    b->len += (size_t)n;
}

void ps_strbuf_add(ps_strbuf *b, const void *data, size_t len)
{
    reserve(b, len);
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

char *ps_strbuf_detach(ps_strbuf *b, size_t *len)
{
    if (!b->data)
        ps_strbuf_add(b, "", 0);
    char *d = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void ps_strbuf_free(ps_strbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void ps_free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
