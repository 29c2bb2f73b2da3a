#!/bin/bash
# Configures a freshly debootstrapped root for the stock-host lane (run on the
# build host, as root): kernel modules, masked timers and gettys, containerd's
# config written the kubeadm way. Nothing here is aisbx-specific: aisbx, its
# engine snippets and the test unit come with each boot's payload
# (boot-setup.sh), so the cached root image does not depend on them.
#   setup-root.sh ROOT KVER
set -euo pipefail
root=$1 kver=$2

# Host kernel modules, without the hardware drivers a qemu guest never loads.
mkdir -p "$root/lib/modules"
rm -rf "${root:?}/lib/modules/$kver"
cp -a "/lib/modules/$kver" "$root/lib/modules/"
m=$root/lib/modules/$kver/kernel
rm -rf "$m/sound" "$m/drivers/"{gpu,media,scsi,usb,infiniband,iio,hwmon,staging,hid,platform,input,bluetooth,mtd,isdn,misc,mmc,edac,thunderbolt,video,crypto,ata,firewire,mfd,power,w1,leds,spi,i2c,rtc,nfc,atm,pcmcia,target,fpga,comedi,gnss,hsi,memstick,mux,ntb,parport,pps,ptp,regulator,ssb,bcma,uio,vfio,watchdog,xen,hv,vhost,nvme,acpi,soundwire,extcon,siox,slimbus,counter,dca,dma,firmware,gpio,mailbox,most,nvdimm,pinctrl,pwm,rpmsg,thermal,tty,vdpa}
rm -rf "$m/drivers/net/"{ethernet,wireless,usb,can,ieee802154,wwan,hyperv,fddi,hamradio,arcnet,plip,slip,ppp,wan,fjes,ipa,mdio,pcs,phy,xen-netback,dsa}
rm -rf "$m/net/"{bluetooth,wireless,mac80211,mac802154,ieee802154,nfc,can,6lowpan,rxrpc,sunrpc,ceph,9p,rds,batman-adv,appletalk,x25,lapb,rose,netrom,ax25,atm,tipc,dccp,sctp,l2tp,openvswitch,mpls,smc,qrtr,vmw_vsock,hsr}
rm -rf "$m/fs/"{nfs,nfsd,ocfs2,gfs2,btrfs,xfs,ceph,cifs,smbfs_common,ubifs,jffs2,f2fs,nilfs2,reiserfs,jfs,udf,ntfs3,ntfs,hfs,hfsplus,dlm,orangefs,afs,coda,ksmbd,9p,erofs,gfs,befs,bfs,efs,freevxfs,hpfs,minix,omfs,qnx4,qnx6,romfs,sysv,ufs,adfs,affs,cramfs,exfat,fat,isofs,lockd,nfs_common,zonefs,vboxsf}
depmod -b "$root" "$kver"

# A quiet, fast boot: no timers, no login prompts; the lane's unit owns ttyS0.
for t in "$root"/lib/systemd/system/*.timer; do
    ln -sf /dev/null "$root/etc/systemd/system/$(basename "$t")"
done
for u in serial-getty@ttyS0.service getty@tty1.service getty.target console-getty.service \
    systemd-timesyncd.service e2scrub_reap.service apt-daily.service apt-daily-upgrade.service \
    man-db.service cron.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$u"
done
echo stockhost >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 stockhost\n' >"$root/etc/hosts"
: >"$root/etc/fstab"
: >"$root/etc/machine-id"
# Journal in memory only (the disk is a throw-away snapshot anyway).
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nForwardToConsole=no\n' >"$root/etc/systemd/journald.conf.d/lane.conf"

# containerd as kubeadm's guide sets it up: the full default config, with the
# runc handler's SystemdCgroup = true (kubelet on a systemd host).
mkdir -p "$root/etc/containerd"
chroot "$root" /usr/bin/containerd config default >"$root/etc/containerd/config.toml"
sed -i 's/SystemdCgroup = false/SystemdCgroup = true/' "$root/etc/containerd/config.toml"
grep -q 'SystemdCgroup = true' "$root/etc/containerd/config.toml"

# Smaller tree: docs and caches are not needed.
rm -rf "$root"/usr/share/{doc,man,info} "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
