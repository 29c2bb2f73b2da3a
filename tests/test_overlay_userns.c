/* The user namespace rule (overlay_userns.c): who gets a namespace, the
 * change list, each bind's class (full range, without root, never), the
 * tmpfs/devpts ids, config-asked namespaces and host id 0, the runtime's
 * own annotations, and idempotence. */
#include "tests/overlay_helpers.h"

#define BASE 0x70000000u
#define BASE_S "1879048192"

#define NS6                                                                                        \
    "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"             \
    "{\"type\":\"mount\"},{\"type\":\"cgroup\"}"

static const struct overlay_facts root_facts = {.userns_root_runtime = true, .userns_base = BASE};

static const struct spec_id_mapping *umap(const struct spec_config *c, const char *dest)
{
    const struct spec_mount *m = find_mount(c, dest);
    assert_non_null(m);
    if (!m->n_uid_mappings)
        return NULL;
    assert_int_equal(m->n_uid_mappings, 1);
    assert_int_equal(m->n_gid_mappings, 1);
    assert_memory_equal(m->uid_mappings, m->gid_mappings, sizeof(*m->uid_mappings));
    return m->uid_mappings;
}

static void expect_map(const struct spec_config *c, const char *dest, uint32_t cid, uint32_t hid,
                       uint32_t size)
{
    const struct spec_id_mapping *m = umap(c, dest);
    assert_non_null(m);
    assert_int_equal(m->container_id, cid);
    assert_int_equal(m->host_id, hid);
    assert_int_equal(m->size, size);
}

#define MOUNTS                                                                                     \
    "{\"destination\":\"/vol\",\"type\":\"bind\",\"source\":"                                      \
    "\"/var/lib/docker/volumes/v/_data\",\"options\":[\"rbind\"]},"                                \
    "{\"destination\":\"/etc/resolv.conf\",\"type\":\"bind\",\"source\":"                          \
    "\"/var/lib/docker/containers/abc/resolv.conf\",\"options\":[\"rbind\"]},"                     \
    "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/"                              \
    "data\",\"options\":[\"rbind\"]},"                                                             \
    "{\"destination\":\"/host-etc\",\"type\":\"bind\",\"source\":\"/"                              \
    "etc\",\"options\":[\"rbind\"]},"                                                              \
    "{\"destination\":\"/dev/null\",\"type\":\"bind\",\"source\":\"/dev/null\"},"                  \
    "{\"destination\":\"/rel\",\"type\":\"bind\",\"source\":\"data\",\"options\":[\"bind\"]},"     \
    "{\"destination\":\"/"                                                                         \
    "dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"mode=755\"]},"                   \
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","                     \
    "\"options\":[\"newinstance\",\"gid=5\",\"mode=0620\"]},"                                      \
    "{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"uid=1000\"," \
    "\"gid=70000\"]},"                                                                             \
    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\"}"

