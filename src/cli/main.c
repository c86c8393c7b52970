#include <portshift/cli.h>

#include <signal.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
    /* A reader that goes away (`portshift diff | head`) makes a write fail
     * with EPIPE, which the CLI reports with its exit status (a warning
     * after an apply has written its files), instead of a silent death.
     * The program's choice, not the library's: ps_cli_main leaves signals
     * as it finds them. */
    signal(SIGPIPE, SIG_IGN);
    /* An apply keeps a folder descriptor open for each file it writes until
     * every file is in place: a hundred homes is more than the 1024 a login
     * shell's soft limit allows. The hard limit is the operator's; raise
     * the soft one to it, as the program and not the library. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
    return ps_cli_main(argc, argv, stdout, stderr);
}
