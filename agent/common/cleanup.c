/* Helpers behind the CLEANUP_* attributes of cleanup.h. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/cleanup.h"

void
v2v_cleanup_free (void *ptr)
{
  free (*(void **) ptr);
}

void
v2v_cleanup_free_strv (void *ptr)
{
  char **strv = *(char ***) ptr;
  size_t i;

  if (strv == NULL)
    return;
  for (i = 0; strv[i] != NULL; ++i)
    free (strv[i]);
  free (strv);
}

void
v2v_cleanup_close (void *ptr)
{
  int fd = *(int *) ptr;

  if (fd >= 0)
    close (fd);
}

void
v2v_cleanup_fclose (void *ptr)
{
  FILE *fp = *(FILE **) ptr;

  if (fp)
    fclose (fp);
}
