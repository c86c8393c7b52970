/*
 * What `plan`, `ports`, `check`, `batch` and `status` print: lines for
 * people, or the JSON documented by schemas/plan.schema.json,
 * schemas/check.schema.json, schemas/batch.schema.json and
 * schemas/status.schema.json for programs. Each report is data (a plan,
 * a check, a batch) rendered here.
 */
#ifndef PS_REPORT_REPORT_H
#define PS_REPORT_REPORT_H

#include <stdio.h>

#include "base/strbuf.h"
#include "batch/batch.h"
#include "check/check.h"
#include "report/status.h"
#include "plan/plan.h"

/* The "format" of every JSON document: raised when a document changes in a
 * way a reader of the old one would misread. */
#define PS_JSON_FORMAT 1

void ps_report_plan_text(ps_strbuf *out, const ps_plan *plan);
void ps_report_ports_text(ps_strbuf *out, const ps_plan *plan);
/* with_edits: the `plan` document (installs, edits, warnings); else the `ports` one. */
void ps_report_json(ps_strbuf *out, const ps_plan *plan, int with_edits);

/* `check`: each finding, then each note, at its first party with every
 * party on a line of its own (the clashes of one set of homes as one block);
 * a count; the command that repairs every stale reference, and the one that
 * resolves the clashes, when there are any. */
void ps_report_check_text(ps_strbuf *out, const ps_check *check);
/* `check --json`: schemas/check.schema.json. */
void ps_report_check_json(ps_strbuf *out, const ps_check *check);
/* "portshift apply --repair HOME...": the homes of the check, shell-quoted. */
void ps_report_repair_command(ps_strbuf *out, const ps_check *check);
/* "portshift batch --diff HOME...": the offsets that end every clash among them. */
void ps_report_resolve_command(ps_strbuf *out, const ps_check *check);

/*
 * Markdown, for a CI job summary or a pull-request comment: a table of the
 * homes, then one of the edits (`plan`), the listeners (`ports`) or the
 * findings and notes (`check`), every path as the user named the home.
 */
void ps_report_plan_markdown(ps_strbuf *out, const ps_plan *plan);
void ps_report_ports_markdown(ps_strbuf *out, const ps_plan *plan);
void ps_report_check_markdown(ps_strbuf *out, const ps_check *check);

/* Shared by the text and markdown reports of check. */
/* Where a party is: path:line(:col), "HOME (built in)", or "this host". */
void ps__party_place(ps_strbuf *out, const ps_party *p, int col);
/* Shared by every report that names a runtime's product: "WSO2 API Manager
 * 4.2.0", with " or later" when the files only show the earliest version. */
void ps__product_text(ps_strbuf *out, const ps_unit *unit);
/* "clash", "listening", "stale", "ambiguous", "unowned", or "note". */
const char *ps__finding_kind(const ps_finding *f);

/* What `batch` did with the plan of its assignment. */
typedef enum ps_batch_step {
    PS_BATCH_SHOWN,  /* printed the assignment only */
    PS_BATCH_DIFFED, /* a diff follows */
    PS_BATCH_APPLIED /* written */
} ps_batch_step;

/* `batch`: each home's offset (kept, or moved and why, with its other
 * runtimes), each rewrite of a fixed listener (or the note that replaces
 * it), each stale self reference the plan repairs, and the counts. */
void ps_report_batch_text(ps_strbuf *out, const ps_batch *batch, const ps_plan *plan,
                          ps_batch_step step);
/* `batch --json`: schemas/batch.schema.json. */
void ps_report_batch_json(ps_strbuf *out, const ps_batch *batch, const ps_plan *plan,
                          ps_batch_step step);

/* `batch --format markdown`: the assignment and the rewrites as tables. */
void ps_report_batch_markdown(ps_strbuf *out, const ps_batch *batch, const ps_plan *plan);

/* `status`: a line per home, no header, the fields two spaces apart:
 * "HOME  PRODUCT VERSION  offset N  starts at N  https PORT|-  running (pid
 * N)|stopped  clash-free|clashes with HOME, ...". */
void ps_report_status_text(ps_strbuf *out, const ps_status *status);
/* `status --json`: schemas/status.schema.json. */
void ps_report_status_json(ps_strbuf *out, const ps_status *status);
/* `status --format markdown`: the same as a table. */
void ps_report_status_markdown(ps_strbuf *out, const ps_status *status);

#endif
