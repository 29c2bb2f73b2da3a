/* The cgroup v2 device filter: a BPF_PROG_TYPE_CGROUP_DEVICE program built
 * instruction by instruction and loaded with bpf(2), because cgroup v2 has
 * no devices.allow file. The rules are first replayed the way the v1 kernel
 * applies devices.allow/deny (runc's devices emulator), so both versions
 * enforce the same list; the resulting exceptions all have one polarity and
 * are emitted last-rule-first, first match wins, as runc and crun do. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup_internal.h"
#include "runtime/log.h"

struct dev_rule {
    char type;            /* 'c' or 'b' */
    int64_t major, minor; /* -1: any */
    unsigned access;      /* BPF_DEVCG_ACC_* bits */
};

struct emulator {
    bool default_allow;
    struct dev_rule *v;
    size_t n;
};

static int parse_access(const char *s, unsigned *acc)
{
    *acc = 0;
    if (!s || !*s)
        s = "rwm";
    for (; *s; s++) {
        switch (*s) {
        case 'r':
            *acc |= BPF_DEVCG_ACC_READ;
            break;
        case 'w':
            *acc |= BPF_DEVCG_ACC_WRITE;
            break;
        case 'm':
            *acc |= BPF_DEVCG_ACC_MKNOD;
            break;
        default:
            return -1;
        }
    }
    return 0;
}

static struct dev_rule *emu_find(struct emulator *e, const struct dev_rule *r)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].type == r->type && e->v[i].major == r->major && e->v[i].minor == r->minor)
            return &e->v[i];
    return NULL;
}

/* One devices.allow / devices.deny write, as the v1 kernel does it. */
static int emu_apply(struct emulator *e, const struct spec_device_cgroup *d, aisbx_error **err)
{
    struct dev_rule r;
    const char *type = d->type && *d->type ? d->type : "a";
    if (strlen(type) != 1 || !strchr("acb", type[0]) || parse_access(d->access, &r.access) < 0)
        return aisbx_error_make(err, EINVAL, "invalid device rule type '%s' access '%s'", type,
                                d->access ? d->access : "");
    if (type[0] == 'a') {
        /* "a" resets the list, whatever its other fields say. */
        e->default_allow = d->allow;
        e->n = 0;
        return 0;
    }
    r.type = type[0];
    r.major = d->has_major && d->major >= 0 ? d->major : -1;
    r.minor = d->has_minor && d->minor >= 0 ? d->minor : -1;
    struct dev_rule *x = emu_find(e, &r);
    if (d->allow != e->default_allow) {
        if (x) {
            x->access |= r.access;
        } else {
            e->v = xrealloc(e->v, (e->n + 1) * sizeof(*e->v));
            e->v[e->n++] = r;
        }
    } else if (x) {
        x->access &= ~r.access;
        if (!x->access) {
            size_t i = (size_t)(x - e->v);
            memmove(&e->v[i], &e->v[i + 1], (e->n - i - 1) * sizeof(*e->v));
            e->n--;
        }
    }
    return 0;
}

/* ---- program ------------------------------------------------------------ */

struct prog {
    struct bpf_insn *v;
    size_t n;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
    p->v[p->n++] =
        (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R5 BPF_REG_5
#define FULL_ACCESS (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

static void emit_rule(struct prog *p, const struct dev_rule *r, bool allow)
{
    bool acc = r->access != FULL_ACCESS;
    size_t len = 1 + (acc ? 3 : 0) + (r->major >= 0) + (r->minor >= 0) + 2;
    size_t end = p->n + len; /* first instruction of the next block */
#define NEXT ((int16_t)(end - (p->n + 1)))
    emit(p, BPF_JMP | BPF_JNE | BPF_K, R2, 0, NEXT,
         r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
    if (acc) {
        /* The requested access must be a subset of the rule's. */
        emit(p, BPF_ALU | BPF_MOV | BPF_X, R1, R3, 0, 0);
        emit(p, BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, (int32_t)r->access);
        emit(p, BPF_JMP | BPF_JNE | BPF_X, R1, R3, NEXT, 0);
    }
    if (r->major >= 0)
        emit(p, BPF_JMP | BPF_JNE | BPF_K, R4, 0, NEXT, (int32_t)r->major);
    if (r->minor >= 0)
        emit(p, BPF_JMP | BPF_JNE | BPF_K, R5, 0, NEXT, (int32_t)r->minor);
#undef NEXT
    emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, allow ? 1 : 0);
    emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static void build(struct prog *p, const struct emulator *e)
{
    /* struct bpf_cgroup_dev_ctx { u32 access_type (access << 16 | type); u32 major, minor; } */
    emit(p, BPF_LDX | BPF_MEM | BPF_W, R2, R1, 0, 0);
    emit(p, BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, 0xFFFF);
    emit(p, BPF_LDX | BPF_MEM | BPF_W, R3, R1, 0, 0);
    emit(p, BPF_ALU | BPF_RSH | BPF_K, R3, 0, 0, 16);
    emit(p, BPF_LDX | BPF_MEM | BPF_W, R4, R1, 4, 0);
    emit(p, BPF_LDX | BPF_MEM | BPF_W, R5, R1, 8, 0);
    for (size_t i = e->n; i-- > 0;)
        emit_rule(p, &e->v[i], !e->default_allow);
    emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, e->default_allow ? 1 : 0);
    emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static int bpf(int cmd, union bpf_attr *attr)
{
    return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load(const struct prog *p, aisbx_error **err)
{
    static char log_buf[65536];
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    a.insns = (uint64_t)(uintptr_t)p->v;
    a.insn_cnt = (uint32_t)p->n;
    a.license = (uint64_t)(uintptr_t) "GPL";
    int fd = bpf(BPF_PROG_LOAD, &a);
    if (fd >= 0)
        return fd;
    int e = errno;
    /* Load again with the verifier log, only to explain the failure. */
    a.log_buf = (uint64_t)(uintptr_t)log_buf;
    a.log_size = sizeof(log_buf);
    a.log_level = 1;
    log_buf[0] = '\0';
    fd = bpf(BPF_PROG_LOAD, &a);
    if (fd >= 0)
        close(fd);
    return aisbx_error_make(err, e, "load device cgroup bpf program (%zu insns)%s%s", p->n,
                            log_buf[0] ? ": " : "", log_buf);
}

int cg_v2_devices_apply(int dirfd, const struct spec_device_cgroup *rules, size_t n,
                        aisbx_error **err)
{
    struct emulator e = {.default_allow = false};
    struct prog p = {0};
    int prog = -1, cg = -1, ret = -1;
    for (size_t i = 0; i < n; i++)
        if (emu_apply(&e, &rules[i], err) < 0)
            goto out;
    build(&p, &e);
    log_debug("cgroup: device filter: default %s, %zu exceptions, %zu insns",
              e.default_allow ? "allow" : "deny", e.n, p.n);
    prog = load(&p, err);
    if (prog < 0)
        goto out;
    /* BPF_PROG_ATTACH wants a real (not O_PATH) fd of the directory. */
    cg = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg < 0) {
        aisbx_error_make(err, errno, "open cgroup directory");
        goto out;
    }
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.target_fd = (uint32_t)cg;
    a.attach_bpf_fd = (uint32_t)prog;
    a.attach_type = BPF_CGROUP_DEVICE;
    a.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, &a) < 0) {
        aisbx_error_make(err, errno, "attach device cgroup bpf program");
        goto out;
    }
    ret = 0;
out:
    if (cg >= 0)
        close(cg);
    if (prog >= 0)
        close(prog);
    free(p.v);
    free(e.v);
    return ret;
}
