/* The wizard's answers as a kickstart, printed by the kickstart module's
 * own printer (every value through ks_quote, so it parses back to the
 * same run, or the save fails), with the password and the guest's LUKS
 * key each in a 0600 file and the trusted SSH host key in a known_hosts
 * file beside it.
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

/* The VM, its disk (typed by path) and its network maps, copied. */
static int
vm_kickstart (const struct wizard *w, struct ks_file *ks)
{
  struct ks_vm *vm;
  size_t i;

  ks->vms = vm = calloc (1, sizeof *vm);
  if (vm == NULL)
    return -1;
  ks->nr_vms = 1;
  if (wizard_strdup_opt (&vm->vm.vmx, w->vmx) == -1 ||
      wizard_strdup_opt (&vm->vm.name, w->vm_name) == -1)
    return -1;
  if (!w->vmx[0]) {
    vm->disks = calloc (1, sizeof *vm->disks);
    if (vm->disks == NULL)
      return -1;
    vm->nr_disks = 1;
    if (wizard_strdup (&vm->disks[0].path, w->disk_path) == -1)
      return -1;
  }
  if (w->nr_netmaps == 0)
    return 0;
  vm->netmaps = calloc (w->nr_netmaps, sizeof *vm->netmaps);
  if (vm->netmaps == NULL)
    return -1;
  for (i = 0; i < w->nr_netmaps; ++i) {
    vm->nr_netmaps = i + 1;
    if (wizard_strdup (&vm->netmaps[i].from, w->netmap_from[i]) == -1 ||
        wizard_strdup (&vm->netmaps[i].to, w->netmap_to[i]) == -1)
      return -1;
  }
  return 0;
}

/* This host's network, unless it is kept as it is. */
static int
nic_kickstart (const struct wizard *w, struct ks_file *ks)
{
  struct ks_nic *nic;

  if (w->net_mode == NET_KEEP)
    return 0;
  ks->nics = nic = calloc (1, sizeof *nic);
  if (nic == NULL)
    return -1;
  ks->nr_nics = 1;
  nic->bootproto = w->net_mode == NET_DHCP ? KS_BOOT_DHCP : KS_BOOT_STATIC;
  if (wizard_strdup_opt (&nic->device, w->net_dev) == -1 ||
      wizard_strdup_opt (&nic->nameserver, w->net_dns) == -1)
    return -1;
  if (w->net_mode != NET_STATIC)
    return 0;
  return wizard_strdup (&nic->ip, w->net_ip) == -1 ||
    wizard_strdup (&nic->netmask, w->net_mask) == -1 ||
    wizard_strdup_opt (&nic->gateway, w->net_gw) == -1 ? -1 : 0;
}

/* The answers as a kickstart, without the inline password (see
 * write_kickstart).  The caller frees ks with ks_free, also on -1
 * (out of memory).
 */
static int
answers_kickstart (const struct wizard *w, struct ks_file *ks)
{
  char *password;

  if (wizard_config (w, &ks->base) == -1)
    return -1;
  password = ks->base.source.password;
  if (password) {
    explicit_bzero (password, strlen (password));
    free (password);
    ks->base.source.password = NULL;
  }
  if (ks->base.luks.key) {
    explicit_bzero (ks->base.luks.key, strlen (ks->base.luks.key));
    free (ks->base.luks.key);
    ks->base.luks.key = NULL;
  }
  return vm_kickstart (w, ks) == -1 || nic_kickstart (w, ks) == -1 ? -1 : 0;
}

/* Print ks to path.  0, or -1 with errno. */
static int
print_kickstart (const struct ks_file *ks, const char *path)
{
  char *epath;
  FILE *f;
  int r, dumped;

  f = fopen (path, "we");
  if (f == NULL)
    return -1;
  epath = ks_escape (path, 512);
  fprintf (f, "# Written by the v2vboot %s wizard.  Repeat the run with:\n"
           "#   v2vboot-agent run --kickstart %s\n", V2V_VERSION,
           epath ? epath : "FILE");
  free (epath);
  /* A value that a kickstart cannot hold (a VM found on the datastore
   * whose name has a newline) fails the save: the file would not run
   * what the wizard shows.
   */
  dumped = ks_print_kickstart (ks, f);
  r = fclose (f);
  if (dumped == -1) {
    unlink (path);
    errno = EINVAL;
    return -1;
  }
  return r == EOF ? -1 : 0;
}

/* The password goes to password_file and the LUKS key to PATH.luks-key
 * (not into the kickstart); for SSH the wizard's known_hosts is copied
 * beside path.  0, or -1 with errno.
 */
static int
write_kickstart (const struct wizard *w, struct ks_file *ks, const char *path,
                 const char *password_file)
{
  if (answers_kickstart (w, ks) == -1) {
    errno = ENOMEM;
    return -1;
  }
  if (w->password[0] && !(w->src_type == SRC_SSH && w->identity[0])) {
    if (write_password (password_file, w->password) == -1)
      return -1;
    if (wizard_strdup (&ks->base.source.password_file, password_file) == -1)
      return -1;
  }
  if (w->luks_key[0]) {
    if (asprintf (&ks->base.luks.key_file, "%s.luks-key", path) == -1) {
      ks->base.luks.key_file = NULL;
      errno = ENOMEM;
      return -1;
    }
    if (write_password (ks->base.luks.key_file, w->luks_key) == -1)
      return -1;
  }
  if (w->src_type == SRC_SSH) {
    free (ks->base.source.known_hosts);
    ks->base.source.known_hosts = copy_known_hosts (w->known_hosts, path);
  }
  return print_kickstart (ks, path);
}

int
ks_write (const struct wizard *w, const char *path, const char *password_file)
{
  struct ks_file ks = { 0 };
  int r, e;

  r = write_kickstart (w, &ks, path, password_file);
  e = errno;
  ks_free (&ks);
  errno = e;
  return r;
}
