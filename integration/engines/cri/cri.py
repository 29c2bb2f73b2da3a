#!/usr/bin/python3
"""Smallest CRI client for cri.bats (Debian 12 has no crictl).

Usage: cri.py GENDIR SOCKET COMMAND ARGS...
GENDIR holds api_pb2.py / api_pb2_grpc.py, generated at test time from
cri/api.proto (python3 -m grpc_tools.protoc). Commands:
  version
  runp NAME UID HANDLER HOSTNET(0|1) CGROUP_PARENT PODCFG_OUT
                                                  -> prints the sandbox id; saves the config
  create POD_ID PODCFG NAME IMAGE CMD...          -> prints the container id
  start ID | stop ID [TIMEOUT] | rm ID | stopp POD_ID | rmp POD_ID
  status ID                                       -> "STATE EXIT_CODE REASON"
  exec ID TIMEOUT CMD...                          -> stdout/stderr of CMD; exits with its code
A gRPC error prints "CRI error: CODE: DETAILS" on stderr and exits 100.
"""
import sys

gendir, sock, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
sys.path.insert(0, gendir)
import grpc  # noqa: E402
import api_pb2 as pb  # noqa: E402
import api_pb2_grpc as pbg  # noqa: E402

TIMEOUT = 60


def pod_config(name, uid, hostnet, cgparent):
    mode = pb.NODE if hostnet else pb.POD
    cfg = pb.PodSandboxConfig(
        metadata=pb.PodSandboxMetadata(name=name, uid=uid, namespace="aisbx-it", attempt=0),
        linux=pb.LinuxPodSandboxConfig(
            cgroup_parent=cgparent,
            security_context=pb.LinuxSandboxSecurityContext(
                namespace_options=pb.NamespaceOption(network=mode, pid=pb.CONTAINER, ipc=pb.POD))))
    # A hostNetwork pod has no UTS namespace of its own: a hostname is refused.
    if not hostnet:
        cfg.hostname = name
    return cfg


def main():
    rt = pbg.RuntimeServiceStub(grpc.insecure_channel("unix://" + sock))
    if cmd == "version":
        r = rt.Version(pb.VersionRequest(version="v1"), timeout=TIMEOUT)
        print(r.runtime_name, r.runtime_version, r.runtime_api_version)
    elif cmd == "runp":
        name, uid, handler, hostnet, cgparent, out = args
        cfg = pod_config(name, uid, hostnet == "1", cgparent)
        r = rt.RunPodSandbox(pb.RunPodSandboxRequest(config=cfg, runtime_handler=handler), timeout=TIMEOUT)
        with open(out, "wb") as f:
            f.write(cfg.SerializeToString())
        print(r.pod_sandbox_id)
    elif cmd == "create":
        pod, cfgfile, name, image = args[:4]
        podcfg = pb.PodSandboxConfig()
        with open(cfgfile, "rb") as f:
            podcfg.ParseFromString(f.read())
        ns = podcfg.linux.security_context.namespace_options
        c = pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name=name),
            image=pb.ImageSpec(image=image),
            command=args[4:],
            linux=pb.LinuxContainerConfig(security_context=pb.LinuxContainerSecurityContext(
                namespace_options=pb.NamespaceOption(network=ns.network, pid=ns.pid, ipc=ns.ipc))))
        r = rt.CreateContainer(pb.CreateContainerRequest(pod_sandbox_id=pod, config=c, sandbox_config=podcfg),
                               timeout=TIMEOUT)
        print(r.container_id)
    elif cmd == "start":
        rt.StartContainer(pb.StartContainerRequest(container_id=args[0]), timeout=TIMEOUT)
    elif cmd == "stop":
        t = int(args[1]) if len(args) > 1 else 0
        rt.StopContainer(pb.StopContainerRequest(container_id=args[0], timeout=t), timeout=TIMEOUT + t)
    elif cmd == "rm":
        rt.RemoveContainer(pb.RemoveContainerRequest(container_id=args[0]), timeout=TIMEOUT)
    elif cmd == "stopp":
        rt.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=args[0]), timeout=TIMEOUT)
    elif cmd == "rmp":
        rt.RemovePodSandbox(pb.RemovePodSandboxRequest(pod_sandbox_id=args[0]), timeout=TIMEOUT)
    elif cmd == "status":
        s = rt.ContainerStatus(pb.ContainerStatusRequest(container_id=args[0]), timeout=TIMEOUT).status
        print(pb.ContainerState.Name(s.state), s.exit_code, s.reason or "-")
    elif cmd == "exec":
        t = int(args[1])
        r = rt.ExecSync(pb.ExecSyncRequest(container_id=args[0], cmd=args[2:], timeout=t), timeout=TIMEOUT + t)
        sys.stdout.buffer.write(r.stdout)
        sys.stderr.buffer.write(r.stderr)
        return r.exit_code
    else:
        print("cri.py: unknown command " + cmd, file=sys.stderr)
        return 2
    return 0


try:
    sys.exit(main())
except grpc.RpcError as e:
    print("CRI error: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
    sys.exit(100)
