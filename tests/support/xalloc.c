#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/strbuf.h"

static void *needed(void *p)
{
    if (!p) {
        fputs("test: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *xmalloc(size_t n)
{
    return needed(ps_malloc(n));
}

void *xcalloc(size_t n, size_t size)
{
    return needed(ps_calloc(n, size));
}

void *xrealloc(void *p, size_t n)
{
    return needed(ps_realloc(p, n));
}

char *xstrdup(const char *s)
{
    return needed(ps_strdup(s));
}

char *xstrndup(const char *s, size_t n)
{
    return needed(ps_strndup(s, n));
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n >= 0 && (s = needed(ps_malloc((size_t)n + 1))))
        vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    va_end(ap);
    return needed(s);
}

void xgrow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (ps_reserve(arr, cap, need, size) < 0)
        needed(NULL);
}
