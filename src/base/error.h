/* Filling a ps_error: one call, positioned when there is a position. */
#ifndef PS_BASE_ERROR_H
#define PS_BASE_ERROR_H

#include <stdarg.h>

#include <portshift/portshift.h>

/* Sets err (if not NULL) to path:line:col message. Always returns -1. */
int ps_error_set(ps_error *err, const char *path, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int ps_error_vset(ps_error *err, const char *path, int line, int col, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/* For a public entry point given NULL where it needs an object: sets err
 * (if not NULL) to "FUNCTION: NAME is NULL". Always returns -1. */
#define PS_NULL_ARG(err, name) ps_error_set((err), NULL, 0, 0, "%s: %s is NULL", __func__, (name))

/* Adds text to the end of err's message (if err is not NULL): context that
 * only the caller knows, after the callee's own words. */
void ps_error_append(ps_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "path:line:col: message" (parts omitted when unset); the caller frees it. */
char *ps_error_text(const ps_error *err);

/* A list of positioned diagnostics (warnings). */
typedef struct ps_diags {
    ps_error *items;
    size_t count;
    size_t cap;
} ps_diags;

void ps_diag_add(ps_diags *d, const char *path, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void ps_diags_free(ps_diags *d);

#endif
