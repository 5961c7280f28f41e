/* The RHEL, Fedora and SUSE decisions of a Linux conversion, fed with
 * real files of those distributions (tests/unit/distro-files/, where
 * README.md says where each comes from).  These families cannot be built
 * and booted here; this is what proves their paths.  A variant of a real
 * file (a device name where the original names LVM) is made here in the
 * open, with the change it makes.
 */
#include <errno.h>
#include <sys/wait.h>

#include "internal.h"
#include "unit.h"

/* The fixtures sit beside this source file; make runs the tests from
 * the top of the tree, where __FILE__ is relative to.
 */
static char *
fixture (const char *name)
{
  char path[512], *text;
  const char *slash = strrchr (__FILE__, '/');
  int dlen = slash ? (int) (slash - __FILE__) : 1;

  snprintf (path, sizeof path, "%.*s/distro-files/%s", dlen,
            slash ? __FILE__ : ".", name);
  text = v2v_read_file_tail (path, 65536);
  if (text == NULL) {
    fprintf (stderr, "%s: cannot read: %s\n", path, strerror (errno));
    exit (1);                   /* a missing fixture fails, never skips */
  }
  return text;
}

/* text with every from replaced by to.  Caller frees. */
static char *
replace (const char *text, const char *from, const char *to)
{
  struct v2v_strbuf sb = { 0 };
  const char *p = text, *q;

  while ((q = strstr (p, from)) != NULL) {
    v2v_sb_add (&sb, p, (size_t) (q - p));
    v2v_sb_puts (&sb, to);
    p = q + strlen (from);
  }
  v2v_sb_puts (&sb, p);
  return v2v_sb_finish (&sb);
}

/* What build_devmaps makes for one disk: sda1 /boot, sda2 /, sda3 swap. */
static const struct v2v_devmap map[] = {
  { (char *) "/dev/sda1", (char *) "UUID=0e5f3a59-2f6c-4d2e-8e77-6e1c64a1b001" },
  { (char *) "/dev/sda2", (char *) "UUID=7c3a1c55-6a8e-4f4d-9b7d-1f9e2b7c0002" },
  { (char *) "/dev/sda3", (char *) "UUID=a1b2c3d4-0000-4000-8000-000000000003" },
  { (char *) "/dev/sdb", (char *) "/dev/vdb" },
};
#define NR (sizeof map / sizeof map[0])

static char *
rewrite (const char *text, size_t *changes)
{
  char *out = v2v_rewrite_devices (text, map, NR, changes);

  CHECK (out != NULL);
  return out;
}

/* Names the conversion pins for the files given as path, text pairs. */
static char *
nic_names (const char *const *files)
{
  static char buf[256];
  char **names = NULL;
  size_t nr = 0, i;

  buf[0] = '\0';
  for (i = 0; files[i]; i += 2)
    CHECK (v2v_nic_names_add_file (files[i], files[i + 1], &names, &nr) == 0);
  for (i = 0; i < nr; ++i)
    snprintf (buf + strlen (buf), sizeof buf - strlen (buf), "%s%s",
              i ? " " : "", names[i]);
  v2v_cleanup_free_strv (&names);
  return buf;
}

static void
bls_entries (void)
{
  char *rhel9 = fixture ("rhel9-bls-entry.conf");
  char *rhel8 = fixture ("rhel8-bls-entry.conf");
  char *fc19 = fixture ("fedora19-bls-entry.conf");
  char *sda, *out, *want, name[64];
  size_t changes;

  /* As Anaconda writes them (LVM, UUID, $kernelopts): nothing to do. */
  out = rewrite (rhel9, &changes);
  CHECK (changes == 0);
  CHECK_STR (out, rhel9);
  free (out);
  CHECK (v2v_find_old_devname (rhel9, name, sizeof name) == NULL);
  out = rewrite (rhel8, &changes);
  CHECK (changes == 0);
  CHECK_STR (out, rhel8);
  free (out);
  out = rewrite (fc19, &changes);
  CHECK (changes == 0);
  free (out);

  /* RHEL 9 installed on plain partitions named by device: the options
   * line gets UUID= for root and resume, and nothing else changes.
   */
  sda = replace (rhel9, "root=/dev/mapper/rhel-root", "root=/dev/sda2");
  want = replace (sda, "resume=/dev/mapper/rhel-swap", "resume=/dev/sda3");
  free (sda);
  sda = want;
  CHECK (v2v_find_old_devname (sda, name, sizeof name) != NULL);
  CHECK_STR (name, "/dev/sda2");
  out = rewrite (sda, &changes);
  CHECK (changes == 2);
  want = replace (rhel9, "root=/dev/mapper/rhel-root",
                  "root=UUID=7c3a1c55-6a8e-4f4d-9b7d-1f9e2b7c0002");
  {
    char *w2 = replace (want, "resume=/dev/mapper/rhel-swap",
                        "resume=UUID=a1b2c3d4-0000-4000-8000-000000000003");
    CHECK_STR (out, w2);
    free (w2);
  }
  CHECK (v2v_find_old_devname (out, name, sizeof name) == NULL);
  free (want);
  free (out);
  free (sda);
  free (rhel9);
  free (rhel8);
  free (fc19);
}

