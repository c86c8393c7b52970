/*
 * apply_offset: moves one WSO2 Carbon home to a port offset through the
 * library alone, as `portshift apply -o N HOME` does: open the home for
 * writing, plan the offset, print the diff of every file it changes, apply
 * it, print what was written.
 *
 *   cc apply_offset.c $(pkg-config --cflags --libs portshift) -o apply_offset
 *   ./apply_offset /opt/wso2am-2.6.0 3
 *
 * Exit status: 0 applied (or nothing to change), 1 an error (said on
 * stderr, nothing written), 2 usage.
 */
#include <portshift/portshift.h>

#include <stdio.h>
#include <stdlib.h>

/* Each file's diff as soon as it is rendered, in order. */
static int print_diff(const char *path, const char *diff, size_t len, void *payload)
{
    (void)path;
    return fwrite(diff, 1, len, payload) == len ? 0 : -1;
}

static void print_error(const char *severity, const ps_error *err)
{
    char where[sizeof err->path + 32];
    ps_error_where(where, sizeof where, err);
    fprintf(stderr, "apply_offset: %s%s: %s\n", where, severity, err->message);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: apply_offset HOME OFFSET\n");
        return 2;
    }
    char *end;
    long offset = strtol(argv[2], &end, 10);
    if (*argv[2] == '\0' || *end != '\0') {
        fprintf(stderr, "apply_offset: '%s' is not an offset\n", argv[2]);
        return 2;
    }

    ps_error err = {{0}, 0, 0, {0}};
    ps_home_spec home = {.path = argv[1], .has_target = 1, .target = offset};
    ps_host *host = NULL;
    ps_plan *plan = NULL;
    ps_apply *applied = NULL;
    int status = 1;

    /* Exclusive locks; an apply a crash cut short is finished first. */
    if (ps_host_open(&host, &home, 1, PS_HOST_WRITE, &err) < 0)
        goto done;
    fputs(ps_host_recovered(host), stdout);
    if (ps_host_plan(&plan, host, 0, &err) < 0)
        goto done;
    for (size_t i = 0; i < ps_plan_warning_count(plan); i++)
        print_error("warning", ps_plan_warning(plan, i));

    ps_diff_options diff = PS_DIFF_OPTIONS_INIT;
    int files = ps_plan_diff_foreach(plan, &diff, print_diff, stdout, &err);
    if (files < 0)
        goto done;

    ps_apply_options opts = PS_APPLY_OPTIONS_INIT;
    int rc = ps_plan_apply(&applied, host, plan, &opts, &err);
    for (size_t i = 0; i < ps_host_warning_count(host); i++)
        print_error("warning", ps_host_warning(host, i));
    if (rc < 0)
        goto done;
    fputs(ps_apply_report(applied), stdout);
    printf("%zu file(s), %zu edit(s) in %zu home(s)\n", ps_apply_file_count(applied),
           ps_plan_change_count(plan), ps_plan_home_count(plan));
    status = 0;

done:
    if (status != 0)
        print_error("error", &err);
    ps_apply_free(applied);
    ps_plan_free(plan);
    ps_host_free(host); /* releases the locks: after everything made from it */
    return status;
}
