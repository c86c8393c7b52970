#include "twohomes.h"

#include <check.h>
#include <stdio.h>
#include <sys/stat.h>

#define EI_MINI "../cli/ei-mini"
#define CLIENT_JNDI                                                                                \
    "# A client of the EI home next door: its broker (5672 + 3) and its business-process\n"        \
    "# console (9443 + 2).\n"                                                                      \
    "connectionfactory.QueueConnectionFactory = "                                                  \
    "amqp://admin:admin@clientID/carbon?brokerlist='tcp://localhost:5675'\n"                       \
    "bps.url=https://localhost:9445/services/\n"

void two_homes(const fx *f, const char *dir)
{
    ck_assert_int_eq(mkdir(in(f, "%s", dir), 0755), 0);
    char name[256];
    snprintf(name, sizeof name, "%s/ei", dir);
    fx_add(f, EI_MINI, name);
    snprintf(name, sizeof name, "%s/b", dir);
    fx_add(f, "good", name);
    put(in(f, "%s/b/repository/conf/jndi.properties", dir), CLIENT_JNDI);
}

int succeeds(const fx *f, const char *cmd)
{
    fail_rename(0);
    cli_result r = cli(f, "%s", cmd);
    ck_assert_msg(r.status == 0, "%s: exit %d: %s", cmd, r.status, r.err);
    cli_result_free(&r);
    return renames();
}
