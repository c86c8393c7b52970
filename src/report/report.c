/*
 * The documents by format: each call hands its document to the printer of
 * the format asked for (text.c, json.c, markdown.c, status.c).
 */
#include "report/printers.h"

int ps_report_plan(ps_strbuf *out, const ps_plan *plan, ps_report_doc doc, ps_format fmt)
{
    int ports = doc == PS_REPORT_PORTS;
    if (doc != PS_REPORT_PLAN && !ports)
        return -1;
    if (fmt == PS_FORMAT_TEXT)
        ports ? ps__ports_text(out, plan) : ps__plan_text(out, plan);
    else if (fmt == PS_FORMAT_JSON)
        ps__plan_json(out, plan, !ports);
    else if (fmt == PS_FORMAT_MARKDOWN)
        ports ? ps__ports_markdown(out, plan) : ps__plan_markdown(out, plan);
    else
        return -1;
    return 0;
}

int ps_report_check(ps_strbuf *out, const ps_check *check, ps_format fmt)
{
    if (fmt == PS_FORMAT_TEXT)
        ps__check_text(out, check);
    else if (fmt == PS_FORMAT_JSON)
        ps__check_json(out, check);
    else if (fmt == PS_FORMAT_MARKDOWN)
        ps__check_markdown(out, check);
    else
        return -1;
    return 0;
}

int ps_report_batch(ps_strbuf *out, const ps_batch *batch, const ps_plan *plan,
                    ps_batch_report_step step, ps_format fmt)
{
    if (step != PS_BATCH_REPORT_SHOWN && step != PS_BATCH_REPORT_DIFFED &&
        step != PS_BATCH_REPORT_APPLIED)
        return -1;
    if (fmt == PS_FORMAT_TEXT)
        ps__batch_text(out, batch, plan, step);
    else if (fmt == PS_FORMAT_JSON)
        ps__batch_json(out, batch, plan, step);
    else if (fmt == PS_FORMAT_MARKDOWN)
        ps__batch_markdown(out, batch, plan);
    else
        return -1;
    return 0;
}

int ps_report_status(ps_strbuf *out, const ps_status *status, ps_format fmt)
{
    if (fmt == PS_FORMAT_TEXT)
        ps__status_text(out, status);
    else if (fmt == PS_FORMAT_JSON)
        ps__status_json(out, status);
    else if (fmt == PS_FORMAT_MARKDOWN)
        ps__status_markdown(out, status);
    else
        return -1;
    return 0;
}

int ps_report_fleet(ps_strbuf *out, const ps_fleet_check *check, ps_format fmt)
{
    if (fmt == PS_FORMAT_TEXT)
        ps__fleet_text(out, check);
    else if (fmt == PS_FORMAT_JSON)
        ps__fleet_json(out, check);
    else if (fmt == PS_FORMAT_MARKDOWN)
        ps__fleet_markdown(out, check);
    else
        return -1;
    return 0;
}
