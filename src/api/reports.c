/*
 * The documents of the command line as bytes: a thin face over
 * report/report.h, which words and formats them. One call per document,
 * the format an argument.
 */
#include <portshift/portshift.h>

#include "api/buf.h"
#include "base/error.h"
#include "report/report.h"
#include "report/status.h"

static int bad_format(ps_error *err, const char *fn, ps_format format)
{
    ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: format %d is not a ps_format", fn,
                  (int)format);
    return PS_EINVALID;
}

static int known_format(ps_format format)
{
    return format == PS_FORMAT_TEXT || format == PS_FORMAT_JSON || format == PS_FORMAT_MARKDOWN;
}

/* The checks every document call makes first. */
#define DOCUMENT_ARGS(out, object, name, format)                                                   \
    do {                                                                                           \
        if (!(out))                                                                                \
            return PS_NULL_ARG(err, "out");                                                        \
        if (!(object))                                                                             \
            return PS_NULL_ARG(err, name);                                                         \
        if (!known_format(format))                                                                 \
            return bad_format(err, __func__, format);                                              \
    } while (0)

/* A document of report/report.h into `out`: the layer below words it, for
 * every format alike. A document cut short by want of memory is no document. */
static int take(ps_buf *out, ps_strbuf *b, int rc, ps_error *err, const char *fn)
{
    if (ps_strbuf_oom(b)) {
        ps_strbuf_free(b);
        return ps_error_code(ps_error_oom(err)); /* PS_ENOMEM */
    }
    if (rc < 0) {
        ps_strbuf_free(b);
        ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: no such document", fn);
        return PS_EINVALID;
    }
    if (ps__buf_take(out, b) < 0)
        return ps_error_code(ps_error_oom(err)); /* PS_ENOMEM */
    return 0;
}

int ps_plan_report(ps_buf *out, const ps_plan *plan, ps_format format, ps_error *err)
{
    DOCUMENT_ARGS(out, plan, "plan", format);
    ps_strbuf b = PS_STRBUF_INIT;
    return take(out, &b, ps_report_plan(&b, plan, PS_REPORT_PLAN, format), err, __func__);
}

int ps_plan_ports_report(ps_buf *out, const ps_plan *plan, ps_format format, ps_error *err)
{
    DOCUMENT_ARGS(out, plan, "plan", format);
    ps_strbuf b = PS_STRBUF_INIT;
    return take(out, &b, ps_report_plan(&b, plan, PS_REPORT_PORTS, format), err, __func__);
}

int ps_check_report(ps_buf *out, const ps_check *check, ps_format format, ps_error *err)
{
    DOCUMENT_ARGS(out, check, "check", format);
    ps_strbuf b = PS_STRBUF_INIT;
    return take(out, &b, ps_report_check(&b, check, format), err, __func__);
}

int ps_check_status_report(ps_buf *out, const ps_check *check, ps_format format, ps_error *err)
{
    DOCUMENT_ARGS(out, check, "check", format);
    ps_status status;
    if (ps_status_make(&status, check) < 0)
        return ps_error_code(ps_error_oom(err)); /* PS_ENOMEM */
    ps_strbuf b = PS_STRBUF_INIT;
    int rc = ps_report_status(&b, &status, format);
    ps_status_free(&status);
    return take(out, &b, rc, err, __func__);
}

int ps_check_repair_command(ps_buf *out, const ps_check *check, ps_error *err)
{
    DOCUMENT_ARGS(out, check, "check", PS_FORMAT_TEXT);
    ps_strbuf b = PS_STRBUF_INIT;
    ps_report_repair_command(&b, check);
    return take(out, &b, 0, err, __func__);
}

int ps_check_resolve_command(ps_buf *out, const ps_check *check, ps_error *err)
{
    DOCUMENT_ARGS(out, check, "check", PS_FORMAT_TEXT);
    ps_strbuf b = PS_STRBUF_INIT;
    ps_report_resolve_command(&b, check);
    return take(out, &b, 0, err, __func__);
}

int ps_batch_report(ps_buf *out, const ps_batch *batch, const ps_plan *plan, ps_format format,
                    ps_batch_report_step step, ps_error *err)
{
    DOCUMENT_ARGS(out, batch, "batch", format);
    if (!plan)
        return PS_NULL_ARG(err, "plan");
    if ((unsigned)step > PS_BATCH_REPORT_APPLIED) {
        ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: step %d is not a ps_batch_report_step",
                      __func__, (int)step);
        return PS_EINVALID;
    }
    ps_strbuf b = PS_STRBUF_INIT;
    return take(out, &b, ps_report_batch(&b, batch, plan, step, format), err, __func__);
}

int ps_fleet_check_report(ps_buf *out, const ps_fleet_check *check, ps_format format, ps_error *err)
{
    DOCUMENT_ARGS(out, check, "check", format);
    ps_strbuf b = PS_STRBUF_INIT;
    return take(out, &b, ps_report_fleet(&b, check, format), err, __func__);
}
