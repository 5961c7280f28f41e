/* UEFI for the test boot: the same firmware as the defined domain's
 * (OVMF without Secure Boot, see domain_xml.c) and a fresh copy of its
 * variables template, as a new domain gets.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static const char *const pairs[][2] = {
  { "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd" },
  { "/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd" },
  { "/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd" },
};

/* Also for the screenshot, out of the work directory. */
int
v2v_verify_copy_file (const char *from, const char *to)
{
  char buf[65536];
  int in = open (from, O_RDONLY | O_CLOEXEC), out = -1, r = -1;
  ssize_t n;

  if (in == -1)
    goto done;
  out = open (to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out == -1)
    goto done;
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, (size_t) n) != n)
      goto done;
  r = n == 0 ? 0 : -1;
 done:
  if (in >= 0)
    close (in);
  if (out >= 0 && close (out) == -1)
    r = -1;
  return r;
}

/* *code (a system file) and *vars (a copy in the work directory).
 * Caller frees both.  -1 (error set) if no OVMF is installed here.
 */
int
v2v_verify_uefi (struct run *run, char **code, char **vars)
{
  size_t i;

  for (i = 0; i < sizeof pairs / sizeof pairs[0]; ++i) {
    if (access (pairs[i][0], R_OK) != 0 || access (pairs[i][1], R_OK) != 0)
      continue;
    *code = strdup (pairs[i][0]);
    if (*code == NULL ||
        asprintf (vars, "%s/verify-vars.fd", run->workdir) == -1) {
      free (*code);
      *code = *vars = NULL;
      v2v_error ("out of memory");
      return -1;
    }
    if (v2v_verify_copy_file (pairs[i][1], *vars) == -1) {
      v2v_error ("cannot copy %s: %m", pairs[i][1]);
      free (*code);
      free (*vars);
      *code = *vars = NULL;
      return -1;
    }
    return 0;
  }
  v2v_error ("the VM boots with UEFI and no OVMF firmware is installed "
             "here (%s)", pairs[0][0]);
  return -1;
}
