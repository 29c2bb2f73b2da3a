/* In-container verification of the floor, just before execve. Reads the
 * kernel's view (statvfs, prctl, /proc/self/status, the interface list) and
 * never trusts what the runtime believes it did. */
#include "runtime/launch/verify.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/kernel/capabilities.h"

#define FAIL(err, errnum, ...)                                                                     \
    aisbx_error_make(err, errnum, "overlay verification failed: " __VA_ARGS__)

int verify_expect_from_process(const struct spec_process *p, struct verify_expect *e,
                               aisbx_error **err)
{
    memset(e, 0, sizeof(*e));
    e->net_only_lo = true;
    if (!p || !p->capabilities)
        return 0;
    /* caps_apply's own conversion: a capability the kernel lacks is left out
     * of both, so it is not expected of the process either. */
    const struct spec_capabilities *c = p->capabilities;
    if (caps_from_names(&c->effective, &e->eff, err) < 0 ||
        caps_from_names(&c->permitted, &e->prm, err) < 0 ||
        caps_from_names(&c->inheritable, &e->inh, err) < 0 ||
        caps_from_names(&c->ambient, &e->amb, err) < 0 ||
        caps_from_names(&c->bounding, &e->bnd, err) < 0)
        return aisbx_error_wrap(err, "expected capabilities");
    return 0;
}

/* First interface other than lo in a /proc/net/dev text ("" if none). */
static void net_dev_extra(const char *text, char *extra, size_t len)
{
    const char *line = strchr(text, '\n');
    if (line)
        line = strchr(line + 1, '\n'); /* two header lines */
    while (line && *line) {
        line++;
        const char *colon = strchr(line, ':');
        const char *nl = strchr(line, '\n');
        if (!colon || (nl && colon > nl))
            break;
        const char *name = line;
        while (*name == ' ')
            name++;
        size_t n = (size_t)(colon - name);
        if (!(n == 2 && strncmp(name, "lo", 2) == 0)) {
            snprintf(extra, len, "%.*s", (int)n, name);
            return;
        }
        line = nl;
    }
}

int verify_net_only_lo(aisbx_error **err)
{
    char extra[IF_NAMESIZE + 1] = "";
    /* /proc/self/net/dev needs no socket, so the check does not depend on
     * what the seccomp floor allows; if_nameindex() when /proc is absent. */
    cleanup_close int fd = open("/proc/self/net/dev", O_RDONLY | O_CLOEXEC);
    cleanup_free char *text = NULL;
    size_t n;
    if (fd >= 0 && read_all(fd, &text, &n, 1 << 20) == 0) {
        net_dev_extra(text, extra, sizeof(extra));
    } else {
        struct if_nameindex *ifs = if_nameindex();
        if (!ifs)
            return FAIL(err, errno, "cannot list network interfaces");
        for (struct if_nameindex *i = ifs; i->if_index; i++)
            if (strcmp(i->if_name, "lo") != 0 && !extra[0])
                snprintf(extra, sizeof(extra), "%s", i->if_name);
        if_freenameindex(ifs);
    }
    if (extra[0])
        return FAIL(err, 0, "network namespace has interface %s besides lo", extra);
    return 0;
}

int verify_root_readonly(aisbx_error **err)
{
    struct statvfs sv;
    if (statvfs("/", &sv) < 0)
        return FAIL(err, errno, "statvfs /");
    if (!(sv.f_flag & ST_RDONLY))
        return FAIL(err, 0, "root filesystem is writable");
    return 0;
}

int verify_no_new_privs(aisbx_error **err)
{
    int r = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    if (r < 0)
        return FAIL(err, errno, "prctl PR_GET_NO_NEW_PRIVS");
    if (r != 1)
        return FAIL(err, 0, "no_new_privs is not set");
    return 0;
}

