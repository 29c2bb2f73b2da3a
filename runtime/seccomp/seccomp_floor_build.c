/* Turns the floor table (seccomp_floor_table.c) into libseccomp rules.
 *
 * Argument rules use only masked equality on the low 32 bits, so high bits
 * set by the caller cannot make a refused value look different. libseccomp has
 * no per-syscall "else", so a deny-everything-but rule is written as the exact
 * complement of the allowed values: a binary trie over the mask's bits, where
 * every subtree that holds no allowed value becomes one masked comparison
 * (at most 32 comparisons per allowed value). Allowed and denied rules are
 * thus disjoint and together cover every value; nothing falls through. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/seccomp/seccomp.h"
#include "runtime/seccomp/seccomp_floor.h"

#define MAX_CONDS 4

struct floor_ctx {
    scmp_filter_ctx sc;
    struct seccomp_floor_stats *st;
    aisbx_error **err;
};

static struct scmp_arg_cmp masked(unsigned int arg, uint32_t mask, uint32_t value)
{
    return (struct scmp_arg_cmp){
        .arg = arg, .op = SCMP_CMP_MASKED_EQ, .datum_a = mask, .datum_b = value & mask};
}

static int add_rule(struct floor_ctx *f, const char *name, int nr, uint32_t action,
                    const struct scmp_arg_cmp *conds, unsigned int n)
{
    int rc = seccomp_rule_add_array(f->sc, action, nr, n, conds);
    if (rc < 0)
        return aisbx_error_make(f->err, -rc, "seccomp floor: adding rule for %s", name);
    f->st->rules++;
    return 0;
}

/* Rule with the fixed conditions `pre` plus (arg & mask) == value. */
static int add_value(struct floor_ctx *f, const char *name, int nr, uint32_t action,
                     const struct scmp_arg_cmp *pre, unsigned int npre, unsigned int arg,
                     uint32_t mask, uint32_t value)
{
    struct scmp_arg_cmp c[MAX_CONDS];
    if (npre)
        memcpy(c, pre, npre * sizeof(*c));
    c[npre] = masked(arg, mask, value);
    return add_rule(f, name, nr, action, c, npre + 1);
}

static bool any_under(const uint32_t *keep, size_t n, uint32_t pmask, uint32_t pvalue)
{
    for (size_t i = 0; i < n; i++)
        if ((keep[i] & pmask) == pvalue)
            return true;
    return false;
}

/* Covers every (arg & mask) not in keep[] with `action`; see the top comment. */
static int add_complement_at(struct floor_ctx *f, const char *name, int nr, uint32_t action,
                             const struct scmp_arg_cmp *pre, unsigned int npre, unsigned int arg,
                             uint32_t mask, const uint32_t *keep, size_t n, uint32_t pmask,
                             uint32_t pvalue)
{
    if (!any_under(keep, n, pmask, pvalue))
        return add_value(f, name, nr, action, pre, npre, arg, pmask, pvalue);
    uint32_t rest = mask & ~pmask;
    if (!rest)
        return 0; /* exactly an allowed value */
    uint32_t bit = 1u << (31 - __builtin_clz(rest));
    if (add_complement_at(f, name, nr, action, pre, npre, arg, mask, keep, n, pmask | bit, pvalue) <
        0)
        return -1;
    return add_complement_at(f, name, nr, action, pre, npre, arg, mask, keep, n, pmask | bit,
                             pvalue | bit);
}

static int add_complement(struct floor_ctx *f, const char *name, int nr, uint32_t action,
                          const struct scmp_arg_cmp *pre, unsigned int npre, unsigned int arg,
                          uint32_t mask, const uint32_t *keep, size_t n)
{
    uint32_t k[16];
    if (n > 16)
        return aisbx_error_make(f->err, EINVAL, "seccomp floor: %s: too many values", name);
    for (size_t i = 0; i < n; i++)
        k[i] = keep[i] & mask;
    return add_complement_at(f, name, nr, action, pre, npre, arg, mask, k, n, 0, 0);
}

/* allow values, and `deny` for the exact complement. */
static int add_partition(struct floor_ctx *f, const char *name, int nr, uint32_t allow,
                         uint32_t deny, const struct scmp_arg_cmp *pre, unsigned int npre,
                         unsigned int arg, uint32_t mask, const uint32_t *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (add_value(f, name, nr, allow, pre, npre, arg, mask, values[i]) < 0)
            return -1;
    return add_complement(f, name, nr, deny, pre, npre, arg, mask, values, n);
}

