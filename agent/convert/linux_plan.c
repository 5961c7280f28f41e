/* What a Linux conversion writes and runs, decided from facts about the
 * guest.  Pure functions: convert_linux.c gathers the facts with
 * libguestfs and applies the result; the unit tests check the decisions
 * for Debian, RHEL and SUSE families without a guest.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ahci too: the guest then also boots on SATA (--block-driver=sata). */
const char *const v2v_virtio_modules[] = {
  "virtio_pci", "virtio_blk", "virtio_scsi", "virtio_net", "ahci", NULL
};

enum v2v_initrd_tool
v2v_initrd_tool_for (const char *distro, bool has_dracut,
                     bool has_update_initramfs)
{
  static const char *const debian[] = {
    "debian", "ubuntu", "linuxmint", "kalilinux", NULL
  };
  static const char *const dracut[] = {
    "rhel", "centos", "fedora", "rocky", "almalinux", "oraclelinux",
    "scientificlinux", "circle", "opensuse", "sles", "suse-based", NULL
  };
  size_t i;

  for (i = 0; distro && debian[i]; ++i)
    if (strcmp (distro, debian[i]) == 0)
      return V2V_INITRD_INITRAMFS_TOOLS;
  for (i = 0; distro && dracut[i]; ++i)
    if (strcmp (distro, dracut[i]) == 0)
      return V2V_INITRD_DRACUT;
  if (has_dracut)
    return V2V_INITRD_DRACUT;
  if (has_update_initramfs)
    return V2V_INITRD_INITRAMFS_TOOLS;
  return V2V_INITRD_UNKNOWN;
}

/* /etc/initramfs-tools/modules with every virtio module listed.  Returns
 * new text (caller frees); *changed says whether anything was added.
 */
char *
v2v_initramfs_modules_add (const char *text, bool *changed)
{
  struct v2v_strbuf sb = { 0 };
  size_t i;
  bool header = false;

  *changed = false;
  v2v_sb_puts (&sb, text);
  if (sb.len > 0 && sb.buf[sb.len - 1] != '\n')
    v2v_sb_puts (&sb, "\n");
  for (i = 0; v2v_virtio_modules[i]; ++i) {
    const char *m = v2v_virtio_modules[i];
    const char *p = text;
    bool found = false;

    while (*p && !found) {
      const char *eol = strchrnul (p, '\n');
      const char *q = p + strspn (p, " \t");
      size_t n = strlen (m);
      if (strncmp (q, m, n) == 0 && (q + n == eol || isspace ((unsigned char) q[n])))
        found = true;
      p = *eol ? eol + 1 : eol;
    }
    if (!found) {
      if (!header)
        v2v_sb_puts (&sb, "# v2vboot: virtio drivers to boot on KVM\n");
      header = true;
      v2v_sb_printf (&sb, "%s\n", m);
      *changed = true;
    }
  }
  return v2v_sb_finish (&sb);
}

const char v2v_dracut_conf_path[] = "/etc/dracut.conf.d/v2vboot-virtio.conf";

/* The dracut drop-in that puts the virtio drivers in every initramfs. */
char *
v2v_dracut_conf (void)
{
  struct v2v_strbuf sb = { 0 };
  size_t i;

  v2v_sb_puts (&sb, "# v2vboot: virtio drivers to boot on KVM\n"
               "add_drivers+=\"");
  for (i = 0; v2v_virtio_modules[i]; ++i)
    v2v_sb_printf (&sb, " %s", v2v_virtio_modules[i]);
  v2v_sb_puts (&sb, " \"\n");
  return v2v_sb_finish (&sb);
}

/* The command that rebuilds the initramfs of kernel kver, as a
 * NULL-terminated argv in a static-free strv (caller frees with
 * CLEANUP_FREE_STRV).  initrd is the existing initramfs file in /boot
 * (dracut's naming differs between RHEL and SUSE), or NULL.
 */
