/* What a Linux conversion writes and runs, for Debian, RHEL and SUSE
 * families: the families we cannot boot here are covered by these checks.
 */
#include "internal.h"
#include "unit.h"

static char *
join (char **argv)
{
  static char buf[512];
  size_t i;

  buf[0] = '\0';
  for (i = 0; argv && argv[i]; ++i) {
    if (i)
      strcat (buf, " ");
    strcat (buf, argv[i]);
  }
  return buf;
}

static void
check_cmd (char **argv, const char *want)
{
  CHECK_STR (join (argv), want);
  v2v_cleanup_free_strv (&argv);
}

int
main (void)
{
  char *s;
  bool changed;
  char **names = NULL;
  size_t nr = 0;

  CHECK (v2v_initrd_tool_for ("debian", false, true) ==
         V2V_INITRD_INITRAMFS_TOOLS);
  CHECK (v2v_initrd_tool_for ("ubuntu", false, false) ==
         V2V_INITRD_INITRAMFS_TOOLS);
  CHECK (v2v_initrd_tool_for ("rhel", true, false) == V2V_INITRD_DRACUT);
  CHECK (v2v_initrd_tool_for ("rocky", false, false) == V2V_INITRD_DRACUT);
  CHECK (v2v_initrd_tool_for ("sles", true, false) == V2V_INITRD_DRACUT);
  CHECK (v2v_initrd_tool_for ("opensuse", true, false) == V2V_INITRD_DRACUT);
  CHECK (v2v_initrd_tool_for ("archlinux", true, false) == V2V_INITRD_DRACUT);
  CHECK (v2v_initrd_tool_for ("gentoo", false, false) == V2V_INITRD_UNKNOWN);

  /* Debian: modules appended once, existing entries kept */
  s = v2v_initramfs_modules_add ("# comment\next4\nvirtio_blk\n", &changed);
  CHECK (changed);
  CHECK_STR (s, "# comment\next4\nvirtio_blk\n"
             "# v2vboot: virtio drivers to boot on KVM\n"
             "virtio_pci\nvirtio_scsi\nvirtio_net\nahci\n");
  {
    char *again = v2v_initramfs_modules_add (s, &changed);
    CHECK (!changed);
    CHECK_STR (again, s);
    free (again);
  }
  free (s);
  s = v2v_initramfs_modules_add ("ext4", &changed);
  CHECK_CONTAINS (s, "ext4\n# v2vboot");
  free (s);

  /* RHEL/SUSE: the dracut drop-in */
  s = v2v_dracut_conf ();
  CHECK_CONTAINS (s, "add_drivers+=\" virtio_pci virtio_blk virtio_scsi "
                  "virtio_net ahci \"\n");
  free (s);
  CHECK_STR (v2v_dracut_conf_path, "/etc/dracut.conf.d/v2vboot-virtio.conf");

  check_cmd (v2v_initrd_command (V2V_INITRD_INITRAMFS_TOOLS, "6.1.0-18-amd64",
                                 "/boot/initrd.img-6.1.0-18-amd64"),
             "update-initramfs -u -k 6.1.0-18-amd64");
  check_cmd (v2v_initrd_command (V2V_INITRD_INITRAMFS_TOOLS, "6.1.0-18-amd64",
                                 NULL),
             "update-initramfs -c -k 6.1.0-18-amd64");
  check_cmd (v2v_initrd_command (V2V_INITRD_DRACUT, "5.14.0-362.el9.x86_64",
                                 NULL),
             "dracut -f /boot/initramfs-5.14.0-362.el9.x86_64.img "
             "5.14.0-362.el9.x86_64");
  check_cmd (v2v_initrd_command (V2V_INITRD_DRACUT, "5.14.21-150500-default",
                                 "/boot/initrd-5.14.21-150500-default"),
             "dracut -f /boot/initrd-5.14.21-150500-default "
             "5.14.21-150500-default");
  check_cmd (v2v_grub_mkconfig_command (true, "/boot/grub2/grub.cfg"),
             "grub2-mkconfig -o /boot/grub2/grub.cfg");
  check_cmd (v2v_grub_mkconfig_command (false, "/boot/grub/grub.cfg"),
             "grub-mkconfig -o /boot/grub/grub.cfg");

  /* NIC names from every configuration style */
  CHECK (v2v_nic_names_add ("auto lo\niface lo inet loopback\n"
                            "allow-hotplug ens192\niface ens192 inet dhcp\n",
                            &names, &nr) == 0);
  CHECK (v2v_nic_names_add ("DEVICE=eth0\nBOOTPROTO=static\n", &names,
                            &nr) == 0);
  CHECK (v2v_nic_names_add ("network:\n  ethernets:\n    ens192:\n"
                            "      dhcp4: true\n    enp11s0f1:\n",
                            &names, &nr) == 0);
  CHECK (v2v_nic_names_add ("[connection]\ninterface-name=ens224\n"
                            "id=ens224-static\n", &names, &nr) == 0);
  CHECK (v2v_nic_names_add ("/dev/eth0x ensure eno enX1 ethtool",
                            &names, &nr) == 0);
  CHECK (nr == 4);
  CHECK_STR (names[0], "ens192");
  CHECK_STR (names[1], "eth0");
  CHECK_STR (names[2], "enp11s0f1");
  CHECK_STR (names[3], "ens224");
  v2v_cleanup_free_strv (&names);

  s = v2v_link_file ("52:54:00:12:34:56", "ens192");
  CHECK_CONTAINS (s, "[Match]\nMACAddress=52:54:00:12:34:56\n");
  CHECK_CONTAINS (s, "[Link]\nName=ens192\n");
  free (s);

  CHECK (v2v_is_vmware_tools_package ("VMwareTools"));
  CHECK (v2v_is_vmware_tools_package ("vmware-tools-core"));
  CHECK (v2v_is_vmware_tools_package ("kmod-vmware-tools-vmxnet3"));
  CHECK (!v2v_is_vmware_tools_package ("open-vm-tools"));
  CHECK (!v2v_is_vmware_tools_package ("open-vm-tools-desktop"));
  CHECK (!v2v_is_vmware_tools_package ("vmware-view"));

  /* initramfs and grub-mkconfig run at once, quoted for the shell */
  {
    char *a0[] = { (char *) "update-initramfs", (char *) "-u", (char *) "-k",
                   (char *) "6.1.0-18-amd64", NULL };
    char *a1[] = { (char *) "grub-mkconfig", (char *) "-o",
                   (char *) "/boot/it's grub.cfg", NULL };
    char **argvs[] = { a0, a1 };
    s = v2v_parallel_script (argvs, 2, "/tmp/job");
    CHECK_STR (s,
               "( 'update-initramfs' '-u' '-k' '6.1.0-18-amd64' ) </dev/null "
               ">/tmp/job0.log 2>&1 &\np0=$!\n"
               "( 'grub-mkconfig' '-o' '/boot/it'\\''s grub.cfg' ) </dev/null "
               ">/tmp/job1.log 2>&1 &\np1=$!\n"
               "wait $p0; echo \"v2vboot-job 0 $?\"\n"
               "wait $p1; echo \"v2vboot-job 1 $?\"\n");
    free (s);
    CHECK (v2v_parallel_status ("noise\nv2vboot-job 0 0\nv2vboot-job 1 127\n",
                                0) == 0);
    CHECK (v2v_parallel_status ("v2vboot-job 0 0\nv2vboot-job 1 127\n", 1)
           == 127);
    CHECK (v2v_parallel_status ("v2vboot-job 0 0\n", 1) == -1);
    CHECK (v2v_parallel_status ("xv2vboot-job 1 0\nv2vboot-job 11 3\n", 1)
           == -1);
  }

  /* UEFI: the removable path from the distro's loader */
  {
    char *grub_only[] = { (char *) "EFI", (char *) "EFI/debian",
                          (char *) "EFI/debian/grubx64.efi", NULL };
    char *with_shim[] = { (char *) "EFI/debian/BOOTX64.CSV",
                          (char *) "EFI/debian/fbx64.efi",
                          (char *) "EFI/debian/grub.cfg",
                          (char *) "EFI/debian/grubx64.efi",
                          (char *) "EFI/debian/mmx64.efi",
                          (char *) "EFI/debian/shimx64.efi", NULL };
    char *has_boot[] = { (char *) "EFI/debian/grubx64.efi",
                         (char *) "efi/boot/bootx64.efi", NULL };
    char *two[] = { (char *) "EFI/Microsoft/Boot/bootmgfw.efi",
                    (char *) "EFI/centos/shimx64.efi",
                    (char *) "EFI/centos/grubx64.efi",
                    (char *) "EFI/Debian/grubx64.efi",
                    (char *) "EFI/BOOT/grubx64.efi", NULL };
    char *none[] = { (char *) "EFI/debian/grub.cfg",
                     (char *) "EFI/BOOT/fbx64.efi",
                     (char *) "EFI/debian/x/grubx64.efi",
                     (char *) "grubx64.efi", NULL };
    char **c = NULL;

    CHECK (v2v_efi_fallback_plan (grub_only, "debian", &c) == V2V_EFI_COPY);
    CHECK_STR (join (c), "EFI/debian/grubx64.efi EFI/BOOT/BOOTX64.EFI");
    v2v_cleanup_free_strv (&c);
    CHECK (v2v_efi_fallback_plan (with_shim, "debian", &c) == V2V_EFI_COPY);
    CHECK_STR (join (c), "EFI/debian/grub.cfg EFI/BOOT/grub.cfg "
               "EFI/debian/grubx64.efi EFI/BOOT/grubx64.efi "
               "EFI/debian/mmx64.efi EFI/BOOT/mmx64.efi "
               "EFI/debian/shimx64.efi EFI/BOOT/BOOTX64.EFI");
    v2v_cleanup_free_strv (&c);
    CHECK (v2v_efi_fallback_plan (has_boot, "debian", &c) ==
           V2V_EFI_HAS_FALLBACK);
    CHECK (c == NULL);
    /* the guest's own distribution wins over a leftover; any case */
    CHECK (v2v_efi_fallback_plan (two, "debian", &c) == V2V_EFI_COPY);
    CHECK_STR (join (c), "EFI/Debian/grubx64.efi EFI/BOOT/BOOTX64.EFI");
    v2v_cleanup_free_strv (&c);
    CHECK (v2v_efi_fallback_plan (two, "rhel", &c) == V2V_EFI_COPY);
    CHECK_STR (join (c), "EFI/centos/shimx64.efi EFI/BOOT/BOOTX64.EFI "
               "EFI/centos/grubx64.efi EFI/BOOT/grubx64.efi");
    v2v_cleanup_free_strv (&c);
    CHECK (v2v_efi_fallback_plan (none, "debian", &c) == V2V_EFI_NO_LOADER);
    CHECK (c == NULL);
  }

  return unit_done ("linux-plan");
}
