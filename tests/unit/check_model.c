/*
 * The port model (src/model): a listener's port at any offset, a runtime's
 * listeners at a candidate offset (a port pushed outside 1..65535 makes the
 * offset unusable, it is no error), the listener a stale value means, and
 * the index of a call's listeners by port. Inputs are built in memory.
 */
#include "model/model.h"

#include <check.h>
#include <stdlib.h>

#include "../support/runner.h"
#include "../support/synth.h"

/* clang-format off */
static const struct port_case {
    const char *label;
    long value;
    ps_shift shift;
    long current, offset;
    long want;
} port_cases[] = {
    {"auto at its own offset", 9443, PS_SHIFT_AUTO, 0, 0, 9443},
    {"auto: base + offset", 9443, PS_SHIFT_AUTO, 0, 3, 9446},
    {"auto ignores the offset its files are at", 9443, PS_SHIFT_AUTO, 5, 3, 9446},
    {"manual at its own offset: as written", 10400, PS_SHIFT_MANUAL, 3, 3, 10400},
    {"manual: written as base + current", 10400, PS_SHIFT_MANUAL, 3, 5, 10402},
    {"manual moved back to 0", 10400, PS_SHIFT_MANUAL, 3, 0, 10397},
    {"fixed never moves", 4000, PS_SHIFT_FIXED, 0, 7, 4000},
    {"auto past 65535", 65530, PS_SHIFT_AUTO, 0, 10, 65540},
    {"manual below 1", 5, PS_SHIFT_MANUAL, 10, 0, -5},
};
/* clang-format on */

START_TEST(listener_port_per_shift)
{
    const struct port_case *c = &port_cases[_i];
    ps_site s = {.kind = PS_SITE_LISTENER, .value = c->value, .shift = c->shift};
    ck_assert_msg(ps_listener_port(&s, c->current, c->offset) == c->want, "%s: %ld, want %ld",
                  c->label, ps_listener_port(&s, c->current, c->offset), c->want);
}
END_TEST

START_TEST(usable_ports)
{
    ck_assert(!ps_port_usable(0));
    ck_assert(ps_port_usable(1));
    ck_assert(ps_port_usable(65535));
    ck_assert(!ps_port_usable(65536));
    ck_assert(!ps_port_usable(-3));
}
END_TEST

