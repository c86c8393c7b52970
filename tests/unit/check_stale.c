/*
 * Stale self references in the planner (DESIGN §1 "Findings of check"):
 * exactly two kinds, (a) an owner="self" element whose value is one of its
 * runtime's listener ports at offset 0 or at the product's default, not the
 * port it listens on now; (b) a reference with no role that no runtime of
 * the call owns, equal to one of its runtime's listener ports at the
 * product's default offset while the runtime runs at another. Nothing else
 * is stale. With repair the reference is set to where that listener is at
 * the target. Runtimes are built in memory, one table row per case.
 */
#include "plan/plan.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/runner.h"
#include "../support/synth.h"

/* What becomes of the reference under test. */
typedef struct want {
    ps_action action;
    int stale;
    long next;       /* the value it is given (or keeps) */
    long should;     /* stale: where the listener it means listens now */
    const char *why; /* stale: what the listener it means is */
} want;

/*
 * The host of every case: runtime 0 "this" of home "h" at `offset` (product
 * default `dflt`) with an HTTPS connector at base 9443, a built-in broker at
 * 5672 and a pass-through port at 8280; runtime 1 a home "other" at offset 0
 * with what `other` puts there. The reference under test sits in "this".
 */
typedef struct stale_case {
    const char *label;
    long offset, dflt;
    long value;
    const char *role;
    int self_only;
    long other_port; /* a listener of the other home at this base, 0: none */
    int target;      /* -1: none */
    int repair, generated;
    want want;
} stale_case;

#define NONE -1
#define KEEP(v)                                                                                    \
    {                                                                                              \
        PS_ACT_KEEP, 0, v, 0, NULL                                                                 \
    }
#define UNOWNED(v)                                                                                 \
    {                                                                                              \
        PS_ACT_UNOWNED, 0, v, 0, NULL                                                              \
    }
#define STALE(v, should, why)                                                                      \
    {                                                                                              \
        PS_ACT_STALE, 1, v, should, why                                                            \
    }

/* clang-format off */
static const stale_case cases[] = {
    /* (a) owner="self": the redirectPort of an EI profile that runs at offset 3. */
    {"a: self element at the base of its connector", 3, 0, 9443, NULL, 1, 0, NONE, 0, 0,
     STALE(9443, 9446, "https")},
    {"a: another home listening there does not own it", 3, 0, 9443, NULL, 1, 9443, NONE, 0, 0,
     STALE(9443, 9446, "https")},
    {"a: matched at the product's default offset", 13, 10, 9453, NULL, 1, 0, NONE, 0, 0,
     STALE(9453, 9456, "https")},
    {"a: right where its runtime listens", 3, 0, 9446, NULL, 1, 0, NONE, 0, 0, KEEP(9446)},
    {"a: a port no listener of its runtime has", 3, 0, 8443, NULL, 1, 0, NONE, 0, 0,
     UNOWNED(8443)},
    /* (b) no role: <Offset> set to 3 by hand, jndi.properties left at 5672. */
    {"b: the built-in broker at the default offset", 3, 0, 5672, NULL, 0, 0, NONE, 0, 0,
     STALE(5672, 5675, "broker")},
    {"b: owned by another home of the call", 3, 0, 5672, NULL, 0, 5672, NONE, 0, 0,
     KEEP(5672)},
    {"b: a runtime at its default offset has nothing stale", 0, 0, 9000, NULL, 0, 0, NONE, 0, 0,
     UNOWNED(9000)},
    {"b: only the default offset counts, not 0", 12, 10, 8280, NULL, 0, 0, NONE, 0, 0,
     UNOWNED(8280)},
    {"b: at the default offset 10", 12, 10, 8290, NULL, 0, 0, NONE, 0, 0,
     STALE(8290, 8292, "pass-through")},
    {"b: a value some other offset explains is unowned", 3, 0, 9000, NULL, 0, 0, NONE, 0, 0,
     UNOWNED(9000)},
    {"b: a reference with a role is never stale", 3, 0, 9443, "key-manager", 0, 0, NONE, 0, 0,
     UNOWNED(9443)},
    /* Repair: set to where the listener meant is at the target. */
    {"repair at the current offset", 3, 0, 5672, NULL, 0, 0, NONE, 1, 0,
     {PS_ACT_SET, 1, 5675, 5675, "broker"}},
    {"repair with a move", 3, 0, 9443, NULL, 1, 0, 5, 1, 0,
     {PS_ACT_SET, 1, 9448, 9446, "https"}},
    {"a move back to the default repairs by itself", 3, 0, 5672, NULL, 0, 0, 0, 1, 0,
     {PS_ACT_KEEP, 1, 5672, 5675, "broker"}},
    {"without repair a move leaves it", 3, 0, 5672, NULL, 0, 0, 5, 0, 0,
     STALE(5672, 5675, "broker")},
    {"repair in a generated file: not edited", 3, 0, 9443, NULL, 1, 0, NONE, 1, 1,
     {PS_ACT_GENERATED, 1, 9446, 9446, "https"}},
    {"stale in a generated file without repair", 3, 0, 9443, NULL, 1, 0, NONE, 0, 1,
     STALE(9443, 9446, "https")},
};
/* clang-format on */

