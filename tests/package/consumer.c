/*
 * A program that uses an installed portshift as a user's program would: it
 * includes <portshift/portshift.h>, is built with `pkg-config --cflags --libs
 * portshift` and calls libportshift.so on a real API Manager 2.6 home.
 * Each case is one function in `cases`: a new public function gets its own.
 *
 * usage: consumer HOME   (prints one line per case; exit 0 when all pass)
 */
#define _POSIX_C_SOURCE 200809L
#include <portshift/portshift.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one call of ps_cli_main printed and returned. */
typedef struct cli_result {
    int status;
    char *out, *err;
    size_t out_len, err_len;
} cli_result;

static cli_result run_cli(int argc, char **argv)
{
    cli_result r = {0};
    FILE *out = open_memstream(&r.out, &r.out_len);
    FILE *err = open_memstream(&r.err, &r.err_len);
    if (!out || !err) {
        perror("open_memstream");
        exit(1);
    }
    r.status = ps_cli_main(argc, argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

static void cli_result_free(cli_result *r)
{
    free(r->out);
    free(r->err);
}

/* Each case returns NULL when it passes, else what went wrong. */
typedef const char *(*case_fn)(const char *home);

/* ports --json lists the HTTPS servlet port and names the product. */
static const char *ports_json(const char *home)
{
    char *argv[] = {"portshift", "ports", "--json", (char *)home, NULL};
    cli_result r = run_cli(4, argv);
    const char *why = NULL;
    if (r.status != PS_EXIT_OK)
        why = "exit status is not PS_EXIT_OK";
    else if (r.err_len)
        why = "something was printed on the error stream";
    else if (r.out[0] != '{' || !strstr(r.out, "\"installs\":["))
        why = "the output is not a ports document";
    else if (!strstr(r.out, "\"product\":\"apim\""))
        why = "the home is not reported as API Manager";
    else if (!strstr(r.out, "\"port\":9443,"))
        why = "9443 is not listed";
    cli_result_free(&r);
    return why;
}

/* diff --offset 2 reports pending changes: the offset element goes 0 -> 2. */
static const char *diff_pending(const char *home)
{
    char *argv[] = {"portshift", "diff", "--offset", "2", (char *)home, NULL};
    cli_result r = run_cli(5, argv);
    const char *why = NULL;
    if (r.status != PS_EXIT_PENDING)
        why = "exit status is not PS_EXIT_PENDING";
    else if (!strstr(r.out, "\n-        <Offset>0</Offset>\n+        <Offset>2</Offset>\n"))
        why = "the diff does not set <Offset> from 0 to 2";
    cli_result_free(&r);
    return why;
}

/* A folder that is no home: exit 2 and one line on the error stream. */
static const char *not_a_home(const char *home)
{
    (void)home;
    char *argv[] = {"portshift", "plan", "/nonexistent/portshift-home", NULL};
    cli_result r = run_cli(3, argv);
    const char *why = NULL;
    if (r.status != PS_EXIT_ERROR)
        why = "exit status is not PS_EXIT_ERROR";
    else if (strncmp(r.err, "portshift: ", 11) != 0 || !strstr(r.err, "error: "))
        why = "the error is not 'portshift: ...: error: ...'";
    else if (strchr(r.err, '\n') != r.err + r.err_len - 1)
        why = "the error is not one line";
    cli_result_free(&r);
    return why;
}

static const struct {
    const char *name;
    case_fn run;
} cases[] = {
    {"ports --json lists 9443", ports_json},
    {"diff --offset 2 is pending", diff_pending},
    {"a folder that is no home is an error", not_a_home},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: consumer HOME\n");
        return 2;
    }
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *why = cases[i].run(argv[1]);
        if (why)
            failed++;
        printf("%s: %s%s%s\n", why ? "FAIL" : "ok", cases[i].name, why ? ": " : "", why ? why : "");
    }
    return failed ? 1 : 0;
}
