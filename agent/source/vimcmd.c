/* What ESXi's vim-cmd prints, read as data: the VM id of a .vmx in
 * `vim-cmd vmsvc/getallvms`, and the state in `vim-cmd
 * vmsvc/power.getstate ID`.  The text is the remote host's: any bytes,
 * any length (the reader caps it), lines of any shape; only lines that
 * match exactly count.  Pure functions: tests/unit/test-vimcmd.c and the
 * fuzz target tests/fuzz/fuzz-vimcmd.c.
 *
 * VMware's documented formats (ESXi 6.x to 8.x):
 *
 *   Vmid   Name     File                             Guest OS       Version   Annotation
 *   12     web01    [datastore1] web01/web01.vmx     centos7_64Guest vmx-14   free text,
 *   continued annotation lines
 *
 *   Retrieved runtime info
 *   Powered on            (or "Powered off", "Suspended")
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_LINE 4096

/* The next line of text (without its \n and trailing \r, spaces and
 * tabs) into buf: its length, or -1 when it is longer than the buffer or
 * holds a NUL (such a line matches nothing).  *pos moves past it.
 */
static ssize_t
next_line (const char *text, size_t len, size_t *pos, char *buf)
{
  const char *start = text + *pos;
  const char *nl = memchr (start, '\n', len - *pos);
  size_t n = nl ? (size_t) (nl - start) : len - *pos;

  *pos += n + (nl != NULL);
  if (n >= MAX_LINE || memchr (start, '\0', n))
    return -1;
  while (n > 0 && (start[n - 1] == '\r' || start[n - 1] == ' ' ||
                   start[n - 1] == '\t'))
    n--;
  memcpy (buf, start, n);
  buf[n] = '\0';
  return (ssize_t) n;
}

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* The Vmid at the start of a line of getallvms, or 0. */
static long
line_vmid (const char *line)
{
  char *end;
  long id;

  if (line[0] < '0' || line[0] > '9')
    return 0;
  errno = 0;
  id = strtol (line, &end, 10);
  if (errno || id <= 0 || id > 999999999 || !is_blank (*end))
    return 0;
  return id;
}

/* Does line hold vmx ("[ds] ...") as a column: after a blank, then a
 * blank or the end?
 */
static bool
line_has_vmx (const char *line, const char *vmx)
{
  size_t n = strlen (vmx);
  const char *p = line;

  if (vmx[0] != '[')
    return false;
  while (n > 0 && (p = strstr (p, vmx)) != NULL) {
    if (p > line && is_blank (p[-1]) && (p[n] == '\0' || is_blank (p[n])))
      return true;
    p++;
  }
  return false;
}

int
v2v_vimcmd_vmid (const char *text, size_t len, const char *vmx, long *id)
{
  char line[MAX_LINE];
  size_t pos = 0;
  bool header = false;
  int found = 0;

  *id = 0;
  while (pos < len) {
    ssize_t n = next_line (text, len, &pos, line);
    long vmid;

    if (n <= 0)
      continue;
    if (strncmp (line, "Vmid", 4) == 0 && is_blank (line[4]))
      header = true;
    else if (header && (vmid = line_vmid (line)) > 0 &&
             line_has_vmx (line, vmx) && vmid != *id) {
      *id = vmid;
      if (++found > 1)
        break;
    }
  }
  if (found > 1)
    *id = 0;
  return found;
}

int
v2v_vimcmd_power (const char *text, size_t len, enum v2v_power *state)
{
  static const struct { const char *text; enum v2v_power state; } states[] = {
    { "Powered on", V2V_POWER_ON },
    { "Powered off", V2V_POWER_OFF },
    { "Suspended", V2V_POWER_SUSPENDED },
  };
  char line[MAX_LINE];
  size_t pos = 0, i;
  int found = 0;

  *state = V2V_POWER_UNKNOWN;
  while (pos < len) {
    ssize_t n = next_line (text, len, &pos, line);

    for (i = 0; n > 0 && i < sizeof states / sizeof states[0]; ++i) {
      if (strcmp (line, states[i].text) == 0 &&
          (found == 0 || *state != states[i].state)) {
        *state = states[i].state;
        found++;
      }
    }
  }
  if (found != 1) {
    *state = V2V_POWER_UNKNOWN;
    return -1;
  }
  return 0;
}
