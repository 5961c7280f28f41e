/* Convert a Linux guest for KVM, inside the overlay:
 *
 *   1. refuse early what cannot boot (no virtio drivers in the kernel; on
 *      UEFI, no loader in the ESP);
 *   2. remove VMware's own Tools (open-vm-tools stays);
 *   3. replace every old disk name in the boot path by UUID= (fstab,
 *      crypttab, resume, /etc/default/grub, BLS entries, grub.cfg) and by
 *      the virtio name where UUID= is not valid (LVM filters);
 *   4. keep NIC names with .link files matching the new MACs;
 *   5. put the virtio drivers in every initramfs and rebuild it;
 *   6. regenerate grub.cfg, then check that no old name is left;
 *   7. UEFI: make the guest boot with empty variables (its loader at the
 *      removable path \EFI\BOOT\BOOTX64.EFI); done first, after step 1.
 *
 * The decisions live in linux_plan.c, devname.c and grub_plan.c (pure,
 * unit-tested); step 4 is linux_nics.c, step 7 linux_efi.c, and every
 * file and command in the guest goes through linux_guest_files.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

/* Files whose disk names may be replaced by UUID=. */
static const char *const uuid_files[] = {
  "/etc/fstab", "/etc/crypttab", "/etc/default/grub",
  "/etc/initramfs-tools/conf.d/resume", "/etc/kernel/cmdline",
  "/etc/uswsusp.conf", "/boot/loader/entries/*.conf",
  "/etc/dracut.conf.d/*.conf", "/boot/grub/grub.conf", "/boot/grub/menu.lst",
  NULL
};
/* Files where only a device path is valid. */
static const char *const rename_files[] = {
  "/etc/lvm/lvm.conf", NULL
};
/* GRUB environment blocks: RHEL 8's kernelopts=root=... */
static const char *const grubenv_files[] = {
  "/boot/grub2/grubenv", "/boot/grub/grubenv", "/boot/efi/EFI/*/grubenv",
  NULL
};
static const char *const grub_cfgs[] = {
  "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg", "/boot/efi/EFI/*/grub.cfg",
  NULL
};

/* Commands that run in the guest at the same time (the initramfs
 * rebuilds and grub-mkconfig: each writes a new file and renames it, and
 * grub-mkconfig needs only the names of the initramfs files).  Under
 * software emulation this saves the whole grub-mkconfig time.
 */
struct jobs {
  char **argv[16];
  char *what[16];
  bool must_succeed[16];
  size_t n;
};

/* Takes argv and what (freed by free_jobs). */
static int
add_job (struct jobs *j, char **argv, char *what, bool must_succeed)
{
  if (argv == NULL || what == NULL || j->n == 16) {
    v2v_cleanup_free_strv (&argv);
    free (what);
    v2v_error (j->n == 16 ? "too many kernels and boot loader files"
               : "out of memory");
    return -1;
  }
  j->argv[j->n] = argv;
  j->what[j->n] = what;
  j->must_succeed[j->n++] = must_succeed;
  return 0;
}

static void
free_jobs (struct jobs *j)
{
  size_t i;

  for (i = 0; i < j->n; ++i) {
    v2v_cleanup_free_strv (&j->argv[i]);
    free (j->what[i]);
  }
  j->n = 0;
}

/* Run every job at once in the guest; a failed job that must succeed is
 * an error (with its output), any other a warning.
 */
