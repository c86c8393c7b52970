/*
 * What `plan` and `ports` print: a line per port site for people, or the
 * JSON documented by schemas/plan.schema.json for programs.
 */
#ifndef PS_OUTPUT_REPORT_H
#define PS_OUTPUT_REPORT_H

#include <stdio.h>

#include "base/strbuf.h"
#include "plan/plan.h"

void ps_report_plan_text(ps_strbuf *out, const ps_plan *plan);
void ps_report_ports_text(ps_strbuf *out, const ps_plan *plan);
/* with_edits: the `plan` document (installs, edits, warnings); else the `ports` one. */
void ps_report_json(ps_strbuf *out, const ps_plan *plan, int with_edits);

#endif
