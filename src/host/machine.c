#include "host/machine.h"

#include <netdb.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* The resolver's canonical name of `hostname`, into fqdn[0, size), when it
 * gives one other than the hostname; "" otherwise. */
static void canonical_name(const char *hostname, char *fqdn, size_t size)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_flags = AI_CANONNAME;
    *fqdn = '\0';
    if (getaddrinfo(hostname, NULL, &hints, &res) != 0)
        return;
    const char *canon = res ? res->ai_canonname : NULL;
    if (canon && strcasecmp(canon, hostname) != 0 && strlen(canon) < size)
        memcpy(fqdn, canon, strlen(canon) + 1);
    freeaddrinfo(res);
}

void ps_machine_names(char *hostname, char *fqdn)
{
    *fqdn = '\0';
    if (gethostname(hostname, PS_HOSTNAME_SIZE) != 0)
        hostname[0] = '\0';
    hostname[PS_HOSTNAME_SIZE - 1] = '\0';
    if (*hostname)
        canonical_name(hostname, fqdn, PS_FQDN_SIZE);
}
