/*
 * A program that uses an installed portshift as a user's program would: it
 * includes <portshift/portshift.h>, is built with `pkg-config --cflags --libs
 * portshift` and calls libportshift.so on a real API Manager 2.6 home, through
 * the CLI entry point and through the host library. Each case is one function
 * in `cases`: a new public function gets its own.
 *
 * usage: consumer HOME   (prints one line per case; exit 0 when all pass)
 */
#define _POSIX_C_SOURCE 200809L
#include <portshift/cli.h>
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

/* The host library: `home` loaded as a host of one home, at `target` when
 * it is not PS_OFFSET_CURRENT; NULL when it cannot be. */
static ps_host *open_home(const char *home, long target)
{
    ps_home_spec spec = {home, target != PS_OFFSET_CURRENT, target};
    ps_host *host = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    if (ps_host_open(&host, &spec, 1, 0, &err) < 0) {
        fprintf(stderr, "ps_host_open: %s: %s\n", err.path, err.message);
        return NULL;
    }
    return host;
}

/* The home's one runtime, as its files say: API Manager 2.6.0 at offset 0. */
static const char *host_runtime(const char *home)
{
    ps_host *host = open_home(home, PS_OFFSET_CURRENT);
    if (!host)
        return "ps_host_open failed";
    ps_runtime_info rt;
    ps_error err;
    const char *why = NULL;
    if (ps_host_runtime_count(host) != 1)
        why = "the home has not one runtime";
    else if (ps_host_runtime(&rt, host, 0, &err) < 0)
        why = "ps_host_runtime failed";
    else if (strcmp(rt.product, "apim") != 0 || strcmp(rt.version, "2.6.0") != 0)
        why = "the runtime is not API Manager 2.6.0";
    else if (strcmp(rt.mode, "xml") != 0 || rt.offset != 0)
        why = "the runtime is not in carbon.xml mode at offset 0";
    ps_host_free(host);
    return why;
}

/* At offset 2 the HTTPS connector (base 9443, moved by Carbon) listens on 9445. */
static const char *host_ports(const char *home)
{
    ps_host *host = open_home(home, PS_OFFSET_CURRENT);
    if (!host)
        return "ps_host_open failed";
    ps_ports ports;
    ps_error err;
    const char *why = "no auto listener with base 9443 on 9445";
    if (ps_host_ports(&ports, host, 0, 2, &err) < 0) {
        why = "ps_host_ports failed";
    } else {
        for (size_t i = 0; i < ports.count; i++) {
            const ps_port *p = &ports.items[i];
            if (p->base == 9443 && p->port == 9445 && strcmp(p->shift, "auto") == 0)
                why = NULL;
        }
        if (!ports.usable || ports.offset != 2)
            why = "offset 2 is not reported as a usable offset 2";
        ps_ports_free(&ports);
    }
    ps_host_free(host);
    return why;
}

/* A plan to offset 2 sets carbon.xml's offset from 0 to 2. */
static const char *host_plan(const char *home)
{
    ps_host *host = open_home(home, 2);
    if (!host)
        return "ps_host_open failed";
    ps_plan *plan = NULL;
    ps_error err;
    const char *why = "no change of carbon.xml from 0 to 2";
    if (ps_host_plan(&plan, host, 0, &err) < 0) {
        why = "ps_host_plan failed";
    } else {
        for (size_t i = 0; i < ps_plan_change_count(plan); i++) {
            ps_change c;
            if (ps_plan_change(&c, plan, i, &err) < 0) {
                why = "ps_plan_change failed";
                break;
            }
            const char *tail = "/repository/conf/carbon.xml";
            size_t n = strlen(c.path), t = strlen(tail);
            if (n > t && strcmp(c.path + n - t, tail) == 0 && c.old_value == 0 && c.new_value == 2)
                why = NULL;
            free(c.why);
        }
        ps_plan_free(plan);
    }
    ps_host_free(host);
    return why;
}

/* The library's findings and the exit status of `portshift check` agree. */
static const char *host_check(const char *home)
{
    ps_host *host = open_home(home, PS_OFFSET_CURRENT);
    if (!host)
        return "ps_host_open failed";
    ps_check *check = NULL;
    ps_error err;
    size_t findings = 0;
    int ok = ps_host_check(&check, host, 0, &err) == 0;
    if (ok) {
        findings = ps_check_findings(check);
        ok =
            findings <= ps_check_count(check) && ps_check_get(check, ps_check_count(check)) == NULL;
        ps_check_free(check);
    }
    ps_host_free(host);
    if (!ok)
        return "ps_host_check failed, or its counts do not hold";
    char *argv[] = {"portshift", "check", (char *)home, NULL};
    cli_result r = run_cli(3, argv);
    int status = r.status;
    cli_result_free(&r);
    return status == (findings ? PS_EXIT_PENDING : PS_EXIT_OK) ? NULL
                                                               : "check's exit status disagrees";
}

/* A folder that is no home: ps_host_open fails with a message. */
static const char *host_not_a_home(const char *home)
{
    (void)home;
    ps_home_spec spec = {"/nonexistent/portshift-home", 0, 0};
    ps_host *host = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    int rc = ps_host_open(&host, &spec, 1, 0, &err);
    if (rc == 0) {
        ps_host_free(host);
        return "ps_host_open succeeded";
    }
    if (rc != PS_ERROR)
        return "ps_host_open did not return PS_ERROR";
    return err.message[0] ? NULL : "ps_host_open failed with no message";
}

/* The NULL contract, through the installed library: refused, never a crash. */
static const char *null_contract(const char *home)
{
    (void)home;
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_runtime_info rt;
    ps_ports_free(NULL);
    if (ps_host_runtime_count(NULL) != 0 || ps_check_get(NULL, 0) != NULL)
        return "a NULL object does not count as an empty one";
    if (ps_host_runtime(&rt, NULL, 0, &err) != PS_EINVALID || !strstr(err.message, "host is NULL"))
        return "ps_host_runtime with a NULL host is not PS_EINVALID naming it";
    return NULL;
}

/* ps_version is the number `portshift --version` prints, and its parts add
 * up to it (install.sh compares that number with CMake's and pkg-config's). */
static const char *version(const char *home)
{
    (void)home;
    char *argv[] = {"portshift", "--version", NULL};
    cli_result r = run_cli(2, argv);
    int major = -1, minor = -1, patch = -1;
    const char *v = ps_version(&major, &minor, &patch);
    char parts[64], printed[128];
    snprintf(parts, sizeof parts, "%d.%d.%d", major, minor, patch);
    snprintf(printed, sizeof printed, "portshift %s (catalog ", v ? v : "(null)");
    const char *why = NULL;
    if (!v)
        why = "ps_version returned NULL";
    else if (strcmp(v, parts) != 0)
        why = "ps_version's string differs from its parts";
    else if (r.status != PS_EXIT_OK || strncmp(r.out, printed, strlen(printed)) != 0)
        why = "portshift --version prints another number";
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
    {"ps_host_runtime: API Manager 2.6.0 at offset 0", host_runtime},
    {"ps_host_ports: 9443 listens on 9445 at offset 2", host_ports},
    {"ps_host_plan: carbon.xml's offset 0 -> 2", host_plan},
    {"ps_host_check agrees with portshift check", host_check},
    {"ps_host_open: a folder that is no home is an error", host_not_a_home},
    {"NULL arguments are refused, not a crash", null_contract},
    {"ps_version is what portshift --version prints", version},
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