/* RHEL 8: the BLS entries say "options $kernelopts"; the command line
 * is in grubenv, a 1024-byte block written by grub-editenv.
 */
static void
grubenv (void)
{
  char *env = fixture ("rhel8-grubenv-sda");
  char *f28 = fixture ("fedora28-grubenv");
  char *out, name[64];
  const char *pad;
  size_t changes;
  bool fits;

  CHECK (strlen (env) == 1024);
  out = v2v_grubenv_rewrite (env, map, NR, &changes, &fits);
  CHECK (fits);
  CHECK (changes == 2);
  CHECK (out && strlen (out) == 1024);
  CHECK_CONTAINS (out, "# GRUB Environment Block\n");
  CHECK_CONTAINS (out, "\nkernelopts=root=UUID=7c3a1c55-6a8e-4f4d-9b7d-"
                  "1f9e2b7c0002 ro crashkernel=auto resume=UUID=a1b2c3d4-"
                  "0000-4000-8000-000000000003 rhgb quiet\nboot_success=0\n#");
  CHECK_CONTAINS (out, "\nsaved_entry=6f9cc9cb7d7845d49698c9537337cedc-"
                  "4.18.0-74.el8.x86_64\n");
  /* the padding shrank by what the names grew: '#' to the end */
  pad = out ? strstr (out, "boot_success=0\n") : NULL;
  CHECK (pad != NULL);
  if (pad) {
    pad += strlen ("boot_success=0\n");
    CHECK (strspn (pad, "#") == strlen (pad));
    CHECK (strlen (pad) + 64 == strlen (strstr (env, "boot_success=0\n") +
                                        strlen ("boot_success=0\n")));
  }
  CHECK (out && v2v_find_old_devname (out, name, sizeof name) == NULL);
  free (out);

  /* a plain rewrite would have grown the block past 1024 bytes */
  out = rewrite (env, &changes);
  CHECK (strlen (out) == 1024 + 64);
  free (out);

  /* Fedora 28 on LVM: untouched */
  out = v2v_grubenv_rewrite (f28, map, NR, &changes, &fits);
  CHECK (fits && changes == 0);
  CHECK_STR (out, f28);
  free (out);

  /* no room left: refused as a whole, the block unchanged */
  {
    char *full = strdup (env);
    char *p = strrchr (full, '\n') + 1;
    memset (p, '#', 40);        /* 40 of padding, 64 needed */
    memmove (p + 40, full + 1024, 1);
    out = v2v_grubenv_rewrite (full, map, NR, &changes, &fits);
    CHECK (!fits && changes == 0);
    CHECK_STR (out, full);
    free (out);
    free (full);
  }
  /* not an environment block: as is */
  out = v2v_grubenv_rewrite ("kernelopts=root=/dev/sda2\n", map, NR,
                             &changes, &fits);
  CHECK (fits && changes == 0);
  CHECK_STR (out, "kernelopts=root=/dev/sda2\n");
  free (out);
  free (env);
  free (f28);
}

