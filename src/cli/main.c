#include <portshift/cli.h>

#include <signal.h>

int main(int argc, char **argv)
{
    /* A reader that goes away (`portshift diff | head`) makes a write fail
     * with EPIPE, which the CLI reports with its exit status (a warning
     * after an apply has written its files), instead of a silent death.
     * The program's choice, not the library's: ps_cli_main leaves signals
     * as it finds them. */
    signal(SIGPIPE, SIG_IGN);
    return ps_cli_main(argc, argv, stdout, stderr);
}