char **
v2v_initrd_command (enum v2v_initrd_tool tool, const char *kver,
                    const char *initrd)
{
  char **argv = calloc (6, sizeof *argv);
  char *def = NULL;
  size_t n = 0;

  if (argv == NULL)
    return NULL;
  switch (tool) {
  case V2V_INITRD_INITRAMFS_TOOLS:
    argv[n++] = strdup ("update-initramfs");
    argv[n++] = strdup (initrd ? "-u" : "-c");
    argv[n++] = strdup ("-k");
    argv[n++] = strdup (kver);
    break;
  case V2V_INITRD_DRACUT:
    if (initrd == NULL && asprintf (&def, "/boot/initramfs-%s.img", kver) == -1)
      def = NULL;
    argv[n++] = strdup ("dracut");
    argv[n++] = strdup ("-f");
    argv[n++] = initrd ? strdup (initrd) : def;
    argv[n++] = strdup (kver);
    break;
  case V2V_INITRD_UNKNOWN:
    break;
  }
  for (size_t i = 0; i < n; ++i) {
    if (argv[i] == NULL) {
      for (size_t j = 0; j < n; ++j)
        free (argv[j]);
      free (argv);
      return NULL;
    }
  }
  return argv;
}

/* Is name a NIC name the VMware guest used: ethN, ensN, enoN, enpXsY...? */
static size_t
nic_name_at (const char *s, const char *p)
{
  static const char *const prefixes[] = { "eth", "ens", "eno", "enp", NULL };
  size_t i, n;

  if (p > s && (isalnum ((unsigned char) p[-1]) || p[-1] == '_' ||
                p[-1] == '-' || p[-1] == '/' || p[-1] == '.'))
    return 0;
  for (i = 0; prefixes[i]; ++i)
    if (strncmp (p, prefixes[i], 3) == 0)
      break;
  if (prefixes[i] == NULL || !isdigit ((unsigned char) p[3]))
    return 0;
  n = 3;
  while (isalnum ((unsigned char) p[n]))
    n++;
  if (p[n] == '_' || p[n] == '-' || p[n] == '.' || n > 15)
    return 0;
  return n;
}

static bool
has_name (char *const *names, size_t nr, const char *p, size_t n)
{
  size_t i;

  for (i = 0; i < nr; ++i)
    if (strlen (names[i]) == n && strncmp (names[i], p, n) == 0)
      return true;
  return false;
}

/* Add every NIC name in text to *names (a NULL-terminated list the caller
 * frees), in order of first appearance, without duplicates.  The new
 * names are gathered first, so *names grows once per text.  -1 when out
 * of memory, with *names as it was.
 */
int
v2v_nic_names_add (const char *text, char ***names, size_t *nr)
{
  CLEANUP_FREE_STRVEC struct v2v_string_vector found = VECTOR_INIT;
  const char *p;
  char **nn;

  for (p = text; *p; ++p) {
    size_t n = nic_name_at (text, p);
    CLEANUP_FREE char *name = NULL;

    if (n == 0)
      continue;
    if (!has_name (*names, *nr, p, n) &&
        !has_name (found.ptr, found.len, p, n) &&
        ((name = strndup (p, n)) == NULL ||
         v2v_strvec_add (&found, name) == -1))
      return -1;
    p += n - 1;
  }
  if (found.len == 0)
    return 0;
  if (*nr > SIZE_MAX / sizeof *nn - found.len - 1)
    return -1;
  nn = realloc (*names, (*nr + found.len + 1) * sizeof *nn);
  if (nn == NULL)
    return -1;
  /* The strings move over; found keeps none. */
  memcpy (nn + *nr, found.ptr, found.len * sizeof *nn);
  *nr += found.len;
  nn[*nr] = NULL;
  *names = nn;
  v2v_string_vector_reset (&found);
  return 0;
}

/* Whether text is a NetworkManager keyfile: a [connection] group. */
static bool
is_nm_keyfile (const char *path, const char *text)
{
  size_t n = strlen (path);
  const char *p;

  if (n >= 13 && strcmp (path + n - 13, ".nmconnection") == 0)
    return true;
  for (p = text; (p = strstr (p, "[connection]")) != NULL; ++p)
    if (p == text || p[-1] == '\n')
      return true;
  return false;
}