/* Which grub.cfg is regenerated with grub2-mkconfig, and with what. */
static void
grub_configs (void)
{
  char *stub = fixture ("almalinux10-efi-grub.cfg");
  char *el6 = fixture ("rhel6-grub.conf");
  char *dflt = fixture ("centos-stream-default-grub");
  char *el8 = fixture ("rhel8-grub.cfg-10_linux_bls");
  char *out, **argv;
  size_t changes;
  bool changed;

  /* RHEL 9 / Fedora 34+ ESP stub: never regenerated, nothing to rename */
  CHECK (!v2v_grub_cfg_has_entries (stub));
  out = rewrite (stub, &changes);
  CHECK (changes == 0);
  free (out);
  CHECK (v2v_grub_cfg_has_entries ("menuentry 'Red Hat' {\n"
                                   "\tlinux16 /vmlinuz-3.10.0 root=x\n}\n"));
  CHECK (v2v_grub_cfg_has_entries ("menuentry 'CentOS' {\n"
                                   "\tlinuxefi /vmlinuz-3.10.0 root=x\n}\n"));
  CHECK (!v2v_grub_cfg_has_entries ("insmod blscfg\nblscfg\n"));
  /* RHEL 8's grub.cfg of BLS menu entries ("\t linux ... $kernelopts"):
   * regenerated, and nothing in it names a disk.
   */
  CHECK (v2v_grub_cfg_has_entries (el8));
  out = rewrite (el8, &changes);
  CHECK (changes == 0);
  free (out);
  argv = v2v_grub_mkconfig_command (true, "/boot/grub2/grub.cfg");
  CHECK_STR (argv[0], "grub2-mkconfig");
  CHECK_STR (argv[2], "/boot/grub2/grub.cfg");
  v2v_cleanup_free_strv (&argv);

  /* RHEL 6, GRUB legacy (/boot/grub/grub.conf): root=UUID= already;
   * only the comment naming the disk grub went to changes (a whole disk
   * has no UUID: its virtio name), harmlessly.
   */
  out = rewrite (el6, &changes);
  CHECK (changes == 1);
  CHECK_CONTAINS (out, "\n#boot=/dev/vdb\n");
  free (out);
  {
    char *sda = replace (el6, "root=UUID=05d8086d-e1b1-4584-a760-"
                         "7fc10a217059", "root=/dev/sda2");
    out = rewrite (sda, &changes);
    CHECK (changes == 2);
    CHECK_CONTAINS (out, "kernel /vmlinuz-2.6.32-220.el6.x86_64 ro "
                    "root=UUID=7c3a1c55-6a8e-4f4d-9b7d-1f9e2b7c0002 "
                    "rd_NO_LUKS");
    CHECK_CONTAINS (out, "\n#boot=/dev/vdb\n");
    free (out);
    free (sda);
  }

  /* CentOS Stream /etc/default/grub: LVM names, UUID not disabled */
  out = rewrite (dflt, &changes);
  CHECK (changes == 0);
  free (out);
  out = v2v_grub_enable_uuid (dflt, &changed);
  CHECK (!changed);
  CHECK_STR (out, dflt);
  free (out);
  {
    char *sda = replace (dflt, "resume=/dev/mapper/cs-swap",
                         "resume=/dev/sda3");
    out = rewrite (sda, &changes);
    CHECK (changes == 1);
    CHECK_CONTAINS (out, " resume=UUID=a1b2c3d4-0000-4000-8000-"
                    "000000000003 rd.lvm.lv=cs/root");
    free (out);
    free (sda);
  }
  free (stub);
  free (el8);
  free (el6);
  free (dflt);
}

