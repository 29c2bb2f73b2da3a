/* Classification of host bind sources: the engine's own per-container files
 * (which must stay writable, or docker/podman/CRI containers break), the
 * places that hold control sockets (a root process that can connect to
 * docker.sock or systemd's private socket owns the host, and a read-only
 * mount does not stop connect(2)), and the system trees forced read-only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/overlay/overlay_internal.h"
#include "runtime/overlay/overlay_paths.h"

static bool comp_is(const char *p, const char *dir, int i, const char *want)
{
    char buf[256];
    return ov_path_component(p, dir, i, buf, sizeof(buf)) && strcmp(buf, want) == 0;
}

static bool comp_in(const char *p, const char *dir, int i, const char *const *set)
{
    char buf[256];
    if (!ov_path_component(p, dir, i, buf, sizeof(buf)))
        return false;
    for (; *set; set++)
        if (strcmp(buf, *set) == 0)
            return true;
    return false;
}

static const char *const net_files[] = {"resolv.conf", "hosts", "hostname", NULL};

/* podman (rootful or rootless, any storage root): <root>/<driver>-containers/
 * <id>/userdata/{resolv.conf,hosts,hostname,.containerenv,shm,run/secrets...}. */
static bool podman_userdata(const char *p)
{
    static const char *const files[] = {"resolv.conf",   "hosts", "hostname",
                                        ".containerenv", "shm",   NULL};
    const char *s = p;
    while ((s = strstr(s, "-containers/")) != NULL) {
        const char *base = s + strlen("-containers");
        /* base points at "/<id>/userdata/..." */
        const char *id_end = strchr(base + 1, '/');
        if (id_end && strncmp(id_end, "/userdata/", 10) == 0) {
            char dir[4096];
            size_t n = (size_t)(id_end - p) + strlen("/userdata");
            if (n < sizeof(dir)) {
                memcpy(dir, p, n);
                dir[n] = '\0';
                int d = ov_path_depth_below(p, dir);
                if (d == 1 && comp_in(p, dir, 0, files))
                    return true;
                if (d >= 2 && comp_is(p, dir, 0, "run") && comp_is(p, dir, 1, "secrets"))
                    return true;
            }
        }
        s = base;
    }
    return false;
}

/* Under a storage root R: volumes R/volumes/<name>/_data/... (docker and
 * containers-storage), and with docker's layout R/containers/<id>/{resolv.conf,
 * hosts,hostname} and R/containers/<id>/mounts/... (shm, secrets). */
static bool storage_rw(const char *p, const char *root, bool docker)
{
    char dir[4096];
    if (snprintf(dir, sizeof(dir), "%s/volumes", root) >= (int)sizeof(dir))
        return false;
    if (ov_path_depth_below(p, dir) >= 2 && comp_is(p, dir, 1, "_data"))
        return true;
    if (!docker || snprintf(dir, sizeof(dir), "%s/containers", root) >= (int)sizeof(dir))
        return false;
    int d = ov_path_depth_below(p, dir);
    return (d == 2 && comp_in(p, dir, 1, net_files)) || (d >= 3 && comp_is(p, dir, 1, "mounts"));
}

bool ovp_engine_rw_for(const char *p, const char *rootfs)
{
    if (ovp_engine_rw(p))
        return true;
    /* rootfs = R/overlay2/<layer>/merged (docker) or R/overlay/<layer>/merged
     * (containers-storage): R is the engine's storage root wherever it is */
    if (!rootfs || rootfs[0] != '/')
        return false;
    char *r = ov_path_clean(rootfs);
    bool ok = false, docker = false;
    char *s = strrchr(r, '/');
    if (s && strcmp(s, "/merged") == 0) {
        *s = '\0';
        s = strrchr(r, '/'); /* the layer */
        if (s && s[1]) {
            *s = '\0';
            s = strrchr(r, '/'); /* the driver */
            docker = s && strcmp(s, "/overlay2") == 0;
            if (s && s != r && (docker || strcmp(s, "/overlay") == 0)) {
                *s = '\0';
                /* the default roots are ovp_engine_rw's; a root.path that
                 * names a system tree as its storage root (/etc/overlay2/...)
                 * gets no full-range bind from it */
                ok = !ovp_system_tree(r) && storage_rw(p, r, docker);
            }
        }
    }
    free(r);
    return ok;
}