static int
run_jobs (struct run *run, struct jobs *j)
{
  CLEANUP_FREE char *script = NULL, *out = NULL;
  char *argv[] = { (char *) "/bin/sh", (char *) "-c", NULL, NULL };
  size_t i;
  int ret = 0;

  if (j->n == 0)
    return 0;
  for (i = 0; i < j->n; ++i)
    v2v_info (run, "%s (%s)", j->what[i], j->argv[i][0]);
  script = v2v_parallel_script (j->argv, j->n, "/tmp/v2vboot-job");
  if (script == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  argv[2] = script;
  out = guestfs_command (run->g, argv);
  if (out == NULL)
    return v2v_guestfs_error (run->g, "in the guest, /bin/sh");
  for (i = 0; i < j->n; ++i) {
    CLEANUP_FREE char *log = NULL, *logfile = NULL;
    int status = v2v_parallel_status (out, i);

    if (v2v_asprintf (&logfile, "/tmp/v2vboot-job%zu.log", i) == -1)
      return -1;
    log = v2v_guest_read_text (run->g, logfile);
    guestfs_rm_f (run->g, logfile);
    v2v_debug ("%s: exit %d: %s", j->argv[i][0], status, log ? log : "");
    if (status == 0)
      continue;
    if (j->must_succeed[i] && ret == 0) {
      v2v_error ("in the guest, %s failed (exit %d): %s", j->argv[i][0],
                 status, log ? v2v_last_line (log) : "");
      ret = -1;
    }
    else if (!j->must_succeed[i])
      v2v_warning (run, "in the guest, %s failed (exit %d): %s; its disk "
                   "names were replaced instead", j->argv[i][0], status,
                   log ? v2v_last_line (log) : "");
  }
  return ret;
}

static void
free_devmap (struct v2v_devmap *map, size_t nr)
{
  size_t i;

  for (i = 0; i < nr; ++i) {
    free (map[i].old);
    free (map[i].new);
  }
  free (map);
}

DEFINE_VECTOR_TYPE (devmap_vector, struct v2v_devmap);

static int
add_mapping (struct devmap_vector *map, const char *old, const char *new)
{
  struct v2v_devmap m = { strdup (old), strdup (new) };

  if (!m.old || !m.new || devmap_vector_append (map, m) == -1) {
    free (m.old);
    free (m.new);
    return -1;
  }
  return 0;
}

/* Build both maps: old name -> UUID= (or the virtio name when the device
 * has no UUID), and old name -> virtio name.  The appliance sees disk i as
 * /dev/sdX like the VMware guest did, so its names are the old names.
 */
static int
build_devmaps (struct run *run, struct v2v_devmap **umap, size_t *nu,
               struct v2v_devmap **rmap, size_t *nrn)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE_STRV char **devs = guestfs_list_devices (g);
  CLEANUP_FREE_STRV char **parts = guestfs_list_partitions (g);
  char **lists[2] = { devs, parts };
  struct devmap_vector u = VECTOR_INIT, r = VECTOR_INIT;
  size_t l, i;
  int ret = 0;

  if (devs == NULL || parts == NULL)
    return v2v_guestfs_error (g, "list devices");
  for (l = 0; l < 2 && ret == 0; ++l) {
    for (i = 0; lists[l][i]; ++i) {
      const char *dev = lists[l][i];
      CLEANUP_FREE char *uuid = guestfs_vfs_uuid (g, dev);
      CLEANUP_FREE char *vname = v2v_virtio_name (dev,
                                               run->block_driver);
      CLEANUP_FREE char *hd = strdup (dev), *uuid_eq = NULL;
      const char *new;

      if (strncmp (dev, "/dev/sd", 7) != 0 || vname == NULL || hd == NULL)
        continue;
      hd[5] = 'h';
      if ((uuid && uuid[0] && asprintf (&uuid_eq, "UUID=%s", uuid) == -1) ||
          add_mapping (&u, dev, uuid_eq ? uuid_eq : vname) == -1 ||
          add_mapping (&u, hd, uuid_eq ? uuid_eq : vname) == -1 ||
          add_mapping (&r, dev, vname) == -1 ||
          add_mapping (&r, hd, vname) == -1) {
        v2v_error ("out of memory mapping the guest's disk names");
        ret = -1;
        break;
      }
      new = uuid_eq ? uuid_eq : vname;
      v2v_debug ("%s -> %s", dev, new);
    }
  }
  /* Handed over even on error: the caller frees them. */
  *umap = u.ptr;
  *nu = u.len;
  *rmap = r.ptr;
  *nrn = r.len;
  return ret;
}

/* How one kind of file has its disk names rewritten: the new text, with
 * *changes names replaced and *fits false when a name had no room.
 */
typedef char *(*rewrite_fn) (const char *text, const struct v2v_devmap *map,
                             size_t nr, size_t *changes, bool *fits);

static char *
rewrite_text (const char *text, const struct v2v_devmap *map, size_t nr,
              size_t *changes, bool *fits)
{
  *fits = true;
  return v2v_rewrite_devices (text, map, nr, changes);
}

/* Rewrite disk names in every file matching the patterns. */
static int
rewrite_files_with (struct run *run, const char *const *patterns,
                    rewrite_fn rewrite, const struct v2v_devmap *map,
                    size_t nr)
{
  size_t p, i;

  for (p = 0; patterns[p]; ++p) {
    CLEANUP_FREE_STRV char **files =
      v2v_guest_glob_files (run->g, patterns[p]);

    for (i = 0; files && files[i]; ++i) {
      CLEANUP_FREE char *text = v2v_guest_read_text (run->g, files[i]);
      CLEANUP_FREE char *out = NULL;
      size_t changes;
      bool fits;

      if (text == NULL)
        continue;
      out = rewrite (text, map, nr, &changes, &fits);
      if (out == NULL) {
        v2v_error ("out of memory");
        return -1;
      }
      if (!fits)
        v2v_warning (run, "%s: no room left in GRUB's environment block "
                     "for UUID= names: its disk names were not replaced",
                     files[i]);
      if (changes == 0)
        continue;
      if (v2v_guest_write_text (run, files[i], out) == -1)
        return -1;
      v2v_info (run, "%s: %zu disk name%s replaced", files[i], changes,
                changes == 1 ? "" : "s");
    }
  }
  return 0;
}

