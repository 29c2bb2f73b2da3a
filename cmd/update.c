#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "runtime/fd_util.h"

/* "64m", "1g", "1024": runc accepts docker's RAM units. */
static int parse_bytes(const char *s, int64_t *out, aisbx_error **err)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    long long mul = 1;
    if (errno || end == s || v < -1)
        return aisbx_error_make(err, 0, "invalid size \"%s\"", s);
    switch (*end) {
    case 'k':
    case 'K':
        mul = 1LL << 10;
        end++;
        break;
    case 'm':
    case 'M':
        mul = 1LL << 20;
        end++;
        break;
    case 'g':
    case 'G':
        mul = 1LL << 30;
        end++;
        break;
    default:
        break;
    }
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end || (v > 0 && v > INT64_MAX / mul))
        return aisbx_error_make(err, 0, "invalid size \"%s\"", s);
    *out = v * mul;
    return 0;
}

static int read_resources(const char *path, struct spec_resources **r, aisbx_error **err)
{
    char *buf = NULL;
    size_t len = 0;
    int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(err, errno, "open %s", path);
    int rr = read_all(fd, &buf, &len, SPEC_MAX_CONFIG_BYTES);
    if (fd != 0)
        close(fd);
    if (rr < 0) {
        free(buf);
        return aisbx_error_make(err, errno, "read resources from %s", path);
    }
    rr = spec_resources_parse(buf, len, r, err);
    free(buf);
    return rr;
}

COMMAND(update)
{
    const char *resources = NULL, *memory = NULL, *reservation = NULL, *swap = NULL, *kmem = NULL,
               *kmem_tcp = NULL, *cpus = NULL, *mems = NULL, *l3 = NULL, *mem_bw = NULL;
    long long pids = 0, shares = 0, quota = 0, period = 0, rt_period = 0, rt_runtime = 0,
              weight = 0;
    const struct opt t[] = {
        {"resources", 'r', OPT_STRING, &resources},
        {"memory", 0, OPT_STRING, &memory},
        {"memory-reservation", 0, OPT_STRING, &reservation},
        {"memory-swap", 0, OPT_STRING, &swap},
        {"kernel-memory", 0, OPT_STRING, &kmem},
        {"kernel-memory-tcp", 0, OPT_STRING, &kmem_tcp},
        {"pids-limit", 0, OPT_INT, &pids},
        {"cpu-share", 0, OPT_INT, &shares},
        {"cpu-quota", 0, OPT_INT, &quota},
        {"cpu-period", 0, OPT_INT, &period},
        {"cpu-rt-period", 0, OPT_INT, &rt_period},
        {"cpu-rt-runtime", 0, OPT_INT, &rt_runtime},
        {"cpuset-cpus", 0, OPT_STRING, &cpus},
        {"cpuset-mems", 0, OPT_STRING, &mems},
        {"blkio-weight", 0, OPT_INT, &weight},
        {"l3-cache-schema", 0, OPT_STRING, &l3},
        {"mem-bw-schema", 0, OPT_STRING, &mem_bw},
        {NULL, 0, 0, NULL},
    };
    struct spec_resources *r = NULL;
    int ret = -1;
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 1, 1, "update", err) < 0)
        return -1;
    /* runc's flags, refused by name rather than as unknown ones */
    if (l3 || mem_bw)
        return aisbx_error_make(err, 0, "--%s: Intel RDT is not supported",
                                l3 ? "l3-cache-schema" : "mem-bw-schema");
    if (resources) {
        if (read_resources(resources, &r, err) < 0)
            return -1;
    } else {
        r = xmalloc0(sizeof(*r));
    }
    /* Flags override the JSON, as in runc. */
    if (memory || reservation || swap || kmem || kmem_tcp) {
        if (!r->memory)
            r->memory = xmalloc0(sizeof(*r->memory));
        if ((memory && parse_bytes(memory, &r->memory->limit, err) < 0) ||
            (reservation && parse_bytes(reservation, &r->memory->reservation, err) < 0) ||
            (swap && parse_bytes(swap, &r->memory->swap, err) < 0) ||
            (kmem && parse_bytes(kmem, &r->memory->kernel, err) < 0) ||
            (kmem_tcp && parse_bytes(kmem_tcp, &r->memory->kernel_tcp, err) < 0))
            goto out;
        r->memory->has_limit |= memory != NULL;
        r->memory->has_reservation |= reservation != NULL;
        r->memory->has_swap |= swap != NULL;
        r->memory->has_kernel |= kmem != NULL;
        r->memory->has_kernel_tcp |= kmem_tcp != NULL;
    }
    if (pids) {
        if (!r->pids)
            r->pids = xmalloc0(sizeof(*r->pids));
        r->pids->has_limit = true;
        r->pids->limit = pids;
    }
    if (shares || quota || period || rt_period || rt_runtime || cpus || mems) {
        if (!r->cpu)
            r->cpu = xmalloc0(sizeof(*r->cpu));
        struct spec_cpu *c = r->cpu;
        if (shares < 0 || period < 0 || rt_period < 0) {
            aisbx_error_make(err, 0, "cpu shares and periods must not be negative");
            goto out;
        }
        if (shares)
            c->has_shares = true, c->shares = (uint64_t)shares;
        if (quota)
            c->has_quota = true, c->quota = quota;
        if (period)
            c->has_period = true, c->period = (uint64_t)period;
        if (rt_period)
            c->has_realtime_period = true, c->realtime_period = (uint64_t)rt_period;
        if (rt_runtime)
            c->has_realtime_runtime = true, c->realtime_runtime = rt_runtime;
        if (cpus) {
            free(c->cpus);
            c->cpus = xstrdup(cpus);
        }
        if (mems) {
            free(c->mems);
            c->mems = xstrdup(mems);
        }
    }
    if (weight) {
        if (weight < 0 || weight > 1000) {
            aisbx_error_make(err, 0, "--blkio-weight must be between 10 and 1000");
            goto out;
        }
        if (!r->block_io)
            r->block_io = xmalloc0(sizeof(*r->block_io));
        r->block_io->has_weight = true;
        r->block_io->weight = (uint16_t)weight;
    }
    ret = container_update(ctx, argv[i], r, err);
out:
    spec_resources_free(r);
    return ret;
}
