/* The wizard's answers as a kickstart, printed by the kickstart module's
 * own printer (every value through ks_quote, so it parses back to the
 * same run, or the save fails), with the password (and the guest's LUKS
 * key) in a 0600 file and the trusted SSH host key in a known_hosts file beside
 * it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kickstart.h"
#include "wizard.h"

/* The password in a new 0600 file at path: written beside it under a
 * temporary name (mkostemp: O_EXCL, 0600), then renamed over path.  A
 * link planted at path is never followed (rename replaces the link
 * itself) and no other file is written through; a path that exists and
 * is not a regular file (a symlink, a directory, a fifo) is refused with
 * EEXIST.  A regular file there (the last save, the last run) is
 * replaced.
 */
static int
write_password (const char *path, const char *password)
{
  size_t len = strlen (password);
  char tmp[FIELD + 64];
  struct stat st;
  int fd, e;

  if (lstat (path, &st) == 0 && !S_ISREG (st.st_mode)) {
    errno = EEXIST;
    return -1;
  }
  if ((size_t) snprintf (tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  fd = mkostemp (tmp, O_CLOEXEC);
  if (fd == -1)
    return -1;
  if (fchmod (fd, 0600) == -1 || write (fd, password, len) != (ssize_t) len ||
      write (fd, "\n", 1) != 1)
    goto fail;
  e = close (fd);
  fd = -1;
  if (e == -1 || rename (tmp, path) == -1)
    goto fail;
  return 0;

 fail:
  e = errno;
  if (fd >= 0)
    close (fd);
  unlink (tmp);
  errno = e;
  return -1;
}

/* The wizard's known_hosts (the key the operator trusted) beside the
 * kickstart, so that the saved run verifies the same key.  Returns the
 * new file's path (caller frees) or NULL.
 */
static char *
copy_known_hosts (const char *from, const char *path)
{
  char *to, buf[65536];
  FILE *in = fopen (from, "re"), *out;
  size_t n;

  if (in == NULL || asprintf (&to, "%s.known_hosts", path) == -1) {
    if (in)
      fclose (in);
    return NULL;
  }
  out = fopen (to, "we");
  n = fread (buf, 1, sizeof buf, in);
  fclose (in);
  if (out == NULL || fwrite (buf, 1, n, out) != n || fclose (out) == EOF) {
    free (to);
    return NULL;
  }
  return to;
}

int
ks_write (const struct wizard *w, const char *path, const char *password_file)
{
  char *known = NULL, *luks_file = NULL;
  struct ks_file ks = { 0 };
  struct ks_vm vm = { 0 };
  struct v2v_disk disk = { 0 };
  struct v2v_netmap maps[8];
  struct ks_nic nic = { 0 };
  size_t i;
  char *epath;
  FILE *f;
  int r, dumped;

  wizard_config (w, &ks.base);
  ks.base.source.password = NULL;
  if (w->password[0] && !(w->src_type && w->identity[0])) {
    if (write_password (password_file, w->password) == -1)
      return -1;
    ks.base.source.password_file = (char *) password_file;
  }
  /* The LUKS key the same way, as PATH.luks-key beside the kickstart. */
  ks.base.luks.key = NULL;
  if (w->luks_key[0]) {
    if (asprintf (&luks_file, "%s.luks-key", path) == -1)
      return -1;
    if (write_password (luks_file, w->luks_key) == -1) {
      free (luks_file);
      return -1;
    }
    ks.base.luks.key_file = luks_file;
  }
  if (w->src_type) {
    known = copy_known_hosts (w->known_hosts, path);
    ks.base.source.known_hosts = known;
  }
  vm.vm.vmx = w->vmx[0] ? (char *) w->vmx : NULL;
  vm.vm.name = w->vm_name[0] ? (char *) w->vm_name : NULL;
  if (!w->vmx[0]) {
    disk.path = (char *) w->disk_path;
    vm.disks = &disk;
    vm.nr_disks = 1;
  }
  for (i = 0; i < w->nr_netmaps; ++i) {
    maps[i].from = (char *) w->netmap_from[i];
    maps[i].to = (char *) w->netmap_to[i];
  }
  vm.netmaps = maps;
  vm.nr_netmaps = w->nr_netmaps;
  ks.vms = &vm;
  ks.nr_vms = 1;
  if (w->net_mode) {
    nic.device = w->net_dev[0] ? (char *) w->net_dev : NULL;
    nic.bootproto = w->net_mode == 1 ? KS_BOOT_DHCP : KS_BOOT_STATIC;
    if (w->net_mode == 2) {
      nic.ip = (char *) w->net_ip;
      nic.netmask = (char *) w->net_mask;
      nic.gateway = w->net_gw[0] ? (char *) w->net_gw : NULL;
    }
    nic.nameserver = w->net_dns[0] ? (char *) w->net_dns : NULL;
    ks.nics = &nic;
    ks.nr_nics = 1;
  }
  f = fopen (path, "we");
  if (f == NULL) {
    free (known);
    free (luks_file);
    return -1;
  }
  epath = ks_escape (path, 512);
  fprintf (f, "# Written by the v2vboot %s wizard.  Repeat the run with:\n"
           "#   v2vboot-agent run --kickstart %s\n", V2V_VERSION,
           epath ? epath : "FILE");
  free (epath);
  /* A value that a kickstart cannot hold (a VM found on the datastore
   * whose name has a newline) fails the save: the file would not run
   * what the wizard shows.
   */
  dumped = ks_print_kickstart (&ks, f);
  r = fclose (f);
  free (known);
  free (luks_file);
  if (dumped == -1) {
    unlink (path);
    errno = EINVAL;
    return -1;
  }
  return r == EOF ? -1 : 0;
}