static int
rewrite_files (struct run *run, const char *const *patterns,
               const struct v2v_devmap *map, size_t nr)
{
  return rewrite_files_with (run, patterns, rewrite_text, map, nr);
}

/* The environment blocks keep their size (devname.c says why). */
static int
rewrite_grubenvs (struct run *run, const struct v2v_devmap *map, size_t nr)
{
  return rewrite_files_with (run, grubenv_files, v2v_grubenv_rewrite,
                             map, nr);
}

static int
fix_grub_defaults (struct run *run)
{
  CLEANUP_FREE char *text = v2v_guest_read_text (run->g, "/etc/default/grub");
  CLEANUP_FREE char *out = NULL;
  bool changed;

  if (text == NULL)
    return 0;
  out = v2v_grub_enable_uuid (text, &changed);
  if (out == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  if (!changed)
    return 0;
  v2v_info (run, "/etc/default/grub: GRUB_DISABLE_LINUX_UUID turned off so "
            "the kernel finds its root by UUID");
  return v2v_guest_write_text (run, "/etc/default/grub", out);
}

static int
remove_vmware_tools (struct run *run)
{
  guestfs_h *g = run->g;
  struct guestfs_application2_list *apps;
  CLEANUP_FREE_STRVEC struct v2v_string_vector remove = VECTOR_INIT;
  size_t i, n;
  bool rpm;

  if (v2v_guest_exists (g, "/usr/bin/vmware-uninstall-tools.pl")) {
    char *argv[] = { (char *) "/usr/bin/vmware-uninstall-tools.pl", NULL };
    v2v_info (run, "removing VMware Tools (vmware-uninstall-tools.pl)");
    if (v2v_guest_command (run, argv) == -1) {
      v2v_warning (run, "VMware Tools uninstaller failed: %s",
                   v2v_last_error ());
      v2v_clear_error ();
    }
  }
  apps = guestfs_inspect_list_applications2 (g, run->guest.root);
  if (apps == NULL)
    return 0;
  for (i = 0; i < apps->len; ++i)
    if (v2v_is_vmware_tools_package (apps->val[i].app2_name) &&
        v2v_strvec_add (&remove, apps->val[i].app2_name) == -1) {
      guestfs_free_application2_list (apps);
      v2v_error ("out of memory listing VMware Tools packages");
      return -1;
    }
  guestfs_free_application2_list (apps);
  n = remove.len;
  if (n == 0)
    return 0;
  rpm = v2v_guest_exists (g, "/usr/bin/rpm") ||
    v2v_guest_exists (g, "/bin/rpm");
  {
    CLEANUP_FREE char **argv = calloc (n + 4, sizeof (char *));
    size_t k = 0;
    if (argv == NULL) {
      v2v_error ("out of memory");
      return -1;
    }
    argv[k++] = (char *) (rpm ? "rpm" : "dpkg");
    argv[k++] = (char *) (rpm ? "-e" : "--purge");
    if (rpm)
      argv[k++] = (char *) "--nodeps";
    for (i = 0; i < n; ++i)
      argv[k++] = remove.ptr[i];
    v2v_info (run, "removing VMware Tools packages (%s ...)", remove.ptr[0]);
    if (v2v_guest_command (run, argv) == -1) {
      v2v_warning (run, "could not remove VMware Tools: %s",
                   v2v_last_error ());
      v2v_clear_error ();
    }
  }
  return 0;
}

static bool
kernel_has_virtio (guestfs_h *g, const char *kver)
{
  return v2v_kernel_has_module (g, kver, "/virtio_blk\\.ko");
}

/* Kernels that can boot: a vmlinuz in /boot with its modules.  NULL
 * (error reported) only when out of memory.
 */
static char **
boot_kernels (struct run *run)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE_STRV char **dirs = guestfs_ls (g, "/lib/modules");
  CLEANUP_FREE_STRVEC struct v2v_string_vector kernels = VECTOR_INIT;
  char **list;
  size_t i;

  for (i = 0; dirs && dirs[i]; ++i) {
    CLEANUP_FREE char *vmlinuz = NULL;
    if (asprintf (&vmlinuz, "/boot/vmlinuz-%s", dirs[i]) == -1 ||
        (v2v_guest_exists (g, vmlinuz) &&
         v2v_strvec_add (&kernels, dirs[i]) == -1))
      goto oom;
  }
  list = v2v_strvec_take (&kernels);
  if (list == NULL)
    goto oom;
  return list;

 oom:
  v2v_error ("out of memory listing the guest's kernels");
  return NULL;
}

