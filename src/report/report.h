/*
 * What `plan`, `ports`, `check`, `batch` and `status` print, in three
 * formats of the same content: lines for people, the JSON documented by
 * schemas/plan.schema.json, schemas/check.schema.json,
 * schemas/batch.schema.json and schemas/status.schema.json for programs, and
 * markdown tables for a CI job summary. Each document is data (a plan, a
 * check, a batch, a status) rendered here; one call per document, the
 * format an argument.
 */
#ifndef PS_REPORT_REPORT_H
#define PS_REPORT_REPORT_H

#include <portshift/portshift.h>

#include "base/strbuf.h"
#include "batch/batch.h"
#include "check/check.h"
#include "fleet/survey.h"
#include "plan/plan.h"
#include "report/status.h"

/* The two documents of a plan. */
typedef enum ps_report_doc {
    PS_REPORT_PLAN, /* installs, every port site and what happens to it, edits, warnings */
    PS_REPORT_PORTS /* installs and their listeners at the target offsets */
} ps_report_doc;

/*
 * Each appends document `doc` of its input in format `fmt` to `out` and
 * returns 0, or -1 (nothing appended) for a doc, format or step out of range.
 * The inputs are only read. Out of memory leaves `out` failed
 * (ps_strbuf_oom), whether an append to it failed or a part built on the
 * side did: the caller, which starts `out` with PS_STRBUF_INIT, checks it
 * once where it takes the document.
 */
int ps_report_plan(ps_strbuf *out, const ps_plan *plan, ps_report_doc doc, ps_format fmt);
/* `check`: the findings and notes, the command that repairs every stale
 * reference and the one that resolves the clashes, when there are any. */
int ps_report_check(ps_strbuf *out, const ps_check *check, ps_format fmt);
/* `batch`: each home's offset (kept, or moved and why, with its other
 * runtimes), each rewrite of a fixed listener (or the note that replaces
 * it), each stale self reference the plan repairs, and the counts. */
int ps_report_batch(ps_strbuf *out, const ps_batch *batch, const ps_plan *plan,
                    ps_batch_report_step step, ps_format fmt);
/* "portshift apply --repair HOME...": the homes of the check, shell-quoted. */
void ps_report_repair_command(ps_strbuf *out, const ps_check *check);
/* "portshift batch --diff HOME...": the offsets that end every clash among them. */
void ps_report_resolve_command(ps_strbuf *out, const ps_check *check);
/* `status`: a row per home. */
int ps_report_status(ps_strbuf *out, const ps_status *status, ps_format fmt);
/* `fleet check`: each finding, then each note, named HOST:PATH:LINE:COL
 * (schemas/fleet.schema.json for JSON). */
int ps_report_fleet(ps_strbuf *out, const ps_fleet_check *check, ps_format fmt);

#endif