static int read_status(char **buf, aisbx_error **err)
{
    size_t n;
    cleanup_close int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read_all(fd, buf, &n, 1 << 20) < 0)
        return FAIL(err, errno, "read /proc/self/status");
    return 0;
}

static bool field_hex(const char *status, const char *key, uint64_t *v)
{
    const char *s = status;
    size_t kl = strlen(key);
    while (s && *s) {
        if (strncmp(s, key, kl) == 0 && s[kl] == ':') {
            char *end;
            errno = 0;
            unsigned long long x = strtoull(s + kl + 1, &end, 16);
            if (errno || end == s + kl + 1)
                return false;
            *v = x;
            return true;
        }
        s = strchr(s, '\n');
        if (s)
            s++;
    }
    return false;
}

int verify_parse_status(const char *status, uint64_t *eff, uint64_t *prm, uint64_t *inh,
                        uint64_t *amb, uint64_t *bnd, int *seccomp_mode)
{
    uint64_t sc = 0;
    const char *s = strstr(status, "\nSeccomp:");
    if (!field_hex(status, "CapEff", eff) || !field_hex(status, "CapPrm", prm) ||
        !field_hex(status, "CapInh", inh) || !field_hex(status, "CapAmb", amb) ||
        !field_hex(status, "CapBnd", bnd) || !s)
        return -1;
    char *end;
    sc = strtoull(s + strlen("\nSeccomp:"), &end, 10);
    *seccomp_mode = (int)sc;
    return 0;
}

int verify_seccomp_filter(aisbx_error **err)
{
    cleanup_free char *st = NULL;
    if (read_status(&st, err) < 0)
        return -1;
    uint64_t a, b, c, d, e;
    int mode = -1;
    if (verify_parse_status(st, &a, &b, &c, &d, &e, &mode) < 0)
        return FAIL(err, 0, "cannot parse /proc/self/status");
    if (mode != 2)
        return FAIL(err, 0, "seccomp mode is %d, not 2 (filter)", mode);
    return 0;
}

static int cmp_set(const char *name, uint64_t have, uint64_t want, aisbx_error **err)
{
    if (have != want)
        return FAIL(err, 0, "capability set %s is %#" PRIx64 ", expected %#" PRIx64, name, have,
                    want);
    return 0;
}

int verify_caps(const struct verify_expect *e, aisbx_error **err)
{
    cleanup_free char *st = NULL;
    if (read_status(&st, err) < 0)
        return -1;
    uint64_t eff, prm, inh, amb, bnd;
    int mode;
    if (verify_parse_status(st, &eff, &prm, &inh, &amb, &bnd, &mode) < 0)
        return FAIL(err, 0, "cannot parse /proc/self/status");
    if (cmp_set("effective", eff, e->eff, err) < 0 || cmp_set("permitted", prm, e->prm, err) < 0 ||
        cmp_set("inheritable", inh, e->inh, err) < 0 || cmp_set("ambient", amb, e->amb, err) < 0 ||
        cmp_set("bounding", bnd, e->bnd, err) < 0)
        return -1;
    return 0;
}

int verify_nproc(uint64_t max, aisbx_error **err)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NPROC, &rl) < 0)
        return FAIL(err, errno, "getrlimit RLIMIT_NPROC");
    if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > max || rl.rlim_cur > max)
        return FAIL(err, 0, "RLIMIT_NPROC is %llu/%llu, the pids cap is %llu",
                    (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max,
                    (unsigned long long)max);
    return 0;
}

int verify_floor(const struct verify_expect *e, aisbx_error **err)
{
    if (e->nproc_max && verify_nproc(e->nproc_max, err) < 0)
        return -1;
    if (e->net_only_lo && verify_net_only_lo(err) < 0)
        return -1;
    if (verify_root_readonly(err) < 0 || verify_no_new_privs(err) < 0 ||
        verify_seccomp_filter(err) < 0 || verify_caps(e, err) < 0)
        return -1;
    return 0;
}
