#!/bin/sh
# A CNI plugin for cri.bats that reports an eth0 with a made-up address and creates
# nothing. containerd's CRI plugin refuses a non-hostNetwork pod unless a CNI network
# returns an "eth0" (`failed to find network info for sandbox`), but a real one (bridge,
# ptp) would add veths and iptables rules to the host. With this, the pod's network
# namespace keeps only lo (set up by the loopback plugin that containerd always runs),
# which is what aisbx joins by path. Address: AISBX_FAKE_IP in the plugin config.
# Only the protocol fields containerd reads are filled in.
conf=$(cat)
ver=$(printf '%s' "$conf" | sed -n 's/.*"cniVersion" *: *"\([^"]*\)".*/\1/p')
ip=$(printf '%s' "$conf" | sed -n 's/.*"fakeIP" *: *"\([^"]*\)".*/\1/p')
case $CNI_COMMAND in
ADD)
    printf '{"cniVersion":"%s","interfaces":[{"name":"%s","sandbox":"%s"}],"ips":[{"version":"4","address":"%s","interface":0}]}\n' \
        "${ver:-0.4.0}" "$CNI_IFNAME" "$CNI_NETNS" "${ip:-10.255.255.2/32}"
    ;;
VERSION)
    printf '{"cniVersion":"%s","supportedVersions":["0.3.0","0.3.1","0.4.0"]}\n' "${ver:-0.4.0}"
    ;;
esac
exit 0
