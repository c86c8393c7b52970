/*
 * Inside the report layer: the printers of each format (text.c, json.c,
 * markdown.c, status.c); what they share is in words.h. report.c
 * dispatches to them.
 */
#ifndef PS_REPORT_PRINTERS_H
#define PS_REPORT_PRINTERS_H

#include "report/report.h"
#include "report/words.h"

void ps__plan_text(ps_strbuf *out, const ps_plan *plan);
void ps__ports_text(ps_strbuf *out, const ps_plan *plan);
/* with_edits: the `plan` document (installs, edits, warnings); else the `ports` one. */
void ps__plan_json(ps_strbuf *out, const ps_plan *plan, int with_edits);
void ps__plan_markdown(ps_strbuf *out, const ps_plan *plan);
void ps__ports_markdown(ps_strbuf *out, const ps_plan *plan);

/* Each finding, then each note, at its first party with every party on a
 * line of its own (the clashes of one set of homes as one block); a count;
 * the repair and resolve commands. */
void ps__check_text(ps_strbuf *out, const ps_check *check);
void ps__check_json(ps_strbuf *out, const ps_check *check);
void ps__check_markdown(ps_strbuf *out, const ps_check *check);

void ps__batch_text(ps_strbuf *out, const ps_batch *batch, const ps_plan *plan,
                    ps_batch_report_step step);
void ps__batch_json(ps_strbuf *out, const ps_batch *batch, const ps_plan *plan,
                    ps_batch_report_step step);
void ps__batch_markdown(ps_strbuf *out, const ps_batch *batch, const ps_plan *plan);

/* "HOME  PRODUCT VERSION  offset N  starts at N  https PORT|-  running (pid
 * N)|stopped  clash-free|clashes with HOME, ..." per home. */
void ps__status_text(ps_strbuf *out, const ps_status *status);
void ps__status_json(ps_strbuf *out, const ps_status *status);
void ps__status_markdown(ps_strbuf *out, const ps_status *status);

/* `fleet check`: "HOST:PATH:LINE:COL: stale|note: MESSAGE" per item and
 * the counts; the JSON of schemas/fleet.schema.json; markdown tables. */
void ps__fleet_text(ps_strbuf *out, const ps_fleet_check *check);
void ps__fleet_json(ps_strbuf *out, const ps_fleet_check *check);
void ps__fleet_markdown(ps_strbuf *out, const ps_fleet_check *check);
/* "stale", "unknown", "ambiguous", "nobody". */
const char *ps__fleet_kind(const ps_fleet_finding *f);

#endif
