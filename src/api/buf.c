/*
 * ps_buf: a ps_strbuf under the public name ({ptr, size, reserved} is
 * {data, len, cap}), so the appends are strbuf's own.
 */
#include "api/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Checked: an append that runs out of memory leaves the bytes as they were
 * and is said to the caller (PS_ENOMEM); the process goes on. */
static ps_strbuf as_strbuf(const ps_buf *buf)
{
    ps_strbuf b = PS_STRBUF_INIT;
    b.data = buf->ptr;
    b.len = buf->size;
    b.cap = buf->reserved;
    return b;
}

static void from_strbuf(ps_buf *buf, const ps_strbuf *b)
{
    *buf = (ps_buf){b->data, b->len, b->cap};
}

void ps_buf_dispose(ps_buf *buf)
{
    if (!buf)
        return;
    free(buf->ptr);
    *buf = (ps_buf){NULL, 0, 0};
}

int ps_buf_put(ps_buf *buf, const void *data, size_t len)
{
    if (!buf || (!data && len))
        return PS_EINVALID;
    ps_strbuf b = as_strbuf(buf);
    ps_strbuf_add(&b, data, len);
    from_strbuf(buf, &b);
    return ps_strbuf_oom(&b) ? PS_ENOMEM : 0;
}

int ps_buf_puts(ps_buf *buf, const char *s)
{
    if (!s)
        return PS_EINVALID;
    return ps_buf_put(buf, s, strlen(s));
}

int ps_buf_printf(ps_buf *buf, const char *fmt, ...)
{
    if (!buf || !fmt)
        return PS_EINVALID;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = n < 0 ? NULL : ps_malloc((size_t)n + 1);
    if (text)
        vsnprintf(text, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!text)
        return n < 0 ? PS_ERROR : PS_ENOMEM;
    int rc = ps_buf_put(buf, text, (size_t)n);
    free(text);
    return rc;
}

int ps__buf_take(ps_buf *out, ps_strbuf *b)
{
    if (ps_strbuf_oom(b)) {
        ps_strbuf_free(b);
        return PS_ENOMEM;
    }
    if (!out->ptr) {
        from_strbuf(out, b);
        *b = (ps_strbuf)PS_STRBUF_INIT;
        return 0;
    }
    int rc = ps_buf_put(out, b->data, b->len);
    ps_strbuf_free(b);
    return rc < 0 ? PS_ENOMEM : 0;
}