/* A runtime with every kind of listener, at offset 2, and a reference. */
static synth *mixed(void)
{
    synth *s = synth_new();
    size_t u = synth_runtime(s, "am", "", "apim", 2, 0);
    synth_listener(s, u, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_listener(s, u, 10399, PS_SHIFT_MANUAL, 1, 0, "thrift");
    synth_reference(s, u, 9445, NULL, 0);
    synth_listener(s, u, 4000, PS_SHIFT_FIXED, 0, 0, "hazelcast");
    synth_listener(s, u, 5672, PS_SHIFT_AUTO, 1, 1, "broker");
    return s;
}

START_TEST(listeners_at_an_offset)
{
    synth *s = mixed();
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_listeners l;
    ps_listeners_at(&l, units[0].sites, 5);
    /* Sites: 0 offset, 1 https, 2 thrift, 3 reference, 4 hazelcast, 5 broker (built in). */
    static const ps_listener_at want[] = {{1, 9448}, {2, 10402}, {4, 4000}, {5, 5677}};
    ck_assert_uint_eq(l.count, 4);
    for (int i = 0; i < N(want); i++) {
        ck_assert_uint_eq(l.items[i].site, want[i].site);
        ck_assert_int_eq(l.items[i].port, want[i].port);
    }
    ck_assert(l.usable);
    ck_assert_int_eq(l.offset, 5);
    ps_listeners_free(&l);
    synth_free(s);
}
END_TEST

/* An offset that pushes a port past 65535 is reported unusable, with the
 * listener that breaks it; the call itself succeeds and lists every port. */
START_TEST(offset_past_the_last_port_is_unusable)
{
    synth *s = mixed();
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_listeners l;
    ps_listeners_at(&l, units[0].sites, 56094); /* 9443 + 56094 = 65537 */
    ck_assert(!l.usable);
    ck_assert_uint_eq(l.bad, 0);
    ck_assert_int_eq(l.items[0].port, 65537);
    ck_assert_uint_eq(l.count, 4);
    ps_listeners_free(&l);
    /* The manual port, written as 10397 + 2, reaches 65535 first. */
    ps_listeners_at(&l, units[0].sites, 55138);
    ck_assert(l.usable);
    ck_assert_int_eq(l.items[1].port, 65535);
    ps_listeners_free(&l);
    ps_listeners_at(&l, units[0].sites, 55139);
    ck_assert(!l.usable);
    ck_assert_uint_eq(l.bad, 1);
    ps_listeners_free(&l);
    /* Back at offset 0 the manual port, written at 2, is 10397 again. */
    ps_listeners_at(&l, units[0].sites, 0);
    ck_assert(l.usable);
    ck_assert_int_eq(l.items[1].port, 10397);
    ps_listeners_free(&l);
    synth_free(s);
}
END_TEST

/* clang-format off */
static const struct meant_case {
    const char *label;
    long value;
    long offsets[2];
    size_t noffsets;
    int want; /* site index, -1 none */
} meant_cases[] = {
    {"the https base at offset 0", 9443, {0}, 1, 1},
    {"what listens now is not stale, but it is meant", 9445, {2}, 1, 1},
    {"the built-in broker at offset 0", 5672, {0}, 1, 5},
    {"the manual thrift port at offset 0", 10397, {0}, 1, 2},
    {"matched at the second offset", 9453, {0, 10}, 2, 1},
    {"no listener has it", 9000, {0, 10}, 2, -1},
    {"an inactive fixed listener is meant when nothing active is", 4000, {0}, 1, 4},
};
/* clang-format on */

START_TEST(listener_meant_by_a_value)
{
    const struct meant_case *c = &meant_cases[_i];
    synth *s = mixed();
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    int got = ps_listener_meant(units[0].sites, c->value, c->offsets, c->noffsets);
    ck_assert_msg(got == c->want, "%s: site %d, want %d", c->label, got, c->want);
    synth_free(s);
}
END_TEST

/* Two listeners at one base that listen on different ports now: the value
 * says nothing certain, unless only one of them is active. */
START_TEST(listener_meant_is_none_when_candidates_disagree)
{
    synth *s = synth_new();
    size_t u = synth_runtime(s, "h", "", "carbon", 3, 0);
    synth_listener(s, u, 4000, PS_SHIFT_FIXED, 1, 0, "fixed");
    synth_listener(s, u, 4000, PS_SHIFT_AUTO, 1, 0, "auto");
    size_t v = synth_runtime(s, "g", "", "carbon", 3, 0);
    synth_listener(s, v, 4000, PS_SHIFT_FIXED, 0, 0, "fixed, off");
    size_t on = synth_listener(s, v, 4000, PS_SHIFT_AUTO, 1, 0, "auto, on");
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    const long zero = 0;
    ck_assert_int_eq(ps_listener_meant(units[u].sites, 4000, &zero, 1), -1);
    ck_assert_int_eq(ps_listener_meant(units[v].sites, 4000, &zero, 1), (int)on);
    synth_free(s);
}
END_TEST

START_TEST(port_index_by_port_then_unit)
{
    synth *s = synth_new();
    size_t a = synth_runtime(s, "a", "", "apim", 0, 0);
    synth_listener(s, a, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_listener(s, a, 4000, PS_SHIFT_FIXED, 0, 0, "hazelcast off");
    size_t b = synth_runtime(s, "b", "", "is", 1, 0);
    synth_listener(s, b, 9442, PS_SHIFT_AUTO, 1, 0, "https at 9443");
    synth_listener(s, b, 4000, PS_SHIFT_FIXED, 1, 0, "hazelcast on");
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    const long offsets[] = {0, 1};
    ps_port_index ix;
    ps_port_index_build(&ix, units, n, offsets, 0);
    ck_assert_uint_eq(ix.count, 4);
    size_t lo, hi;
    ps_port_index_find(&ix, 9443, &lo, &hi);
    ck_assert_uint_eq(hi - lo, 2);
    ck_assert_int_eq(ix.items[lo].unit, 0);
    ck_assert_int_eq(ix.items[lo + 1].unit, 1);
    ps_port_index_find(&ix, 9444, &lo, &hi);
    ck_assert_uint_eq(hi - lo, 0);
    ps_port_index_free(&ix);
    /* Only what opens a socket: the inactive Hazelcast of `a` is left out. */
    ps_port_index_build(&ix, units, n, offsets, PS_INDEX_ACTIVE);
    ps_port_index_find(&ix, 4000, &lo, &hi);
    ck_assert_uint_eq(hi - lo, 1);
    ck_assert_int_eq(ix.items[lo].unit, 1);
    ps_port_index_free(&ix);
    /* The same runtimes at other offsets: the index follows the offsets given. */
    const long moved[] = {2, 1};
    ps_port_index_build(&ix, units, n, moved, 0);
    ps_port_index_find(&ix, 9443, &lo, &hi);
    ck_assert_uint_eq(hi - lo, 1);
    ck_assert_int_eq(ix.items[lo].unit, 1);
    ps_port_index_free(&ix);
    synth_free(s);
}
END_TEST

START_TEST(empty_index)
{
    ps_port_index ix;
    ps_port_index_build(&ix, NULL, 0, NULL, 0);
    size_t lo, hi;
    ps_port_index_find(&ix, 80, &lo, &hi);
    ck_assert_uint_eq(lo, hi);
    ps_port_index_free(&ix);
}
END_TEST

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("model");
    tcase_add_loop_test(tc, listener_port_per_shift, 0, N(port_cases));
    tcase_add_test(tc, usable_ports);
    tcase_add_test(tc, listeners_at_an_offset);
    tcase_add_test(tc, offset_past_the_last_port_is_unusable);
    tcase_add_loop_test(tc, listener_meant_by_a_value, 0, N(meant_cases));
    tcase_add_test(tc, listener_meant_is_none_when_candidates_disagree);
    tcase_add_test(tc, port_index_by_port_then_unit);
    tcase_add_test(tc, empty_index);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite_status(model_suite());
}