/* The same for one configuration file at path.  An ifcfg-NAME file
 * names its device in its file name: SUSE's wicked files
 * (/etc/sysconfig/network/ifcfg-eth0) often say it nowhere else, and a
 * RHEL one may leave out DEVICE=.  Its NAME= is not a device but a
 * label (RHEL: the connection's name, "System eth0", NAME=eth0 in
 * ifcfg-enp134s1f0; SUSE: a description), so it is not read; nor is a
 * NetworkManager keyfile's id= ("Main eth0" in nm-settings-keyfile(5)'s
 * example, whose profile goes by its mac-address=): its device is in
 * interface-name=.
 */
int
v2v_nic_names_add_file (const char *path, const char *text, char ***names,
                        size_t *nr)
{
  const char *base = strrchr (path, '/'), *p, *label;
  struct v2v_strbuf sb = { 0 };
  CLEANUP_FREE char *rest = NULL;

  base = base ? base + 1 : path;
  if (strncmp (base, "ifcfg-", 6) == 0) {
    if (v2v_nic_names_add (base + 6, names, nr) == -1)
      return -1;
    label = "NAME=";
  }
  else if (is_nm_keyfile (path, text))
    label = "id=";
  else
    return v2v_nic_names_add (text, names, nr);
  for (p = text; *p; ) {
    const char *eol = strchrnul (p, '\n');
    const char *q = p + strspn (p, " \t");

    if (strncmp (q, label, strlen (label)) != 0)
      v2v_sb_add (&sb, p, (size_t) (eol - p));
    v2v_sb_add (&sb, "\n", 1);
    p = *eol ? eol + 1 : eol;
  }
  rest = v2v_sb_finish (&sb);
  if (rest == NULL)
    return -1;
  return v2v_nic_names_add (rest, names, nr);
}

/* The MAC address a NIC configuration file ties its device to: HWADDR=
 * in an ifcfg file, mac-address= in a NetworkManager keyfile; in lower
 * case in buf (18 bytes or more), or NULL.
 */
const char *
v2v_nic_file_mac (const char *text, char *buf, size_t len)
{
  static const char *const keys[] = { "HWADDR=", "mac-address=", NULL };
  const char *p;
  size_t k, i;

  for (p = text; *p; ) {
    const char *eol = strchrnul (p, '\n');
    const char *q = p + strspn (p, " \t");

    for (k = 0; keys[k]; ++k) {
      const char *v = q + strlen (keys[k]);
      if (strncmp (q, keys[k], strlen (keys[k])) != 0)
        continue;
      if (*v == '"' || *v == '\'')
        v++;
      for (i = 0; i < 17; ++i)
        if (i % 3 == 2 ? v[i] != ':' : !isxdigit ((unsigned char) v[i]))
          break;
      if (i < 17 || isxdigit ((unsigned char) v[17]) || v[17] == ':' ||
          len < 18)
        continue;
      for (i = 0; i < 17; ++i)
        buf[i] = (char) tolower ((unsigned char) v[i]);
      buf[17] = '\0';
      return buf;
    }
    p = *eol ? eol + 1 : eol;
  }
  return NULL;
}

/* Add the names of the NIC configuration file at path to *names (as
 * v2v_nic_names_add_file), and when the file names one device and ties
 * it to a MAC, that pair to *bound_names, *bound_macs (*nbound of them;
 * the caller frees all three lists).
 */
int
v2v_nic_file_add (const char *path, const char *text, char ***names,
                  size_t *nr, char ***bound_names, char ***bound_macs,
                  size_t *nbound)
{
  CLEANUP_FREE_STRV char **own = NULL;
  size_t n = 0, k;
  char mac[18];

  if (v2v_nic_names_add_file (path, text, &own, &n) == -1)
    return -1;
  for (k = 0; k < n; ++k)
    if (v2v_nic_names_add (own[k], names, nr) == -1)
      return -1;
  if (n == 1 && v2v_nic_file_mac (text, mac, sizeof mac)) {
    *bound_names = v2v_strv_append (*bound_names, own[0]);
    *bound_macs = v2v_strv_append (*bound_macs, mac);
    if (*bound_names == NULL || *bound_macs == NULL ||
        (*bound_names)[*nbound] == NULL || (*bound_macs)[*nbound] == NULL)
      return -1;
    (*nbound)++;
  }
  return 0;
}

