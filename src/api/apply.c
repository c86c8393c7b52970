/*
 * An apply as one call: the plan rendered on several threads
 * (render/render.h), then written by the host under its locks and crash
 * record (ps_host_apply), every file or none. What it did stays readable
 * in a ps_apply.
 */
#include <portshift/portshift.h>

#include <stdlib.h>

#include "api/buf.h"
#include "api/options.h"
#include "base/error.h"
#include "base/strbuf.h"
#include "host/host.h"
#include "host/startfile.h"
#include "render/render.h"
#include "write/apply.h"

struct ps_apply {
    size_t nfiles;
    char *report; /* NULL: nothing to say */
    char *unit;   /* the first systemd unit changed, or NULL */
};

/* The first start file among `files` that is a systemd unit: by its real
 * path, as a drop-in named from its folder is under systemd/. 0 with *unit
 * (NULL: none), -1 when out of memory. */
static int unit_changed(const ps_rendered *files, size_t n, char **unit)
{
    *unit = NULL;
    for (size_t i = 0; i < n; i++)
        if (files[i].file->outside &&
            ps_start_file_is_unit(files[i].file->rel, files[i].data, files[i].len)) {
            *unit = ps_strdup(files[i].file->path);
            return *unit ? 0 : -1;
        }
    return 0;
}

int ps_plan_apply(ps_apply **out, ps_host *host, const ps_plan *plan, const ps_apply_options *opts,
                  ps_error *err)
{
    static const ps_apply_options defaults = PS_APPLY_OPTIONS_INIT;
    if (!out)
        return PS_NULL_ARG(err, "out");
    *out = NULL;
    if (!host)
        return PS_NULL_ARG(err, "host");
    if (!plan)
        return PS_NULL_ARG(err, "plan");
    if (!opts)
        opts = &defaults;
    if (ps__options_version(err, __func__, opts->version, PS_APPLY_OPTIONS_VERSION) < 0)
        return PS_EINVALID;
    ps_error_begin();
    ps_rendered *files;
    size_t n;
    if (ps_render(plan, opts->jobs, &files, &n, err) < 0)
        return ps_error_code(-1);
    /* What the result needs is had before anything is written: out of
     * memory then leaves every file as it was. */
    ps_apply *a = ps_calloc(1, sizeof *a);
    if (!a || unit_changed(files, n, &a->unit) < 0) {
        ps_apply_free(a);
        ps_rendered_free(files, n);
        return ps_error_code(ps_error_oom(err));
    }
    a->nfiles = n;
    ps_strbuf report = PS_STRBUF_INIT;
    int rc = ps_host_apply(host, files, n, opts->force ? PS_HOST_FORCE : 0,
                           opts->backup ? PS_APPLY_BACKUP : 0, &report, err);
    if (rc == 0 && ps_strbuf_oom(&report))
        rc = ps_error_oom(err); /* the files are written; what the report says is cut short */
    if (rc == 0) {
        a->report = ps_strbuf_detach(&report, NULL);
        *out = a;
    } else {
        ps_apply_free(a);
    }
    ps_strbuf_free(&report);
    ps_rendered_free(files, n);
    return ps_error_code(rc);
}

void ps_apply_free(ps_apply *a)
{
    if (!a)
        return;
    free(a->report);
    free(a->unit);
    free(a);
}

size_t ps_apply_file_count(const ps_apply *a)
{
    return a ? a->nfiles : 0;
}

const char *ps_apply_report(const ps_apply *a)
{
    return a && a->report ? a->report : "";
}

const char *ps_apply_unit_changed(const ps_apply *a)
{
    return a ? a->unit : NULL;
}

size_t ps_host_warning_count(const ps_host *h)
{
    return h ? h->warnings.count : 0;
}

const ps_error *ps_host_warning(const ps_host *h, size_t i)
{
    return i < ps_host_warning_count(h) ? &h->warnings.items[i] : NULL;
}