/* Which NIC names are pinned to the VM's MACs, from each family's files. */
static void
network (void)
{
  char *ol = fixture ("ol-ifcfg-eth0");
  char *el7 = fixture ("rhel7-ifcfg-eth0");
  char *enp = fixture ("ifcfg-enp134s1f0");
  char *suse = fixture ("suse-ifcfg-eth0");
  char *rules = fixture ("70-persistent-net.rules");
  char *nm = fixture ("nm-keyfile-main-eth0.nmconnection");
  char *s;

  /* RHEL: DEVICE=, and the file's name; NAME="System eth0" is a label */
  {
    const char *f[] = { "/etc/sysconfig/network-scripts/ifcfg-eth0", ol,
                        NULL };
    CHECK_STR (nic_names (f), "eth0");
  }
  {
    const char *f[] = { "/etc/sysconfig/network-scripts/ifcfg-eth0", el7,
                        NULL };
    CHECK_STR (nic_names (f), "eth0");
  }
  /* NAME=eth0 in ifcfg-enp134s1f0 is the connection's name, not its
   * device: pinning "eth0" would rename the NIC away from its config.
   */
  {
    const char *f[] = { "/etc/sysconfig/network-scripts/ifcfg-enp134s1f0",
                        enp, NULL };
    CHECK_STR (nic_names (f), "enp134s1f0");
  }
  /* SUSE wicked: the name is only in the file name */
  {
    const char *f[] = { "/etc/sysconfig/network/ifcfg-eth0", suse, NULL };
    CHECK_STR (nic_names (f), "eth0");
  }
  /* two NICs, in the order of the sorted file names */
  {
    const char *f[] = { "/etc/sysconfig/network-scripts/ifcfg-eth0", el7,
                        "/etc/sysconfig/network-scripts/ifcfg-enp134s1f0",
                        enp, NULL };
    CHECK_STR (nic_names (f), "eth0 enp134s1f0");
  }
  /* NetworkManager: id= is the profile's label ("Main eth0"), not a
   * device; this one goes by its MAC and names no device at all.
   */
  {
    const char *f[] = {
      "/etc/NetworkManager/system-connections/Main.nmconnection", nm, NULL
    };
    CHECK_STR (nic_names (f), "");
  }
  /* ... and in a keyfile found by its [connection] group, the device is
   * interface-name=, whatever the id= says
   */
  {
    const char *f[] = {
      "/etc/NetworkManager/system-connections/x", "[connection]\n"
      "id=System eth0\ninterface-name=ens192\n", NULL
    };
    CHECK_STR (nic_names (f), "ens192");
  }
  /* other files: as before (NAME= there is no ifcfg label) */
  {
    const char *f[] = { "/etc/network/interfaces", "NAME=ens192\n", NULL };
    CHECK_STR (nic_names (f), "ens192");
  }

  /* HWADDR= ties a file's device to a MAC: in lower case, and only a
   * whole address (NetworkManager's mac-address= too).
   */
  {
    char mac[18];
    CHECK_STR (v2v_nic_file_mac (ol, mac, sizeof mac), "08:00:27:16:c3:33");
    CHECK_STR (v2v_nic_file_mac (enp, mac, sizeof mac), "0e:a5:1a:b6:fc:86");
    CHECK (v2v_nic_file_mac (el7, mac, sizeof mac) == NULL);
    CHECK (v2v_nic_file_mac (suse, mac, sizeof mac) == NULL);
    CHECK_STR (v2v_nic_file_mac ("[ethernet]\nmac-address=52:54:00:AB:cd:"
                                 "EF\n", mac, sizeof mac),
               "52:54:00:ab:cd:ef");
    CHECK_STR (v2v_nic_file_mac ("HWADDR=\"00:50:56:9a:00:01\"\n", mac,
                                 sizeof mac), "00:50:56:9a:00:01");
    CHECK (v2v_nic_file_mac ("HWADDR=00:50:56:9a:00:0\n", mac,
                             sizeof mac) == NULL);
    CHECK (v2v_nic_file_mac ("HWADDR=00:50:56:9a:00:011\n", mac,
                             sizeof mac) == NULL);
    CHECK (v2v_nic_file_mac ("#HWADDR=00:50:56:9a:00:01\n", mac,
                             sizeof mac) == NULL);
    CHECK (v2v_nic_file_mac ("HWADDR=00:50:56:9a:00:01\n", mac, 17)
           == NULL);
  }

  /* Two NICs whose files sort the other way round from the .vmx: each
   * name goes to the NIC with its file's HWADDR=, not by order.
   */
  {
    char *names[] = { (char *) "enp134s1f0", (char *) "eth0" };
    char *bn[] = { (char *) "enp134s1f0", (char *) "eth0" };
    char *bm[] = { (char *) "0e:a5:1a:b6:fc:86", (char *) "08:00:27:16:c3:33" };
    char *vm[] = { (char *) "08:00:27:16:c3:33", (char *) "0e:a5:1a:b6:fc:86",
                   (char *) "52:54:00:00:00:03" };
    int order[3];

    v2v_nic_order (names, 2, bn, bm, 2, vm, 3, order);
    CHECK (order[0] == 1 && order[1] == 0 && order[2] == -1);
    /* without HWADDR=: in order */
    v2v_nic_order (names, 2, bn, bm, 0, vm, 3, order);
    CHECK (order[0] == 0 && order[1] == 1 && order[2] == -1);
    /* a MAC the VM does not have: that name goes in order */
    v2v_nic_order (names, 2, bn + 1, bm + 1, 1, vm + 1, 2, order);
    CHECK (order[0] == 0 && order[1] == 1);
    v2v_nic_order (names, 2, bn, bm, 1, vm, 3, order);
    CHECK (order[0] == 1 && order[1] == 0 && order[2] == -1);
    /* fewer NICs than names */
    v2v_nic_order (names, 2, bn, bm, 2, vm + 1, 1, order);
    CHECK (order[0] == 0);
  }

  /* The same from the files, as keep_nic_names reads them (sorted) */
  {
    char **names = NULL, **bn = NULL, **bm = NULL;
    char *vm[] = { (char *) "08:00:27:16:c3:33",
                   (char *) "0e:a5:1a:b6:fc:86" };
    size_t nr = 0, nb = 0;
    int order[2];

    CHECK (v2v_nic_file_add ("/etc/sysconfig/network-scripts/"
                             "ifcfg-enp134s1f0", enp, &names, &nr, &bn, &bm,
                             &nb) == 0);
    CHECK (v2v_nic_file_add ("/etc/sysconfig/network-scripts/ifcfg-eth0", ol,
                             &names, &nr, &bn, &bm, &nb) == 0);
    CHECK (v2v_nic_file_add ("/etc/sysconfig/network/ifcfg-eth0", suse,
                             &names, &nr, &bn, &bm, &nb) == 0);
    CHECK (nr == 2 && nb == 2);
    CHECK_STR (names[0], "enp134s1f0");
    CHECK_STR (names[1], "eth0");
    CHECK_STR (bn[0], "enp134s1f0");
    CHECK_STR (bm[0], "0e:a5:1a:b6:fc:86");
    CHECK_STR (bn[1], "eth0");
    CHECK_STR (bm[1], "08:00:27:16:c3:33");
    v2v_nic_order (names, nr, bn, bm, nb, vm, 2, order);
    CHECK (order[0] == 1 && order[1] == 0);
    v2v_cleanup_free_strv (&names);
    v2v_cleanup_free_strv (&bn);
    v2v_cleanup_free_strv (&bm);
  }

  /* HWADDR= binds the RHEL file to the old MAC, which the conversion
   * keeps (the .vmx's, lower-cased), so the file still applies.  The
   * udev rule for guests without systemd matches ATTR{address} as a
   * string, like the guest's own 70-persistent-net.rules.
   */
  s = v2v_udev_net_rule ("00:26:9e:b5:e1:a4", "eth0");
  CHECK_STR (s, "SUBSYSTEM==\"net\", ACTION==\"add\", "
             "ATTR{address}==\"00:26:9e:b5:e1:a4\", NAME=\"eth0\"\n");
  CHECK_CONTAINS (rules, "SUBSYSTEM==\"net\", ACTION==\"add\", ");
  CHECK_CONTAINS (rules, "ATTR{address}==\"00:26:9e:b5:e1:a4\"");
  CHECK_CONTAINS (rules, "NAME=\"eth0\"\n");
  free (s);
  s = v2v_link_file ("08:00:27:16:c3:33", "eth0");
  CHECK_CONTAINS (s, "MACAddress=08:00:27:16:c3:33\n");
  free (s);
  free (ol);
  free (el7);
  free (enp);
  free (suse);
  free (rules);
  free (nm);
}

