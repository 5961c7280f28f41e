/* What the conversion changes for grub, decided from the guest's files
 * (pure, unit-tested): its defaults, and how grub.cfg is regenerated.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* /etc/default/grub: GRUB_DISABLE_LINUX_UUID=true makes grub-mkconfig
 * write the device name the converter sees (root=/dev/sda1), which does
 * not exist on virtio-blk.  Turn it off.  Returns new text (caller frees)
 * and sets *changed.
 */
char *
v2v_grub_enable_uuid (const char *text, bool *changed)
{
  static const char key[] = "GRUB_DISABLE_LINUX_UUID=";
  struct v2v_strbuf sb = { 0 };
  const char *p = text;

  *changed = false;
  while (*p) {
    const char *eol = strchrnul (p, '\n');
    const char *q = p + strspn (p, " \t");
    bool is_key = strncmp (q, key, sizeof key - 1) == 0;
    const char *v = is_key ? q + sizeof key - 1 : q;

    if (is_key &&
        strncmp (v, "false", 5) != 0 && strncmp (v, "\"false\"", 7) != 0) {
      v2v_sb_puts (&sb, "# v2vboot: disk names change on KVM, so the kernel "
                   "must find its root by UUID.\n"
                   "GRUB_DISABLE_LINUX_UUID=false");
      *changed = true;
    }
    else
      v2v_sb_add (&sb, p, (size_t) (eol - p));
    p = eol;
    if (*p == '\n') {
      v2v_sb_add (&sb, "\n", 1);
      p++;
    }
  }
  return v2v_sb_finish (&sb);
}

/* GRUB's environment block (/boot/grub2/grubenv): a signature line,
 * NAME=VALUE lines, then '#' padding up to the block's size (1024 bytes
 * as grub2-editenv creates it; GRUB's save_env rewrites it in place, so
 * the size must stay).  RHEL 8 and Fedora 30 to 33 keep the kernel
 * command line there (kernelopts=root=/dev/sda2 ...), named by every BLS
 * entry as "options $kernelopts".  Replace old disk names in the
 * variables and take the extra length from the padding.  Returns new
 * text (caller frees), NULL when out of memory.  Text that is not an
 * environment block comes back unchanged; so does a block whose padding
 * is too short for the new names, with *fits false.
 */
char *
v2v_grubenv_rewrite (const char *text, const struct v2v_devmap *map,
                     size_t nr, size_t *changes, bool *fits)
{
  static const char sig[] = "# GRUB Environment Block\n";
  size_t len = strlen (text), vars = len, n;
  CLEANUP_FREE char *head = NULL, *out = NULL;

  *changes = 0;
  *fits = true;
  if (strncmp (text, sig, sizeof sig - 1) != 0)
    return strdup (text);
  while (vars > sizeof sig - 1 && text[vars - 1] == '#')
    vars--;
  if (text[vars - 1] != '\n')
    return strdup (text);       /* broken, as GRUB would see it */
  head = strndup (text, vars);
  if (head == NULL)
    return NULL;
  out = v2v_rewrite_devices (head, map, nr, changes);
  if (out == NULL)
    return NULL;
  n = strlen (out);
  if (n > len) {
    *changes = 0;
    *fits = false;
    return strdup (text);
  }
  {
    char *block = malloc (len + 1);
    if (block == NULL)
      return NULL;
    memcpy (block, out, n);
    memset (block + n, '#', len - n);
    block[len] = '\0';
    return block;
  }
}

/* The command that regenerates a grub.cfg at path: grub2-mkconfig where
 * the guest has it (RHEL, SUSE), else grub-mkconfig.
 */
char **
v2v_grub_mkconfig_command (bool has_grub2_mkconfig, const char *path)
{
  char **argv = calloc (4, sizeof *argv);

  if (argv == NULL)
    return NULL;
  argv[0] = strdup (has_grub2_mkconfig ? "grub2-mkconfig" : "grub-mkconfig");
  argv[1] = strdup ("-o");
  argv[2] = strdup (path);
  if (!argv[0] || !argv[1] || !argv[2]) {
    free (argv[0]); free (argv[1]); free (argv[2]); free (argv);
    return NULL;
  }
  return argv;
}

/* Does this grub.cfg boot kernels itself (linux, linux16, linuxefi
 * lines), as opposed to a stub that loads the real one (RHEL 9's and
 * Fedora 34's \EFI\<distro>\grub.cfg: search, set prefix, configfile)
 * or a BLS menu (blscfg)?  Only the former is regenerated: grub2-mkconfig
 * would overwrite a stub with a full config that the signed grub reads
 * from the ESP instead of /boot/grub2/grub.cfg.
 */
bool
v2v_grub_cfg_has_entries (const char *text)
{
  return strstr (text, "\tlinux") || strstr (text, " linux") ||
         strstr (text, "\nlinux");
}
