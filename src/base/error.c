#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

static void fill(ps_error *err, const char *path, int line, int col, const char *fmt, va_list ap)
{
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    err->line = line;
    err->col = col;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

/* The code of the last error set on this thread: see error.h. */
static _Thread_local int last_code = PS_ERROR;

void ps_error_begin(void)
{
    last_code = PS_ERROR;
}

int ps_error_last(void)
{
    return last_code;
}

void ps_error_restore(int code)
{
    last_code = code;
}

int ps_error_code(int rc)
{
    return rc < 0 ? last_code : rc;
}

int ps_error_vsetc(ps_error *err, int code, const char *path, int line, int col, const char *fmt,
                   va_list ap)
{
    last_code = code;
    if (err)
        fill(err, path, line, col, fmt, ap);
    return -1;
}

int ps_error_setc(ps_error *err, int code, const char *path, int line, int col, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    ps_error_vsetc(err, code, path, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

int ps_error_set(ps_error *err, const char *path, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ps_error_vsetc(err, PS_ERROR, path, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

int ps_error_vset(ps_error *err, const char *path, int line, int col, const char *fmt, va_list ap)
{
    return ps_error_vsetc(err, PS_ERROR, path, line, col, fmt, ap);
}

void ps_error_append(ps_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    size_t used = strlen(err->message);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + used, sizeof err->message - used, fmt, ap);
    va_end(ap);
}

int ps_error_oom(ps_error *err)
{
    return ps_error_setc(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
}

static int diag_vadd(ps_diags *d, const char *path, int line, int col, const char *fmt, va_list ap)
{
    ps_error *e = PS_TRY_PUSH(d->items, d->count, d->cap);
    if (!e)
        return -1;
    fill(e, path, line, col, fmt, ap);
    return 0;
}

int ps_diag_add(ps_diags *d, const char *path, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = diag_vadd(d, path, line, col, fmt, ap);
    va_end(ap);
    return rc;
}

void ps_diags_free(ps_diags *d)
{
    free(d->items);
    d->items = NULL;
    d->count = d->cap = 0;
}

/* Public (portshift.h): the one writer of an error's position, for
 * ps_error_text and for the command line's "portshift: WHERE error: ...". */
int ps_error_where(char *out, size_t size, const ps_error *err)
{
    if (!out && size)
        return PS_EINVALID;
    if (!err || !err->path[0]) {
        if (size)
            out[0] = '\0';
        return 0;
    }
    if (err->line > 0 && err->col > 0)
        return snprintf(out, size, "%s:%d:%d: ", err->path, err->line, err->col);
    if (err->line > 0)
        return snprintf(out, size, "%s:%d: ", err->path, err->line);
    return snprintf(out, size, "%s: ", err->path);
}

char *ps_error_text(const ps_error *err)
{
    char where[sizeof err->path + 32];
    ps_error_where(where, sizeof where, err);
    return ps_asprintf("%s%s", where, err->message);
}