/* Which of names[0..nr) each of the VM's NICs gets: order[j] for the NIC
 * with vm_macs[j], an index into names or -1.  A name that a file ties
 * to a MAC (bound_names[k] to bound_macs[k], lower case) goes to the NIC
 * with that MAC; the others go to the other NICs in order.
 */
void
v2v_nic_order (char *const *names, size_t nr, char *const *bound_names,
               char *const *bound_macs, size_t nbound,
               char *const *vm_macs, size_t nics, int *order)
{
  size_t i, j, k, next = 0;
  bool taken[64] = { false };

  if (nr > 64)
    nr = 64;
  for (j = 0; j < nics; ++j) {
    order[j] = -1;
    for (k = 0; k < nbound && order[j] == -1; ++k) {
      if (strcasecmp (bound_macs[k], vm_macs[j]) != 0)
        continue;
      for (i = 0; i < nr; ++i)
        if (!taken[i] && strcmp (names[i], bound_names[k]) == 0) {
          order[j] = (int) i;
          taken[i] = true;
          break;
        }
    }
  }
  for (j = 0; j < nics; ++j) {
    if (order[j] != -1)
      continue;
    while (next < nr && taken[next])
      next++;
    if (next < nr) {
      order[j] = (int) next;
      taken[next] = true;
    }
  }
}

/* A systemd .link file that gives the NIC with mac its old name. */
char *
v2v_link_file (const char *mac, const char *name)
{
  char *s;

  if (asprintf (&s,
                "# v2vboot: keep the name this NIC had on VMware, so the\n"
                "# guest's network configuration still applies on KVM.\n"
                "[Match]\nMACAddress=%s\n\n[Link]\nName=%s\n", mac, name) == -1)
    return NULL;
  return s;
}

/* The udev rule that does the same on a guest without systemd's udev
 * (RHEL 6, SLES 11): one line, for a rules file that holds every NIC's.
 * udev compares ATTR{address} as a string: mac must be lower case, as
 * the kernel prints it (vmx.c lowers the .vmx's).  Caller frees.
 */
char *
v2v_udev_net_rule (const char *mac, const char *name)
{
  char *s;

  if (asprintf (&s, "SUBSYSTEM==\"net\", ACTION==\"add\", "
                "ATTR{address}==\"%s\", NAME=\"%s\"\n", mac, name) == -1)
    return NULL;
  return s;
}

/* Is this installed package VMware's own Tools (which must go), as opposed
 * to open-vm-tools (which stays harmlessly idle on KVM)?
 */
bool
v2v_is_vmware_tools_package (const char *name)
{
  return strcmp (name, "VMwareTools") == 0 ||
         strncmp (name, "vmware-tools", 12) == 0 ||
         strncmp (name, "kmod-vmware-tools", 17) == 0 ||
         strncmp (name, "vmware-guestproxy", 17) == 0;
}

/* UEFI: a new KVM domain starts with empty firmware variables, so its
 * firmware boots only the removable path \EFI\BOOT\BOOTX64.EFI; the boot
 * entry that named \EFI\<distro>\ stayed in VMware's NVRAM.
 *
 * files are the paths of every file under the ESP, relative to it
 * ("EFI/debian/grubx64.efi"), in the case the guest has them (FAT is
 * case-insensitive, so are the comparisons here).  distro is the
 * inspection's distro name, preferred when several directories hold a
 * loader.  On V2V_EFI_COPY, *copies is a NULL-terminated list of pairs
 * FROM, TO (relative to the ESP; the caller frees it): shim as
 * BOOTX64.EFI with grub and MokManager beside it when the guest boots
 * through shim, else grub as BOOTX64.EFI; grub.cfg too (a signed grub
 * reads its config from its own directory).  shim's fallback (fbx64.efi)
 * is not copied: it would write a boot entry and reset the VM on its
 * first boot, where loading grub directly just boots.
 */