bool ovp_engine_rw(const char *p)
{
    /* docker: containers/<id>/{resolv.conf,hosts,hostname}, containers/<id>/mounts/...
     * (shm, secrets), volumes/<name>/_data/... */
    if (storage_rw(p, "/var/lib/docker", true) ||
        storage_rw(p, "/var/lib/containers/storage", false))
        return true;
    int d;
    /* containerd CRI: {sandboxes,containers}/<id>/... of its plugin dir under its root
     * and state dirs, wherever they are (/var/lib/containerd and /run/containerd by
     * default; k3s: /var/lib/rancher/k3s/agent/containerd, /run/k3s/containerd) */
    static const char *const cri_kinds[] = {"sandboxes", "containers", NULL};
    static const char cri[] = "/io.containerd.grpc.v1.cri/";
    for (const char *c = strstr(p, cri); c; c = strstr(c + 1, cri)) {
        char dir[4096];
        size_t n = (size_t)(c - p) + strlen(cri) - 1;
        if (n >= sizeof(dir))
            break;
        memcpy(dir, p, n);
        dir[n] = '\0';
        if (ov_path_depth_below(p, dir) >= 3 && comp_in(p, dir, 0, cri_kinds))
            return true;
    }
    /* kubelet: pods/<uid>/{etc-hosts, volumes/<plugin>/<name>/..., volume-subpaths/...,
     * containers/<name>/<hash> (termination log)} */
    const char *kp = "/var/lib/kubelet/pods";
    d = ov_path_depth_below(p, kp);
    if (d == 2 && comp_is(p, kp, 1, "etc-hosts"))
        return true;
    if (d >= 4 && (comp_is(p, kp, 1, "volumes") || comp_is(p, kp, 1, "volume-subpaths") ||
                   comp_is(p, kp, 1, "containers")))
        return true;
    return podman_userdata(p);
}

/* Well-known control sockets; a bind of any ancestor exposes them. */
static const char *const sockets[] = {
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/run/podman/podman.sock",
    "/run/crio/crio.sock",
    "/run/dbus/system_bus_socket",
    "/run/systemd/private",
    "/run/systemd/journal/socket",
    "/run/user",
    "/var/lib/kubelet/device-plugins/kubelet.sock",
    "/var/lib/kubelet/pod-resources/kubelet.sock",
    "/var/lib/kubelet/plugins_registry",
    NULL,
};

/* Directories of daemons' sockets: nothing below them is bound (except the
 * engine's per-container files, checked first). */
static const char *const socket_dirs[] = {
    "/run/docker",
    "/run/containerd",
    "/run/podman",
    "/run/crio",
    "/run/dbus",
    "/run/systemd",
    "/run/user",
    "/var/lib/kubelet/device-plugins",
    "/var/lib/kubelet/pod-resources",
    "/var/lib/kubelet/plugins",
    "/var/lib/kubelet/plugins_registry",
    /* more daemons (issue 10 item 9): k3s, microk8s, libvirt, LXD/Incus,
     * buildkit, snapd, udev */
    "/run/k3s",
    "/var/snap/microk8s/common/run",
    "/run/libvirt",
    "/var/lib/libvirt",
    "/var/lib/lxd",
    "/var/snap/lxd/common/lxd",
    "/run/incus",
    "/var/lib/incus",
    "/run/buildkit",
    "/run/snapd.socket",
    "/run/snapd-snap.socket",
    "/run/udev",
    NULL,
};

bool ovp_socket_path(const char *p)
{
    for (const char *const *s = sockets; *s; s++)
        if (ov_path_within(*s, p))
            return true;
    for (const char *const *s = socket_dirs; *s; s++)
        if (ov_path_within(p, *s))
            return true;
    const char *base = strrchr(p, '/');
    base = base ? base + 1 : p;
    size_t n = strlen(base);
    if (n >= 5 && strcmp(base + n - 5, ".sock") == 0)
        return true;
    if (strstr(base, "docker.sock") || strstr(base, "containerd.sock") ||
        strstr(base, "podman.sock") || strstr(base, "bus_socket") || strcmp(base, "dbus") == 0)
        return true;
    return false;
}

bool ovp_system_tree(const char *p)
{
    static const char *const trees[] = {
        "/etc",
        "/boot",
        "/root",
        "/usr",
        "/bin",
        "/sbin",
        "/run",
        "/var/lib/docker",
        "/var/lib/containerd",
        "/var/lib/kubelet",
        "/var/lib/containers",
        NULL,
    };
    for (const char *const *t = trees; *t; t++)
        if (ov_path_within(p, *t))
            return true;
    /* /lib, /lib32, /lib64, /libx32, ... */
    return strncmp(p, "/lib", 4) == 0;
}

/* Standard device nodes a bind may bring in (character, with these numbers). */
bool ovp_standard_device(const char *p, bool check_rdev, uint32_t major, uint32_t minor)
{
    static const struct {
        const char *path;
        uint32_t major, minor;
    } std[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
               {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
    for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++)
        if (strcmp(p, std[i].path) == 0)
            return !check_rdev || (major == std[i].major && minor == std[i].minor);
    return false;
}