static char *
existing_initrd (guestfs_h *g, enum v2v_initrd_tool tool, const char *kver)
{
  const char *const debian[] = { "/boot/initrd.img-%s", NULL };
  const char *const dracut[] = { "/boot/initramfs-%s.img", "/boot/initrd-%s",
                                 NULL };
  const char *const *fmts = tool == V2V_INITRD_DRACUT ? dracut : debian;
  size_t i;

  for (i = 0; fmts[i]; ++i) {
    char *path;
    if (v2v_asprintf (&path, fmts[i], kver) == -1)
      return NULL;
    if (v2v_guest_exists (g, path))
      return path;
    free (path);
  }
  return NULL;
}

/* Check before changing anything: which tool, which kernels, virtio. */
static int
plan_initrd (struct run *run, enum v2v_initrd_tool *tool, char ***kernels)
{
  guestfs_h *g = run->g;
  size_t i;
  bool has_dracut = v2v_guest_exists (g, "/usr/bin/dracut") ||
                    v2v_guest_exists (g, "/sbin/dracut");
  bool has_uit = v2v_guest_exists (g, "/usr/sbin/update-initramfs");

  *tool = v2v_initrd_tool_for (run->guest.distro, has_dracut, has_uit);
  if (*tool == V2V_INITRD_UNKNOWN) {
    v2v_error ("%s: neither dracut nor update-initramfs in the guest: "
               "cannot add the virtio drivers", run->guest.product);
    return -1;
  }
  if ((*tool == V2V_INITRD_DRACUT && !has_dracut) ||
      (*tool == V2V_INITRD_INITRAMFS_TOOLS && !has_uit)) {
    v2v_error ("%s: %s is missing in the guest", run->guest.product,
               *tool == V2V_INITRD_DRACUT ? "dracut" : "update-initramfs");
    return -1;
  }
  *kernels = boot_kernels (run);
  if (*kernels == NULL)
    return -1;
  if ((*kernels)[0] == NULL) {
    v2v_error ("no kernel found in the guest's /boot");
    return -1;
  }
  for (i = 0; (*kernels)[i]; ++i) {
    if (!kernel_has_virtio (g, (*kernels)[i])) {
      v2v_error ("guest kernel %s has no virtio_blk driver: update the "
                 "guest's kernel on VMware, then convert", (*kernels)[i]);
      return -1;
    }
  }
  return 0;
}

static int
add_virtio_to_initrd (struct run *run, enum v2v_initrd_tool tool,
                      char **kernels, struct jobs *jobs)
{
  guestfs_h *g = run->g;
  size_t i;

  if (tool == V2V_INITRD_INITRAMFS_TOOLS) {
    const char *path = "/etc/initramfs-tools/modules";
    CLEANUP_FREE char *text = v2v_guest_exists (g, path)
      ? v2v_guest_read_text (g, path) : strdup ("");
    CLEANUP_FREE char *out = NULL;
    bool changed;

    if (text == NULL)
      return v2v_guestfs_error (g, path);
    out = v2v_initramfs_modules_add (text, &changed);
    if (out == NULL)
      return v2v_oom ();
    if (changed && v2v_guest_write_text (run, path, out) == -1)
      return -1;
  }
  else {
    CLEANUP_FREE char *conf = v2v_dracut_conf ();
    if (conf == NULL)
      return v2v_oom ();
    if (guestfs_mkdir_p (g, "/etc/dracut.conf.d") == -1)
      return v2v_guestfs_error (g, "/etc/dracut.conf.d");
    if (v2v_guest_write_text (run, v2v_dracut_conf_path, conf) == -1)
      return -1;
  }
  for (i = 0; kernels[i]; ++i) {
    CLEANUP_FREE char *initrd = existing_initrd (g, tool, kernels[i]);
    char **argv = v2v_initrd_command (tool, kernels[i], initrd);
    char *what = NULL;

    if (asprintf (&what, "rebuilding the initramfs of %s with virtio drivers",
                  kernels[i]) == -1)
      what = NULL;
    if (add_job (jobs, argv, what, true) == -1)
      return -1;
  }
  return 0;
}