static bool
path_component_eq (const char *path, size_t idx, const char *name,
                   size_t *len)
{
  const char *p = path, *e;

  while (idx-- > 0) {
    p = strchr (p, '/');
    if (p == NULL)
      return false;
    p++;
  }
  e = strchrnul (p, '/');
  if (len)
    *len = (size_t) (e - p);
  return name == NULL ||
         ((size_t) (e - p) == strlen (name) &&
          strncasecmp (p, name, (size_t) (e - p)) == 0);
}

/* Is path exactly EFI/DIR/FILE (any case), with DIR of length dlen at
 * dir (NULL: any directory)?
 */
static bool
is_efi_file (const char *path, const char *dir, size_t dlen,
             const char *file)
{
  size_t n;

  if (!path_component_eq (path, 0, "EFI", NULL))
    return false;
  if (!path_component_eq (path, 1, NULL, &n) || path[4 + n] != '/')
    return false;
  if (dir && (n != dlen || strncasecmp (path + 4, dir, n) != 0))
    return false;
  return strcasecmp (path + 5 + n, file) == 0;
}

/* Append FROM and EFI/BOOT/TO (TO as is if it has a '/') to list. */
static int
append_pair (struct v2v_string_vector *list, const char *from, const char *to)
{
  CLEANUP_FREE char *target = NULL;

  if (strchr (to, '/') == NULL && asprintf (&target, "EFI/BOOT/%s", to) == -1)
    return -1;
  if (v2v_strvec_add (list, from) == -1 ||
      v2v_strvec_add (list, target ? target : to) == -1)
    return -1;
  return 0;
}

enum v2v_efi_fallback
v2v_efi_fallback_plan (char *const *files, const char *distro,
                       char ***copies)
{
  static const char *const loaders[] = { "shimx64.efi", "grubx64.efi", NULL };
  static const char *const beside[] = { "grubx64.efi", "mmx64.efi",
                                        "grub.cfg", NULL };
  const char *dir = NULL;
  size_t dlen = 0, i, l, b;
  int pass;
  bool shim = false;
  CLEANUP_FREE_STRVEC struct v2v_string_vector out = VECTOR_INIT;

  *copies = NULL;
  for (i = 0; files[i]; ++i)
    if (is_efi_file (files[i], "BOOT", 4, "BOOTX64.EFI"))
      return V2V_EFI_HAS_FALLBACK;
  /* The directory to copy from: the distro's own if it has a loader,
   * else the first (in the order given) with one; shim before grub.
   */
  for (pass = 0; pass < 2 && dir == NULL; ++pass) {
    for (l = 0; loaders[l] && dir == NULL; ++l) {
      for (i = 0; files[i] && dir == NULL; ++i) {
        size_t n = 0;
        if (!is_efi_file (files[i], NULL, 0, loaders[l]))
          continue;
        path_component_eq (files[i], 1, NULL, &n);
        if (n == 4 && strncasecmp (files[i] + 4, "BOOT", 4) == 0)
          continue;
        if (pass == 0 && (distro == NULL || strlen (distro) != n ||
                          strncasecmp (files[i] + 4, distro, n) != 0))
          continue;
        dir = files[i] + 4;
        dlen = n;
        shim = l == 0;
      }
    }
  }
  if (dir == NULL)
    return V2V_EFI_NO_LOADER;
  for (i = 0; files[i]; ++i) {
    const char *to = NULL;

    if (is_efi_file (files[i], dir, dlen, shim ? "shimx64.efi" : "grubx64.efi"))
      to = "EFI/BOOT/BOOTX64.EFI";
    for (b = 0; to == NULL && beside[b]; ++b) {
      if ((shim || strcmp (beside[b], "grub.cfg") == 0) &&
          is_efi_file (files[i], dir, dlen, beside[b]))
        to = beside[b];
    }
    if (to == NULL)
      continue;
    if (append_pair (&out, files[i], to) == -1)
      return V2V_EFI_OOM;
  }
  if (out.len > 0 && (*copies = v2v_strvec_take (&out)) == NULL)
    return V2V_EFI_OOM;
  return V2V_EFI_COPY;
}
