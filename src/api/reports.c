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

int ps_plan_report(ps_buf *out, const ps_plan *plan, ps_format format, ps_error *err)
{
    DOCUMENT_ARGS(out, plan, "plan", format);
    ps_strbuf b = PS_STRBUF_INIT;
    if (format == PS_FORMAT_JSON)
        ps_report_json(&b, plan, 1);
    else if (format == PS_FORMAT_MARKDOWN)
        ps_report_plan_markdown(&b, plan);
    else
        ps_report_plan_text(&b, plan);
    ps__buf_take(out, &b);
    return 0;
}

int ps_plan_ports_report(ps_buf *out, const ps_plan *plan, ps_format format, ps_error *err)
{
    DOCUMENT_ARGS(out, plan, "plan", format);
    ps_strbuf b = PS_STRBUF_INIT;
    if (format == PS_FORMAT_JSON)
        ps_report_json(&b, plan, 0);
    else if (format == PS_FORMAT_MARKDOWN)
        ps_report_ports_markdown(&b, plan);
    else
        ps_report_ports_text(&b, plan);
    ps__buf_take(out, &b);
    return 0;
}

int ps_check_report(ps_buf *out, const ps_check *check, ps_format format, ps_error *err)
{
    DOCUMENT_ARGS(out, check, "check", format);
    ps_strbuf b = PS_STRBUF_INIT;
    if (format == PS_FORMAT_JSON)
        ps_report_check_json(&b, check);
    else if (format == PS_FORMAT_MARKDOWN)
        ps_report_check_markdown(&b, check);
    else
        ps_report_check_text(&b, check);
    ps__buf_take(out, &b);
    return 0;
}

int ps_check_status_report(ps_buf *out, const ps_check *check, ps_format format, ps_error *err)
{
    DOCUMENT_ARGS(out, check, "check", format);
    ps_status status;
    ps_status_make(&status, check);
    ps_strbuf b = PS_STRBUF_INIT;
    if (format == PS_FORMAT_JSON)
        ps_report_status_json(&b, &status);
    else if (format == PS_FORMAT_MARKDOWN)
        ps_report_status_markdown(&b, &status);
    else
        ps_report_status_text(&b, &status);
    ps_status_free(&status);
    ps__buf_take(out, &b);
    return 0;
}

int ps_check_repair_command(ps_buf *out, const ps_check *check, ps_error *err)
{
    DOCUMENT_ARGS(out, check, "check", PS_FORMAT_TEXT);
    ps_strbuf b = PS_STRBUF_INIT;
    ps_report_repair_command(&b, check);
    ps__buf_take(out, &b);
    return 0;
}

int ps_check_resolve_command(ps_buf *out, const ps_check *check, ps_error *err)
{
    DOCUMENT_ARGS(out, check, "check", PS_FORMAT_TEXT);
    ps_strbuf b = PS_STRBUF_INIT;
    ps_report_resolve_command(&b, check);
    ps__buf_take(out, &b);
    return 0;
}

int ps_batch_report(ps_buf *out, const ps_batch *batch, const ps_plan *plan, ps_format format,
                    ps_batch_report_step step, ps_error *err)
{
    DOCUMENT_ARGS(out, batch, "batch", format);
    if (!plan)
        return PS_NULL_ARG(err, "plan");
    static const ps_batch_step steps[] = {[PS_BATCH_REPORT_SHOWN] = PS_BATCH_SHOWN,
                                          [PS_BATCH_REPORT_DIFFED] = PS_BATCH_DIFFED,
                                          [PS_BATCH_REPORT_APPLIED] = PS_BATCH_APPLIED};
    if ((unsigned)step > PS_BATCH_REPORT_APPLIED) {
        ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: step %d is not a ps_batch_report_step",
                      __func__, (int)step);
        return PS_EINVALID;
    }
    ps_strbuf b = PS_STRBUF_INIT;
    if (format == PS_FORMAT_JSON)
        ps_report_batch_json(&b, batch, plan, steps[step]);
    else if (format == PS_FORMAT_MARKDOWN)
        ps_report_batch_markdown(&b, batch, plan);
    else
        ps_report_batch_text(&b, batch, plan, steps[step]);
    ps__buf_take(out, &b);
    return 0;
}