static void test_classes(void **state)
{
    struct run r;
    harden_with(&r, NULL, NULL, MOUNTS, ALL_NS, &root_facts, NULL);
    assert_string_equal(spec_kvlist_get(&r.out->annotations, USERNS_ANNOTATION), BASE_S);
    expect_change(&r.ch, "linux.namespaces[user]", "(absent)",
                  "(new, entered last: container 0-65535 = host 1879048192-1879113727)", "userns");
    expect_change(&r.ch, "root.path", "(no idmap)", "idmapped: on-disk 0-65535 = container 0-65535",
                  "userns");
    /* engine files and volumes: the full range */
    expect_map(r.out, "/vol", 0, BASE, 65536);
    expect_map(r.out, "/etc/resolv.conf", 0, BASE, 65536);
    /* other user binds: without root (relative sources too) */
    expect_map(r.out, "/data", 1, BASE + 1, 65535);
    expect_map(r.out, "/rel", 1, BASE + 1, 65535);
    expect_change(&r.ch, "mounts[/data].uidMappings", "(no idmap)",
                  "idmapped: on-disk 1-65535 = container 1-65535 (root not mapped)", "userns");
    /* system trees and device nodes: never */
    assert_null(umap(r.out, "/host-etc"));
    assert_null(umap(r.out, "/dev/null"));
    /* tmpfs: the range's root, or the asked ids moved into it (70000 is not a
     * container id: nobody's); devpts' tty group; mqueue untouched */
    expect_opts(r.out, "/dev", "mode=755,size=67108864,nosuid,uid=" BASE_S ",gid=" BASE_S);
    expect_opts(r.out, "/dev/pts",
                "newinstance,gid=1879048197,mode=0620,max=64,ptmxmode=0666,nosuid");
    expect_opts(r.out, "/run", "uid=1879049192,gid=1879113726,size=67108864,nosuid,nodev");
    expect_opts(r.out, "/tmp",
                "nosuid,nodev,noexec,mode=1777,size=67108864,uid=" BASE_S ",gid=" BASE_S);
    expect_opts(r.out, "/dev/mqueue", "nosuid,nodev");

    /* idempotent: the overlay on its own output (same facts) changes nothing */
    struct spec_config *again = NULL;
    struct overlay_changes ch2 = {0};
    struct aisbx_policy p = defpol();
    aisbx_error *err = NULL;
    struct overlay_facts f2 = root_facts;
    assert_int_equal(overlay_apply(r.out, &f2, &p, &again, &ch2, &err), 0);
    for (size_t i = 0; i < ch2.n; i++)
        assert_string_not_equal(ch2.v[i].rule, "userns");
    expect_opts(again, "/run", "uid=1879049192,gid=1879113726,size=67108864,nosuid,nodev");
    spec_config_free(again);
    overlay_changes_free(&ch2);
    run_free(&r);
}

/* The facts decide the class over the source's name. */
static void test_classes_by_facts(void **state)
{
    struct overlay_bind_fact bf[3] = {
        {.exists = true, .resolved = "/var/lib/docker/volumes/v/_data"}, /* via a symlink */
        {.exists = true,
         .is_device = true,
         .rdev_major = 1,
         .rdev_minor = 3,
         .resolved = "/dev/null"},
        {.exists = true, .resolved = "/usr/share"},
    };
    struct overlay_facts f = root_facts;
    f.binds = bf;
    f.n_binds = 3;
    struct run r;
    harden_with(&r, NULL, NULL,
                "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/srv/link\"},"
                "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/srv/mynull\"},"
                "{\"destination\":\"/c\",\"type\":\"bind\",\"source\":\"/srv/share\"}",
                ALL_NS, &f, NULL);
    expect_map(r.out, "/a", 0, BASE, 65536);
    assert_null(umap(r.out, "/b"));
    assert_null(umap(r.out, "/c"));
    run_free(&r);
}

/* An engine with a storage root of its own (docker's data-root, podman's
 * graphroot): its volumes and files are known from the container's root path. */
#define RELOC_MOUNTS                                                                               \
    "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":\"/srv/dk/volumes/v/_data\"},"           \
    "{\"destination\":\"/h\",\"type\":\"bind\",\"source\":\"/srv/dk/containers/abc/hosts\"},"      \
    "{\"destination\":\"/shm\",\"type\":\"bind\",\"source\":\"/srv/dk/containers/abc/mounts/"      \
    "shm\"},"                                                                                      \
    "{\"destination\":\"/o\",\"type\":\"bind\",\"source\":\"/srv/dk/other/v/_data\"},"             \
    "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/srv/dk/containers/abc/"               \
    "config.v2.json\"},"                                                                           \
    "{\"destination\":\"/cri\",\"type\":\"bind\",\"source\":\"/srv/ctd/"                           \
    "io.containerd.grpc.v1.cri/sandboxes/s1/hosts\"}"
