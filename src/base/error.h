/* Filling a ps_error: one call, positioned when there is a position. */
#ifndef PS_BASE_ERROR_H
#define PS_BASE_ERROR_H

#include <stdarg.h>

#include <portshift/portshift.h>

/* Sets err (if not NULL) to path:line:col message. Always returns -1
 * (PS_ERROR). */
int ps_error_set(ps_error *err, const char *path, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int ps_error_vset(ps_error *err, const char *path, int line, int col, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/*
 * The kind of an error (a PS_E* code of the public header) travels beside
 * the record: each ps_error_set* notes the code of the error it sets on the
 * calling thread (ps_error_set: PS_ERROR), so the layers in between keep
 * returning -1 and a public function returns ps_error_code(rc), the code of
 * the last error set. ps_ordered_map carries it from its worker threads.
 */

/* ps_error_set noting `code` as the kind: sets err (if not NULL), returns -1
 * as ps_error_set does (inside the library every failure is -1). */
int ps_error_setc(ps_error *err, int code, const char *path, int line, int col, const char *fmt,
                  ...) __attribute__((format(printf, 6, 7)));
int ps_error_vsetc(ps_error *err, int code, const char *path, int line, int col, const char *fmt,
                   va_list ap) __attribute__((format(printf, 6, 0)));
/* rc when it is not negative; else the code of the last error set on this
 * thread (PS_ERROR when none was set since ps_error_begin). */
int ps_error_code(int rc);
/* At the start of a public call: no error noted yet on this thread. */
void ps_error_begin(void);
/* The code of the last error set on this thread, and setting it (to carry
 * an error from the thread that set it to the thread that reports it). */
int ps_error_last(void);
void ps_error_restore(int code);

/* Sets err (if not NULL) to "out of memory", noting PS_ENOMEM. Always
 * returns -1, as ps_error_set does. */
int ps_error_oom(ps_error *err);

/* For a public entry point given NULL where it needs an object: sets err
 * (if not NULL) to "FUNCTION: NAME is NULL". Always returns PS_EINVALID. */
#define PS_NULL_ARG(err, name)                                                                     \
    (ps_error_setc((err), PS_EINVALID, NULL, 0, 0, "%s: %s is NULL", __func__, (name)), PS_EINVALID)

/* Adds text to the end of err's message (if err is not NULL): context that
 * only the caller knows, after the callee's own words. */
void ps_error_append(ps_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "path:line:col: message" (parts omitted when unset); the caller frees it.
 * NULL when out of memory. */
char *ps_error_text(const ps_error *err);

/* A list of positioned diagnostics (warnings). */
typedef struct ps_diags {
    ps_error *items;
    size_t count;
    size_t cap;
} ps_diags;

/* Adds one diagnostic; -1 (the list as it was) when out of memory. */
int ps_diag_add(ps_diags *d, const char *path, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void ps_diags_free(ps_diags *d);

#endif
