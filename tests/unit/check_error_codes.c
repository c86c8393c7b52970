/*
 * The error codes of the public header (enum ps_error_code): a failure whose
 * kind the library knows returns that code, whatever thread found it, and
 * a later failure of another kind does not inherit it. Inputs are the
 * hand-written homes of tests/fixtures/errors, copied to a scratch folder.
 */
#include <portshift/portshift.h>

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../support/fixture.h"
#include "../support/runner.h"

static const ps_error NO_ERROR = {{0}, 0, 0, {0}};

/* A not-well-formed XML file, or one portshift refuses to read, is
 * PS_EPARSE, positioned in that file. */
START_TEST(not_well_formed_is_eparse)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "notwf", "bad");
    ps_home_spec spec = {in(&f, "bad"), 0, 0};
    ps_host *h = (ps_host *)&f; /* must be overwritten */
    ps_error err = NO_ERROR;
    ck_assert_int_eq(ps_host_open(&h, &spec, 1, 0, &err), PS_EPARSE);
    ck_assert_ptr_null(h);
    ck_assert_str_eq(err.path, in(&f, "bad/repository/conf/etc/bad.xml"));
    ck_assert_int_gt(err.line, 0);
    ck_assert_msg(strstr(err.message, "not well-formed XML") == err.message, "%s", err.message);
    /* Refused by portshift's own reader, not libxml2: a DTD subset (at 3:3). */
    fx_add(&f, "xxe", "xxe");
    spec.path = in(&f, "xxe");
    ck_assert_int_eq(ps_host_open(&h, &spec, 1, 0, &err), PS_EPARSE);
    ck_assert_str_eq(err.path, in(&f, "xxe/repository/conf/etc/xxe.xml"));
    ck_assert_int_eq(err.line, 3);
    fx_close(&f);
}
END_TEST

/* Homes load on worker threads: the code of the first home to fail in the
 * order named comes back, with or without an error record. */
START_TEST(code_crosses_threads)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "k");
    fx_add(&f, "notwf", "bad");
    ck_assert_int_eq(run_cmd("mkdir '%s'", in(&f, "empty")), 0);
    char k[4096], bad[4096], empty[4096];
    snprintf(k, sizeof k, "%s", in(&f, "k"));
    snprintf(bad, sizeof bad, "%s", in(&f, "bad"));
    snprintf(empty, sizeof empty, "%s", in(&f, "empty"));
    ps_home_spec parse_first[] = {{k, 0, 0}, {bad, 0, 0}, {empty, 0, 0}};
    ps_home_spec other_first[] = {{k, 0, 0}, {empty, 0, 0}, {bad, 0, 0}};
    ps_host *h = NULL;
    ps_error err = NO_ERROR;
    for (unsigned jobs = 1; jobs <= 3; jobs++) {
        ck_assert_int_eq(ps_host_open_jobs(&h, parse_first, 3, 0, jobs, &err), PS_EPARSE);
        ck_assert_str_eq(err.path, in(&f, "bad/repository/conf/etc/bad.xml"));
        ck_assert_int_eq(ps_host_open_jobs(&h, parse_first, 3, 0, jobs, NULL), PS_EPARSE);
        ck_assert_int_eq(ps_host_open_jobs(&h, other_first, 3, 0, jobs, &err), PS_ERROR);
        ck_assert_str_eq(err.path, empty);
        ck_assert_int_eq(ps_host_open_jobs(&h, other_first, 3, 0, jobs, NULL), PS_ERROR);
        ck_assert_ptr_null(h);
    }
    fx_close(&f);
}
END_TEST

/* A home another call holds for an apply is PS_ELOCKED, at once. */
START_TEST(held_home_is_elocked)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "k");
    ps_home_spec spec = {in(&f, "k"), 1, 2};
    ps_host *writer = NULL, *other = (ps_host *)&f;
    ps_error err = NO_ERROR;
    ck_assert_msg(ps_host_open(&writer, &spec, 1, PS_HOST_WRITE, &err) == 0, "%s", err.message);
    ck_assert_int_eq(ps_host_open(&other, &spec, 1, PS_HOST_WRITE, &err), PS_ELOCKED);
    ck_assert_ptr_null(other);
    ck_assert_str_eq(err.message, "another portshift is applying to this home");
    ps_host_free(writer);
    ck_assert_msg(ps_host_open(&other, &spec, 1, PS_HOST_WRITE, &err) == 0, "%s", err.message);
    ps_host_free(other);
    fx_close(&f);
}
END_TEST

/* A target that pushes a port past 65535 is PS_ERANGE; asking
 * for a runtime that is not there, or a negative target, is PS_EINVALID. */
START_TEST(range_and_invalid)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "overflow", "o");
    ps_home_spec spec = {in(&f, "o"), 1, 60000};
    ps_host *h = NULL;
    ps_plan *p = (ps_plan *)&f;
    ps_error err = NO_ERROR;
    ck_assert_msg(ps_host_open(&h, &spec, 1, 0, &err) == 0, "%s", err.message);
    ck_assert_int_eq(ps_host_plan(&p, h, 0, &err), PS_ERANGE);
    ck_assert_ptr_null(p);
    ck_assert_str_eq(err.path, in(&f, "o/" CATALINA));
    ck_assert(strstr(err.message, "past 65535") != NULL);
    ps_runtime_info info;
    ck_assert_int_eq(ps_host_runtime(&info, h, 1, &err), PS_EINVALID);
    ps_host_free(h);
    spec.target = -3;
    ck_assert_int_eq(ps_host_open(&h, &spec, 1, 0, &err), PS_EINVALID);
    ck_assert_ptr_null(h);
    fx_close(&f);
}
END_TEST

/* A failure of no named kind after one of a named kind is PS_ERROR: the
 * code belongs to the error the call reports, not to an earlier call. */
START_TEST(code_is_not_inherited)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "notwf", "bad");
    ck_assert_int_eq(run_cmd("mkdir '%s'", in(&f, "empty")), 0);
    ps_home_spec bad = {in(&f, "bad"), 0, 0};
    ps_host *h = NULL;
    ck_assert_int_eq(ps_host_open(&h, &bad, 1, 0, NULL), PS_EPARSE);
    ps_home_spec empty = {in(&f, "empty"), 0, 0};
    ps_error err = NO_ERROR;
    ck_assert_int_eq(ps_host_open(&h, &empty, 1, 0, &err), PS_ERROR);
    ck_assert(strstr(err.message, "not a Carbon home") == err.message);
    fx_close(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("error_codes");
    TCase *tc = tcase_create("error_codes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, not_well_formed_is_eparse);
    tcase_add_test(tc, code_crosses_threads);
    tcase_add_test(tc, held_home_is_elocked);
    tcase_add_test(tc, range_and_invalid);
    tcase_add_test(tc, code_is_not_inherited);
    suite_add_tcase(s, tc);
    return fx_run_suite("error_codes", s);
}