static void test_classes_relocated_root(void **state)
{
    const char *mounts = RELOC_MOUNTS;
    struct run r;
    harden_with(&r, NULL, NULL, mounts, ALL_NS, &root_facts, NULL);
    /* the root path is not an engine's: user binds */
    expect_map(r.out, "/v", 1, BASE + 1, 65535);
    /* containerd's CRI files are known wherever its dirs are */
    expect_map(r.out, "/cri", 0, BASE, 65536);
    run_free(&r);

    char *j = cfg_json(NULL, NULL, mounts, ALL_NS);
    char *k = NULL;
    static const char *const roots[] = {"/srv/dk/overlay2/l1/merged", "/srv/dk/overlay/l1/merged",
                                        "/srv/dk/vfs/l1/merged", "/srv/dk/overlay2/l1/diff"};
    for (int i = 0; i < 4; i++) {
        free(k);
        k = xasprintf("%s", j);
        char *at = strstr(k, "\"rootfs\"");
        assert_non_null(at);
        char *full =
            xasprintf("%.*s\"%s\"%s", (int)(at - k), k, roots[i], at + strlen("\"rootfs\""));
        struct spec_config *in = parse(full), *out = NULL;
        free(full);
        struct overlay_changes ch = {0};
        struct aisbx_policy p = defpol();
        aisbx_error *err = NULL;
        assert_int_equal(overlay_apply(in, &root_facts, &p, &out, &ch, &err), 0);
        if (i == 0) { /* docker: volumes and per-container files */
            expect_map(out, "/v", 0, BASE, 65536);
            expect_map(out, "/h", 0, BASE, 65536);
            expect_map(out, "/shm", 0, BASE, 65536);
        } else if (i == 1) { /* containers-storage: volumes only */
            expect_map(out, "/v", 0, BASE, 65536);
            expect_map(out, "/h", 1, BASE + 1, 65535);
            expect_map(out, "/shm", 1, BASE + 1, 65535);
        } else { /* not an engine's layout */
            expect_map(out, "/v", 1, BASE + 1, 65535);
            expect_map(out, "/h", 1, BASE + 1, 65535);
        }
        expect_map(out, "/o", 1, BASE + 1, 65535);
        expect_map(out, "/x", 1, BASE + 1, 65535);
        spec_config_free(in);
        spec_config_free(out);
        overlay_changes_free(&ch);
    }
    free(k);
    free(j);
}

/* A root.path that names a system tree as its storage root gets no
 * full-range bind out of it: /etc/dk/volumes/... stays a system tree's. */
static void test_relocated_root_not_a_system_tree(void **state)
{
    const char *mounts = "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":"
                         "\"/etc/dk/volumes/v/_data\"}";
    char *j = cfg_json(NULL, NULL, mounts, ALL_NS);
    char *at = strstr(j, "\"rootfs\"");
    assert_non_null(at);
    char *full = xasprintf("%.*s\"/etc/dk/overlay2/l1/merged\"%s", (int)(at - j), j,
                           at + strlen("\"rootfs\""));
    struct spec_config *in = parse(full), *out = NULL;
    struct overlay_changes ch = {0};
    struct aisbx_policy p = defpol();
    aisbx_error *err = NULL;
    assert_int_equal(overlay_apply(in, &root_facts, &p, &out, &ch, &err), 0);
    assert_null(umap(out, "/v"));
    spec_config_free(in);
    spec_config_free(out);
    overlay_changes_free(&ch);
    free(full);
    free(j);
}

/* A container sharing another's namespaces joins its user namespace. */
static void test_joined(void **state)
{
    struct overlay_facts f = root_facts;
    f.userns_joined = true;
    struct run r;
    harden_with(&r, NULL, NULL, NULL, ALL_NS, &f, NULL);
    assert_string_equal(spec_kvlist_get(&r.out->annotations, USERNS_ANNOTATION), BASE_S);
    expect_change(&r.ch, "linux.namespaces[user]", "(absent)",
                  "(joined: the namespace of the container it shares namespaces with, entered "
                  "last: container 0-65535 = host 1879048192-1879113727)",
                  "userns");
    run_free(&r);
}

