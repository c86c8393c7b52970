/*
 * The diff of a plan: each file rendered alone (render/render.h), diffed
 * against the bytes it was rendered from (report/diff.h), on several
 * threads, handed on in the plan's file order (base/ordered.h), so a diff
 * of many homes holds only the files in flight.
 */
#include <portshift/portshift.h>

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/buf.h"
#include "api/options.h"
#include "base/error.h"
#include "base/ordered.h"
#include "base/strbuf.h"
#include "render/render.h"
#include "report/diff.h"

typedef struct diff_walk {
    const ps_plan *plan;
    const size_t *first;
    int color;
    const char *base; /* the real folder paths are shown relative to; NULL: none */
    ps_diff_file_cb cb;
    void *payload;
    atomic_int stopped; /* the callback's nonzero answer: no more files are rendered */
} diff_walk;

/* A file's diff, rendered on any thread, waiting for its turn. */
typedef struct file_diff {
    const char *path;
    ps_strbuf text;
} file_diff;

/* The path a diff shows for a file: relative to `base` when the file lies
 * under it, so `patch -p1` and `git apply` work from there. NULL when out
 * of memory. */
static char *display_path(const char *base, const char *path)
{
    char real[PATH_MAX];
    if (base && realpath(path, real)) {
        size_t n = strlen(base);
        if (strcmp(base, "/") == 0)
            return ps_strdup(real + 1);
        if (strncmp(real, base, n) == 0 && real[n] == '/')
            return ps_strdup(real + n + 1);
        return ps_strdup(real + 1);
    }
    while (path[0] == '.' && path[1] == '/')
        path += 2;
    return ps_strdup(path[0] == '/' ? path + 1 : path);
}

static void drop_diff(void *ctx, void *result)
{
    (void)ctx;
    file_diff *d = result;
    ps_strbuf_free(&d->text);
    free(d);
}

static void *diff_file(void *ctx, size_t k, ps_error *err)
{
    diff_walk *w = ctx;
    if (atomic_load(&w->stopped)) {
        ps_error_set(err, NULL, 0, 0, "stopped");
        return NULL;
    }
    ps_rendered f;
    if (ps_render_file(w->plan, w->first, k, &f, err) < 0)
        return NULL;
    file_diff *d = ps_malloc(sizeof *d);
    char *shown = display_path(w->base, f.file->path);
    if (!d || !shown) {
        free(d);
        free(shown);
        ps_rendered_release(&f);
        ps_error_oom(err);
        return NULL;
    }
    *d = (file_diff){.path = f.file->path, .text = PS_STRBUF_INIT};
    ps_strbuf plain = PS_STRBUF_INIT;
    /* A plan's edits of one file are in order and apart (render checked
     * them), so -1 here would be portshift's own fault: said, not hidden. */
    int hunks = ps_diff_unified(&plain, shown, f.orig, f.orig_len, f.edits, f.nedits);
    free(shown);
    if (ps_strbuf_oom(&plain))
        ps_error_oom(err);
    else if (hunks < 0)
        ps_error_set(err, f.file->path, 0, 0, "the edits of this file overlap; nothing diffed");
    ps_rendered_release(&f);
    if (hunks < 0 || ps_strbuf_oom(&plain)) {
        ps_strbuf_free(&plain);
        free(d);
        return NULL;
    }
    if (w->color) {
        ps_diff_colorize(&d->text, plain.data, plain.len);
        ps_strbuf_free(&plain);
    } else {
        d->text = plain;
    }
    if (ps_strbuf_oom(&d->text)) {
        drop_diff(w, d);
        ps_error_oom(err);
        return NULL;
    }
    return d;
}

static void take_diff(void *ctx, size_t k, void *result)
{
    diff_walk *w = ctx;
    file_diff *d = result;
    (void)k;
    if (!atomic_load(&w->stopped)) {
        int rc = w->cb(d->path, d->text.data ? d->text.data : "", d->text.len, w->payload);
        if (rc != 0)
            atomic_store(&w->stopped, rc);
    }
    drop_diff(ctx, d);
}

int ps_plan_diff_foreach(const ps_plan *plan, const ps_diff_options *opts, ps_diff_file_cb cb,
                         void *payload, ps_error *err)
{
    static const ps_diff_options defaults = PS_DIFF_OPTIONS_INIT;
    if (!plan)
        return PS_NULL_ARG(err, "plan");
    if (!cb)
        return PS_NULL_ARG(err, "cb");
    if (!opts)
        opts = &defaults;
    if (ps__options_version(err, __func__, opts->version, PS_DIFF_OPTIONS_VERSION) < 0)
        return PS_EINVALID;
    ps_error_begin();
    char base[PATH_MAX];
    int have_base = opts->relative_to ? realpath(opts->relative_to, base) != NULL
                                      : getcwd(base, sizeof base) != NULL;
    size_t *first;
    size_t n = ps_render_files(plan, &first);
    if (!first)
        return ps_error_code(ps_error_oom(err));
    diff_walk w = {.plan = plan,
                   .first = first,
                   .color = opts->color,
                   .base = have_base ? base : NULL,
                   .cb = cb,
                   .payload = payload};
    atomic_init(&w.stopped, 0);
    unsigned jobs = ps_jobs_for(opts->jobs, n);
    int rc = ps_ordered_map(n, jobs, 4 * (size_t)jobs, diff_file, take_diff, drop_diff, &w, err);
    free(first);
    int stopped = atomic_load(&w.stopped);
    if (stopped) {
        ps_error_setc(err, PS_ERROR, NULL, 0, 0, "%s: the callback stopped the diff (%d)", __func__,
                      stopped);
        return stopped < 0 ? stopped : PS_ERROR;
    }
    if (rc < 0)
        return ps_error_code(rc);
    return (int)n;
}

/* ps_buf_put's answer: 0, or PS_ENOMEM, which stops the walk. */
static int collect(const char *path, const char *diff, size_t len, void *payload)
{
    (void)path;
    return ps_buf_put(payload, diff, len);
}

int ps_plan_diff(ps_buf *out, const ps_plan *plan, const ps_diff_options *opts, ps_error *err)
{
    if (!out)
        return PS_NULL_ARG(err, "out");
    int rc = ps_plan_diff_foreach(plan, opts, collect, out, err);
    if (rc == PS_ENOMEM) /* collect stopped it: said as what it is */
        return ps_error_code(ps_error_oom(err));
    return rc;
}