START_TEST(stale_references)
{
    const stale_case *c = &cases[_i];
    synth *s = synth_new();
    size_t u = synth_runtime(s, "h", "", "ei", c->offset, c->dflt);
    synth_listener(s, u, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_listener(s, u, 9443, PS_SHIFT_AUTO, 0, 0, "axis2 https, not opened");
    synth_listener(s, u, 5672, PS_SHIFT_AUTO, 1, 1, "broker");
    synth_listener(s, u, 8280, PS_SHIFT_AUTO, 1, 0, "pass-through");
    if (c->generated)
        synth_generated(s, u);
    size_t ref = synth_reference(s, u, c->value, c->role, c->self_only);
    if (c->target != NONE)
        synth_home_target(s, u, c->target);
    size_t v = synth_runtime(s, "other", "", "carbon", 0, 0);
    if (c->other_port)
        synth_listener(s, v, c->other_port, PS_SHIFT_AUTO, 1, 0, "other's");
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_plan *p;
    ps_error err = {{0}, 0, 0, {0}};
    const ps_plan_options opts = {.flags = c->repair ? PS_PLAN_REPAIR : 0};
    ck_assert_msg(ps_plan_make(&p, units, n, &opts, &err) == 0, "%s: %s", c->label, err.message);
    const ps_decision *d = &p->decisions[u][ref];
    ck_assert_msg(d->action == c->want.action, "%s: action %d, want %d", c->label, d->action,
                  c->want.action);
    ck_assert_msg(d->stale == c->want.stale, "%s: stale %d", c->label, d->stale);
    ck_assert_msg(d->next == c->want.next, "%s: next %ld, want %ld", c->label, d->next,
                  c->want.next);
    if (c->want.stale) {
        ck_assert_int_eq(d->owner_unit, (int)u);
        const ps_site *l = &units[u].sites->items[d->owner_site];
        ck_assert_msg(strcmp(l->what, c->want.why) == 0, "%s: means %s", c->label, l->what);
        ck_assert_int_eq(p->decisions[u][d->owner_site].now, c->want.should);
    }
    /* An edit exactly when the reference is set. */
    int edited = 0;
    for (size_t i = 0; i < p->nedits; i++)
        if (p->edits[i].unit == (int)u && p->edits[i].site == (int)ref) {
            edited = 1;
            char want_text[16];
            snprintf(want_text, sizeof want_text, "%ld", c->want.next);
            ck_assert_str_eq(p->edits[i].text, want_text);
            char *why = ps_plan_why(p, &p->edits[i]);
            ck_assert_msg(strstr(why, "stale: means ") != NULL, "%s: why '%s'", c->label, why);
            free(why);
        }
    ck_assert_int_eq(edited, c->want.action == PS_ACT_SET);
    ps_plan_free(p);
    synth_free(s);
}
END_TEST

static Suite *stale_suite(void)
{
    Suite *s = suite_create("stale");
    TCase *tc = tcase_create("stale");
    tcase_add_loop_test(tc, stale_references, 0, N(cases));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite_status(stale_suite());
}