static void test_policy_off_and_rootless(void **state)
{
    struct run r;
    struct aisbx_policy p = defpol();
    p.userns = false;
    harden_with(&r, NULL, NULL, MOUNTS, ALL_NS, &root_facts, &p);
    assert_null(spec_kvlist_get(&r.out->annotations, USERNS_ANNOTATION));
    expect_change(&r.ch, "linux.namespaces[user]", "(absent)", "(absent: policy userns off)",
                  "userns");
    assert_null(umap(r.out, "/data"));
    expect_opts(r.out, "/run", "uid=1000,gid=70000,size=67108864,nosuid,nodev");
    run_free(&r);

    /* rootless: the engine's namespace is the namespace; nothing added */
    struct overlay_facts f = {.userns_base = BASE};
    harden_with(&r, NULL, NULL, MOUNTS, ALL_NS, &f, NULL);
    assert_null(spec_kvlist_get(&r.out->annotations, USERNS_ANNOTATION));
    assert_null(find_change(&r.ch, "linux.namespaces[user]"));
    assert_null(umap(r.out, "/data"));
    run_free(&r);
}

static void test_config_user_ns(void **state)
{
    /* kept as asked: no second namespace, no idmap by class */
    struct run r;
    harden_with(&r, NULL, NULL, MOUNTS,
                "\"namespaces\":[" NS6 ",{\"type\":\"user\"}],"
                "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
                "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]",
                &root_facts, NULL);
    assert_null(spec_kvlist_get(&r.out->annotations, USERNS_ANNOTATION));
    assert_null(umap(r.out, "/data"));
    run_free(&r);

    /* a mapping that hands out host id 0 is refused (by a root runtime) */
    struct spec_config *in = NULL, *out = NULL;
    char *j = cfg_json(NULL, NULL, NULL,
                       "\"namespaces\":[" NS6 ",{\"type\":\"user\"}],"
                       "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":1},"
                       "{\"containerID\":1,\"hostID\":0,\"size\":1}],"
                       "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":1}]");
    in = parse(j);
    free(j);
    struct aisbx_policy p = defpol();
    struct overlay_changes ch = {0};
    aisbx_error *err = NULL;
    assert_int_equal(overlay_apply(in, &root_facts, &p, &out, &ch, &err), -1);
    assert_non_null(strstr(err->msg, "a mapping includes host id 0"));
    aisbx_error_free(&err);
    /* a rootless runtime's "host" ids are the engine namespace's: allowed */
    struct overlay_facts rl = {0};
    assert_int_equal(overlay_apply(in, &rl, &p, &out, &ch, &err), 0);
    spec_config_free(out);
    spec_config_free(in);
    overlay_changes_free(&ch);
}

/* A config cannot set the runtime's own annotations; its own mount
 * mappings are kept as given. */
static void test_own_annotations_and_mount_mappings(void **state)
{
    struct run r;
    struct aisbx_policy p = defpol();
    p.userns = false;
    harden_with(&r, NULL,
                "},\"annotations\":{\"run.aisbx.userns\":\"0\",\"run.aisbx.userns-slot\":\"3\"},"
                "\"x\":{",
                "{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/srv/m\","
                "\"uidMappings\":[{\"containerID\":0,\"hostID\":300000,\"size\":10}],"
                "\"gidMappings\":[{\"containerID\":0,\"hostID\":300000,\"size\":10}]}",
                ALL_NS, &root_facts, &p);
    assert_null(spec_kvlist_get(&r.out->annotations, "run.aisbx.userns"));
    assert_null(spec_kvlist_get(&r.out->annotations, "run.aisbx.userns-slot"));
    expect_change(&r.ch, "annotations[run.aisbx.userns]", "0", "(removed: the runtime's own)",
                  "userns");
    expect_map(r.out, "/m", 0, 300000, 10);
    run_free(&r);
    /* with the namespace, too: the config's mapping is not replaced by a class */
    harden_with(&r, NULL, NULL,
                "{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/srv/m\","
                "\"uidMappings\":[{\"containerID\":0,\"hostID\":300000,\"size\":10}],"
                "\"gidMappings\":[{\"containerID\":0,\"hostID\":300000,\"size\":10}]}",
                ALL_NS, &root_facts, NULL);
    expect_map(r.out, "/m", 0, 300000, 10);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_classes_by_facts),
        cmocka_unit_test(test_classes_relocated_root),
        cmocka_unit_test(test_relocated_root_not_a_system_tree),
        cmocka_unit_test(test_joined),
        cmocka_unit_test(test_policy_off_and_rootless),
        cmocka_unit_test(test_config_user_ns),
        cmocka_unit_test(test_own_annotations_and_mount_mappings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