/* dracut: chosen for every RHEL and SUSE name libguestfs reports, with a
 * drop-in that dracut.conf(5) accepts, and the initramfs it boots.
 */
static void
dracut (void)
{
  static const char *const families[] = {
    "rhel", "centos", "fedora", "rocky", "almalinux", "oraclelinux",
    "scientificlinux", "circle", "opensuse", "sles", "suse-based", NULL
  };
  char *man = fixture ("dracut.conf.5.excerpt");
  char *conf = v2v_dracut_conf (), **argv;
  const char *path = v2v_dracut_conf_path, *v;
  size_t i;

  for (i = 0; families[i]; ++i) {
    CHECK (v2v_initrd_tool_for (families[i], true, false) ==
           V2V_INITRD_DRACUT);
    /* even if update-initramfs is there too */
    CHECK (v2v_initrd_tool_for (families[i], true, true) ==
           V2V_INITRD_DRACUT);
  }
  /* SLES 11 (mkinitrd) has no dracut: the tool is still dracut, and
   * plan_initrd refuses it as "dracut is missing".
   */
  CHECK (v2v_initrd_tool_for ("sles", false, false) == V2V_INITRD_DRACUT);

  /* "Configuration files must have the extension .conf", in
   * /etc/dracut.conf.d; add_drivers+=" <kernel modules> ": a list with a
   * space at each end, so that it adds to what other files set.
   */
  CHECK_CONTAINS (man, "must have the extension \\&.conf");
  CHECK_CONTAINS (man, "\\fBadd_drivers+=\\fR\"\\ \\&\\fI<kernel modules>"
                  "\\fR\\ \\&\"");
  CHECK (strncmp (path, "/etc/dracut.conf.d/", 19) == 0);
  CHECK (strcmp (path + strlen (path) - 5, ".conf") == 0);
  v = strstr (conf, "\nadd_drivers+=\"");
  CHECK (v != NULL);
  if (v) {
    v += strlen ("\nadd_drivers+=\"");
    CHECK (v[0] == ' ');
    CHECK (strstr (v, " \"\n") != NULL);
    CHECK (strstr (v, ".ko") == NULL);
  }
  /* dracut reads it with bash's "."; with another drop-in before it */
  {
    char cmd[1024], got[512] = "";
    FILE *fp, *tmp = tmpfile ();
    int status;

    CHECK (tmp != NULL);
    if (tmp) {
      fputs (conf, tmp);
      fflush (tmp);
      snprintf (cmd, sizeof cmd, "bash -c 'add_drivers+=\" hv_vmbus \"; "
                ". /dev/fd/3; echo \"[$add_drivers]\"' 3</proc/self/fd/%d",
                fileno (tmp));
      fp = popen (cmd, "r");
      CHECK (fp != NULL);
      if (fp) {
        CHECK (fgets (got, sizeof got, fp) != NULL);
        status = pclose (fp);
        CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
      }
      CHECK_STR (got, "[ hv_vmbus  virtio_pci virtio_blk virtio_scsi "
                 "virtio_net ahci ]\n");
      fclose (tmp);
    }
  }

  /* the initramfs each family boots: RHEL's name, SUSE's name */
  argv = v2v_initrd_command (V2V_INITRD_DRACUT, "5.14.0-362.el9.x86_64",
                             "/boot/initramfs-5.14.0-362.el9.x86_64.img");
  CHECK_STR (argv[0], "dracut");
  CHECK_STR (argv[1], "-f");
  CHECK_STR (argv[2], "/boot/initramfs-5.14.0-362.el9.x86_64.img");
  CHECK_STR (argv[3], "5.14.0-362.el9.x86_64");
  CHECK (argv[4] == NULL);
  v2v_cleanup_free_strv (&argv);
  argv = v2v_initrd_command (V2V_INITRD_DRACUT, "5.14.21-150500.55.19-default",
                             "/boot/initrd-5.14.21-150500.55.19-default");
  CHECK_STR (argv[2], "/boot/initrd-5.14.21-150500.55.19-default");
  v2v_cleanup_free_strv (&argv);
  free (conf);
  free (man);
}