static int
regenerate_grub (struct run *run, struct jobs *jobs)
{
  guestfs_h *g = run->g;
  bool grub2 = v2v_guest_exists (g, "/usr/sbin/grub2-mkconfig") ||
               v2v_guest_exists (g, "/sbin/grub2-mkconfig");
  bool grub = v2v_guest_exists (g, "/usr/sbin/grub-mkconfig");
  size_t p, i;

  for (p = 0; grub_cfgs[p]; ++p) {
    CLEANUP_FREE_STRV char **files = v2v_guest_glob_files (g, grub_cfgs[p]);

    for (i = 0; files && files[i]; ++i) {
      CLEANUP_FREE char *text = v2v_guest_read_text (g, files[i]);
      char *what = NULL;

      if (text == NULL || !v2v_grub_cfg_has_entries (text))
        continue;               /* a stub that loads the real one */
      if (!grub2 && !grub) {
        v2v_warning (run, "%s: no grub-mkconfig in the guest: only its "
                     "disk names were replaced", files[i]);
        continue;
      }
      if (asprintf (&what, "regenerating %s", files[i]) == -1)
        what = NULL;
      if (add_job (jobs, v2v_grub_mkconfig_command (grub2, files[i]), what,
                   false) == -1)
        return -1;
    }
  }
  return 0;
}

/* Last look: name every boot-path file that still has an old disk name. */
static void
verify_boot_path (struct run *run)
{
  const char *const *lists[] = { uuid_files, grub_cfgs, grubenv_files };
  size_t l, p, i;

  for (l = 0; l < 3; ++l) {
    for (p = 0; lists[l][p]; ++p) {
      CLEANUP_FREE_STRV char **files =
        v2v_guest_glob_files (run->g, lists[l][p]);
      for (i = 0; files && files[i]; ++i) {
        CLEANUP_FREE char *text = v2v_guest_read_text (run->g, files[i]);
        char name[64];
        if (text && v2v_find_old_devname (text, name, sizeof name))
          v2v_warning (run, "%s still names %s, which does not exist on "
                       "virtio-blk", files[i], name);
      }
    }
  }
}

static void
selinux_relabel (struct run *run)
{
  CLEANUP_FREE char *text =
    v2v_guest_read_text (run->g, "/etc/selinux/config");

  if (text && (strstr (text, "\nSELINUX=enforcing") ||
               strstr (text, "\nSELINUX=permissive"))) {
    if (guestfs_touch (run->g, "/.autorelabel") == 0)
      v2v_info (run, "SELinux will relabel the files we changed at first "
                "boot");
  }
}

int
v2v_convert_linux (struct run *run)
{
  enum v2v_initrd_tool tool;
  CLEANUP_FREE_STRV char **kernels = NULL;
  struct v2v_devmap *umap = NULL, *rmap = NULL;
  size_t nu = 0, nrn = 0;
  struct jobs jobs = { .n = 0 };
  int ret = -1;

  if (plan_initrd (run, &tool, &kernels) == -1)
    return -1;
  /* The firmware the domain gets, as output.c decides it. */
  if ((run->firmware != V2V_FW_AUTO ? run->firmware
       : run->guest.firmware) == V2V_FW_UEFI &&
      v2v_linux_efi_fallback (run) == -1)
    return -1;
  if (run->cfg->options.keep_vmware_tools)
    v2v_info (run, "VMware Tools left installed (options --keep-vmware-tools)");
  else if (remove_vmware_tools (run) == -1)
    goto out;
  if (build_devmaps (run, &umap, &nu, &rmap, &nrn) == -1 ||
      fix_grub_defaults (run) == -1 ||
      rewrite_files (run, uuid_files, umap, nu) == -1 ||
      rewrite_grubenvs (run, umap, nu) == -1 ||
      rewrite_files (run, rename_files, rmap, nrn) == -1)
    goto out;
  if (v2v_linux_keep_nic_names (run) == -1 ||
      add_virtio_to_initrd (run, tool, kernels, &jobs) == -1 ||
      regenerate_grub (run, &jobs) == -1 ||
      run_jobs (run, &jobs) == -1)
    goto out;
  /* Whatever grub-mkconfig wrote, no old name may survive (RHEL 8's
   * grub2-mkconfig writes kernelopts into grubenv too).
   */
  if (rewrite_files (run, grub_cfgs, umap, nu) == -1 ||
      rewrite_grubenvs (run, umap, nu) == -1)
    goto out;
  verify_boot_path (run);
  v2v_linux_devices (run, kernels);
  selinux_relabel (run);
  ret = 0;
 out:
  free_jobs (&jobs);
  free_devmap (umap, nu);
  free_devmap (rmap, nrn);
  return ret;
}
