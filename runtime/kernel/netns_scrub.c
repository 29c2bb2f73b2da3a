#include "runtime/kernel/netns_scrub.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/log.h"

static int del_link(int fd, unsigned int index, aisbx_error **err)
{
    struct {
        struct nlmsghdr h;
        struct ifinfomsg i;
    } req = {
        .h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
              .nlmsg_type = RTM_DELLINK,
              .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
              .nlmsg_seq = index},
        .i = {.ifi_family = AF_UNSPEC, .ifi_index = (int)index},
    };
    char buf[512];
    if (send(fd, &req, req.h.nlmsg_len, 0) < 0)
        return aisbx_error_make(err, errno, "netlink send RTM_DELLINK");
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0)
        return aisbx_error_make(err, errno, "netlink recv");
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && h->nlmsg_type == NLMSG_ERROR) {
        int e = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
        if (e)
            return aisbx_error_make(err, e, "delete interface %u", index);
    }
    return 0;
}

int netns_remove_non_lo(int *removed, aisbx_error **err)
{
    struct if_nameindex *ifs = if_nameindex();
    int fd, r = 0;
    *removed = 0;
    if (!ifs)
        return aisbx_error_make(err, errno, "list network interfaces");
    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        if_freenameindex(ifs);
        return aisbx_error_make(err, errno, "netlink socket");
    }
    for (struct if_nameindex *i = ifs; i->if_index && r == 0; i++) {
        if (strcmp(i->if_name, "lo") == 0)
            continue;
        log_warning("overlay network: removing interface %s the engine put in the container's "
                    "namespace (only lo is allowed)",
                    i->if_name);
        r = del_link(fd, i->if_index, err);
        if (r == 0)
            (*removed)++;
    }
    close(fd);
    if_freenameindex(ifs);
    return r;
}