/* UEFI on SUSE: shim-install leaves its shim at the removable path
 * itself, so a fresh KVM domain boots it; nothing is copied.
 */
static void
efi (void)
{
  char *list = fixture ("suse-shim-install-esp.txt");
  char **files = NULL, **copies = NULL, *line, *save = NULL;
  size_t n = 0;

  for (line = strtok_r (list, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save)) {
    if (line[0] == '#')
      continue;
    files = v2v_strv_append (files, line);
    n++;
  }
  CHECK (n == 8);
  CHECK (v2v_efi_fallback_plan (files, "sles", &copies) ==
         V2V_EFI_HAS_FALLBACK);
  CHECK (copies == NULL);
  /* without EFI/boot (removed by hand): SUSE's shim.efi and grub.efi
   * are not names the plan knows, so the guest is refused, not broken.
   */
  {
    char *sles_only[] = { files[3], files[4], files[5], files[6], files[7],
                          NULL };
    CHECK (v2v_efi_fallback_plan (sles_only, "sles", &copies) ==
           V2V_EFI_NO_LOADER);
    CHECK (copies == NULL);
  }
  v2v_cleanup_free_strv (&files);
  free (list);
}

int
main (void)
{
  bls_entries ();
  grubenv ();
  grub_configs ();
  network ();
  dracut ();
  efi ();
  return unit_done ("distro-files");
}
