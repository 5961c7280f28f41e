/* Report a libguestfs failure: shared by guest/ and convert/, so that
 * they call it one way.
 */


#include <guestfs.h>

#include "internal.h"

/* Report a libguestfs failure in the current stage. */
int
v2v_guestfs_error (guestfs_h *g, const char *what)
{
  const char *err = guestfs_last_error (g);

  v2v_error ("%s: %s", what, err ? err : "failed");
  return -1;
}
