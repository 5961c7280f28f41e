/* A shell script that runs several commands at once and reports each
 * one's exit status, and reading those statuses back (pure, unit-tested
 * in test-linux-plan.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Quote s for a POSIX shell: 'it'\''s'. */
static void
add_quoted (struct v2v_strbuf *sb, const char *s)
{
  v2v_sb_puts (sb, "'");
  for (; *s; ++s) {
    if (*s == '\'')
      v2v_sb_puts (sb, "'\\''");
    else
      v2v_sb_add (sb, s, 1);
  }
  v2v_sb_puts (sb, "'");
}

/* A shell script that starts every command at once, each with its output
 * in LOGPREFIX<i>.log, waits for all, and prints "v2vboot-job I STATUS"
 * for each.  Caller frees.
 */
char *
v2v_parallel_script (char **const *argvs, size_t n, const char *logprefix)
{
  struct v2v_strbuf sb = { 0 };
  size_t i, k;

  for (i = 0; i < n; ++i) {
    v2v_sb_puts (&sb, "(");
    for (k = 0; argvs[i][k]; ++k) {
      v2v_sb_puts (&sb, " ");
      add_quoted (&sb, argvs[i][k]);
    }
    v2v_sb_printf (&sb, " ) </dev/null >%s%zu.log 2>&1 &\np%zu=$!\n",
                   logprefix, i, i);
  }
  for (i = 0; i < n; ++i)
    v2v_sb_printf (&sb, "wait $p%zu; echo \"v2vboot-job %zu $?\"\n", i, i);
  return v2v_sb_finish (&sb);
}

/* The exit status of job i in the script's output, or -1 if missing. */
int
v2v_parallel_status (const char *output, size_t i)
{
  char key[48];
  const char *p;
  char *end;
  long v;

  snprintf (key, sizeof key, "v2vboot-job %zu ", i);
  for (p = output; (p = strstr (p, key)) != NULL; p++) {
    if (p != output && p[-1] != '\n')
      continue;
    v = strtol (p + strlen (key), &end, 10);
    if (end != p + strlen (key) && v >= 0 && v <= 255)
      return (int) v;
  }
  return -1;
}