static int add_socket_rules(struct floor_ctx *f, const char *name)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr < 0)
        return 0; /* socketcall architectures: not supported by the floor */
    const uint32_t all = 0xffffffffu, eperm = SCMP_ACT_ERRNO(EPERM);
    for (size_t i = 0; i < floor_socket_families_n; i++) {
        uint32_t fam = floor_socket_families[i];
        struct scmp_arg_cmp pre = masked(0, all, fam);
        int rc;
        if (fam == AF_INET || fam == AF_INET6)
            rc = add_partition(f, name, nr, SCMP_ACT_ALLOW, eperm, &pre, 1, 1, 0xf,
                               floor_inet_types, floor_inet_types_n);
        else if (fam == AF_NETLINK)
            rc = add_partition(f, name, nr, SCMP_ACT_ALLOW, eperm, &pre, 1, 2, all,
                               floor_netlink_protocols, floor_netlink_protocols_n);
        else
            rc = add_rule(f, name, nr, SCMP_ACT_ALLOW, &pre, 1);
        if (rc < 0)
            return -1;
    }
    if (add_complement(f, name, nr, eperm, NULL, 0, 0, all, floor_socket_families,
                       floor_socket_families_n) < 0)
        return -1;
    f->st->conditional++;
    return 0;
}

static int add_arg_rules(struct floor_ctx *f)
{
    const uint32_t all = 0xffffffffu, eperm = SCMP_ACT_ERRNO(EPERM);
    uint32_t arch = seccomp_arch_native();
    /* s390 swaps clone's first two arguments. */
    unsigned int clone_arg = (arch == SCMP_ARCH_S390 || arch == SCMP_ARCH_S390X) ? 1 : 0;
    const uint32_t zero = 0;

    if (add_partition(f, "clone", SCMP_SYS(clone), SCMP_ACT_ALLOW, eperm, NULL, 0, clone_arg,
                      floor_clone_new_flags, &zero, 1) < 0)
        return -1;
    if (add_partition(f, "personality", SCMP_SYS(personality), SCMP_ACT_ALLOW, eperm, NULL, 0, 0,
                      all, floor_personalities, floor_personalities_n) < 0)
        return -1;
    if (add_partition(f, "ioctl", SCMP_SYS(ioctl), eperm, SCMP_ACT_ALLOW, NULL, 0, 1, all,
                      floor_denied_ioctls, floor_denied_ioctls_n) < 0)
        return -1;
    f->st->conditional += 3;
    if (add_socket_rules(f, "socket") < 0 || add_socket_rules(f, "socketpair") < 0)
        return -1;
    return 0;
}

static int add_named(struct floor_ctx *f, const char *const *names, size_t n, uint32_t action,
                     size_t *count)
{
    for (size_t i = 0; i < n; i++) {
        int nr = seccomp_syscall_resolve_name(names[i]);
        if (nr < 0) {
            f->st->skipped++;
            continue;
        }
        if (add_rule(f, names[i], nr, action, NULL, 0) < 0)
            return -1;
        (*count)++;
    }
    return 0;
}

static int add_raw(struct floor_ctx *f)
{
    if (seccomp_arch_native() != SCMP_ARCH_X86_64)
        return 0;
    for (size_t i = 0; i < floor_allow_raw_n; i++) {
        const struct floor_raw_syscall *r = &floor_allow_raw[i];
        int nr = seccomp_syscall_resolve_name(r->name);
        if (nr < 0)
            nr = r->nr_x86_64; /* libseccomp is older than the syscall */
        if (add_rule(f, r->name, nr, SCMP_ACT_ALLOW, NULL, 0) < 0)
            return -1;
        f->st->allowed++;
    }
    return 0;
}

int seccomp_floor_build(struct seccomp_program *out, struct seccomp_floor_stats *stats,
                        aisbx_error **err)
{
    struct seccomp_floor_stats local;
    struct floor_ctx f = {.st = stats ? stats : &local, .err = err};
    memset(f.st, 0, sizeof(*f.st));
    /* ENOSYS by default: a syscall we do not know (newer kernel) looks absent,
     * which is what libc fallbacks expect. */
    f.sc = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
    if (!f.sc)
        return aisbx_error_make(err, ENOMEM, "seccomp floor: seccomp_init");
    int rc = 0;
    /* Native architecture only: i386 (int 0x80) and x32 syscalls kill the
     * process; libseccomp sends x32 numbers (>= 0x40000000) on x86_64 to the
     * bad-arch action as well. Optimization level 2 = binary search tree over
     * syscall numbers, keeping the per-syscall cost low. */
    if ((rc = seccomp_attr_set(f.sc, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
        (rc = seccomp_attr_set(f.sc, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
        (rc = seccomp_attr_set(f.sc, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0) {
        aisbx_error_make(err, -rc, "seccomp floor: setting filter attributes");
        goto out;
    }
    rc = -1;
    if (add_named(&f, floor_allow, floor_allow_n, SCMP_ACT_ALLOW, &f.st->allowed) < 0 ||
        add_raw(&f) < 0 ||
        add_named(&f, floor_eperm, floor_eperm_n, SCMP_ACT_ERRNO(EPERM), &f.st->eperm) < 0 ||
        add_arg_rules(&f) < 0)
        goto out;
    /* floor_enosys is the default action already (libseccomp refuses rules
     * that repeat the default); the tests check those calls get ENOSYS. */
    if (seccomp_export_program(f.sc, out, err) < 0)
        goto out;
    f.st->insns = out->len;
    rc = 0;
out:
    seccomp_release(f.sc);
    return rc;
}
